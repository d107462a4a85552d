using System.Collections.Generic;
using System.Linq;
using NormLab.CodeFixes.Literals;
using NormLab.Dsl;
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
/// The fixes of an inline pipeline, computed on NormLab's own syntax tree of the pipeline text: swap two
/// layers (NL1001), remove <c>bias: true</c> (NL1002), insert <c>flatten</c> (NL2002).
/// </summary>
internal static class PipelineEdits
{
    // the analyzer checks the pipeline inside a network declaration; parse it the same way
    private const string Prefix = "network N(input: 1) {\n";
    private const string Suffix = "\n}\n";

    /// <summary>The fix of diagnostic <paramref name="id"/> reported at the value characters [start, start + length), or null.</summary>
    public static ValueFix? For(string id, string pipeline, int start, int length)
    {
        var (unit, _) = NormLabCompiler.Parse(DslSourceText.From(Prefix + pipeline + Suffix));
        var body = unit.Members.OfType<NetworkDeclarationSyntax>().FirstOrDefault()?.Body;
        if (body is null || !TryFind(body, new DslSpan(start + Prefix.Length, length), out var sequence, out var index))
        {
            return null;
        }

        var layer = (LayerCallSyntax)sequence.Elements[index];
        if (id == FixKeys.NormBeforeActivationId)
        {
            // relu > bn  ->  bn > relu: the two layers trade places, the text between them stays
            if (index == 0 || sequence.Elements[index - 1] is not LayerCallSyntax activation)
            {
                return null;
            }

            return new ValueFix(
                $"Move '{layer.Name}' before '{activation.Name}'",
                new[]
                {
                    Replace(activation.Span, Text(pipeline, layer.Span)),
                    Replace(layer.Span, Text(pipeline, activation.Span)),
                });
        }

        if (id == FixKeys.RemoveBiasId)
        {
            var arguments = layer.Arguments?.Arguments;
            var bias = arguments?.FirstOrDefault(a => a.Name == "bias");
            if (arguments is null || bias is null)
            {
                return null;
            }

            var i = IndexOf(arguments, bias);
            var removed = i > 0
                ? DslSpan.FromBounds(arguments[i - 1].Span.End, bias.Span.End)          // conv(32, bias: true)
                : arguments.Count > 1
                    ? DslSpan.FromBounds(bias.Span.Start, arguments[1].Span.Start)      // conv(bias: true, out: 32)
                    : layer.Arguments!.Span;                                           // conv(bias: true)
            return new ValueFix($"Remove 'bias: true' from '{layer.Name}'", new[] { Replace(removed, string.Empty) });
        }

        if (id == FixKeys.InsertFlattenId)
        {
            return new ValueFix($"Insert 'flatten' before '{layer.Name}'", new[] { Replace(new DslSpan(layer.Span.Start, 0), "flatten > ") });
        }

        return null;
    }

    /// <summary>Finds the layer call with exactly <paramref name="span"/> as an element of a pipeline (top level, group or branch).</summary>
    private static bool TryFind(PipelineSyntax pipeline, DslSpan span, out PipelineSyntax sequence, out int index)
    {
        for (var i = 0; i < pipeline.Elements.Count; i++)
        {
            var element = pipeline.Elements[i];
            if (element is LayerCallSyntax && element.Span == span)
            {
                sequence = pipeline;
                index = i;
                return true;
            }

            foreach (var inner in Children(element))
            {
                if (TryFind(inner, span, out sequence, out index))
                {
                    return true;
                }
            }
        }

        sequence = pipeline;
        index = -1;
        return false;
    }

    private static IEnumerable<PipelineSyntax> Children(ElementSyntax element) => element switch
    {
        GroupSyntax group => new[] { group.Pipeline },
        RepeatSyntax repeat => Children(repeat.Element),
        BranchSyntax branch => branch.Branches,
        _ => Enumerable.Empty<PipelineSyntax>(),
    };

    private static int IndexOf(IReadOnlyList<ArgumentSyntax> arguments, ArgumentSyntax argument)
    {
        for (var i = 0; i < arguments.Count; i++)
        {
            if (ReferenceEquals(arguments[i], argument))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Text(string pipeline, DslSpan span) => pipeline.Substring(span.Start - Prefix.Length, span.Length);

    private static Edit Replace(DslSpan span, string text) => new(span.Start - Prefix.Length, span.Length, text);
}
