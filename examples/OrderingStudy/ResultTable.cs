using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using NormLab.Runtime.Training;

namespace OrderingStudy;

/// <summary>The figures of one run that the table and the CSV show.</summary>
public sealed record RunFigures(
    StudyRun Run,
    double? TestAccuracy,
    double? TestLoss,
    double? EpochsTo97,
    double? EpochsTo98,
    double ImagesPerSecond,
    double Seconds,
    double? DeadReluFraction,
    double? GradientRatio)
{
    public static RunFigures Of(StudyRun run)
    {
        RunResult r = run.Result;
        int stepsPerEpoch = r.Epochs.Count > 0 ? r.Epochs[0].Steps : 0;
        HealthSnapshot? health = r.Health.Count > 0 ? r.Health[^1] : null;
        return new RunFigures(run, r.TestAccuracy, r.TestLoss,
            EpochsTo(r, 0.97, stepsPerEpoch), EpochsTo(r, 0.98, stepsPerEpoch),
            r.ImagesPerSecond, r.ElapsedSeconds, DeadFractionOf(health), GradientRatioOf(health));
    }

    /// <summary>
    /// Epochs until test accuracy first reached <paramref name="target"/>: the epoch number, or, when the run also
    /// evaluated every K steps, the step as a fraction of epochs (0.6 = after 60% of the first epoch); null: never.
    /// </summary>
    private static double? EpochsTo(RunResult result, double target, int stepsPerEpoch)
    {
        var point = result.Convergence.FirstOrDefault(c => Math.Abs(c.Target - target) < 1e-9);
        if (point?.Step is not long step)
            return null;
        return result.Options.EvaluateEvery is not null && stepsPerEpoch > 0 ? (double)step / stepsPerEpoch : point.Epoch;
    }

    /// <summary>The mean over the ReLU layers of the fraction of channels dead on the whole health batch; null without ReLU.</summary>
    private static double? DeadFractionOf(HealthSnapshot? health)
    {
        var dead = health?.Layers.Where(l => l.DeadChannelFraction is not null).Select(l => l.DeadChannelFraction!.Value).ToArray();
        return dead is { Length: > 0 } ? dead.Average() : null;
    }

    /// <summary>
    /// Gradient norm of the first convolution's weight over that of the classifier's weight, on the health batch after
    /// training: how much gradient reaches the first layer (small: vanishing, large: exploding).
    /// </summary>
    private static double? GradientRatioOf(HealthSnapshot? health)
    {
        if (health is null)
            return null;
        double? first = health.Gradients.FirstOrDefault(g => g.Parameter.StartsWith("conv", StringComparison.Ordinal) && g.Parameter.EndsWith(".weight", StringComparison.Ordinal))?.Norm;
        double? last = health.Gradients.LastOrDefault(g => g.Parameter.StartsWith("linear", StringComparison.Ordinal) && g.Parameter.EndsWith(".weight", StringComparison.Ordinal))?.Norm;
        return first is double f && last is double l && l > 0 ? f / l : null;
    }
}

/// <summary>The study's tables (terminal) and its CSV.</summary>
public static class ResultTable
{
    private static readonly CultureInfo Invariant = Formatting.Culture;
    private const string None = "—";

