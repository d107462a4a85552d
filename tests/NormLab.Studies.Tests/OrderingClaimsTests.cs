using System;
using System.Collections.Generic;
using System.Linq;
using NormLab.Runtime.Training;
using NormLab.Studies.Claims;
using NormLab.Studies.Reports;
using Xunit;

namespace NormLab.Studies.Tests;

public sealed class OrderingClaimsTests
{
    [Theory]
    [InlineData("ConvBnRelu2Relu", Ordering.ConvBnAct, 2, "relu")]
    [InlineData("ConvReluBn5Elu", Ordering.ConvActBn, 5, "elu")]
    [InlineData("BnReluConv2LeakyRelu", Ordering.BnActConv, 2, "leakyrelu")]
    [InlineData("conv_bn_relu-d5-elu", Ordering.ConvBnAct, 5, "elu")]
    [InlineData("ConvEluBn2", Ordering.ConvActBn, 2, "elu")]
    [InlineData("BnLReluConv_5", Ordering.BnActConv, 5, "leakyrelu")]
    [InlineData("ConvBatchNormReLU_depth2_LeakyReLU", Ordering.ConvBnAct, 2, "leakyrelu")]
    [InlineData("BnActConv2Elu", Ordering.BnActConv, 2, "elu")]
    [InlineData("ConvBnRelu", Ordering.ConvBnAct, null, "relu")]
    [InlineData("ConvReluBn", Ordering.ConvActBn, null, "relu")]
    public void Ordering_names_are_read_tolerantly(string name, Ordering ordering, int? depth, string activation)
    {
        Assert.Equal(new OrderingName(ordering, depth, activation), OrderingNames.Default.Parse(name));
    }

    [Theory]
    [InlineData("Residual")]
    [InlineData("ConvBn")]
    [InlineData("ReluConvBn2")]
    [InlineData("ConvBnRelu2Relu3")]
    [InlineData("ConvBnReluExtra")]
    [InlineData("ConvBnRelu2Relu@width=16")]
    [InlineData("ConvBnRelu2Conv")]
    public void Other_names_are_not_ordering_networks(string name)
    {
        Assert.Null(OrderingNames.Default.Parse(name));
    }

    [Fact]
    public void The_convention_can_be_extended()
    {
        var names = new OrderingNames();
        names.Words["gn"] = "bn";
        names.Explicit["Standard"] = new OrderingName(Ordering.ConvBnAct, 2, "relu");

        Assert.Equal(new OrderingName(Ordering.ConvActBn, 3, "relu"), names.Parse("ConvReluGn3"));
        Assert.Equal(new OrderingName(Ordering.ConvBnAct, 2, "relu"), names.Parse("Standard"));
        Assert.Null(OrderingNames.Default.Parse("ConvReluGn3"));
    }

    /// <summary>
    /// The article's world: every claim holds, by margins well above the (small) seed noise. BN→ReLU and ReLU→BN differ
    /// by 0.15 pp (inside the 0.2 pp equivalence margin, above the 0.1 pp "slightly"), the other way round at depth 5.
    /// </summary>
    private static readonly Dictionary<string, (double Final, double Start)> ArticleWorld = new()
    {
        ["ConvBnRelu2Relu"] = (0.9880, 0.930),
        ["ConvReluBn2Relu"] = (0.9920, 0.975),
        ["BnReluConv2Relu"] = (0.9905, 0.975),
        ["ConvBnRelu5Relu"] = (0.9880, 0.931),
        ["ConvReluBn5Relu"] = (0.9905, 0.975),
        ["BnReluConv5Relu"] = (0.9920, 0.976),
        ["ConvBnRelu2Elu"] = (0.984, 0.95),
        ["ConvReluBn2Elu"] = (0.990, 0.95),
        ["BnReluConv2Elu"] = (0.985, 0.95),
        ["ConvBnRelu2LeakyRelu"] = (0.983, 0.95),
        ["ConvReluBn2LeakyRelu"] = (0.989, 0.95),
        ["BnReluConv2LeakyRelu"] = (0.984, 0.95),
    };

    private static readonly string[] Ids = { "O1a", "O1b", "O2a", "O2b", "O2c", "O3", "O4", "O5" };

