using System;
using System.Collections.Generic;
using System.Linq;
using NormLab.Runtime.Training;

namespace NormLab.Studies.Reports;

/// <summary>The two metrics a study compares networks on.</summary>
public enum StudyMetric
{
    /// <summary>Final test accuracy (higher is better).</summary>
    TestAccuracy,

    /// <summary>Final test loss (lower is better).</summary>
    TestLoss,
}

/// <summary>How a comparison came out.</summary>
public enum VerdictKind
{
    /// <summary>The network is better than the baseline: the 95% interval of the difference excludes 0 on the good side.</summary>
    Better,

    /// <summary>The network is worse: the interval excludes 0 on the bad side.</summary>
    Worse,

    /// <summary>The interval includes 0: the gap is within seed-to-seed noise.</summary>
    CannotTell,

    /// <summary>Fewer than <see cref="StudyAnalysis.MinimumSeeds"/> runs (or pairs): no interval worth reading.</summary>
    TooFewSeeds,
}

/// <summary>Mean, spread and range of one metric at one epoch, over the seeds.</summary>
public sealed record CurvePoint(int Epoch, int Runs, double Mean, double? Std, double Min, double Max);

/// <summary>One layer's health after the last epoch, averaged over the seeds.</summary>
/// <param name="Layer">The layer's field name.</param>
/// <param name="Kind">Its canonical kind.</param>
/// <param name="DeadFraction">ReLU and ReLU6: the mean fraction of dead units.</param>
/// <param name="Std">The mean standard deviation of the layer's output.</param>
/// <param name="InputStd">Normalization layers: the mean standard deviation of their input.</param>
/// <param name="DeadChannelFraction">ReLU and ReLU6: the mean fraction of dead channels (0 at every position for every image).</param>
public sealed record LayerHealthSummary(string Layer, string Kind, double? DeadFraction, double? Std, double? InputStd, double? DeadChannelFraction = null);

/// <summary>The gradient norm of one convolution's weight on the health batch after training, mean and range over the seeds.</summary>
public sealed record GradientSummary(string Parameter, int Runs, double Mean, double Min, double Max);

/// <summary>Everything the report says about one network (one grid row).</summary>
public sealed class NetworkAnalysis
{
    internal NetworkAnalysis(StudyNetwork network, IReadOnlyList<RunResult> runs, IReadOnlyList<double> targets)
    {
        Name = network.Name;
        Parameters = runs.Count > 0 ? runs[0].Parameters : network.Parameters;
        Runs = runs;
        Diverged = runs.Count(r => r.Diverged is not null);
        var finished = runs.Where(r => r.Diverged is null && r.TestAccuracy is not null && r.TestLoss is not null).ToArray();
        FinalAccuracyBySeed = finished.ToDictionary(r => r.Seed, r => r.TestAccuracy!.Value);
        FinalLossBySeed = finished.ToDictionary(r => r.Seed, r => r.TestLoss!.Value);
        MeanAccuracyBySeed = finished.Where(r => r.Epochs.Count > 0).ToDictionary(r => r.Seed, r => Statistics.Mean(r.Epochs.Select(e => e.TestAccuracy).ToArray()));
        TestAccuracy = Statistics.Describe(FinalAccuracyBySeed.Values.ToArray());
        TestLoss = Statistics.Describe(FinalLossBySeed.Values.ToArray());
        EpochsTo = targets.Select(t => (t, MedianEpochs(runs, t))).ToArray();
        var speeds = runs.Where(r => r.ImagesPerSecond > 0).Select(r => r.ImagesPerSecond).ToArray();
        ImagesPerSecond = speeds.Length == 0 ? null : Statistics.Mean(speeds);
        TestAccuracyCurve = Curve(runs, e => e.TestAccuracy);
        TrainLossCurve = Curve(runs, e => e.TrainLoss);
        TestLossCurve = Curve(runs, e => e.TestLoss);
        Health = FinalHealth(runs);
        ConvGradients = FinalConvGradients(runs);
    }

    /// <summary>The gradient norm of each convolution's weight (first to last, in parameter order) after the last epoch, over the seeds.</summary>
    public IReadOnlyList<GradientSummary> ConvGradients { get; }

    public string Name { get; }

    public long Parameters { get; }

    /// <summary>The runs found, in seed order.</summary>
    public IReadOnlyList<RunResult> Runs { get; }

    public int Diverged { get; }

    /// <summary>Final test accuracy of each run that finished without diverging, by seed.</summary>
    public IReadOnlyDictionary<long, double> FinalAccuracyBySeed { get; }

    public IReadOnlyDictionary<long, double> FinalLossBySeed { get; }

    /// <summary>The mean of the per-epoch test accuracies of each run (the area under its learning curve): higher is faster.</summary>
    public IReadOnlyDictionary<long, double> MeanAccuracyBySeed { get; }

    /// <summary>Statistics of the final test accuracy over the runs that did not diverge.</summary>
    public SampleStatistics TestAccuracy { get; }

    public SampleStatistics TestLoss { get; }

