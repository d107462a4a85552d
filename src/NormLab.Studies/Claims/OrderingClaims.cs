using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NormLab.Runtime.Training;
using NormLab.Studies.Reports;

namespace NormLab.Studies.Claims;

/// <summary>
/// States, for each claim of the article the ordering study checks (claims.md, O1–O5), whether a study's numbers
/// support it. Networks are recognized by name (<see cref="OrderingNames"/>: <c>{Ordering}{Depth}{Activation}</c>, for
/// example <c>ConvBnRelu2Relu</c>, <c>ConvReluBn5Elu</c>, <c>BnReluConv2LeakyRelu</c>). The article's "ReLU → BN → Conv" is
/// the conv → activation → BN ordering (<c>ConvReluBn</c>: stacked, each BN feeds the next conv), "BN → ReLU → Conv" is
/// pre-activation (<c>BnReluConv</c>), "Conv → BN → ReLU" is <c>ConvBnRelu</c>.
/// </summary>
/// <remarks>
/// Every claim is written, before any run, as tests with a direction and a minimal effect (the properties below):
/// <list type="bullet">
/// <item>a <b>direction</b> test takes the per-seed paired differences (run k of every network uses seed k) in the
/// claim's direction; it is <i>for</i> the claim when a one-sided t-test shows the mean above 0, <i>against</i> it when
/// one shows it below the declared minimal effect;</item>
/// <item>an <b>equivalence</b> test ("almost the same") is TOST with a declared margin: for when the mean difference is
/// shown within ±margin, against when it is shown outside;</item>
/// <item>a <b>threshold</b> test ("reach about 99%", "above 97%") is a one-sided t-test of the mean accuracy over
/// seeds against the threshold; it needs full MNIST (at least <see cref="FullScaleTrainImages"/> train images), and
/// is "not tested at this scale" otherwise;</item>
/// <item>the depth crossover (O3) is the interaction contrast, per seed (ReLU→BN − BN→ReLU at depth 2) − (the same at
/// depth 5), tested as a direction with its own minimal effect, with the two simple effects;</item>
/// <item>"converges more slowly" compares log(steps to <see cref="ConvergenceTarget"/>) per seed (evaluate every K
/// steps for a fine step count), not mean accuracy over epochs, which mixes speed with level.</item>
/// </list>
/// Within each claim, the p-values of its tests are adjusted with Holm's method (the "for" family and the "against"
/// family each at α = <see cref="Alpha"/>). A test is supported when it is for and not against; not supported when
/// against; inconclusive otherwise. A claim of several tests is supported when all are, not supported when any is
/// (O4's "usually": when more than half are, resp. at least half are not); "estimates point the other way" marks a
/// not-supported claim whose estimates lie on the other side. The power line gives the seeds that would detect each
/// declared effect with 80% power at α / (tests in the claim), with the spread seen here.
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
        "Each claim of the article (claims.md, O1–O5) as tests declared before the runs: a direction with a minimal effect, an equivalence margin (TOST) or a threshold. " +
        "Differences are paired by seed (run k of every network uses seed k). One-sided t-tests at α = 0.05, Holm's correction within each claim. " +
        "Networks are recognized by name: `{Ordering}{Depth}{Activation}`, for example `ConvBnRelu2Relu`, `ConvReluBn5Elu`, `BnReluConv2LeakyRelu`.";

    /// <summary>Level of every test (one-sided), before Holm's adjustment.</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>"About 99%": the mean is shown at or above this (99% less 0.5 pp for the test set's own error).</summary>
    public double AboutThreshold { get; init; } = 0.985;

    /// <summary>"Still above 97%".</summary>
    public double FloorTarget { get; init; } = 0.97;

    /// <summary>"Almost the same": the margin of the equivalence test (0.2 pp).</summary>
    public double SameMargin { get; init; } = 0.002;

    /// <summary>"Slightly worse / better": the smallest accuracy difference the claim means (0.1 pp).</summary>
    public double SlightEffect { get; init; } = 0.001;

    /// <summary>The depth crossover: the smallest interaction contrast the claim means (0.2 pp, as claims.md asks).</summary>
    public double InteractionEffect { get; init; } = 0.002;

    /// <summary>"Converges more slowly": at least this ratio of steps to <see cref="ConvergenceTarget"/> (10% more).</summary>
    public double SlowerRatio { get; init; } = 1.1;

    /// <summary>
    /// At most this many distinct step counts over a comparison's runs (every run reaching the target at one of a few
    /// evaluations) make O2c say that its step counts are too coarse, whatever its power line asks.
    /// </summary>
    public int CoarseStepCounts { get; init; } = 3;

    /// <summary>
    /// The test accuracy whose first reaching counts as converged; null (the default): the middle of the study's
    /// accuracy targets, declared with the data before the runs: 98% of MNIST's 97/98/99%, 90% of Fashion-MNIST's
    /// 88/90/92% (a small CNN ends about 1 pp above either).
    /// </summary>
    public double? ConvergenceTarget { get; init; }

    /// <summary>The convergence target of a study: <see cref="ConvergenceTarget"/>, or the middle of its accuracy targets (98% without any).</summary>
    public double ConvergenceTargetOf(StudyDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (ConvergenceTarget is double fixedTarget)
            return fixedTarget;
        var targets = definition.Training.AccuracyTargets.Order().ToArray();
        return targets.Length == 0 ? 0.98 : targets[targets.Length / 2];
    }

    /// <summary>Train images below which absolute claims about MNIST are not tested (full MNIST has 60,000; a validation split may hold some back).</summary>
    public int FullScaleTrainImages { get; init; } = 50_000;

    /// <summary>The study's networks that follow the naming convention.</summary>
    public IReadOnlyList<(NetworkAnalysis Network, OrderingName Name)> Recognize(StudyAnalysis analysis) =>
        analysis.Networks.Select(n => (n, Names.Parse(n.Name))).Where(p => p.Item2 is not null).Select(p => (p.n, p.Item2!)).ToArray();

    /// <summary>True when at least one claim can be tested on <paramref name="analysis"/>'s networks.</summary>
    public bool Applies(StudyAnalysis analysis) => Evaluate(analysis).Any(c => c.Verdict is not ClaimVerdict.NotTested);

    private sealed record Group(string Activation, int? Depth, Dictionary<Ordering, NetworkAnalysis> Networks);

    /// <summary>Every claim, in the article's order: O1a, O1b, O2a, O2b, O2c, O3, O4, O5.</summary>
    public IReadOnlyList<ClaimResult> Evaluate(StudyAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        var known = Recognize(analysis);
        var groups = known.GroupBy(k => (k.Name.Activation, k.Name.Depth))
            .OrderBy(g => g.Key.Activation, StringComparer.Ordinal).ThenBy(g => g.Key.Depth ?? 0)
            .Select(g => new Group(g.Key.Activation, g.Key.Depth, g.GroupBy(k => k.Name.Ordering).ToDictionary(o => o.Key, o => o.First().Network)))
            .ToArray();
        var relu = groups.Where(g => g.Activation == "relu").ToArray();
        var context = new Context(analysis, this);

        return new[]
        {
            AlmostTheSame(context, relu),
            ReachAbout(context, relu),
            SlightlyWorse(context, relu),
            AboveFloor(context, relu),
            ConvergesSlower(context, relu),
            DepthCrossover(context, relu),
            ActivationThenBn(context, groups.Where(g => g.Activation is "leakyrelu" or "elu").ToArray()),
            Gradients(context, relu),
        };
    }

    private ClaimResult AlmostTheSame(Context c, Group[] groups)
    {
        const string Claim = "O1a. BN → ReLU → Conv and ReLU → BN → Conv perform almost the same.";
        string declared = $"equivalence: |BnReluConv − ConvReluBn| final test accuracy within ±{Pp(SameMargin)} (TOST)";
        var parts = new List<ClaimPart>();
        var used = new List<NetworkAnalysis>();
        foreach (var g in groups)
        {
            if (g.Networks.TryGetValue(Ordering.BnActConv, out var a) && g.Networks.TryGetValue(Ordering.ConvActBn, out var b))
            {
                parts.Add(EquivalencePart($"{a.Name} − {b.Name}, final test accuracy", Paired(a.FinalAccuracyBySeed, b.FinalAccuracyBySeed), SameMargin));
                used.Add(a);
                used.Add(b);
            }
        }
        return c.Finish("O1a", Claim, declared, parts, used, Combination.All, "needs BnReluConv and ConvReluBn networks with ReLU of the same depth");
    }

    private ClaimResult ReachAbout(Context c, Group[] groups)
    {
        const string Claim = "O1b. BN → ReLU → Conv and ReLU → BN → Conv both reach about 99% on MNIST.";
        string declared = $"threshold: mean final test accuracy above {Percent(AboutThreshold)} (about 99%, allowing 0.5 pp for the test set's error), full MNIST";
        var networks = groups.SelectMany(g => new[] { Ordering.BnActConv, Ordering.ConvActBn }.Where(g.Networks.ContainsKey).Select(o => g.Networks[o])).ToArray();
        if (c.ScaleProblem(networks) is { } problem)
            return c.NotAtThisScale("O1b", Claim, declared, networks, problem);
        var parts = networks.Select(n => ThresholdPart($"{n.Name}, final test accuracy vs {Percent(AboutThreshold)}", n.FinalAccuracyBySeed.OrderBy(p => p.Key).Select(p => p.Value).ToArray(), AboutThreshold)).ToList();
        return c.Finish("O1b", Claim, declared, parts, networks, Combination.All, "needs BnReluConv or ConvReluBn networks with ReLU");
    }

    private ClaimResult SlightlyWorse(Context c, Group[] groups)
    {
        const string Claim = "O2a. Conv → BN → ReLU is slightly worse than both.";
        string declared = $"direction: BnReluConv and ConvReluBn each better than ConvBnRelu by at least {Pp(SlightEffect)} (final test accuracy)";
        var parts = new List<ClaimPart>();
        var used = new List<NetworkAnalysis>();
        foreach (var g in groups)
        {
            if (!g.Networks.TryGetValue(Ordering.ConvBnAct, out var usual))
                continue;
            foreach (var other in new[] { Ordering.BnActConv, Ordering.ConvActBn })
            {
                if (g.Networks.TryGetValue(other, out var network))
                {
                    parts.Add(DirectionPart($"{network.Name} − {usual.Name}, final test accuracy", Paired(network.FinalAccuracyBySeed, usual.FinalAccuracyBySeed), SlightEffect, 100, "pp"));
                    used.Add(network);
                    used.Add(usual);
                }
            }
        }
        return c.Finish("O2a", Claim, declared, parts, used.Distinct().ToArray(), Combination.All, "needs ConvBnRelu and BnReluConv or ConvReluBn networks with ReLU of the same depth");
    }

    private ClaimResult AboveFloor(Context c, Group[] groups)
    {
        const string Claim = "O2b. Conv → BN → ReLU is still above 97% on MNIST.";
        string declared = $"threshold: mean final test accuracy above {Percent(FloorTarget)}, full MNIST";
        var networks = groups.Where(g => g.Networks.ContainsKey(Ordering.ConvBnAct)).Select(g => g.Networks[Ordering.ConvBnAct]).ToArray();
        if (c.ScaleProblem(networks) is { } problem)
            return c.NotAtThisScale("O2b", Claim, declared, networks, problem);
        var parts = networks.Select(n => ThresholdPart($"{n.Name}, final test accuracy vs {Percent(FloorTarget)}", n.FinalAccuracyBySeed.OrderBy(p => p.Key).Select(p => p.Value).ToArray(), FloorTarget)).ToList();
        return c.Finish("O2b", Claim, declared, parts, networks, Combination.All, "needs ConvBnRelu networks with ReLU");
    }

    private ClaimResult ConvergesSlower(Context c, Group[] groups)
    {
        const string Claim = "O2c. Conv → BN → ReLU converges a little more slowly.";
        double minimal = Math.Log(SlowerRatio);
        double target = ConvergenceTargetOf(c.Analysis.Definition);
        string declared = $"direction: ConvBnRelu needs at least {(SlowerRatio - 1) * 100:0}% more training steps than each of the other two to first reach {Percent(target, 0)} test accuracy (log step ratio per seed)";
        var parts = new List<ClaimPart>();
        var used = new List<NetworkAnalysis>();
        var notes = new List<string>();
        var coarse = new List<(string Part, string Note)>();
        if (!c.Analysis.Definition.Training.AccuracyTargets.Any(t => Math.Abs(t - target) < 1e-9))
            return c.Finish("O2c", Claim, declared, parts, used, Combination.All, $"the study does not record when runs reach {Percent(target, 0)}");
        foreach (var g in groups)
        {
            if (!g.Networks.TryGetValue(Ordering.ConvBnAct, out var usual))
                continue;
            foreach (var other in new[] { Ordering.BnActConv, Ordering.ConvActBn })
            {
                if (!g.Networks.TryGetValue(other, out var network))
                    continue;
                var slow = StepsTo(usual, target);
                var fast = StepsTo(network, target);
                if (slow.Reached * 2 <= slow.Steps.Count || fast.Reached * 2 <= fast.Steps.Count)
                {
                    notes.Add($"{usual.Name} vs {network.Name}: at most half the runs of one of them reached {Percent(target, 0)}; not compared");
                    continue;
                }
                var seeds = slow.Steps.Keys.Intersect(fast.Steps.Keys).Order().ToArray();
                int counts = seeds.Select(s => slow.Steps[s]).Concat(seeds.Select(s => fast.Steps[s])).Distinct().Count();
                if (counts <= CoarseStepCounts)
                {
                    // every run reaches the target at one of a few evaluations: per-seed ratios jump between a few
                    // values (1/2, 1, 2, …) whose spread swamps a 10% effect, so more seeds are not the remedy
                    coarse.Add(($"log steps to {Percent(target, 0)}, {usual.Name} / {network.Name}", $"{usual.Name} vs {network.Name}: the steps to {Percent(target, 0)} take only {counts} value{(counts == 1 ? "" : "s")} over {2 * seeds.Length} runs, " +
                        $"too coarse to resolve {(SlowerRatio - 1) * 100:0}% more steps: evaluate more often (--eval-every) rather than add seeds"));
                }

                double[] logRatio = seeds.Select(s => Math.Log(slow.Steps[s] / fast.Steps[s])).ToArray();
                parts.Add(DirectionPart($"log steps to {Percent(target, 0)}, {usual.Name} / {network.Name}", logRatio, minimal, 1, "log"));
                used.Add(network);
                used.Add(usual);
            }
        }
        var result = c.Finish("O2c", Claim, declared, parts, used.Distinct().ToArray(), Combination.All,
            notes.Count > 0 ? string.Join("; ", notes) : "needs ConvBnRelu and BnReluConv or ConvReluBn networks with ReLU of the same depth");
        string granularity = c.Analysis.Definition.Training.EvaluateEvery is int k
            ? $"steps counted at evaluations every {k} steps and at epoch ends"
            : "steps counted at epoch ends only (evaluate every K steps for a finer count)";
        // only where the coarse counts left a comparison undecided (a large effect is found even so)
        var undecided = result.Parts.Where(p => p.Verdict == ClaimVerdict.Inconclusive).Select(p => p.Label).ToHashSet(StringComparer.Ordinal);
        var tooCoarse = coarse.Where(c => undecided.Contains(c.Part)).Select(c => c.Note).ToArray();
        return result with
        {
            Evidence = parts.Count == 0 ? result.Evidence : result.Evidence.Concat(notes).Concat(tooCoarse).Append(granularity).ToArray(),
            Declared = declared + "; " + granularity,
            Summary = tooCoarse.Length > 0 && result.Verdict == ClaimVerdict.Inconclusive
                ? result.Summary + $"; {tooCoarse.Length} undecided comparison{(tooCoarse.Length == 1 ? " has" : "s have")} step counts too coarse for more seeds to help (evaluate more often)"
                : result.Summary,
        };
    }

    private ClaimResult DepthCrossover(Context c, Group[] groups)
    {
        const string Claim = "O3. With 2 layers ReLU → BN is slightly better than BN → ReLU; with 5 layers BN → ReLU is slightly better.";
        string declared = $"interaction: (ConvReluBn − BnReluConv at depth 2) − (the same at depth 5) above 0 by at least {Pp(InteractionEffect)}; " +
            $"and each simple effect in its direction by at least {Pp(SlightEffect)}";
        var two = groups.FirstOrDefault(g => g.Depth == 2);
        var five = groups.FirstOrDefault(g => g.Depth == 5);
        var parts = new List<ClaimPart>();
        var used = new List<NetworkAnalysis>();
        if (two is not null && five is not null
            && two.Networks.TryGetValue(Ordering.ConvActBn, out var reluBn2) && two.Networks.TryGetValue(Ordering.BnActConv, out var bnRelu2)
            && five.Networks.TryGetValue(Ordering.ConvActBn, out var reluBn5) && five.Networks.TryGetValue(Ordering.BnActConv, out var bnRelu5))
        {
            var shallow = PairedBySeed(reluBn2.FinalAccuracyBySeed, bnRelu2.FinalAccuracyBySeed);
            var deep = PairedBySeed(bnRelu5.FinalAccuracyBySeed, reluBn5.FinalAccuracyBySeed);
            var seeds = shallow.Keys.Intersect(deep.Keys).Order().ToArray();
            // ReLU→BN advantage at depth 2 minus its advantage at depth 5 = shallow + deep
            parts.Add(DirectionPart($"interaction: ({reluBn2.Name} − {bnRelu2.Name}) − ({reluBn5.Name} − {bnRelu5.Name})",
                seeds.Select(s => shallow[s] + deep[s]).ToArray(), InteractionEffect, 100, "pp"));
            parts.Add(DirectionPart($"{reluBn2.Name} − {bnRelu2.Name}, final test accuracy", shallow.OrderBy(p => p.Key).Select(p => p.Value).ToArray(), SlightEffect, 100, "pp"));
            parts.Add(DirectionPart($"{bnRelu5.Name} − {reluBn5.Name}, final test accuracy", deep.OrderBy(p => p.Key).Select(p => p.Value).ToArray(), SlightEffect, 100, "pp"));
            used.AddRange(new[] { reluBn2, bnRelu2, reluBn5, bnRelu5 });
        }
        return c.Finish("O3", Claim, declared, parts, used, Combination.All, "needs ConvReluBn and BnReluConv networks with ReLU at depth 2 and at depth 5");
    }

    private ClaimResult ActivationThenBn(Context c, Group[] groups)
    {
        const string Claim = "O4. With LeakyReLU or ELU, activation then BN is usually better.";
        string declared = $"direction: ConvActBn better than ConvBnAct and than BnActConv by at least {Pp(SlightEffect)} (final test accuracy), in more than half of the comparisons";
        var parts = new List<ClaimPart>();
        var used = new List<NetworkAnalysis>();
        foreach (var g in groups)
        {
            if (!g.Networks.TryGetValue(Ordering.ConvActBn, out var actThenBn))
                continue;
            foreach (var other in new[] { Ordering.ConvBnAct, Ordering.BnActConv })
            {
                if (g.Networks.TryGetValue(other, out var network))
                {
                    parts.Add(DirectionPart($"{actThenBn.Name} − {network.Name}, final test accuracy", Paired(actThenBn.FinalAccuracyBySeed, network.FinalAccuracyBySeed), SlightEffect, 100, "pp"));
                    used.Add(actThenBn);
                    used.Add(network);
                }
            }
        }
        return c.Finish("O4", Claim, declared, parts, used.Distinct().ToArray(), Combination.Usually, "needs ConvReluBn and ConvBnRelu or BnReluConv networks with LeakyReLU or ELU");
    }

    private ClaimResult Gradients(Context c, Group[] groups)
    {
        const string Claim = "O5. Activation before BN causes vanishing or exploding gradients and unstable normalization.";
        const string Declared = "per-layer gradient norms (first to last conv) and divergence counts at depth 10–20 and at 10× the learning rate";
        var networks = groups.SelectMany(g => g.Networks.Values).ToArray();
        if (networks.Length == 0)
            return c.Finish("O5", Claim, Declared, new List<ClaimPart>(), networks, Combination.All, "needs ordering networks with ReLU");
        int deepest = groups.Max(g => g.Depth ?? 0);
        int diverged = networks.Sum(n => n.Diverged);
        return c.NotAtThisScale("O5", Claim, Declared, networks,
            $"needs depth 10–20 and 10× the learning rate (deepest here: {deepest}); here {diverged} of {networks.Sum(n => n.Runs.Count)} runs diverged, and the per-layer gradient norms are in the figures");
    }

    // ----- parts -----

    private static double[] Paired(IReadOnlyDictionary<long, double> a, IReadOnlyDictionary<long, double> b) =>
        PairedBySeed(a, b).OrderBy(p => p.Key).Select(p => p.Value).ToArray();

    private static Dictionary<long, double> PairedBySeed(IReadOnlyDictionary<long, double> a, IReadOnlyDictionary<long, double> b) =>
        a.Keys.Intersect(b.Keys).ToDictionary(s => s, s => a[s] - b[s]);

    /// <summary>Steps to <paramref name="target"/> by seed; a run that never reached it counts as one step past its end.</summary>
    private static (Dictionary<long, double> Steps, int Reached) StepsTo(NetworkAnalysis network, double target)
    {
        var steps = new Dictionary<long, double>();
        int reached = 0;
        foreach (RunResult run in network.Runs.Where(r => r.Diverged is null))
        {
            long? step = run.Convergence.FirstOrDefault(p => Math.Abs(p.Target - target) < 1e-9)?.Step;
            if (step is long s && s > 0)
            {
                steps[run.Seed] = s;
                reached++;
            }
            else
            {
                steps[run.Seed] = run.Epochs.Sum(e => e.Steps) + 1;
            }
        }
        return (steps, reached);
    }

    private static ClaimPart DirectionPart(string label, double[] values, double minimal, double scale, string unit)
    {
        var describe = Statistics.Describe(values);
        var pFor = Statistics.OneSided(values, 0, greater: true).PValue;
        var pAgainst = Statistics.OneSided(values, minimal, greater: false).PValue;
        return new ClaimPart
        {
            Label = label,
            Kind = ClaimTestKind.Direction,
            Unit = unit,
            Estimate = describe.Mean * scale,
            Ci95 = describe.Ci95 is Interval ci ? new Interval(ci.Low * scale, ci.High * scale) : null,
            MinimalEffect = minimal * scale,
            PFor = pFor,
            PAgainst = pAgainst,
            Count = values.Length,
            Sd = describe.StandardDeviation * scale,
            OtherWay = values.Length > 0 && describe.Mean < 0,
        };
    }

    private static ClaimPart EquivalencePart(string label, double[] values, double margin)
    {
        var describe = Statistics.Describe(values);
        var tost = Statistics.Tost(values, margin);
        double? above = Statistics.OneSided(values, margin, greater: true).PValue;
        double? below = Statistics.OneSided(values, -margin, greater: false).PValue;
        return new ClaimPart
        {
            Label = label,
            Kind = ClaimTestKind.Equivalence,
            Unit = "pp",
            Estimate = describe.Mean * 100,
            Ci95 = describe.Ci95 is Interval ci ? new Interval(ci.Low * 100, ci.High * 100) : null,
            MinimalEffect = margin * 100,
            PFor = tost.PValue,
            // outside the margin on either side: the smaller one-sided p, doubled (Bonferroni over the two sides)
            PAgainst = above is double a && below is double b ? Math.Min(1, 2 * Math.Min(a, b)) : null,
            Count = values.Length,
            Sd = describe.StandardDeviation * 100,
        };
    }

    private static ClaimPart ThresholdPart(string label, double[] values, double threshold)
    {
        var describe = Statistics.Describe(values);
        return new ClaimPart
        {
            Label = label,
            Kind = ClaimTestKind.Threshold,
            Unit = "pp",
            Estimate = (describe.Mean - threshold) * 100,
            Ci95 = describe.Ci95 is Interval ci ? new Interval((ci.Low - threshold) * 100, (ci.High - threshold) * 100) : null,
            PFor = Statistics.OneSided(values, threshold, greater: true).PValue,
            PAgainst = Statistics.OneSided(values, threshold, greater: false).PValue,
            Count = values.Length,
            Sd = describe.StandardDeviation * 100,
            OtherWay = values.Length > 0 && describe.Mean < threshold,
        };
    }

    private enum Combination
    {
        All,
        Usually,
    }

    /// <summary>What every claim needs from the study: its setup, scale, and the Holm step that turns parts into a verdict.</summary>
    private sealed class Context(StudyAnalysis analysis, OrderingClaims owner)
    {
        public StudyAnalysis Analysis { get; } = analysis;

        /// <summary>Why absolute MNIST numbers cannot be tested on these networks' runs, or null when they can.</summary>
        public string? ScaleProblem(IReadOnlyList<NetworkAnalysis> networks)
        {
            var runs = networks.SelectMany(n => n.Runs).ToArray();
            if (runs.Length == 0)
                return null;
            string data = Analysis.Definition.Data;
            string lower = data.ToLowerInvariant();
            if (lower.Contains("fashion", StringComparison.Ordinal) || lower.Contains("kmnist", StringComparison.Ordinal))
                return $"the data are {data}, not MNIST";
            int train = runs.Min(r => r.TrainExamples);
            if (train < owner.FullScaleTrainImages)
                return $"{train:N0} train images, not full MNIST's 60,000 (the article's scale)";
            return null;
        }

        public ClaimResult NotAtThisScale(string id, string claim, string declared, IReadOnlyList<NetworkAnalysis> networks, string problem)
        {
            if (networks.Count == 0)
                return Finish(id, claim, declared, new List<ClaimPart>(), networks, Combination.All, problem);
            return new ClaimResult(id, claim, ClaimVerdict.NotTestedAtThisScale, new[] { "not tested at this scale: " + problem })
            {
                Declared = declared,
                Setup = Setup(networks),
                DataSize = DataSize(networks),
                Epochs = Analysis.Definition.Epochs,
                Summary = problem,
            };
        }

        public ClaimResult Finish(string id, string claim, string declared, List<ClaimPart> parts, IReadOnlyList<NetworkAnalysis> networks, Combination combination, string needs)
        {
            if (parts.Count == 0)
            {
                return new ClaimResult(id, claim, ClaimVerdict.NotTested, new[] { "not tested: " + needs })
                {
                    Declared = declared,
                    Summary = needs, // the verdict already says "not tested" wherever the summary is shown
                };
            }

            double alpha = owner.Alpha;
            int m = parts.Count;
            double[] forAdjusted = Adjust(parts.Select(p => p.PFor).ToArray());
            double[] againstAdjusted = Adjust(parts.Select(p => p.PAgainst).ToArray());
            var finished = new List<ClaimPart>();
            for (int i = 0; i < parts.Count; i++)
            {
                var part = parts[i];
                bool enough = part.Count >= StudyAnalysis.MinimumSeeds && part.PFor is not null && part.PAgainst is not null;
                bool isFor = enough && forAdjusted[i] < alpha;
                bool isAgainst = enough && againstAdjusted[i] < alpha;
                var verdict = isAgainst ? ClaimVerdict.NotSupported : isFor ? ClaimVerdict.Supported : ClaimVerdict.Inconclusive;
                int? needed = part.Sd is double sd
                    ? part.Kind switch
                    {
                        ClaimTestKind.Equivalence => Statistics.SeedsToShowEquivalence(sd, part.MinimalEffect, alpha / m),
                        ClaimTestKind.Threshold => Statistics.SeedsToDetect(sd, Math.Max(Math.Abs(part.Estimate), 0.1), alpha / m),
                        _ => Statistics.SeedsToDetect(sd, part.MinimalEffect, alpha / m),
                    }
                    : null;
                part = part with
                {
                    AdjustedPFor = part.PFor is null ? null : forAdjusted[i],
                    AdjustedPAgainst = part.PAgainst is null ? null : againstAdjusted[i],
                    Verdict = verdict,
                    SeedsNeeded = needed,
                };
                finished.Add(part with { Line = Line(part, enough) });
            }

            int supported = finished.Count(p => p.Verdict == ClaimVerdict.Supported);
            int against = finished.Count(p => p.Verdict == ClaimVerdict.NotSupported);
            var claimVerdict = combination == Combination.All
                ? against > 0 ? ClaimVerdict.NotSupported : supported == m ? ClaimVerdict.Supported : ClaimVerdict.Inconclusive
                : supported * 2 > m ? ClaimVerdict.Supported : against * 2 >= m ? ClaimVerdict.NotSupported : ClaimVerdict.Inconclusive;
            bool otherWay = claimVerdict == ClaimVerdict.NotSupported && finished.Any(p => p.Verdict == ClaimVerdict.NotSupported && p.OtherWay);
            int? seedsNeeded = finished.All(p => p.SeedsNeeded is not null) ? finished.Max(p => p.SeedsNeeded) : null;
            int seeds = finished.Min(p => p.Count);

            var evidence = finished.Select(p => p.Line).ToList();
            evidence.Add($"Holm's correction over the claim's {m} test{(m == 1 ? string.Empty : "s")} (α = {alpha.ToString(CultureInfo.InvariantCulture)} one-sided): {supported} for, {against} against, {m - supported - against} undecided" +
                (combination == Combination.Usually ? $"; \"usually\": supported when more than half are for" : string.Empty));
            string power = seedsNeeded is int need
                ? $"Power: with the spread seen here, {need} seeds per network would detect each declared effect with 80% power at α = {alpha.ToString(CultureInfo.InvariantCulture)}/{m} (this study: {seeds})."
                : "Power: too few seeds to estimate the spread, or an effect too small to detect with any reasonable number of seeds.";
            return new ClaimResult(id, claim, claimVerdict, evidence)
            {
                Declared = declared,
                Setup = Setup(networks),
                DataSize = DataSize(networks),
                Epochs = Analysis.Definition.Epochs,
                Parts = finished,
                PointsOtherWay = otherWay,
                Summary = Summarize(claimVerdict, finished, otherWay, seedsNeeded, seeds),
                Power = power,
                SeedsNeeded = seedsNeeded,
            };
        }

        private static double[] Adjust(double?[] pValues)
        {
            int[] known = Enumerable.Range(0, pValues.Length).Where(i => pValues[i] is not null).ToArray();
            double[] adjusted = Statistics.Holm(known.Select(i => pValues[i]!.Value).ToArray());
            double[] all = Enumerable.Repeat(1.0, pValues.Length).ToArray();
            for (int k = 0; k < known.Length; k++)
                all[known[k]] = adjusted[k];
            return all;
        }

        private string Setup(IReadOnlyList<NetworkAnalysis> networks)
        {
            var d = Analysis.Definition;
            var t = d.Training;
            var names = networks.Select(n => owner.Names.Parse(n.Name)).Where(n => n is not null).Select(n => n!).ToArray();
            string activations = string.Join(", ", names.Select(n => n.Activation).Distinct().Select(a => a switch { "relu" => "ReLU", "leakyrelu" => "LeakyReLU", "elu" => "ELU", _ => a }));
            string depths = string.Join(" and ", names.Select(n => n.Depth).Where(x => x is not null).Distinct().Order().Select(x => x!.Value.ToString(CultureInfo.InvariantCulture)));
            int fewest = networks.Count == 0 ? 0 : networks.Min(n => n.Runs.Count);
            int most = networks.Count == 0 ? 0 : networks.Max(n => n.Runs.Count);
            // an incomplete study (a partial merge) has networks with fewer runs than others: say the range
            string seeds = fewest == most ? $"{fewest} seeds" : $"{fewest}–{most} seeds per network";
            string schedule = t.Schedule == LearningRateSchedule.None ? "constant" : t.Schedule.ToString().ToLowerInvariant();
            return string.Create(CultureInfo.InvariantCulture,
                $"{activations}{(depths.Length > 0 ? ", depth " + depths : string.Empty)}; {seeds}; {(t.Optimizer == OptimizerKind.Adam ? "Adam" : "SGD")} {t.LearningRate}, {schedule} schedule, batch {t.BatchSize}");
        }

        private (int Train, int Test)? DataSize(IReadOnlyList<NetworkAnalysis> networks)
        {
            var runs = networks.SelectMany(n => n.Runs).ToArray();
            return runs.Length == 0 ? null : (runs.Min(r => r.TrainExamples), runs.Min(r => r.TestExamples));
        }

        private static string Line(ClaimPart p, bool enough)
        {
            string numbers = p.Ci95 is Interval ci
                ? $"{Value(p.Estimate, p.Unit)} (95% CI {Value(ci.Low, p.Unit)} to {Value(ci.High, p.Unit)}, n = {p.Count})"
                : $"{Value(p.Estimate, p.Unit)} (n = {p.Count})";
            string what = p.Kind switch
            {
                ClaimTestKind.Equivalence => $"TOST within ±{Value(p.MinimalEffect, p.Unit, signed: false)}: p = {ReportFormat.P(p.PFor)}, Holm {ReportFormat.P(p.AdjustedPFor)}; outside: Holm p = {ReportFormat.P(p.AdjustedPAgainst)}",
                ClaimTestKind.Threshold => $"above: p = {ReportFormat.P(p.PFor)}, Holm {ReportFormat.P(p.AdjustedPFor)}; below: Holm p = {ReportFormat.P(p.AdjustedPAgainst)}",
                _ => $"> 0: p = {ReportFormat.P(p.PFor)}, Holm {ReportFormat.P(p.AdjustedPFor)}; < {Value(p.MinimalEffect, p.Unit)}: Holm p = {ReportFormat.P(p.AdjustedPAgainst)}",
            };
            string verdict = !enough ? "too few seeds to tell"
                : p.Verdict switch
                {
                    ClaimVerdict.Supported => "for",
                    ClaimVerdict.NotSupported => p.Kind switch
                    {
                        ClaimTestKind.Equivalence => "against (outside the margin)",
                        ClaimTestKind.Threshold => "against (below the threshold)",
                        _ => p.OtherWay ? "against (the other way)" : "against (smaller than the declared effect)",
                    },
                    _ => "cannot tell",
                };
            return $"{p.Label}: {numbers}; {what}: {verdict}";
        }

        private static string Summarize(ClaimVerdict verdict, IReadOnlyList<ClaimPart> parts, bool otherWay, int? seedsNeeded, int seeds)
        {
            string Short(ClaimPart p) => p.Ci95 is Interval ci
                ? $"{p.Label}: {Value(p.Estimate, p.Unit)} (95% CI {Value(ci.Low, p.Unit)} to {Value(ci.High, p.Unit)})"
                : $"{p.Label}: {Value(p.Estimate, p.Unit)}";
            int m = parts.Count;
            switch (verdict)
            {
                case ClaimVerdict.Supported:
                    var weakest = parts.Where(p => p.Verdict == ClaimVerdict.Supported).MaxBy(p => p.AdjustedPFor ?? 1)!;
                    return $"{parts.Count(p => p.Verdict == ClaimVerdict.Supported)} of {m} tests for (Holm); weakest: {Short(weakest)}";
                case ClaimVerdict.NotSupported:
                    var first = parts.First(p => p.Verdict == ClaimVerdict.NotSupported);
                    return $"{parts.Count(p => p.Verdict == ClaimVerdict.NotSupported)} of {m} tests against (Holm){(otherWay ? ", estimates point the other way" : string.Empty)}: {Short(first)}";
                default:
                    string need = seedsNeeded is int n ? $"; about {n} seeds needed, {seeds} here" : string.Empty;
                    return $"{parts.Count(p => p.Verdict == ClaimVerdict.Supported)} for, {parts.Count(p => p.Verdict == ClaimVerdict.NotSupported)} against, " +
                        $"{parts.Count(p => p.Verdict == ClaimVerdict.Inconclusive)} undecided of {m}{need}";
            }
        }

        private static string Value(double value, string unit, bool signed = true)
        {
            if (!double.IsFinite(value))
                return "n/a";
            if (unit == "log")
            {
                // a log step ratio, shown as the percentage more (or fewer) steps
                double percent = (Math.Exp(value) - 1) * 100;
                return ReportFormat.Signed(percent) + "% steps";
            }
            return (signed ? ReportFormat.Signed(value) : ReportFormat.Unsigned(value)) + " " + unit;
        }
    }

    private static string Pp(double fraction) => (fraction * 100).ToString("0.0#", CultureInfo.InvariantCulture) + " pp";

    private static string Percent(double fraction, int decimals = 1) => ReportFormat.Percent(fraction, decimals);
}