    /// <summary>One row per network (the mean over its seeds; medians for the epochs), in the study's order.</summary>
    public static void Print(IReadOnlyList<StudyRun> runs, TextWriter writer)
    {
        var groups = runs.Select(RunFigures.Of).GroupBy(f => f.Run.Network.Name).ToArray();
        bool severalSeeds = groups.Any(g => g.Count() > 1);
        var header = new[]
        {
            "network", "params", severalSeeds ? "test acc (±sd)" : "test acc", "test loss", "ep→97%", "ep→98%", "img/s", "s/run",
            "dead ReLU", "∇conv1/∇fc", "module",
        };
        var rows = new List<string[]>();
        foreach (var group in groups)
        {
            var figures = group.ToArray();
            var first = figures[0].Run;
            double[] accuracies = figures.Where(f => f.TestAccuracy is not null).Select(f => f.TestAccuracy!.Value).ToArray();
            string accuracy = accuracies.Length == 0 ? "diverged"
                : accuracies.Length > 1 ? string.Create(Invariant, $"{accuracies.Average():P2} ±{StandardDeviation(accuracies) * 100:0.00}")
                : accuracies[0].ToString("P2", Invariant);
            int diverged = figures.Count(f => f.Run.Result.Diverged is not null);
            if (diverged > 0 && accuracies.Length > 0)
                accuracy += $" ({diverged} diverged)";
            rows.Add(new[]
            {
                first.Network.Name,
                first.Result.Parameters.ToString("N0", Invariant),
                accuracy,
                Mean(figures.Select(f => f.TestLoss), "0.0000"),
                Median(figures.Select(f => f.EpochsTo97)),
                Median(figures.Select(f => f.EpochsTo98)),
                figures.Average(f => f.ImagesPerSecond).ToString("N0", Invariant),
                figures.Average(f => f.Seconds).ToString("0.0", Invariant),
                Mean(figures.Select(f => f.DeadReluFraction), "P1"),
                Mean(figures.Select(f => f.GradientRatio), "0.00"),
                first.ModuleType,
            });
        }
        Write(writer, header, rows, rightAligned: new[] { false, true, true, true, true, true, true, true, true, true, false });
        writer.WriteLine();
        writer.WriteLine("ep→97%/98%: first epoch after which test accuracy reached it (median over seeds; — never). dead ReLU: channels that are 0");
        writer.WriteLine("at every position for all 256 examples of the fixed health batch, mean over the ReLU layers, after training (— no ReLU). ∇conv1/∇fc: gradient");
        writer.WriteLine("norm of the first convolution's weight over the classifier's, on that batch. img/s: training steps only.");
    }

    /// <summary>
    /// Test accuracy by ordering for each depth and activation: the comparison the article makes. No cell is marked
    /// best: the table has no test behind it, and with one or a few seeds the gaps are mostly seed noise. The lines
    /// after it say what the run can and cannot tell, and where the studies' verdicts are.
    /// </summary>
    public static void PrintByOrdering(IReadOnlyList<StudyRun> runs, TextWriter writer)
    {
        string[] orderings = { "ConvBnRelu", "ConvReluBn", "BnReluConv" };
        var groups = runs.Where(r => !r.Network.IsRecord && r.Result.TestAccuracy is not null)
            .GroupBy(r => (r.Network.Depth, r.Network.Activation, r.Network.Ordering))
            .ToDictionary(g => g.Key, g => g.Select(r => r.Result.TestAccuracy!.Value).ToArray());
        int seeds = groups.Count == 0 ? 0 : groups.Values.Max(v => v.Length);
        var rows = new List<string[]>();
        foreach (var (depth, activation) in groups.Keys.Select(k => (k.Depth, k.Activation)).Distinct().OrderBy(k => k.Depth).ThenBy(k => ActivationOrder(k.Activation)))
        {
            var row = new List<string> { depth.ToString(Invariant), activation };
            foreach (string ordering in orderings)
            {
                row.Add(groups.TryGetValue((depth, activation, ordering), out var values)
                    ? values.Length > 1
                        ? string.Create(Invariant, $"{values.Average():P2} ±{StandardDeviation(values) * 100:0.00}")
                        : values[0].ToString("P2", Invariant)
                    : None);
            }
            rows.Add(row.ToArray());
        }
        if (rows.Count == 0)
            return;
        writer.WriteLine(seeds > 1
            ? $"Test accuracy by ordering (mean ±sd over {seeds} seeds; \"Relu\" in an ordering's name stands for the row's activation):"
            : "Test accuracy by ordering (one seed; \"Relu\" in an ordering's name stands for the row's activation):");
        writer.WriteLine();
        Write(writer, new[] { "depth", "activation", "Conv→BN→act", "Conv→act→BN", "BN→act→Conv" }, rows,
            rightAligned: new[] { true, false, true, true, true });
        writer.WriteLine();
        foreach (string line in WhatItTells(seeds))
            writer.WriteLine(line);
    }

