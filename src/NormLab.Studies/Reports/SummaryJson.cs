using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NormLab.Studies.Claims;

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

    /// <summary>
    /// The summary of <paramref name="analysis"/>, with a <c>claims</c> array: every claim of each set that can test at
    /// least one (<see cref="ClaimSets.Default"/> when <paramref name="claims"/> is null), its verdict
    /// (<c>supported</c>, <c>notSupported</c>, <c>inconclusive</c>, <c>notTested</c>, <c>notTestedAtThisScale</c>) and its tests.
    /// </summary>
    public static string Write(StudyAnalysis analysis, IReadOnlyList<IClaimSet>? claims = null)
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
            json.WriteStartArray("claims");
            foreach (var set in claims ?? ClaimSets.Default)
            {
                var results = set.Evaluate(analysis);
                if (results.All(r => r.Verdict == ClaimVerdict.NotTested))
                    continue;
                foreach (var claim in results)
                    WriteClaim(json, claim);
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

    /// <summary>The JSON name of a verdict: camelCase of the enum.</summary>
    public static string VerdictName(ClaimVerdict verdict) => JsonNamingPolicy.CamelCase.ConvertName(verdict.ToString());

    private static void WriteClaim(Utf8JsonWriter json, ClaimResult claim)
    {
        json.WriteStartObject();
        json.WriteString("id", claim.Id);
        json.WriteString("claim", claim.Claim);
        json.WriteString("verdict", VerdictName(claim.Verdict));
        json.WriteBoolean("pointsOtherWay", claim.PointsOtherWay);
        json.WriteString("declared", claim.Declared);
        json.WriteString("setup", claim.Setup);
        if (claim.DataSize is { } size)
        {
            json.WriteNumber("trainImages", size.Train);
            json.WriteNumber("testImages", size.Test);
        }
        else
        {
            json.WriteNull("trainImages");
            json.WriteNull("testImages");
        }
        WriteNumber(json, "epochs", claim.Epochs);
        json.WriteString("summary", claim.Summary);
        WriteNumber(json, "seedsNeeded", claim.SeedsNeeded);
        json.WriteString("multipleTesting", "holm");
        json.WriteStartArray("tests");
        foreach (var part in claim.Parts)
        {
            json.WriteStartObject();
            json.WriteString("label", part.Label);
            json.WriteString("kind", JsonNamingPolicy.CamelCase.ConvertName(part.Kind.ToString()));
            json.WriteString("unit", part.Unit);
            WriteNumber(json, "estimate", part.Estimate);
            WriteInterval(json, part.Ci95);
            WriteNumber(json, "minimalEffect", part.MinimalEffect);
            WriteNumber(json, "pFor", part.PFor);
            WriteNumber(json, "pAgainst", part.PAgainst);
            WriteNumber(json, "holmPFor", part.AdjustedPFor);
            WriteNumber(json, "holmPAgainst", part.AdjustedPAgainst);
            json.WriteNumber("n", part.Count);
            WriteNumber(json, "sd", part.Sd);
            WriteNumber(json, "seedsNeeded", part.SeedsNeeded);
            json.WriteString("verdict", VerdictName(part.Verdict));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
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
