using System;
using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Layers;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Binding;

/// <summary>A layer's arguments: matched to the catalog's parameters, converted and range-checked.</summary>
internal sealed partial class Binder
{
    private BoundLayer BindLayer(LayerDefinition definition, ArgumentListSyntax? arguments, TextSpan span, Scope scope, ExpansionContext context)
    {
        // sized once (every argument and a fixed kernel): a check binds every layer of a file
        var specs = definition.Arguments;
        var values = new Dictionary<string, object?>(specs.Count + 1, StringComparer.Ordinal);
        for (var i = 0; i < specs.Count; i++)
        {
            values[specs[i].Name] = specs[i].Default;
        }

        var biasExplicit = false;
        List<(ArgumentSpec, DeferredValue, TextSpan)>? deferredArguments = null;
        Dictionary<string, (LayerValue Value, TextSpan At)>? layerArguments = null;
        // the arguments given, by their index in the definition (a catalog entry has at most 64)
        var given = 0UL;
        var position = 0;
        var syntaxArguments = arguments?.Arguments ?? Array.Empty<ArgumentSyntax>();
        for (var a = 0; a < syntaxArguments.Count; a++)
        {
            var argument = syntaxArguments[a];
            var at = scope.Locate(argument.Span);
            ArgumentSpec spec;
            int index;
            if (argument.NameToken is null)
            {
                if (position >= specs.Count)
                {
                    context.Diagnostics.ReportTooManyLayerArguments(at, definition.Name, ArgumentNames(definition));
                    continue;
                }

                index = position++;
                spec = specs[index];
            }
            else
            {
                index = definition.IndexOfArgument(argument.Name!);
                if (index < 0)
                {
                    var nameAt = scope.Locate(argument.NameToken.Span);
                    if (definition.FixedKernel is int k && argument.Name == "kernel")
                    {
                        context.Diagnostics.ReportFixedKernel(nameAt, definition.Name, k);
                    }
                    else if (definition.Arguments.Count == 0)
                    {
                        context.Diagnostics.ReportTooManyLayerArguments(nameAt, definition.Name, ArgumentNames(definition));
                    }
                    else
                    {
                        context.Diagnostics.ReportUnknownLayerArgument(nameAt, definition.Name, argument.Name!, ArgumentNames(definition));
                    }

                    continue;
                }

                spec = specs[index];
            }

            if ((given & (1UL << index)) != 0)
            {
                context.Diagnostics.ReportDuplicateLayerArgument(at, definition.Name, spec.Name);
                continue;
            }

            given |= 1UL << index;

            var value = Evaluate(argument.Value, scope, context);
            if (value is ErrorValue)
            {
                context.Incomplete = true; // reported where it arose (often a block's caller): no cascade from the default
                continue;
            }

            if (value is DeferredValue deferred)
            {
                // depends on in_channels: converted when the shape inference reaches the layer
                (deferredArguments ??= new()).Add((spec, deferred, at));
                continue;
            }

            if (spec.Type == ArgumentType.Layer)
            {
                layerArguments ??= new();
                if (value is LayerValue layerValue)
                {
                    layerArguments[spec.Name] = (layerValue, at);
                }
                else
                {
                    context.Diagnostics.ReportNotALayer(at, definition.Name, spec.Name, value);
                }

                continue;
            }

            var converted = Convert(definition, spec, value, at, context.Diagnostics);
            if (converted is not null)
            {
                values[spec.Name] = converted;
                if (spec.Name == "bias" && converted is "true")
                {
                    biasExplicit = true;
                }
            }
        }

        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            if (!spec.Required || (given & (1UL << i)) != 0)
            {
                continue;
            }

            context.Diagnostics.ReportMissingLayerArgument(scope.Locate(span), definition.Name, spec.Name, Example(definition));
            values[spec.Name] = spec.Name == "groups" ? 1 : 1;
        }

        if (definition.FixedKernel is int fixedKernel)
        {
            values["kernel"] = fixedKernel;
        }

        if (definition.Kind.Is(LayerTraits.LocalPooling))
        {
            values["stride"] ??= values["kernel"];
            if (values["padding"] is int padding && values["kernel"] is int kernel && padding > kernel / 2)
            {
                context.Diagnostics.ReportPoolingPaddingTooLarge(scope.Locate(span), definition.Name, padding, kernel);
                values["padding"] = kernel / 2;
            }
        }

        var layer = new BoundLayer(definition, scope.Locate(span), span, scope.BlockPath, values) { BiasExplicit = biasExplicit, Deferred = deferredArguments };
        if (definition.HasLayerArguments)
        {
            foreach (var spec in definition.Arguments)
            {
                if (spec.Type == ArgumentType.Layer)
                {
                    BindInnerLayer(layer, spec, layerArguments, scope, context);
                }
            }
        }

