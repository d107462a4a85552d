using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using NormLab.Dsl.Model;
using NormLab.Generator.Helpers;
using NormLab.Generator.Model;

namespace NormLab.Generator.Parsing;

/// <summary>Turns a checked network into the emitter's equatable spec. Translation only: shapes and counts come from the Dsl.</summary>
internal static class SpecBuilder
{
    public static NetworkSpec Build(
        NetworkModel network,
        NetworkOrigin origin,
        string @namespace,
        string accessibility,
        string recordKeyword,
        IEnumerable<ContainingTypeSpec> containingTypes,
        IEnumerable<HyperParameterSpec> hyperParameters,
        string sourcePath,
        int line) => new(
            origin,
            @namespace,
            network.Name,
            accessibility,
            recordKeyword,
            containingTypes.ToEquatableArray(),
            sourcePath,
            line.ToString(CultureInfo.InvariantCulture),
            hyperParameters.ToEquatableArray(),
            network.Input!.Dimensions.ToEquatableArray(),
            network.Output!.Dimensions.ToEquatableArray(),
            network.ParameterCount,
            network.Macs,
            network.AllLayers().Where(l => l.HasModule).Select(ToField).ToEquatableArray(),
            Forward(network.Plan).ToEquatableArray(),
            SummaryTable(network));

    /// <summary>The hyper-parameters of a <c>.normlab</c> network, as properties of the generated record.</summary>
    public static IEnumerable<HyperParameterSpec> TextHyperParameters(NetworkModel network)
    {
        var used = new HashSet<string>(System.StringComparer.Ordinal) { network.Name, "Build", "Summary", "InputShape", "OutputShape", "ParameterCount", "Source", "EqualityContract" };
        foreach (var parameter in network.HyperParameters)
        {
            var property = char.ToUpperInvariant(parameter.Name[0]) + parameter.Name.Substring(1);
            if (!used.Add(property))
            {
                property = "@" + parameter.Name;
                used.Add(parameter.Name);
            }

            var literal = parameter.IsInteger
                ? ((long)parameter.Value).ToString(CultureInfo.InvariantCulture)
                : parameter.Value.ToString("R", CultureInfo.InvariantCulture);
            if (!parameter.IsInteger && !literal.Contains(".") && !literal.Contains("E"))
            {
                literal += ".0";
            }

            yield return new HyperParameterSpec(parameter.Name, property, parameter.IsInteger && System.Math.Abs(parameter.Value) <= int.MaxValue, literal);
        }
    }

    private static FieldSpec ToField(LayerModel layer) => new(
        layer.Name,
        layer.KindName,
        layer.Signature,
        "global::" + layer.Module.TypeName,
        layer.OutputShape.ToString(),
        layer.Parameters);

    /// <summary>The network's forward plan with slot and field names: what the generated <c>forward</c> does, step by step.</summary>
    private static IEnumerable<StepSpec> Forward(ForwardPlan plan) => plan.Steps.Select(step => new StepSpec(
        step.Kind.ToString(),
        plan.Slots[step.Target],
        step.Sources.Select(s => plan.Slots[s]).ToEquatableArray(),
        step.Layer.Name));

    /// <summary>The summary shown on hover: layer, kind, output shape, parameters.</summary>
    public static string SummaryTable(NetworkModel network)
    {
        var rows = new List<(string Layer, string Kind, string Output, string Parameters)>
        {
            ("layer", "kind", "output", "parameters"),
            ("input", string.Empty, network.Input!.ToString(), string.Empty),
        };
        AddRows(network.Layers, 0, rows);
        rows.Add(("total", string.Empty, network.Output!.ToString(), network.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)));
        var widths = new[]
        {
            rows.Max(r => r.Layer.Length),
            rows.Max(r => r.Kind.Length),
            rows.Max(r => r.Output.Length),
            rows.Max(r => r.Parameters.Length),
        };
        var builder = new StringBuilder();
        foreach (var row in rows)
        {
            var line = row.Layer.PadRight(widths[0]) + "  " + row.Kind.PadRight(widths[1]) + "  " +
                row.Output.PadRight(widths[2]) + "  " + row.Parameters.PadLeft(widths[3]);
            builder.Append(line.TrimEnd()).Append('\n');
        }

        return builder.ToString().TrimEnd('\n');
    }

    private static void AddRows(IEnumerable<LayerModel> layers, int depth, List<(string, string, string, string)> rows)
    {
        foreach (var layer in layers)
        {
            var indent = new string(' ', depth * 2);
            rows.Add((indent + layer.Name, layer.WrittenName, layer.OutputShape.ToString(), layer.Parameters.ToString("N0", CultureInfo.InvariantCulture)));
            foreach (var branch in layer.Branches)
            {
                AddRows(branch, depth + 1, rows);
            }

            AddRows(layer.Shortcut, depth + 1, rows);
        }
    }
}