    /// <summary>For each accuracy target, the median epoch at which runs reached it; null when most runs never did.</summary>
    public IReadOnlyList<(double Target, double? Epochs)> EpochsTo { get; }

    /// <summary>Mean training throughput (measured, so it differs from machine to machine and run to run).</summary>
    public double? ImagesPerSecond { get; }

    public IReadOnlyList<CurvePoint> TestAccuracyCurve { get; }

    public IReadOnlyList<CurvePoint> TrainLossCurve { get; }

    public IReadOnlyList<CurvePoint> TestLossCurve { get; }

    /// <summary>Each layer's health after the last epoch (mean over seeds), in layer order.</summary>
    public IReadOnlyList<LayerHealthSummary> Health { get; }

    public IReadOnlyDictionary<long, double> Values(StudyMetric metric) => metric == StudyMetric.TestAccuracy ? FinalAccuracyBySeed : FinalLossBySeed;

    public SampleStatistics Statistic(StudyMetric metric) => metric == StudyMetric.TestAccuracy ? TestAccuracy : TestLoss;

    /// <summary>The median over all runs, a run that never got there (or diverged first) counting as infinitely late.</summary>
    private static double? MedianEpochs(IReadOnlyList<RunResult> runs, double target)
    {
        if (runs.Count == 0)
            return null;
        var epochs = runs.Select(r => r.Convergence.FirstOrDefault(c => c.Target == target)?.Epoch is int e ? e : double.PositiveInfinity).ToArray();
        double median = Statistics.Median(epochs);
        return double.IsFinite(median) ? median : null;
    }

    private static IReadOnlyList<CurvePoint> Curve(IReadOnlyList<RunResult> runs, Func<EpochMetrics, double> value)
    {
        int epochs = runs.Count == 0 ? 0 : runs.Max(r => r.Epochs.Count);
        var points = new List<CurvePoint>();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            double[] values = runs.SelectMany(r => r.Epochs.Where(e => e.Epoch == epoch)).Select(value).Where(double.IsFinite).ToArray();
            if (values.Length == 0)
                continue;
            double? std = values.Length > 1 ? Statistics.StandardDeviation(values) : null;
            points.Add(new CurvePoint(epoch, values.Length, Statistics.Mean(values), std, values.Min(), values.Max()));
        }
        return points;
    }

    private static IReadOnlyList<LayerHealthSummary> FinalHealth(IReadOnlyList<RunResult> runs)
    {
        var last = runs.Select(r => r.Health.Count == 0 ? null : r.Health.MaxBy(h => h.Epoch)).Where(h => h is not null).Select(h => h!).ToArray();
        if (last.Length == 0)
            return Array.Empty<LayerHealthSummary>();
        var layers = last.OrderByDescending(h => h.Layers.Count).First().Layers;
        return layers.Select(layer =>
        {
            var same = last.Select(h => h.Layers.FirstOrDefault(l => l.Name == layer.Name)).Where(l => l is not null).Select(l => l!).ToArray();
            return new LayerHealthSummary(layer.Name, layer.Kind, MeanOf(same, l => l.DeadFraction), MeanOf(same, l => l.Std), MeanOf(same, l => l.InputStd),
                MeanOf(same, l => l.DeadChannelFraction));
        }).ToArray();
    }

    private static IReadOnlyList<GradientSummary> FinalConvGradients(IReadOnlyList<RunResult> runs)
    {
        var last = runs.Where(r => r.Diverged is null && r.Health.Count > 0).Select(r => r.Health.MaxBy(h => h.Epoch)!).ToArray();
        if (last.Length == 0)
            return Array.Empty<GradientSummary>();
        static bool IsConvWeight(HealthSnapshot h, string parameter)
        {
            if (!parameter.EndsWith(".weight", StringComparison.Ordinal))
                return false;
            string layer = parameter[..^".weight".Length];
            var kind = h.Layers.FirstOrDefault(l => l.Name == layer)?.Kind;
            return kind is not null ? kind.StartsWith("conv", StringComparison.Ordinal) : layer.StartsWith("conv", StringComparison.Ordinal);
        }
        var names = last.OrderByDescending(h => h.Gradients.Count).First().Gradients.Where(g => IsConvWeight(last[0], g.Parameter)).Select(g => g.Parameter).ToArray();
        var summaries = new List<GradientSummary>();
        foreach (string name in names)
        {
            double[] norms = last.Select(h => h.Gradients.FirstOrDefault(g => g.Parameter == name)?.Norm).Where(v => v is double d && double.IsFinite(d)).Select(v => v!.Value).ToArray();
            if (norms.Length > 0)
                summaries.Add(new GradientSummary(name, norms.Length, Statistics.Mean(norms), norms.Min(), norms.Max()));
        }
        return summaries;
    }

    private static double? MeanOf(IEnumerable<LayerHealth> layers, Func<LayerHealth, double?> value)
    {
        double[] values = layers.Select(value).Where(v => v is double d && double.IsFinite(d)).Select(v => v!.Value).ToArray();
        return values.Length == 0 ? null : Statistics.Mean(values);
    }
}

