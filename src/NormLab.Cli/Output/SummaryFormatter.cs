using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using NormLab.Dsl.Layers;
using NormLab.Dsl.Model;
using NormLab.Dsl.Text;

namespace NormLab.Cli.Output;

/// <summary>
/// <c>normlab summary</c>: the layer table of each network, like Keras' <c>summary()</c> and
/// torchinfo. Each row holds the layer's own parameters and multiply-accumulates; a residual's branch
/// and projection shortcut follow it, indented, so the rows add up to the totals.
/// </summary>
internal static class SummaryFormatter
{
    private const int BytesPerParameter = 4; // float32

    private static readonly string[] Headers = { "Layer", "Kind", "Output shape", "Parameters", "MACs" };

    public static void WriteText(IReadOnlyList<NetworkModel> networks, TextWriter output)
    {
        for (var i = 0; i < networks.Count; i++)
        {
            if (i > 0)
            {
                output.WriteLine();
            }

            WriteText(networks[i], output);
        }
    }

    public static void WriteJson(IReadOnlyList<NetworkModel> networks, TextWriter output) => JsonOutput.Write(output, writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartArray("networks");
        foreach (var network in networks)
        {
            writer.WriteStartObject();
            writer.WriteString("name", network.Name);
            JsonOutput.WriteShape(writer, "input", network.Input);
            JsonOutput.WriteShape(writer, "output", network.Output);
            writer.WriteNumber("parameters", network.ParameterCount);
            writer.WriteNumber("macs", network.Macs);
            WriteLayers(writer, "layers", network.Layers);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    private static void WriteLayers(Utf8JsonWriter writer, string? name, IEnumerable<LayerModel> layers)
    {
        if (name is null)
        {
            writer.WriteStartArray();
        }
        else
        {
            writer.WriteStartArray(name);
        }

        foreach (var layer in layers)
        {
            writer.WriteStartObject();
            writer.WriteString("name", layer.Name);
            writer.WriteString("kind", layer.KindName);
            JsonOutput.WriteShape(writer, "output", layer.OutputShape);
            writer.WriteNumber("parameters", layer.Parameters);
            writer.WriteNumber("macs", layer.Macs);
            if (layer.Kind == NormLab.Dsl.Layers.LayerKind.Residual)
            {
                WriteLayers(writer, "layers", layer.Branches.SelectMany(b => b));
                WriteLayers(writer, "shortcut", layer.Shortcut);
            }
            else if (layer.Branches.Count > 0)
            {
                // concat, scale, se: one array of layers per branch, in order
                writer.WriteStartArray("branches");
                foreach (var branch in layer.Branches)
                {
                    WriteLayers(writer, null, branch);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteText(NetworkModel network, TextWriter output)
    {
        var title = string.IsNullOrEmpty(network.Namespace) ? network.Name : network.Namespace + "." + network.Name;
        output.WriteLine("Network: " + TerminalText.Escape(title));
        output.WriteLine($"Input: {network.Input}   Output: {network.Output}");
        output.WriteLine();

        var rows = new List<string[]>();
        AddRows(rows, network.Layers, 0);
        var widths = Headers.Select(h => h.Length).ToArray();
        foreach (var row in rows)
        {
            for (var c = 0; c < row.Length; c++)
            {
                widths[c] = System.Math.Max(widths[c], row[c].Length);
            }
        }

        var rule = new string('-', widths.Sum() + (2 * (widths.Length - 1)));
        output.WriteLine(FormatRow(Headers, widths));
        output.WriteLine(rule);
        foreach (var row in rows)
        {
            output.WriteLine(FormatRow(row, widths));
        }

        output.WriteLine(rule);
        output.WriteLine("Total parameters: " + QuantityFormat.FormatCount(network.ParameterCount));
        output.WriteLine($"Total MACs:       {QuantityFormat.FormatCount(network.Macs)} ({QuantityFormat.FormatScaled(network.Macs)}) per sample");
        output.WriteLine($"Parameter memory: {QuantityFormat.FormatBytes(network.ParameterCount * BytesPerParameter)} (float32)");
    }

    private static void AddRows(List<string[]> rows, IEnumerable<LayerModel> layers, int depth)
    {
        var indent = new string(' ', 2 * depth);
        foreach (var layer in layers)
        {
            rows.Add(new[]
            {
                indent + TerminalText.Escape(layer.Name),
                TerminalText.Escape(layer.KindName),
                layer.OutputShape.ToString(),
                layer.Parameters == 0 ? "--" : QuantityFormat.FormatCount(layer.Parameters),
                layer.Macs == 0 ? "--" : QuantityFormat.FormatCount(layer.Macs),
            });
            foreach (var branch in layer.Branches)
            {
                AddRows(rows, branch, depth + 1);
            }

            AddRows(rows, layer.Shortcut, depth + 1);
        }
    }

    /// <summary>Text columns left-aligned, number columns right-aligned, two spaces apart, no trailing blanks.</summary>
    private static string FormatRow(IReadOnlyList<string> cells, IReadOnlyList<int> widths)
    {
        var parts = new string[cells.Count];
        for (var c = 0; c < cells.Count; c++)
        {
            parts[c] = c >= 3 ? cells[c].PadLeft(widths[c]) : cells[c].PadRight(widths[c]);
        }

        return string.Join("  ", parts).TrimEnd();
    }
}
