using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using NormLab.Runtime.Training;

namespace NormLab.Studies.Reports;

/// <summary>
/// <c>runs.csv</c>: one row per run, in grid order (network-major, seed-minor), comma-separated with a header row,
/// invariant numbers, RFC 4180 quoting, empty cells for values that do not exist. The columns:
/// <list type="table">
/// <item><term>network</term><description>the grid row (network, or <c>Network@param=value</c>)</description></item>
/// <item><term>seed</term><description>the run's seed (run k uses seed k)</description></item>
/// <item><term>parameters</term><description>learnable parameters</description></item>
/// <item><term>epochs</term><description>epochs finished (fewer than the study's when the run diverged)</description></item>
/// <item><term>diverged</term><description><c>true</c> or <c>false</c></description></item>
/// <item><term>divergedEpoch, divergedStep</term><description>where it diverged (epoch, step counted over all epochs)</description></item>
/// <item><term>testAccuracy, testLoss</term><description>of the reported model (accuracy a fraction in 0..1): after the last finished epoch, or after the epoch a validation set chose</description></item>
/// <item><term>selectedEpoch, selectedBy</term><description>that model's epoch and the rule that chose it (<c>finalEpoch</c>, <c>validationLoss</c>, <c>validationAccuracy</c>); empty in run files older than the rule</description></item>
/// <item><term>trainAccuracy, trainLoss</term><description>of the last finished epoch</description></item>
/// <item><term>bestTestAccuracy</term><description>the highest test accuracy after any epoch</description></item>
/// <item><term>meanTestAccuracy</term><description>the mean of the per-epoch test accuracies (area under the learning curve)</description></item>
/// <item><term>epochsTo&lt;target&gt;, stepsTo&lt;target&gt;</term><description>for each accuracy target (<c>epochsTo0.97</c>): the first epoch and step at which test accuracy reached it; empty: not reached</description></item>
/// <item><term>imagesPerSecond, elapsedSeconds</term><description>measured throughput and wall-clock time (differ between machines and runs)</description></item>
/// <item><term>device, threads</term><description>where the run trained</description></item>
/// </list>
/// </summary>
public static class RunsCsv
{
    public const string FileName = "runs.csv";

    /// <summary>The header row for <paramref name="targets"/>.</summary>
    public static IReadOnlyList<string> Columns(IReadOnlyList<double> targets)
    {
        var columns = new List<string>
        {
            "network", "seed", "parameters", "epochs", "diverged", "divergedEpoch", "divergedStep",
            "testAccuracy", "testLoss", "selectedEpoch", "selectedBy", "trainAccuracy", "trainLoss", "bestTestAccuracy", "meanTestAccuracy",
        };
        columns.AddRange(targets.Select(t => "epochsTo" + Format(t)));
        columns.AddRange(targets.Select(t => "stepsTo" + Format(t)));
        columns.AddRange(new[] { "imagesPerSecond", "elapsedSeconds", "device", "threads" });
        return columns;
    }

    public static string Write(StudyAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        var targets = analysis.Definition.Training.AccuracyTargets;
        var text = new StringBuilder();
        text.Append(string.Join(",", Columns(targets))).Append('\n');
        foreach (var network in analysis.Networks)
        {
            foreach (var run in network.Runs)
                text.Append(string.Join(",", Row(network.Name, run, targets).Select(Quote))).Append('\n');
        }
        return text.ToString();
    }

    private static IEnumerable<string> Row(string network, RunResult run, IReadOnlyList<double> targets)
    {
        var last = run.Epochs.LastOrDefault();
        yield return network;
        yield return run.Seed.ToString(CultureInfo.InvariantCulture);
        yield return run.Parameters.ToString(CultureInfo.InvariantCulture);
        yield return run.Epochs.Count.ToString(CultureInfo.InvariantCulture);
        yield return run.Diverged is null ? "false" : "true";
        yield return run.Diverged?.Epoch.ToString(CultureInfo.InvariantCulture) ?? string.Empty;
        yield return run.Diverged?.GlobalStep.ToString(CultureInfo.InvariantCulture) ?? string.Empty;
        yield return Format(run.TestAccuracy);
        yield return Format(run.TestLoss);
        yield return run.Selected?.Epoch.ToString(CultureInfo.InvariantCulture) ?? string.Empty;
        yield return run.Selected is { } selected ? System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(selected.By.ToString()) : string.Empty;
        yield return Format(last?.TrainAccuracy);
        yield return Format(last?.TrainLoss);
        yield return Format(run.Epochs.Count == 0 ? null : run.Epochs.Max(e => e.TestAccuracy));
        yield return Format(run.Epochs.Count == 0 ? null : Statistics.Mean(run.Epochs.Select(e => e.TestAccuracy).ToArray()));
        foreach (double target in targets)
            yield return run.Convergence.FirstOrDefault(c => c.Target == target)?.Epoch?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;
        foreach (double target in targets)
            yield return run.Convergence.FirstOrDefault(c => c.Target == target)?.Step?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;
        yield return Format(run.ImagesPerSecond);
        yield return Format(run.ElapsedSeconds);
        yield return run.Device;
        yield return run.Threads.ToString(CultureInfo.InvariantCulture);
    }

    private static string Format(double? value) =>
        value is double v && double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : string.Empty;

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string field) =>
        field.IndexOfAny(new[] { ',', '"', '\n', '\r' }) < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