/// <summary>
/// One network against another on one metric: Welch's test over all their runs, and the paired test over the seeds
/// both finished (run k of every network uses seed k, so the same initial-weight seed and data order).
/// </summary>
public sealed record Comparison(string Baseline, string Network, StudyMetric Metric, MeanDifference Welch, MeanDifference Paired)
{
    /// <summary>The paired figures when there are at least 2 pairs (they remove the seed's share of the noise), else Welch's.</summary>
    public MeanDifference Preferred => Paired.Count >= 2 && Paired.Ci95 is not null ? Paired : Welch;

    public bool UsesPaired => ReferenceEquals(Preferred, Paired);

    public VerdictKind Verdict
    {
        get
        {
            var preferred = Preferred;
            if (preferred.Count < StudyAnalysis.MinimumSeeds || preferred.Ci95 is not Interval ci)
                return VerdictKind.TooFewSeeds;
            bool higherIsBetter = Metric == StudyMetric.TestAccuracy;
            if (ci.IsPositive)
                return higherIsBetter ? VerdictKind.Better : VerdictKind.Worse;
            if (ci.IsNegative)
                return higherIsBetter ? VerdictKind.Worse : VerdictKind.Better;
            return VerdictKind.CannotTell;
        }
    }
}

/// <summary>
/// The numbers of a study's report, computed from its definition and run files only (no clock, no machine), so a
/// resumed or sharded-and-merged study gives the same numbers as one run straight through. Throughput
/// (<see cref="NetworkAnalysis.ImagesPerSecond"/>) is measured and is the one exception.
/// </summary>
public sealed class StudyAnalysis
{
    /// <summary>Fewer runs (or pairs) than this and a comparison says it cannot tell.</summary>
    public const int MinimumSeeds = 3;

    private StudyAnalysis(StudyDefinition definition, IReadOnlyList<NetworkAnalysis> networks, IReadOnlyList<Comparison> comparisons, int missing)
    {
        Definition = definition;
        Networks = networks;
        Comparisons = comparisons;
        MissingRuns = missing;
    }

    public StudyDefinition Definition { get; }

    /// <summary>One per grid row, in grid order.</summary>
    public IReadOnlyList<NetworkAnalysis> Networks { get; }

    /// <summary>Every other network against the baseline, on test accuracy then test loss.</summary>
    public IReadOnlyList<Comparison> Comparisons { get; }

    /// <summary>Cells of the grid without a run file.</summary>
    public int MissingRuns { get; }

    public NetworkAnalysis? Find(string name) => Networks.FirstOrDefault(n => n.Name == name);

    /// <summary>Analyses the runs of <paramref name="definition"/>'s grid (missing cells are left out).</summary>
    public static StudyAnalysis Analyze(StudyDefinition definition, IEnumerable<RunResult> runs)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var byNetwork = runs.GroupBy(r => r.Network).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Seed).ToArray());
        var targets = definition.Training.AccuracyTargets;
        var networks = definition.Networks
            .Select(n => new NetworkAnalysis(n, byNetwork.TryGetValue(n.Name, out var list) ? list.Where(r => r.Seed >= 1 && r.Seed <= definition.Seeds).ToArray() : Array.Empty<RunResult>(), targets))
            .ToArray();
        int missing = definition.Seeds * definition.Networks.Count - networks.Sum(n => n.Runs.Count);
        var baseline = networks.FirstOrDefault(n => n.Name == definition.Baseline);
        var comparisons = new List<Comparison>();
        if (baseline is not null)
        {
            foreach (var metric in new[] { StudyMetric.TestAccuracy, StudyMetric.TestLoss })
            {
                foreach (var network in networks.Where(n => n != baseline))
                    comparisons.Add(Compare(baseline, network, metric));
            }
        }
        return new StudyAnalysis(definition, networks, comparisons, missing);
    }

    /// <summary><paramref name="network"/> − <paramref name="baseline"/> on <paramref name="metric"/>.</summary>
    public static Comparison Compare(NetworkAnalysis baseline, NetworkAnalysis network, StudyMetric metric)
    {
        var (welch, paired) = Differences(network.Values(metric), baseline.Values(metric));
        return new Comparison(baseline.Name, network.Name, metric, welch, paired);
    }

    /// <summary>Welch's and the paired difference first − second of two sets of per-seed values.</summary>
    public static (MeanDifference Welch, MeanDifference Paired) Differences(IReadOnlyDictionary<long, double> first, IReadOnlyDictionary<long, double> second)
    {
        double[] a = first.OrderBy(p => p.Key).Select(p => p.Value).ToArray();
        double[] b = second.OrderBy(p => p.Key).Select(p => p.Value).ToArray();
        long[] seeds = first.Keys.Intersect(second.Keys).Order().ToArray();
        var welch = Statistics.Welch(a, b);
        var paired = Statistics.Paired(seeds.Select(s => first[s]).ToArray(), seeds.Select(s => second[s]).ToArray());
        return (welch, paired);
    }
}