    private static StudyAnalysis Analyze(IReadOnlyDictionary<string, (double Final, double Start)> world, int seeds, int epochs = 3, int trainExamples = 60_000,
        double sharedNoise = 0.001, double ownNoise = 0.0002)
    {
        var names = world.Keys.ToArray();
        var runs = new List<RunResult>();
        for (int n = 0; n < names.Length; n++)
        {
            for (int seed = 1; seed <= seeds; seed++)
            {
                // seed noise shared by all networks (it cancels in pairs) plus a little of each network's own
                double noise = sharedNoise * ((seed % 3) - 1) + ownNoise * (((seed * 7) + n * 3) % 5 - 2);
                var (final, start) = world[names[n]];
                runs.Add(StudyFixtures.Run(names[n], seed, StudyFixtures.Curve(final + noise, epochs, start + noise), trainExamples: trainExamples));
            }
        }
        return StudyAnalysis.Analyze(StudyFixtures.Definition(names, seeds, epochs), runs);
    }

    private static string Describe(ClaimResult r) => $"{r.Id}: {r.Verdict}\n{string.Join("\n", r.Evidence)}";

    [Fact]
    public void Numbers_like_the_articles_at_full_scale_support_every_claim_it_can_test()
    {
        var results = new OrderingClaims().Evaluate(Analyze(ArticleWorld, seeds: 10));

        Assert.Equal(Ids, results.Select(r => r.Id).ToArray());
        foreach (var result in results.Where(r => r.Id != "O5"))
            Assert.True(result.Verdict == ClaimVerdict.Supported, Describe(result));
        // the gradient claim needs depth 10-20 and a 10x learning rate
        Assert.Equal(ClaimVerdict.NotTestedAtThisScale, results.Single(r => r.Id == "O5").Verdict);

        var worse = results.Single(r => r.Id == "O2a");
        Assert.Equal(4, worse.Parts.Count);
        Assert.Contains(worse.Evidence, l => l.StartsWith("BnReluConv2Relu − ConvBnRelu2Relu, final test accuracy: +0.25 pp (95% CI ", StringComparison.Ordinal) && l.EndsWith(": for", StringComparison.Ordinal));
        Assert.Contains(worse.Evidence, l => l.StartsWith("Holm's correction over the claim's 4 tests (α = 0.05 one-sided): 4 for, 0 against", StringComparison.Ordinal));
        Assert.StartsWith("Power: with the spread seen here, ", worse.Power, StringComparison.Ordinal);
        Assert.Equal((60_000, 2_000), worse.DataSize);
        Assert.Equal(3, worse.Epochs);
        Assert.Equal("ReLU, depth 2 and 5; 10 seeds; Adam 0.001, constant schedule, batch 64", worse.Setup);
        Assert.Contains("at least 0.1 pp", worse.Declared, StringComparison.Ordinal);

        var same = results.Single(r => r.Id == "O1a");
        Assert.All(same.Parts, p => Assert.Equal(ClaimTestKind.Equivalence, p.Kind));
        var slower = results.Single(r => r.Id == "O2c");
        // 30 steps against 20 to reach 98%: 50% more
        Assert.Contains(slower.Evidence, l => l.StartsWith("log steps to 98%, ConvBnRelu2Relu / BnReluConv2Relu: +50.00% steps", StringComparison.Ordinal));
        Assert.Contains("steps counted at epoch ends only", slower.Declared, StringComparison.Ordinal);
    }

    [Fact]
    public void Convergence_is_counted_to_the_middle_of_the_studys_accuracy_targets()
    {
        var mnist = Analyze(ArticleWorld, seeds: 10);
        var fashionDefinition = mnist.Definition with { Training = mnist.Definition.Training with { AccuracyTargets = new[] { 0.92, 0.88, 0.90 } } };
        var fashion = StudyAnalysis.Analyze(fashionDefinition, mnist.Networks.SelectMany(n => n.Runs));

        Assert.Equal(0.98, new OrderingClaims().ConvergenceTargetOf(mnist.Definition));
        Assert.Equal(0.90, new OrderingClaims().ConvergenceTargetOf(fashionDefinition));
        Assert.Equal(0.95, new OrderingClaims { ConvergenceTarget = 0.95 }.ConvergenceTargetOf(fashionDefinition));
        var slower = new OrderingClaims().Evaluate(fashion).Single(r => r.Id == "O2c");
        Assert.Contains("to first reach 90% test accuracy", slower.Declared, StringComparison.Ordinal);
        Assert.Contains("98%", new OrderingClaims().Evaluate(mnist).Single(r => r.Id == "O2c").Declared, StringComparison.Ordinal);
    }

