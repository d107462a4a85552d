using System.Collections.Generic;
using System.Linq;
using NormLab.LanguageServer.Analysis;
using NormLab.Dsl.Binding;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.LanguageServer.Features;

/// <summary>A quick fix: its title, the diagnostic it fixes and its text edits (document positions).</summary>
internal sealed record QuickFix(string Title, Diagnostic Diagnostic, IReadOnlyList<(TextSpan Span, string NewText)> Edits);

/// <summary>
/// Quick fixes, each for a diagnostic reported at a layer written in the network itself (a layer from
/// a block call is fixed in the block, by hand):
/// NL1001 swaps <c>act &gt; norm</c> to <c>norm &gt; act</c>; NL1002 removes <c>bias: true</c>;
/// NL2002 inserts <c>flatten &gt; </c> before the fully connected layer.
/// </summary>
internal static class CodeActionFeature
{
    public static List<QuickFix> QuickFixes(DocumentAnalysis analysis, TextSpan range)
    {
        var fixes = new List<QuickFix>();
        foreach (var diagnostic in analysis.Diagnostics.Where(d => Positions.Touches(d.Span, range)))
        {
            var fix = diagnostic.Id switch
            {
                "NL1001" => SwapActivationAndNorm(analysis, diagnostic),
                "NL1002" => RemoveBias(analysis, diagnostic),
                "NL2002" => InsertFlatten(analysis, diagnostic),
                _ => null,
            };
            if (fix is not null)
            {
                fixes.Add(fix);
            }
        }

        return fixes;
    }

    /// <summary>The pipeline and index of the catalog layer call written exactly at the diagnostic's span.</summary>
    private static (Chunk Chunk, PipelineSyntax Pipeline, int Index, LayerCallSyntax Call)? CallAt(DocumentAnalysis analysis, Diagnostic diagnostic)
    {
        var chunk = analysis.FindChunk(diagnostic.Span.Start);
        if (chunk?.Member is null)
        {
            return null;
        }

        var local = new TextSpan(diagnostic.Span.Start - chunk.Start, diagnostic.Span.Length);
        foreach (var pipeline in SyntaxWalker.DescendantsAndSelf(chunk.Member).OfType<PipelineSyntax>())
        {
            for (var i = 0; i < pipeline.Elements.Count; i++)
            {
                if (pipeline.Elements[i] is LayerCallSyntax call && call.Span == local && LayerCatalog.Find(call.Name) is not null)
                {
                    return (chunk, pipeline, i, call);
                }
            }
        }

        return null;
    }

    private static QuickFix? SwapActivationAndNorm(DocumentAnalysis analysis, Diagnostic diagnostic)
    {
        if (CallAt(analysis, diagnostic) is not var (chunk, pipeline, index, norm) || index == 0
            || pipeline.Elements[index - 1] is not LayerCallSyntax activation
            || LayerCatalog.Find(activation.Name) is not { Category: LayerCategory.Activation })
        {
            return null;
        }

        var text = chunk.Text;
        var between = text.Substring(activation.Span.End, norm.Span.Start - activation.Span.End);
        var replacement = text.Substring(norm.Span.Start, norm.Span.Length) + between + text.Substring(activation.Span.Start, activation.Span.Length);
        var span = chunk.ToDocument(TextSpan.FromBounds(activation.Span.Start, norm.Span.End));
        return new QuickFix($"Put '{norm.Name}' before '{activation.Name}'", diagnostic, new[] { (span, replacement) });
    }

    private static QuickFix? RemoveBias(DocumentAnalysis analysis, Diagnostic diagnostic)
    {
        if (CallAt(analysis, diagnostic) is not var (chunk, _, _, call) || call.Arguments is not { } list)
        {
            return null;
        }

        var arguments = list.Arguments;
        var index = -1;
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i].Name == "bias")
            {
                index = i;
            }
        }

        if (index < 0)
        {
            return null;
        }

        TextSpan remove;
        if (arguments.Count == 1)
        {
            remove = list.Span; // conv(bias: true) cannot happen (out is required), but keep the call valid anyway
        }
        else if (index > 0)
        {
            remove = TextSpan.FromBounds(arguments[index - 1].Span.End, arguments[index].Span.End);
        }
        else
        {
            remove = TextSpan.FromBounds(arguments[0].Span.Start, arguments[1].Span.Start);
        }

        return new QuickFix("Remove 'bias: true' (the normalization after it cancels the bias)", diagnostic, new[] { (chunk.ToDocument(remove), string.Empty) });
    }

    private static QuickFix? InsertFlatten(DocumentAnalysis analysis, Diagnostic diagnostic)
    {
        if (CallAt(analysis, diagnostic) is not var (chunk, _, _, call) || LayerCatalog.Find(call.Name) is not { Kind: LayerKind.Linear })
        {
            return null;
        }

        return new QuickFix($"Insert 'flatten' before '{call.Name}'", diagnostic, new[] { (chunk.ToDocument(new TextSpan(call.Span.Start, 0)), "flatten > ") });
    }
}
