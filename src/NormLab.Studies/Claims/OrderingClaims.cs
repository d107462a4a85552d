using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NormLab.Studies.Reports;

namespace NormLab.Studies.Claims;

/// <summary>
/// States, for each claim of the article the ordering study checks (studies.md, "The ordering study"), whether a
/// study's numbers support it. Networks are recognized by name (<see cref="OrderingNames"/>:
/// <c>{Ordering}{Depth}{Activation}</c>, for example <c>ConvBnRelu2Relu</c>, <c>ConvReluBn5Elu</c>,
/// <c>BnReluConv2LeakyRelu</c>). The article's "ReLU → BN → Conv" is the conv → activation → BN ordering
/// (<c>ConvReluBn</c>: stacked, each BN feeds the next conv), "BN → ReLU → Conv" is pre-activation
/// (<c>BnReluConv</c>), "Conv → BN → ReLU" is <c>ConvBnRelu</c>; "activation then BN" is <c>ConvReluBn</c> and "BN then
/// activation" the other two.
/// </summary>
/// <remarks>
/// Every comparison uses the 95% confidence interval of the paired difference over the seeds both networks finished
/// (Welch's when fewer than 2 pairs): a difference counts when its interval excludes 0. "About 99%" means the 95%
/// interval of the mean lies at or above <see cref="AboutTarget"/> − <see cref="AboutTolerance"/> (98.5% by default);
/// "above 97%" that it lies above <see cref="FloorTarget"/>. "Converges more slowly" compares the mean of the per-epoch
/// test accuracies (the area under the learning curve; with one epoch, the final accuracy). With fewer than
/// <see cref="StudyAnalysis.MinimumSeeds"/> runs a comparison is inconclusive. A claim with several comparisons (each
/// depth, each activation) is supported when all are, not supported when any is against it; the "usually" of the
/// last claim means better in more than half of its comparisons (not supported: worse at least as often as better,
/// and worse at least once).
/// </remarks>
public sealed class OrderingClaims : IClaimSet
{
    public OrderingClaims(OrderingNames? names = null)
    {
        Names = names ?? OrderingNames.Default;
    }

    public OrderingNames Names { get; }

    /// <inheritdoc/>
    public string Title => "The ordering study's claims";

    /// <inheritdoc/>
    public string Description =>
        "What the article claims, and whether these runs support it (each comparison: paired 95% CI over seeds; a difference counts when its interval excludes 0). " +
        "Networks are recognized by name: `{Ordering}{Depth}{Activation}`, for example `ConvBnRelu2Relu`, `ConvReluBn5Elu`, `BnReluConv2LeakyRelu`.";

    public double AboutTarget { get; init; } = 0.99;

    public double AboutTolerance { get; init; } = 0.005;

    public double FloorTarget { get; init; } = 0.97;

    /// <summary>The study's networks that follow the naming convention.</summary>
    public IReadOnlyList<(NetworkAnalysis Network, OrderingName Name)> Recognize(StudyAnalysis analysis) =>
        analysis.Networks.Select(n => (n, Names.Parse(n.Name))).Where(p => p.Item2 is not null).Select(p => (p.n, p.Item2!)).ToArray();

    /// <summary>True when at least one claim can be tested on <paramref name="analysis"/>'s networks.</summary>
    public bool Applies(StudyAnalysis analysis) => Evaluate(analysis).Any(c => c.Verdict != ClaimVerdict.NotTested);

    /// <summary>Every claim, in the article's order.</summary>
    public IReadOnlyList<ClaimResult> Evaluate(StudyAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        var known = Recognize(analysis);
        // (activation, depth) → ordering → network
        var groups = known.GroupBy(k => (k.Name.Activation, k.Name.Depth))
            .OrderBy(g => g.Key.Activation, StringComparer.Ordinal).ThenBy(g => g.Key.Depth ?? 0)
            .Select(g => (g.Key.Activation, g.Key.Depth, Networks: g.GroupBy(k => k.Name.Ordering).ToDictionary(o => o.Key, o => o.First().Network)))
            .ToArray();
        var relu = groups.Where(g => g.Activation == "relu").ToArray();

        return new[]
        {
            ReachAbout(relu),
            SlightlyWorse(relu),
            ConvergesSlower(relu),
            Better("depth2", "With 2 layers, ReLU → BN is slightly better than BN → ReLU (ConvReluBn vs BnReluConv, ReLU).",
                relu.Where(g => g.Depth == 2), Ordering.ConvActBn, Ordering.BnActConv),
            Better("depth5", "With 5 layers, BN → ReLU is slightly better than ReLU → BN (BnReluConv vs ConvReluBn, ReLU).",
                relu.Where(g => g.Depth == 5), Ordering.BnActConv, Ordering.ConvActBn),
            ActivationThenBn(groups.Where(g => g.Activation is "leakyrelu" or "elu")),
        };
    }

