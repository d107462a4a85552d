using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using NormLab.Dsl.Binding;
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
            network.Layers.Select(ToSpec).ToEquatableArray(),
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

    private static LayerSpec ToSpec(LayerModel layer)
    {
        var (type, method) = FieldType(layer);
        return new LayerSpec(
            layer.Name,
            layer.KindName,
            layer.Name + ":" + layer.KindName + (layer.IsSpatial ? "2d" : "1d"),
            type,
            method,
            layer.OutputShape.ToString(),
            layer.Parameters,
            layer.Branches.SelectMany(b => b).Select(ToSpec).ToEquatableArray(),
            layer.Shortcut.Select(ToSpec).ToEquatableArray());
    }

    /// <summary>The TorchSharp type of a layer's field and the LayerFactory method that creates it.</summary>
    public static (string? Type, string? Method) FieldType(LayerModel layer)
    {
        const string T = "global::TorchSharp.Modules.";
        const string N = "global::NormLab.Runtime.Modules.";
        return layer.Kind switch
        {
            LayerKind.Conv => (T + "Conv2d", "Conv2d"),
            LayerKind.Linear => (T + "Linear", "Linear"),
            LayerKind.BatchNorm => layer.IsSpatial ? (T + "BatchNorm2d", "BatchNorm2d") : (T + "BatchNorm1d", "BatchNorm1d"),
            LayerKind.LayerNorm => (T + "LayerNorm", "LayerNorm"),
            LayerKind.InstanceNorm => (T + "InstanceNorm2d", "InstanceNorm2d"),
            LayerKind.GroupNorm => (T + "GroupNorm", "GroupNorm"),
            LayerKind.ReLU => (T + "ReLU", "ReLU"),
            LayerKind.LeakyReLU => (T + "LeakyReLU", "LeakyReLU"),
            LayerKind.ELU => (T + "ELU", "ELU"),
            LayerKind.PReLU => (T + "PReLU", "PReLU"),
            LayerKind.Sigmoid => (T + "Sigmoid", "Sigmoid"),
            LayerKind.Tanh => (T + "Tanh", "Tanh"),
            LayerKind.Softplus => (T + "Softplus", "Softplus"),
            LayerKind.Swish => (T + "SiLU", "SiLU"),
            LayerKind.GELU => (T + "GELU", "GELU"),
            LayerKind.Mish => (T + "Mish", "Mish"),
            LayerKind.SELU => (T + "SELU", "SELU"),
            LayerKind.ReLU6 => (T + "ReLU6", "ReLU6"),
            LayerKind.Softmax => (T + "Softmax", "Softmax"),
            LayerKind.Maxout => (N + "Maxout", "Maxout"),
            LayerKind.MaxPool => (T + "MaxPool2d", "MaxPool2d"),
            LayerKind.AvgPool => (T + "AvgPool2d", "AvgPool2d"),
            LayerKind.GlobalAvgPool => (N + "GlobalAveragePool", "GlobalAveragePool"),
            LayerKind.GlobalMaxPool => (N + "GlobalMaxPool", "GlobalMaxPool"),
            LayerKind.Flatten => (T + "Flatten", "Flatten"),
            LayerKind.Dropout => (T + "Dropout", "Dropout"),
            LayerKind.Dropout2d => (T + "Dropout2d", "Dropout2d"),
            LayerKind.Identity => (T + "Identity", "Identity"),
            _ => (null, null),
        };
    }

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