    /// <summary>What a run of this many seeds can and cannot tell, and where the tested verdicts are.</summary>
    public static IReadOnlyList<string> WhatItTells(int seeds) => new[]
    {
        seeds <= 1
            ? "What one seed can tell: that every network trains, and roughly how well. What it cannot tell: which ordering is better."
            : $"What {seeds} seeds without a test can tell: the spread of each cell. Which ordering is better needs paired tests (normlab study).",
        "Ordering effects are a few tenths of a point, the size of seed noise: at depth 5, one seed at two epochs put Conv→BN→ReLU at",
        "94.1% against 97.2%; ten seeds at five epochs gave 98.1% against 98.3% (Conv→ReLU→BN), a gap the paired test could not tell from 0.",
        "No cell is marked best. The verdicts on the article's claims, with paired tests, Holm's correction and the seeds each claim",
        "needs, are in docs/results/ordering/report.md (embedded sample), docs/results/ordering-mnist/merged/report.md (full MNIST)",
        "and docs/results/ordering-fashion-mnist/merged/report.md (full Fashion-MNIST, where the orderings differ more, and by depth).",
    };

    /// <summary>results.csv: one row per run, invariant culture, accuracies as fractions.</summary>
    public static string Csv(IEnumerable<StudyRun> runs)
    {
        var csv = new StringBuilder();
        csv.Append("network,ordering,depth,activation,seed,epochs,parameters,testAccuracy,testLoss,epochsTo97,epochsTo98,")
            .Append("imagesPerSecond,seconds,deadReluFraction,gradientRatio,diverged,module\n");
        foreach (var f in runs.Select(RunFigures.Of))
        {
            var run = f.Run;
            csv.Append(Invariant, $"{run.Network.Name},{run.Network.Ordering},{run.Network.Depth},{run.Network.Activation},{run.Result.Seed},")
                .Append(Invariant, $"{run.Result.Epochs.Count},{run.Result.Parameters},{Number(f.TestAccuracy)},{Number(f.TestLoss)},")
                .Append(Invariant, $"{Number(f.EpochsTo97)},{Number(f.EpochsTo98)},{Number(f.ImagesPerSecond)},{Number(f.Seconds)},")
                .Append(Invariant, $"{Number(f.DeadReluFraction)},{Number(f.GradientRatio)},{(run.Result.Diverged is null ? "false" : "true")},{run.ModuleType}\n");
        }
        return csv.ToString();
    }

    private static int ActivationOrder(string activation) => activation switch { "relu" => 0, "leakyrelu" => 1, _ => 2 };

    private static string Number(double? value) => value is double v && double.IsFinite(v) ? v.ToString("R", Invariant) : string.Empty;

    private static string Mean(IEnumerable<double?> values, string format)
    {
        var known = values.Where(v => v is not null).Select(v => v!.Value).ToArray();
        return known.Length == 0 ? None : known.Average().ToString(format, Invariant);
    }

    private static string Median(IEnumerable<double?> values)
    {
        // "never" counts as larger than any epoch: the median is "—" when most runs never got there.
        var sorted = values.Select(v => v ?? double.PositiveInfinity).OrderBy(v => v).ToArray();
        if (sorted.Length == 0)
            return None;
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        return double.IsFinite(median) ? median.ToString("0.##", Invariant) : None;
    }

    private static double StandardDeviation(double[] values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }

    private static void Write(TextWriter writer, string[] header, List<string[]> rows, bool[] rightAligned)
    {
        int[] widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => rightAligned[i] ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd();
        writer.WriteLine(Line(header));
        writer.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
            writer.WriteLine(Line(row));
    }
}