    private ClaimResult ReachAbout(IEnumerable<(string Activation, int? Depth, Dictionary<Ordering, NetworkAnalysis> Networks)> groups)
    {
        const string Claim = "BN → ReLU → Conv and ReLU → BN → Conv both reach about 99% test accuracy.";
        double threshold = AboutTarget - AboutTolerance;
        var parts = new List<(int Sign, string Line)>();
        foreach (var group in groups)
        {
            foreach (var ordering in new[] { Ordering.BnActConv, Ordering.ConvActBn })
            {
                if (group.Networks.TryGetValue(ordering, out var network))
                    parts.Add(Threshold(network, threshold, $"at least {ReportFormat.Percent(threshold)}"));
            }
        }
        return Combine("reach99", Claim, parts, "needs BnReluConv or ConvReluBn networks with ReLU");
    }

    private ClaimResult SlightlyWorse(IEnumerable<(string Activation, int? Depth, Dictionary<Ordering, NetworkAnalysis> Networks)> groups)
    {
        const string Claim = "Conv → BN → ReLU is slightly worse than both, though above 97%.";
        var parts = new List<(int Sign, string Line)>();
        foreach (var group in groups)
        {
            if (!group.Networks.TryGetValue(Ordering.ConvBnAct, out var usual))
                continue;
            bool any = false;
            foreach (var other in new[] { Ordering.BnActConv, Ordering.ConvActBn })
            {
                if (group.Networks.TryGetValue(other, out var network))
                {
                    parts.Add(Difference(network, usual, StudyMetric.TestAccuracy, n => n.FinalAccuracyBySeed, "final test accuracy"));
                    any = true;
                }
            }
            if (any)
                parts.Add(Threshold(usual, FloorTarget, $"above {ReportFormat.Percent(FloorTarget)}"));
        }
        return Combine("convbnrelu-worse", Claim, parts, "needs ConvBnRelu and BnReluConv or ConvReluBn networks with ReLU of the same depth");
    }

    private ClaimResult ConvergesSlower(IEnumerable<(string Activation, int? Depth, Dictionary<Ordering, NetworkAnalysis> Networks)> groups)
    {
        const string Claim = "Conv → BN → ReLU converges more slowly.";
        var parts = new List<(int Sign, string Line)>();
        foreach (var group in groups)
        {
            if (!group.Networks.TryGetValue(Ordering.ConvBnAct, out var usual))
                continue;
            foreach (var other in new[] { Ordering.BnActConv, Ordering.ConvActBn })
            {
                if (group.Networks.TryGetValue(other, out var network))
                {
                    var part = Difference(network, usual, StudyMetric.TestAccuracy, n => n.MeanAccuracyBySeed, "mean test accuracy over the epochs");
                    parts.Add((part.Sign, part.Line + "; median epochs to " + EpochsTo(usual) + " vs " + EpochsTo(network)));
                }
            }
        }
        return Combine("convbnrelu-slower", Claim, parts, "needs ConvBnRelu and BnReluConv or ConvReluBn networks with ReLU of the same depth");
    }

    private ClaimResult Better(string id, string claim, IEnumerable<(string Activation, int? Depth, Dictionary<Ordering, NetworkAnalysis> Networks)> groups,
        Ordering better, Ordering worse)
    {
        var parts = new List<(int Sign, string Line)>();
        foreach (var group in groups)
        {
            if (group.Networks.TryGetValue(better, out var a) && group.Networks.TryGetValue(worse, out var b))
                parts.Add(Difference(a, b, StudyMetric.TestAccuracy, n => n.FinalAccuracyBySeed, "final test accuracy"));
        }
        return Combine(id, claim, parts, $"needs {Name(better)} and {Name(worse)} networks with ReLU at that depth");
    }

