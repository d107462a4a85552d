using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NormLab.CodeFixes.Literals;

namespace NormLab.CodeFixes.Fixes;

/// <summary>
/// Computes the fixes of a document's diagnostics as text changes. Diagnostics inside one pipeline literal
/// are combined on the literal's value first (one rewrite of the literal, whatever the number of fixes in
/// it); every other fix is a small set of changes applied together. Fixes that would overlap an earlier one
/// are left for a later pass.
/// </summary>
internal static class NetworkFixer
{
    /// <summary>The fix of one diagnostic, or null when there is none.</summary>
    public static async Task<SourceFix?> FixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var fixes = await FixesAsync(document, new[] { diagnostic }, cancellationToken).ConfigureAwait(false);
        return fixes.Count == 1 ? fixes[0] : null;
    }

    /// <summary>The document with the fixes of <paramref name="diagnostics"/> applied.</summary>
    public static async Task<Document> ApplyAsync(Document document, IEnumerable<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var fixes = await FixesAsync(document, diagnostics, cancellationToken).ConfigureAwait(false);
        var accepted = new List<TextChange>();
        foreach (var fix in fixes.OrderBy(f => f.Changes.Min(c => c.Span.Start)))
        {
            if (!fix.Changes.Any(c => accepted.Any(a => Overlap(a.Span, c.Span))))
            {
                accepted.AddRange(fix.Changes);
            }
        }

        if (accepted.Count == 0)
        {
            return document;
        }

        var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        return document.WithText(text.WithChanges(accepted.OrderBy(c => c.Span.Start).ThenBy(c => c.Span.Length)));
    }

    private static async Task<IReadOnlyList<SourceFix>> FixesAsync(Document document, IEnumerable<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var fixes = new List<SourceFix>();
        if (root is null)
        {
            return fixes;
        }

        var literals = new Dictionary<int, (PipelineLiteral Literal, List<Diagnostic> Diagnostics)>();
        foreach (var diagnostic in diagnostics.Where(d => d.Location.IsInSource && FixKeys.ForId(d.Id) is not null))
        {
            var span = diagnostic.Location.SourceSpan;
            if (PipelineLiteral.At(root, span) is { } literal)
            {
                if (!literals.TryGetValue(literal.Token.SpanStart, out var group))
                {
                    literals[literal.Token.SpanStart] = group = (literal, new List<Diagnostic>());
                }

                group.Diagnostics.Add(diagnostic);
            }
            else if (await AttributeEdits.ForAsync(document, root, diagnostic.Id, span, cancellationToken).ConfigureAwait(false) is { } fix)
            {
                fixes.Add(fix);
            }
        }

        foreach (var (literal, group) in literals.Values)
        {
            if (FixLiteral(literal, group) is { } fix)
            {
                fixes.Add(fix);
            }
        }

        return fixes;
    }

    /// <summary>All the fixes inside one literal, as one rewrite of it.</summary>
    private static SourceFix? FixLiteral(PipelineLiteral literal, IEnumerable<Diagnostic> diagnostics)
    {
        var valueFixes = new List<ValueFix>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            if (!literal.TryGetValueSpan(diagnostic.Location.SourceSpan, out var start, out var length)
                || PipelineEdits.For(diagnostic.Id, literal.Value, start, length) is not { } fix)
            {
                continue;
            }

            if (!fix.Edits.Any(e => valueFixes.SelectMany(f => f.Edits).Any(e.Overlaps)))
            {
                valueFixes.Add(fix);
            }
        }

        if (valueFixes.Count == 0)
        {
            return null;
        }

        var changes = LiteralText.Changes(literal, valueFixes.SelectMany(f => f.Edits).ToList());
        return changes is null ? null : new SourceFix(valueFixes[0].Title, changes);
    }

    /// <summary>Two changes conflict when they overlap, or an insertion falls at or inside the other's span (not at its end).</summary>
    private static bool Overlap(TextSpan a, TextSpan b) =>
        a.OverlapsWith(b) || Inside(a, b) || Inside(b, a);

    private static bool Inside(TextSpan insertion, TextSpan other) =>
        insertion.IsEmpty && insertion.Start >= other.Start && (insertion.Start < other.End || other.IsEmpty && insertion.Start == other.Start);
}
