using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NormLab.Studies.Reports;

/// <summary>
/// <c>summary.json</c> (studies.md, "summary.json"): the study, then one entry per network and one per comparison
/// against the baseline, with exactly the field names of the design. Accuracies are fractions in 0..1; a number that
/// does not exist (the standard deviation of one run, a target most runs never reached) is <c>null</c>. Every field is
/// a function of <c>study.json</c> and the run files, so a resumed, or sharded and merged, study writes the same file,
/// except <c>imagesPerSecond</c>, which is measured (<see cref="MeasuredFields"/>).
/// </summary>
public static class SummaryJson
{
    public const string FileName = "summary.json";

    /// <summary>Fields whose values are measured (timings), so differ between two runs of the same study.</summary>
    public static readonly string[] MeasuredFields = { "imagesPerSecond" };

    public static string Write(StudyAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        var definition = analysis.Definition;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("study", definition.Name);
            json.WriteString("data", definition.Data);
            json.WriteNumber("seeds", definition.Seeds);
            json.WriteNumber("epochs", definition.Epochs);
            json.WriteStartArray("networks");
            foreach (var network in analysis.Networks)
            {
                json.WriteStartObject();
                json.WriteString("name", network.Name);
                json.WriteNumber("parameters", network.Parameters);
                json.WriteNumber("runs", network.Runs.Count);
                json.WriteNumber("diverged", network.Diverged);
                WriteStatistics(json, "testAccuracy", network.TestAccuracy);
                WriteStatistics(json, "testLoss", network.TestLoss);
                json.WriteStartObject("epochsTo");
                foreach (var (target, epochs) in network.EpochsTo)
                    WriteNumber(json, target.ToString("R", CultureInfo.InvariantCulture), epochs);
                json.WriteEndObject();
                WriteNumber(json, "imagesPerSecond", network.ImagesPerSecond);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("comparisons");
            foreach (var comparison in analysis.Comparisons)
            {
                json.WriteStartObject();
                json.WriteString("baseline", comparison.Baseline);
                json.WriteString("network", comparison.Network);
                json.WriteString("metric", comparison.Metric == StudyMetric.TestAccuracy ? "testAccuracy" : "testLoss");
                WriteDifference(json, comparison.Welch);
                json.WriteStartObject("paired");
                WriteDifference(json, comparison.Paired);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>
    /// <paramref name="json"/> (a <c>summary.json</c>) without the <see cref="MeasuredFields"/>, re-indented: what two
    /// runs of the same study agree on to the last digit.
    /// </summary>
    public static string WithoutMeasuredFields(string json)
    {
        var node = JsonNode.Parse(json) ?? throw new JsonException("summary.json holds null");
        Strip(node);
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static void Strip(JsonNode node)
    {
        if (node is JsonObject obj)
        {
            foreach (string field in MeasuredFields)
                obj.Remove(field);
            foreach (var child in obj.Select(p => p.Value).ToArray())
            {
                if (child is not null)
                    Strip(child);
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var child in array)
            {
                if (child is not null)
                    Strip(child);
            }
        }
    }

    private static void WriteStatistics(Utf8JsonWriter json, string name, SampleStatistics statistics)
    {
        json.WriteStartObject(name);
        WriteNumber(json, "mean", statistics.Count == 0 ? null : statistics.Mean);
        WriteNumber(json, "std", statistics.StandardDeviation);
        WriteInterval(json, statistics.Ci95);
        json.WriteEndObject();
    }

    private static void WriteDifference(Utf8JsonWriter json, MeanDifference difference)
    {
        WriteNumber(json, "difference", difference.Difference);
        WriteInterval(json, difference.Ci95);
        WriteNumber(json, "pValue", difference.PValue);
    }

    private static void WriteInterval(Utf8JsonWriter json, Interval? interval)
    {
        if (interval is Interval ci && double.IsFinite(ci.Low) && double.IsFinite(ci.High))
        {
            json.WriteStartArray("ci95");
            json.WriteNumberValue(ci.Low);
            json.WriteNumberValue(ci.High);
            json.WriteEndArray();
        }
        else
        {
            json.WriteNull("ci95");
        }
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double? value)
    {
        if (value is double v && double.IsFinite(v))
            json.WriteNumber(name, v);
        else
            json.WriteNull(name);
    }
}