    private ClaimResult ActivationThenBn(IEnumerable<(string Activation, int? Depth, Dictionary<Ordering, NetworkAnalysis> Networks)> groups)
    {
        const string Claim = "With LeakyReLU or ELU, activation then BN is usually better (ConvReluBn vs ConvBnRelu and BnReluConv).";
        var parts = new List<(int Sign, string Line)>();
        foreach (var group in groups)
        {
            if (!group.Networks.TryGetValue(Ordering.ConvActBn, out var actThenBn))
                continue;
            foreach (var other in new[] { Ordering.ConvBnAct, Ordering.BnActConv })
            {
                if (group.Networks.TryGetValue(other, out var network))
                    parts.Add(Difference(actThenBn, network, StudyMetric.TestAccuracy, n => n.FinalAccuracyBySeed, "final test accuracy"));
            }
        }
        if (parts.Count == 0)
            return new ClaimResult("leaky-elu", Claim, ClaimVerdict.NotTested, new[] { "not tested: needs ConvReluBn and ConvBnRelu or BnReluConv networks with LeakyReLU or ELU" });
        int wins = parts.Count(p => p.Sign > 0), losses = parts.Count(p => p.Sign < 0);
        var verdict = wins * 2 > parts.Count ? ClaimVerdict.Supported
            : losses > 0 && losses >= wins ? ClaimVerdict.NotSupported
            : ClaimVerdict.Inconclusive;
        var lines = parts.Select(p => p.Line).Append($"activation then BN better in {wins} of {parts.Count} comparisons, worse in {losses}").ToArray();
        return new ClaimResult("leaky-elu", Claim, verdict, lines);
    }

    /// <summary>+1: the interval of the mean is at or above the threshold; −1: below it; 0: it straddles it (or too few runs).</summary>
    private static (int Sign, string Line) Threshold(NetworkAnalysis network, double threshold, string what)
    {
        var s = network.TestAccuracy;
        string numbers = s.Ci95 is Interval ci
            ? $"{network.Name}: {ReportFormat.Percent(s.Mean)} (95% CI {ReportFormat.Percent(ci.Low)} to {ReportFormat.Percent(ci.High)}, {s.Count} runs)"
            : $"{network.Name}: {(s.Count == 0 ? "no finished runs" : ReportFormat.Percent(s.Mean))} ({s.Count} run{(s.Count == 1 ? string.Empty : "s")})";
        if (s.Count < StudyAnalysis.MinimumSeeds || s.Ci95 is not Interval interval)
            return (0, $"{numbers}: too few seeds to tell whether it is {what}");
        if (interval.Low >= threshold)
            return (1, $"{numbers}: {what}");
        if (interval.High < threshold)
            return (-1, $"{numbers}: not {what}");
        return (0, $"{numbers}: cannot tell whether it is {what}");
    }

    /// <summary>+1: <paramref name="a"/> is better than <paramref name="b"/> beyond the noise; −1: worse; 0: cannot tell.</summary>
    private static (int Sign, string Line) Difference(NetworkAnalysis a, NetworkAnalysis b, StudyMetric metric,
        Func<NetworkAnalysis, IReadOnlyDictionary<long, double>> values, string what)
    {
        var (welch, paired) = StudyAnalysis.Differences(values(a), values(b));
        var comparison = new Comparison(b.Name, a.Name, metric, welch, paired);
        var preferred = comparison.Preferred;
        string kind = comparison.UsesPaired ? "paired" : "Welch";
        string numbers = preferred.Ci95 is Interval ci
            ? $"{a.Name} − {b.Name}, {what}: {ReportFormat.Points(preferred.Difference)} (95% CI {ReportFormat.Points(ci.Low)} to {ReportFormat.Points(ci.High)}, {kind}, p = {ReportFormat.P(preferred.PValue)}, n = {preferred.Count})"
            : $"{a.Name} − {b.Name}, {what}: {ReportFormat.Points(preferred.Difference)} (n = {preferred.Count})";
        return comparison.Verdict switch
        {
            VerdictKind.Better => (1, numbers + ": better"),
            VerdictKind.Worse => (-1, numbers + ": worse"),
            VerdictKind.TooFewSeeds => (0, numbers + ": too few seeds to tell"),
            _ => (0, numbers + ": within the noise"),
        };
    }

    private static ClaimResult Combine(string id, string claim, IReadOnlyList<(int Sign, string Line)> parts, string needs)
    {
        if (parts.Count == 0)
            return new ClaimResult(id, claim, ClaimVerdict.NotTested, new[] { "not tested: " + needs });
        var verdict = parts.Any(p => p.Sign < 0) ? ClaimVerdict.NotSupported
            : parts.All(p => p.Sign > 0) ? ClaimVerdict.Supported
            : ClaimVerdict.Inconclusive;
        return new ClaimResult(id, claim, verdict, parts.Select(p => p.Line).ToArray());
    }

    private static string EpochsTo(NetworkAnalysis network) =>
        string.Join(", ", network.EpochsTo.Select(e => ReportFormat.Percent(e.Target, 0) + ": " + (e.Epochs is double d ? d.ToString("0.#", CultureInfo.InvariantCulture) : "not reached"))) + $" ({network.Name})";

    private static string Name(Ordering ordering) => ordering switch
    {
        Ordering.ConvBnAct => "ConvBnRelu",
        Ordering.ConvActBn => "ConvReluBn",
        _ => "BnReluConv",
    };
}
