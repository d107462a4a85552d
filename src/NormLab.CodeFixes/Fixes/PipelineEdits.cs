using System.Collections.Generic;
using System.Linq;
using NormLab.CodeFixes.Literals;
using NormLab.Dsl;
using NormLab.Dsl.Fixes;
using NormLab.Dsl.Syntax;
using DslSourceText = NormLab.Dsl.Text.SourceText;
using DslSpan = NormLab.Dsl.Text.TextSpan;

namespace NormLab.CodeFixes.Fixes;

/// <summary>One fix as edits of the pipeline text (the literal's value), with its title.</summary>
internal sealed class ValueFix
{
    public ValueFix(string title, IReadOnlyList<Edit> edits)
    {
        Title = title;
        Edits = edits;
    }

    public string Title { get; }

    public IReadOnlyList<Edit> Edits { get; }
}

/// <summary>
/// The fixes of an inline pipeline: NormLab.Dsl's <see cref="LayerFixes"/> (the language server's code actions
/// make the same edits) on NormLab's own syntax tree of the pipeline text, as edits of the literal's value.
/// </summary>
internal static class PipelineEdits
{
    // the analyzer checks the pipeline inside a network declaration; parse it the same way
    private const string Prefix = "network N(input: 1) {\n";
    private const string Suffix = "\n}\n";

    /// <summary>The fix of diagnostic <paramref name="id"/> reported at the value characters [start, start + length), or null.</summary>
    public static ValueFix? For(string id, string pipeline, int start, int length)
    {
        var text = Prefix + pipeline + Suffix;
        var (unit, _) = NormLabCompiler.Parse(DslSourceText.From(text));
        var body = unit.Members.OfType<NetworkDeclarationSyntax>().FirstOrDefault()?.Body;
        if (body is null || LayerFixes.For(id, body, new DslSpan(start + Prefix.Length, length), text) is not { } fix)
        {
            return null;
        }

        return new ValueFix(fix.Title, fix.Edits.Select(e => new Edit(e.Span.Start - Prefix.Length, e.Span.Length, e.NewText)).ToArray());
    }
}
