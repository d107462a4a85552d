using System;
using System.Collections.Generic;
using NormLab.Dsl.Layers;
using NormLab.Dsl.Binding;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Fixes;

/// <summary>
/// The fixes behind NormLab's quick fixes, written once for every front end: the language server's code
/// actions on <c>.normlab</c> text, and the IDE's code fixes on pipeline strings and layer attributes.
/// NL1001 puts the normalization before the activation written right before it (the two trade places, the
/// text between them stays); NL1002 removes the <c>bias</c> argument with one of its separators; NL2002
/// inserts <c>flatten</c> before the fully connected layer.
/// </summary>
public static class LayerFixes
{
    /// <summary>True for the diagnostics these fixes answer.</summary>
    public static bool CanFix(string id) =>
        id == DiagnosticDescriptors.NormAfterActivation.Id
        || id == DiagnosticDescriptors.BiasBeforeNorm.Id
        || id == DiagnosticDescriptors.MissingFlatten.Id;

    /// <summary>The fix of diagnostic <paramref name="id"/> reported at <c>sequence[index]</c>, or null; <paramref name="text"/> is the text the layers' spans index.</summary>
    public static LayerFix? For(string id, IReadOnlyList<FixLayer> sequence, int index, FixForm form, string text)
    {
        if (index < 0 || index >= sequence.Count)
        {
            return null;
        }

        var layer = sequence[index];
        if (id == DiagnosticDescriptors.NormAfterActivation.Id)
        {
            // relu > bn -> bn > relu: one replacement of both, whatever is written between them stays
            if (index == 0 || sequence[index - 1] is not { IsActivation: not false } activation || activation.Span.End > layer.Span.Start)
            {
                return null;
            }

            var swapped = Text(text, layer.Span) + Text(text, TextSpan.FromBounds(activation.Span.End, layer.Span.Start)) + Text(text, activation.Span);
            return new LayerFix(
                $"Put {form.Quote(layer.Name)} before {form.Quote(activation.Name)}",
                new[] { new TextEdit(TextSpan.FromBounds(activation.Span.Start, layer.Span.End), swapped) });
        }

        if (id == DiagnosticDescriptors.BiasBeforeNorm.Id)
        {
            var arguments = layer.Arguments;
            var bias = -1;
            for (var i = 0; i < arguments.Count && bias < 0; i++)
            {
                if (string.Equals(arguments[i].Name, "bias", StringComparison.OrdinalIgnoreCase))
                {
                    bias = i;
                }
            }

            if (bias < 0 || RemovalOf(arguments, bias, layer.ArgumentList) is not { } removed)
            {
                return null;
            }

            return new LayerFix($"Remove '{form.BiasArgument}' from {form.Quote(layer.Name)}", new[] { new TextEdit(removed, string.Empty) });
        }

        if (id == DiagnosticDescriptors.MissingFlatten.Id)
        {
            return new LayerFix($"Insert {form.Quote(form.FlattenName)} before {form.Quote(layer.Name)}", new[] { new TextEdit(new TextSpan(layer.Span.Start, 0), form.FlattenInsertion) });
        }

        return null;
    }

    /// <summary>The span that removes item <paramref name="index"/> of a comma-separated list and one separator, so the list stays well formed.</summary>
    public static TextSpan? RemovalOf(IReadOnlyList<FixArgument> items, int index, TextSpan? list) =>
        index > 0 ? TextSpan.FromBounds(items[index - 1].Span.End, items[index].Span.End)     // conv(32, bias: true)
        : items.Count > 1 ? TextSpan.FromBounds(items[0].Span.Start, items[1].Span.Start)    // conv(bias: true, out: 32)
        : list;                                                                              // conv(bias: true)

    /// <summary>The fix of a diagnostic reported at a layer call with exactly <paramref name="span"/> in <paramref name="body"/> (or a group or branch in it); <paramref name="text"/> is the text the spans index.</summary>
    public static LayerFix? For(string id, PipelineSyntax body, TextSpan span, string text)
    {
        if (!CanFix(id) || !TryFind(body, span, out var pipeline, out var index))
        {
            return null;
        }

        var call = (LayerCallSyntax)pipeline.Elements[index];
        var definition = LayerCatalog.Find(call.Name);
        if (definition is null || (id == DiagnosticDescriptors.MissingFlatten.Id && definition.Kind != LayerKind.Linear))
        {
            return null;
        }

        var sequence = new List<FixLayer>(2);
        var first = index > 0 && pipeline.Elements[index - 1] is LayerCallSyntax ? index - 1 : index;
        for (var i = first; i <= index; i++)
        {
            sequence.Add(ToFixLayer((LayerCallSyntax)pipeline.Elements[i]));
        }

        return For(id, sequence, sequence.Count - 1, FixForm.Pipeline, text);
    }

    private static string Text(string text, TextSpan span) => text.Substring(span.Start, span.Length);

    private static FixLayer ToFixLayer(LayerCallSyntax call)
    {
        var arguments = new List<FixArgument>();
        if (call.Arguments is { } list)
        {
            foreach (var argument in list.Arguments)
            {
                arguments.Add(new FixArgument(argument.Name, argument.Span));
            }
        }

        return new FixLayer(call.Name, call.Span, arguments, call.Arguments?.Span,
            LayerCatalog.Find(call.Name) is { } definition ? definition.Category == LayerCategory.Activation : null);
    }

    /// <summary>Finds the layer call with exactly <paramref name="span"/> as an element of a pipeline (top level, group, repeat or branch).</summary>
    private static bool TryFind(PipelineSyntax pipeline, TextSpan span, out PipelineSyntax sequence, out int index)
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
        _ => Array.Empty<PipelineSyntax>(),
    };
}
