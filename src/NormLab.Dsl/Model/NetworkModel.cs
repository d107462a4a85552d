using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Shapes;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Model;

/// <summary>A hyper-parameter of a network: its name and value (the default, or an override).</summary>
public sealed class HyperParameter
{
    public HyperParameter(string name, double value, bool isInteger)
    {
        Name = name;
        Value = value;
        IsInteger = isInteger;
    }

    public string Name { get; }

    public double Value { get; }

    public bool IsInteger { get; }

    public override string ToString() => IsInteger
        ? ((long)Value).ToString(System.Globalization.CultureInfo.InvariantCulture)
        : Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One checked network: layers with names and shapes, totals, and its diagnostics.</summary>
public sealed class NetworkModel
{
    internal NetworkModel(string name, string @namespace, TextSpan nameSpan, TextSpan span)
    {
        Name = name;
        Namespace = @namespace;
        NameSpan = nameSpan;
        Span = span;
    }

    public string Name { get; }

    /// <summary>The declared namespace, or the default one (empty when none is known).</summary>
    public string Namespace { get; }

    public TextSpan NameSpan { get; }

    public TextSpan Span { get; }

    /// <summary>The input shape; null when <c>input</c> is missing or malformed.</summary>
    public Shape? Input { get; internal set; }

    public int? Classes { get; internal set; }

    public IReadOnlyList<HyperParameter> HyperParameters { get; internal set; } = new HyperParameter[0];

    /// <summary>The IDs listed in <c>allow</c>.</summary>
    public IReadOnlyList<string> Allowed { get; internal set; } = new string[0];

    /// <summary>The top-level layers in execution order (residuals hold their branches).</summary>
    public IReadOnlyList<LayerModel> Layers { get; internal set; } = new LayerModel[0];

    public Shape? Output { get; internal set; }

    /// <summary>Learnable parameters of every layer (at most <see cref="long.MaxValue"/>: a sum that never throws).</summary>
    public long ParameterCount => Layers.Aggregate(0L, (total, l) => Saturating.Add(total, l.TotalParameters));

    public long Macs => Layers.Aggregate(0L, (total, l) => Saturating.Add(total, l.TotalMacs));

    /// <summary>This network's diagnostics after <c>allow</c> (syntax errors of the file are on <see cref="CheckResult"/>).</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; internal set; } = new Diagnostic[0];

    /// <summary>True when no error stops the network from being built.</summary>
    public bool IsValid => Input is not null && Output is not null && !HasUnlistedErrors && !Diagnostics.Any(d => d.IsError);

    /// <summary>
    /// An error of this network was left out of <see cref="Diagnostics"/>: the file reached its limit of
    /// diagnostics (<see cref="NormLabCompiler.MaxDiagnostics"/>, NL0031).
    /// </summary>
    public bool HasUnlistedErrors { get; internal set; }

    private ForwardPlan? _plan;

    /// <summary>The evaluation order: what runs on which value and how branches join (only for a valid network).</summary>
    public ForwardPlan Plan => _plan ??= ForwardPlan.For(this);

    /// <summary>Every layer, depth first, in execution order: a residual, then its branch, then its shortcut.</summary>
    public IEnumerable<LayerModel> AllLayers() => Flatten(Layers);

    internal static IEnumerable<LayerModel> Flatten(IEnumerable<LayerModel> layers)
    {
        // one list, not an iterator per nesting level (the rules walk every network several times)
        var all = new List<LayerModel>();
        Append(layers, all);
        return all;
    }

    private static void Append(IEnumerable<LayerModel> layers, List<LayerModel> all)
    {
        foreach (var layer in layers)
        {
            all.Add(layer);
            foreach (var branch in layer.Branches)
            {
                Append(branch, all);
            }

            foreach (var inner in layer.Shortcut)
            {
                all.Add(inner);
            }
        }
    }

    public override string ToString() => $"{Name}: {Input} -> {Output}, {ParameterCount} parameters";
}
