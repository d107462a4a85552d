using System;
using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Model;
using NormLab.Dsl.Text;

namespace NormLab.Dsl;

/// <summary>
/// What one file cannot see: networks of one namespace and name declared in two files of a project. Each
/// network becomes a C# type of that name, so the build would fail with a duplicate type in generated code.
/// NL0004 (which a file reports for its own duplicates) is reported at every such declaration.
/// </summary>
public static class CrossFileCheck
{
    /// <summary>One NL0004 at each network declared in more than one of <paramref name="results"/> (files in the order given).</summary>
    public static IReadOnlyList<Diagnostic> FindDuplicateNetworks(IEnumerable<CheckResult> results)
    {
        var declarations = new Dictionary<string, List<(CheckResult File, NetworkModel Network)>>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            foreach (var network in result.Networks)
            {
                var key = QualifiedName(network.Namespace, network.Name);
                if (!declarations.TryGetValue(key, out var list))
                {
                    declarations.Add(key, list = new List<(CheckResult, NetworkModel)>());
                }

                list.Add((result, network));
            }
        }

        var diagnostics = new List<Diagnostic>();
        foreach (var list in declarations.Values.Where(l => l.Count > 1))
        {
            for (var i = 0; i < list.Count; i++)
            {
                var (file, network) = list[i];
                var (otherFile, other) = list[i == 0 ? 1 : 0];
                var otherLine = otherFile.Source.GetLinePosition(other.NameSpan.Start).Line + 1;
                var message = DuplicateMessage(network.Name, network.Namespace, otherFile.Source.Path, otherLine);
                diagnostics.Add(new Diagnostic(DiagnosticDescriptors.DuplicateDeclaration, message, file.Source, network.NameSpan));
            }
        }

        return diagnostics;
    }

    /// <summary>The NL0004 message for a network whose name another file (or a <c>[Network]</c> type) declares too.</summary>
    public static string DuplicateMessage(string name, string @namespace, string otherPath, int otherLine) =>
        $"Network '{name}' has the name of the network declared in {otherPath} on line {otherLine} in namespace '{(@namespace.Length == 0 ? "(default)" : @namespace)}'; each network becomes a C# type, rename one of them";

    /// <summary>The C# name of a network's type: <c>Namespace.Name</c>, or <c>Name</c> in the global namespace.</summary>
    public static string QualifiedName(string @namespace, string name) =>
        @namespace.Length == 0 ? name : @namespace + "." + name;
}