        return layer;
    }

    /// <summary>A layer-valued argument (<c>se</c>'s act and gate): exactly one activation, given or the default.</summary>
    private void BindInnerLayer(BoundLayer layer, ArgumentSpec spec, Dictionary<string, (LayerValue Value, TextSpan At)>? given, Scope scope, ExpansionContext context)
    {
        var inner = new List<BoundLayer>();
        if (given is not null && given.TryGetValue(spec.Name, out var argument))
        {
            var before = context.Diagnostics.Count;
            var nested = new ExpansionContext(context.Diagnostics) { Nesting = context.Nesting, Steps = context.Steps };
            ExpandLayerValue(argument.Value, inner, nested);
            context.Steps = nested.Steps;
            if (inner.Count != 1 || !inner[0].Kind.Is(LayerTraits.Activation))
            {
                if (context.Diagnostics.Count == before)
                {
                    context.Diagnostics.ReportNotALayer(argument.At, layer.Definition.Name, spec.Name, argument.Value);
                }

                inner.Clear();
            }
        }

        if (inner.Count == 0)
        {
            var definition = LayerCatalog.Find((string)spec.Default!)!;
            inner.Add(new BoundLayer(definition, layer.Span, layer.SyntaxSpan, layer.BlockPath, definition.Arguments.ToDictionary(a => a.Name, a => a.Default)));
        }

        layer.Inner[spec.Name] = inner[0];
    }

    /// <summary>The arguments of the definition's example call (<c>32</c>, <c>groups: 8</c>).</summary>
    private static string Example(LayerDefinition definition) => definition.Example.Substring(definition.Name.Length + 1).TrimEnd(')');

    private static string[] ArgumentNames(LayerDefinition definition) => definition.Arguments.Select(a => a.Name).ToArray();

    /// <summary>The argument's value as the layer takes it, or null (reported) when its type or range is wrong.</summary>
    internal static object? Convert(LayerDefinition layer, ArgumentSpec spec, Value value, TextSpan at, DiagnosticBag diagnostics)
    {
        if (spec.AllowsPair && value is DimensionsValue pair)
        {
            if (pair.Dimensions.Length == 2 && pair.Dimensions.All(d => spec.Range is null || spec.Range.Contains(d)))
            {
                return pair.Dimensions;
            }

            diagnostics.ReportBadPair(at, layer.Name, spec.Name, value);
            return null;
        }

        switch (spec.Type)
        {
            case ArgumentType.Symbol:
                if (value is SymbolValue { Name: "all" or "channels" } over)
                {
                    return over.Name;
                }

                diagnostics.ReportBadSymbol(at, layer.Name, spec.Name, "all or channels", value);
                return null;
            case ArgumentType.Integer:
                if (value is NumberValue { IsInteger: true } integer && Math.Abs(integer.Number) <= int.MaxValue)
                {
                    return CheckRange(layer, spec, integer.Number, at, diagnostics) ? (int)integer.Number : null;
                }

                if (value is NumberValue { IsInteger: true } huge)
                {
                    if (CheckRange(layer, spec, huge.Number, at, diagnostics))
                    {
                        diagnostics.ReportArgumentTooLarge(at, layer.Name, spec.Name, huge);
                    }
                }
                else
                {
                    diagnostics.ReportNotWholeNumber(at, layer.Name, spec.Name, value);
                }

                return null;
            case ArgumentType.Float:
                if (value is NumberValue number)
                {
                    return CheckRange(layer, spec, number.Number, at, diagnostics) ? number.Number : null;
                }

                diagnostics.ReportNotNumber(at, layer.Name, spec.Name, value);
                return null;
            case ArgumentType.Boolean:
                if (value is SymbolValue { Name: "true" or "false" } flag)
                {
                    return flag.Name == "true";
                }

                diagnostics.ReportNotBoolean(at, layer.Name, spec.Name, value);
                return null;
            case ArgumentType.Padding:
                if (value is SymbolValue { Name: "same" or "valid" } padding)
                {
                    return padding.Name;
                }

                if (value is NumberValue { IsInteger: true } amount && amount.Number >= 0 && amount.Number <= int.MaxValue)
                {
                    return (int)amount.Number;
                }

                diagnostics.ReportBadPadding(at, layer.Name, value);
                return null;
            case ArgumentType.Bias:
                if (value is SymbolValue { Name: "auto" or "true" or "false" } bias)
                {
                    return bias.Name;
                }

                diagnostics.ReportBadBias(at, layer.Name, value);
                return null;
            default:
                return null;
        }
    }

    /// <summary>True when the value lies in the argument's range (declared with the layer kind); else reports it.</summary>
    private static bool CheckRange(LayerDefinition layer, ArgumentSpec spec, double value, TextSpan at, DiagnosticBag diagnostics)
    {
        if (spec.Range is null || spec.Range.Contains(value))
        {
            return true;
        }

        var name = spec.Name;
        switch (name)
        {
            case "out":
                diagnostics.ReportTooFewOutputs(at, layer.Name, channels: layer.Category == LayerCategory.Convolution, value);
                return false;
            case "kernel" or "stride" or "dilation" or "groups" or "pieces":
                diagnostics.ReportArgumentBelowOne(at, layer.Name, name, value);
                return false;
            case "padding":
                diagnostics.ReportNegativePadding(at, layer.Name, value);
                return false;
            case "p":
                diagnostics.ReportBadProbability(at, layer.Name, value);
                return false;
            case "eps" or "beta":
                diagnostics.ReportNotPositive(at, layer.Name, name, value);
                return false;
            case "momentum":
                diagnostics.ReportMomentumOutOfRange(at, layer.Name, value);
                return false;
            default:
                diagnostics.ReportOutOfRange(at, layer.Name, name, spec.Range.ToString(), value);
                return false;
        }
    }
}
