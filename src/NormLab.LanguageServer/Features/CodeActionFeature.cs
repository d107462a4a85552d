using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Fixes;
using NormLab.Dsl.Text;
using NormLab.LanguageServer.Analysis;

namespace NormLab.LanguageServer.Features;

/// <summary>A quick fix: its title, the diagnostic it fixes and its text edits (document positions).</summary>
internal sealed record QuickFix(string Title, Diagnostic Diagnostic, IReadOnlyList<(TextSpan Span, string NewText)> Edits);

/// <summary>
/// Quick fixes, each for a diagnostic reported at a layer written in the network itself (a layer from
/// a block call is fixed in the block, by hand). What to edit comes from NormLab.Dsl's
/// <see cref="LayerFixes"/>, the same edits the IDE's code fixes make in pipeline strings:
/// NL1001 swaps <c>act &gt; norm</c> to <c>norm &gt; act</c>; NL1002 removes <c>bias: true</c>;
/// NL2002 inserts <c>flatten &gt; </c> before the fully connected layer.
/// </summary>
internal static class CodeActionFeature
{
    public static List<QuickFix> QuickFixes(DocumentAnalysis analysis, TextSpan range)
    {
        var fixes = new List<QuickFix>();
        foreach (var diagnostic in analysis.Diagnostics.Where(d => LayerFixes.CanFix(d.Id) && Positions.Touches(d.Span, range)))
        {
            var chunk = analysis.FindChunk(diagnostic.Span.Start);
            if (chunk?.Member is not { } member)
            {
                continue;
            }

            // the piece's own parse: spans relative to its start
            var local = new TextSpan(diagnostic.Span.Start - chunk.Start, diagnostic.Span.Length);
            if (LayerFixes.For(diagnostic.Id, member.Body, local, chunk.Text) is { } fix)
            {
                fixes.Add(new QuickFix(fix.Title, diagnostic, fix.Edits.Select(e => (chunk.ToDocument(e.Span), e.NewText)).ToArray()));
            }
        }

        return fixes;
    }
}
