using System;
using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Syntax;

namespace NormLab.Dsl.Binding;

/// <summary>Declarations: duplicate names and network names that cannot become C# types.</summary>
internal sealed partial class Binder
{
    private static readonly HashSet<string> CSharpKeywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    };

    /// <summary>Members the generator adds to every network's record (a C# type cannot have a member of its own name).</summary>
    private static readonly HashSet<string> GeneratedMemberNames = new(StringComparer.Ordinal)
    {
        "Build", "Summary", "InputShape", "OutputShape", "ParameterCount", "NormLabSource",
    };

    private void DeclareMembers()
    {
        var seen = new Dictionary<string, MemberSyntax>(StringComparer.Ordinal);
        foreach (var member in _unit.Members)
        {
            if (member.Identifier.IsMissing)
            {
                continue;
            }

            if (seen.TryGetValue(member.Name, out var first))
            {
                var line = _fileDiagnostics.Source.GetLinePosition(first.Identifier.Span.Start).Line + 1;
                _fileDiagnostics.ReportDuplicateDeclaration(member.Identifier.Span, member is NetworkDeclarationSyntax, member.Name,
                    first is NetworkDeclarationSyntax, line, DisplayNamespace);
                continue;
            }

            seen.Add(member.Name, member);
            if (member is BlockDeclarationSyntax block)
            {
                if (LayerCatalog.Find(block.Name) is not null)
                {
                    _fileDiagnostics.ReportBlockNamedLikeLayer(block.Identifier.Span, block.Name);
                    continue;
                }

                _blocks.Add(block.Name, block);
            }
        }

        foreach (var member in _unit.Members.OfType<NetworkDeclarationSyntax>())
        {
            CheckTypeName(member, seen);
        }
    }

    private string DisplayNamespace => Namespace.Length == 0 ? "(default)" : Namespace;

    private void CheckTypeName(NetworkDeclarationSyntax network, Dictionary<string, MemberSyntax> declared)
    {
        var name = network.Name;
        if (network.Identifier.IsMissing)
        {
            return;
        }

        if (CSharpKeywords.Contains(name))
        {
            _fileDiagnostics.ReportKeywordNetworkName(network.Identifier.Span, name);
        }
        else if (GeneratedMemberNames.Contains(name))
        {
            _fileDiagnostics.ReportGeneratedMemberNetworkName(network.Identifier.Span, name);
        }
        else if (name.EndsWith("Module", StringComparison.Ordinal) &&
                 declared.TryGetValue(name.Substring(0, name.Length - "Module".Length), out var other) &&
                 other is NetworkDeclarationSyntax)
        {
            _fileDiagnostics.ReportModuleNameClash(network.Identifier.Span, name, other.Name);
        }
        else if (name.StartsWith("__", StringComparison.Ordinal) || name.Any(c => c > 127))
        {
            _fileDiagnostics.ReportNonPortableNetworkName(network.Identifier.Span, name);
        }
    }
}