    [Fact]
    public void Undecided_convergence_on_step_counts_a_few_evaluations_apart_asks_for_finer_evaluation_not_seeds()
    {
        // every run reaches 98% at epoch 1 or 2 (10 or 20 steps), alternating by seed in opposite phase, so the per-seed
        // ratios are 2 and 1/2: undecided, with a power line asking for many seeds that could not help
        string[] names = { "ConvBnRelu2Relu", "BnReluConv2Relu", "ConvReluBn2Relu" };
        var runs = names.SelectMany((name, n) => Enumerable.Range(1, 10).Select(seed =>
            StudyFixtures.Run(name, seed, (seed + (n == 0 ? 0 : 1)) % 2 == 0 ? new[] { 0.985, 0.99, 0.99 } : new[] { 0.975, 0.985, 0.99 }, trainExamples: 60_000)));
        var slower = new OrderingClaims().Evaluate(StudyAnalysis.Analyze(StudyFixtures.Definition(names, 10, 3), runs)).Single(r => r.Id == "O2c");

        Assert.Equal(ClaimVerdict.Inconclusive, slower.Verdict);
        Assert.Contains(slower.Evidence, l => l == "ConvBnRelu2Relu vs BnReluConv2Relu: the steps to 98% take only 2 values over 20 runs, too coarse to resolve 10% more steps: evaluate more often (--eval-every) rather than add seeds");
        Assert.EndsWith("; 2 undecided comparisons have step counts too coarse for more seeds to help (evaluate more often)", slower.Summary, StringComparison.Ordinal);

        // with CoarseStepCounts below 2 nothing is said
        var plain = new OrderingClaims { CoarseStepCounts = 1 }.Evaluate(StudyAnalysis.Analyze(StudyFixtures.Definition(names, 10, 3), runs)).Single(r => r.Id == "O2c");
        Assert.DoesNotContain(plain.Evidence, l => l.Contains("too coarse", StringComparison.Ordinal));
        Assert.DoesNotContain("too coarse", plain.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void The_depth_crossover_is_tested_as_an_interaction()
    {
        var analysis = Analyze(ArticleWorld, seeds: 10);
        var crossover = new OrderingClaims().Evaluate(analysis).Single(r => r.Id == "O3");

        var interaction = crossover.Parts[0];
        Assert.StartsWith("interaction: (ConvReluBn2Relu − BnReluConv2Relu) − (ConvReluBn5Relu − BnReluConv5Relu)", interaction.Label, StringComparison.Ordinal);
        // the contrast per seed, computed here independently of the claim code
        double[] expected = Enumerable.Range(1, 10).Select(s =>
            analysis.Find("ConvReluBn2Relu")!.FinalAccuracyBySeed[s] - analysis.Find("BnReluConv2Relu")!.FinalAccuracyBySeed[s]
            - (analysis.Find("ConvReluBn5Relu")!.FinalAccuracyBySeed[s] - analysis.Find("BnReluConv5Relu")!.FinalAccuracyBySeed[s])).ToArray();
        Assert.Equal(Statistics.Mean(expected) * 100, interaction.Estimate, 10);
        Assert.Equal(Statistics.OneSided(expected, 0, greater: true).PValue!.Value, interaction.PFor!.Value, 12);
        Assert.Equal(0.2, interaction.MinimalEffect, 12);
        Assert.Equal(3, crossover.Parts.Count);
        // Holm over the three: the adjusted p is at least the raw one
        Assert.All(crossover.Parts, p => Assert.True(p.AdjustedPFor >= p.PFor));
    }

    [Fact]
    public void At_the_sample_scale_absolute_claims_are_not_tested()
    {
        var results = new OrderingClaims().Evaluate(Analyze(ArticleWorld, seeds: 10, trainExamples: 8_000)).ToDictionary(r => r.Id);

        Assert.Equal(ClaimVerdict.NotTestedAtThisScale, results["O1b"].Verdict);
        Assert.Equal(ClaimVerdict.NotTestedAtThisScale, results["O2b"].Verdict);
        Assert.Equal("not tested at this scale: 8,000 train images, not full MNIST's 60,000 (the article's scale)", results["O1b"].Evidence.Single());
        Assert.Empty(results["O1b"].Parts);
        // relative claims are tested, and say at which scale
        Assert.Equal(ClaimVerdict.Supported, results["O2a"].Verdict);
        Assert.Equal((8_000, 2_000), results["O2a"].DataSize);
    }

    [Fact]
    public void Numbers_against_the_article_do_not_support_it_and_say_which_way_they_point()
    {
        var world = new Dictionary<string, (double, double)>
        {
            // Conv → BN → ReLU best and fastest; ReLU → BN → Conv far from 99%; at depth 2 BN → ReLU wins
            ["ConvBnRelu2Relu"] = (0.990, 0.98),
            ["ConvReluBn2Relu"] = (0.960, 0.90),
            ["BnReluConv2Relu"] = (0.975, 0.90),
            ["ConvBnRelu5Relu"] = (0.990, 0.98),
            ["ConvReluBn5Relu"] = (0.990, 0.95),
            ["BnReluConv5Relu"] = (0.975, 0.90),
            ["ConvBnRelu2Elu"] = (0.990, 0.95),
            ["ConvReluBn2Elu"] = (0.980, 0.95),
        };

        var results = new OrderingClaims().Evaluate(Analyze(world, seeds: 6)).ToDictionary(r => r.Id);

        Assert.Equal(ClaimVerdict.NotSupported, results["O1a"].Verdict);
        Assert.Equal(ClaimVerdict.NotSupported, results["O1b"].Verdict);
        Assert.Equal(ClaimVerdict.NotSupported, results["O2a"].Verdict);
        Assert.True(results["O2a"].PointsOtherWay);
        Assert.Equal(ClaimVerdict.NotSupported, results["O2c"].Verdict);
        Assert.Equal(ClaimVerdict.NotSupported, results["O3"].Verdict);
        Assert.True(results["O3"].PointsOtherWay);
        Assert.Contains("estimates point the other way", results["O3"].Summary, StringComparison.Ordinal);
        Assert.Equal(ClaimVerdict.NotSupported, results["O4"].Verdict);
        Assert.Contains(results["O2a"].Evidence, l => l.EndsWith("against (the other way)", StringComparison.Ordinal));
    }

    [Fact]
    public void An_effect_shown_smaller_than_declared_is_not_supported_without_pointing_the_other_way()
    {
        var world = new Dictionary<string, (double, double)>
        {
            // ReLU → BN better at depth 2 by 0.02 pp only, measured very precisely
            ["ConvReluBn2Relu"] = (0.99020, 0.95),
            ["BnReluConv2Relu"] = (0.99000, 0.95),
            ["ConvReluBn5Relu"] = (0.99000, 0.95),
            ["BnReluConv5Relu"] = (0.99020, 0.95),
        };

        var crossover = new OrderingClaims().Evaluate(Analyze(world, seeds: 10, ownNoise: 0.00001)).Single(r => r.Id == "O3");

        Assert.Equal(ClaimVerdict.NotSupported, crossover.Verdict);
        Assert.False(crossover.PointsOtherWay);
        Assert.Contains(crossover.Evidence, l => l.EndsWith("against (smaller than the declared effect)", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_seeds_are_too_few_to_tell()
    {
        var results = new OrderingClaims().Evaluate(Analyze(ArticleWorld, seeds: 2));

        Assert.All(results.Where(r => r.Verdict != ClaimVerdict.NotTestedAtThisScale), r => Assert.Equal(ClaimVerdict.Inconclusive, r.Verdict));
        Assert.Contains(results.SelectMany(r => r.Evidence), l => l.EndsWith("too few seeds to tell", StringComparison.Ordinal));
    }

    [Fact]
    public void Gaps_within_the_noise_are_inconclusive_and_the_power_line_says_how_many_seeds_would_tell()
    {
        var world = new Dictionary<string, (double, double)>
        {
            ["ConvBnRelu2Relu"] = (0.9890, 0.95),
            ["ConvReluBn2Relu"] = (0.9900, 0.95),
            ["BnReluConv2Relu"] = (0.9899, 0.95),
        };

        var worse = new OrderingClaims().Evaluate(Analyze(world, seeds: 5, ownNoise: 0.002)).Single(r => r.Id == "O2a");

        Assert.Equal(ClaimVerdict.Inconclusive, worse.Verdict);
        Assert.NotNull(worse.SeedsNeeded);
        Assert.True(worse.SeedsNeeded > 5, $"{worse.SeedsNeeded} seeds");
        var part = worse.Parts[0];
        Assert.Equal(Statistics.SeedsToDetect(part.Sd!.Value, 0.1, 0.05 / 2), part.SeedsNeeded);
        Assert.Contains($"{worse.SeedsNeeded} seeds per network would detect", worse.Power, StringComparison.Ordinal);
        Assert.Contains($"about {worse.SeedsNeeded} seeds needed, 5 here", worse.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_study_of_other_networks_has_no_claims_to_test()
    {
        var analysis = StudyAnalysis.Analyze(StudyFixtures.Definition(new[] { "Small", "Large" }, 3, 2),
            new[] { "Small", "Large" }.SelectMany(n => Enumerable.Range(1, 3).Select(s => StudyFixtures.Run(n, s, new[] { 0.9, 0.95 }))));

        Assert.False(new OrderingClaims().Applies(analysis));
        Assert.All(new OrderingClaims().Evaluate(analysis), r => Assert.Equal(ClaimVerdict.NotTested, r.Verdict));
        // the summary says what is missing; the verdict says "not tested" (the command prints "O4: not tested: needs …")
        Assert.All(new OrderingClaims().Evaluate(analysis), r => Assert.StartsWith("needs ", r.Summary, StringComparison.Ordinal));
    }
}
