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

    /// <summary>The article's world: every claim holds, by margins well above the (small) seed noise.</summary>
    private static readonly Dictionary<string, (double Final, double Start)> ArticleWorld = new()
    {
        ["ConvBnRelu2Relu"] = (0.980, 0.930),
        ["ConvReluBn2Relu"] = (0.9925, 0.975),
        ["BnReluConv2Relu"] = (0.9905, 0.974),
        ["ConvBnRelu5Relu"] = (0.981, 0.931),
        ["ConvReluBn5Relu"] = (0.9895, 0.972),
        ["BnReluConv5Relu"] = (0.9935, 0.976),
        ["ConvBnRelu2Elu"] = (0.984, 0.95),
        ["ConvReluBn2Elu"] = (0.990, 0.95),
        ["BnReluConv2Elu"] = (0.985, 0.95),
        ["ConvBnRelu2LeakyRelu"] = (0.983, 0.95),
        ["ConvReluBn2LeakyRelu"] = (0.989, 0.95),
        ["BnReluConv2LeakyRelu"] = (0.984, 0.95),
    };

    private static StudyAnalysis Analyze(IReadOnlyDictionary<string, (double Final, double Start)> world, int seeds, int epochs = 3)
    {
        var names = world.Keys.ToArray();
        var runs = new List<RunResult>();
        for (int n = 0; n < names.Length; n++)
        {
            for (int seed = 1; seed <= seeds; seed++)
            {
                // seed noise shared by all networks (it cancels in pairs) plus a little of each network's own
                double noise = 0.001 * ((seed % 3) - 1) + 0.0002 * (((seed * 7) + n * 3) % 5 - 2);
                var (final, start) = world[names[n]];
                runs.Add(StudyFixtures.Run(names[n], seed, StudyFixtures.Curve(final + noise, epochs, start + noise)));
            }
        }
        return StudyAnalysis.Analyze(StudyFixtures.Definition(names, seeds, epochs), runs);
    }

    [Fact]
    public void Numbers_like_the_articles_support_every_claim()
    {
        var results = new OrderingClaims().Evaluate(Analyze(ArticleWorld, seeds: 10));

        Assert.Equal(new[] { "reach99", "convbnrelu-worse", "convbnrelu-slower", "depth2", "depth5", "leaky-elu" }, results.Select(r => r.Id).ToArray());
        foreach (var result in results)
            Assert.True(result.Verdict == ClaimVerdict.Supported, $"{result.Id}: {result.Verdict}\n{string.Join("\n", result.Evidence)}");
        var worse = results.Single(r => r.Id == "convbnrelu-worse");
        Assert.Contains(worse.Evidence, l => l.StartsWith("BnReluConv2Relu − ConvBnRelu2Relu, final test accuracy: +1.05 pp (95% CI ", System.StringComparison.Ordinal) && l.EndsWith(": better", System.StringComparison.Ordinal));
        Assert.Contains(worse.Evidence, l => l.StartsWith("ConvBnRelu2Relu: 98.", System.StringComparison.Ordinal) && l.EndsWith(": above 97.00%", System.StringComparison.Ordinal));
        Assert.Contains(results.Single(r => r.Id == "leaky-elu").Evidence, l => l == "activation then BN better in 4 of 4 comparisons, worse in 0");
    }

    [Fact]
    public void Numbers_against_the_article_do_not_support_it()
    {
        var world = new Dictionary<string, (double, double)>
        {
            // Conv → BN → ReLU best and fastest; ReLU → BN → Conv far from 99%; at depth 2 BN → ReLU wins
            ["ConvBnRelu2Relu"] = (0.990, 0.98),
            ["ConvReluBn2Relu"] = (0.960, 0.90),
            ["BnReluConv2Relu"] = (0.975, 0.90),
            ["ConvBnRelu2Elu"] = (0.990, 0.95),
            ["ConvReluBn2Elu"] = (0.980, 0.95),
        };

        var results = new OrderingClaims().Evaluate(Analyze(world, seeds: 6)).ToDictionary(r => r.Id);

        Assert.Equal(ClaimVerdict.NotSupported, results["reach99"].Verdict);
        Assert.Equal(ClaimVerdict.NotSupported, results["convbnrelu-worse"].Verdict);
        Assert.Equal(ClaimVerdict.NotSupported, results["convbnrelu-slower"].Verdict);
        Assert.Equal(ClaimVerdict.NotSupported, results["depth2"].Verdict);
        Assert.Equal(ClaimVerdict.NotTested, results["depth5"].Verdict);
        Assert.Equal(ClaimVerdict.NotSupported, results["leaky-elu"].Verdict);
        Assert.StartsWith("not tested: needs", results["depth5"].Evidence.Single(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void Two_seeds_are_too_few_to_tell()
    {
        var results = new OrderingClaims().Evaluate(Analyze(ArticleWorld, seeds: 2));

        Assert.All(results, r => Assert.Equal(ClaimVerdict.Inconclusive, r.Verdict));
        Assert.Contains(results.SelectMany(r => r.Evidence), l => l.EndsWith("too few seeds to tell", System.StringComparison.Ordinal));
    }

    [Fact]
    public void Gaps_within_the_noise_are_inconclusive()
    {
        var world = new Dictionary<string, (double, double)>
        {
            ["ConvReluBn2Relu"] = (0.9900, 0.95),
            ["BnReluConv2Relu"] = (0.9899, 0.95),
        };
        var analysis = Analyze(world, seeds: 5);

        var depth2 = new OrderingClaims().Evaluate(analysis).Single(r => r.Id == "depth2");

        Assert.Equal(ClaimVerdict.Inconclusive, depth2.Verdict);
        Assert.EndsWith("within the noise", depth2.Evidence.Single(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void A_study_of_other_networks_has_no_claims_to_test()
    {
        var analysis = StudyAnalysis.Analyze(StudyFixtures.Definition(new[] { "Small", "Large" }, 3, 2),
            new[] { "Small", "Large" }.SelectMany(n => Enumerable.Range(1, 3).Select(s => StudyFixtures.Run(n, s, new[] { 0.9, 0.95 }))));

        Assert.False(new OrderingClaims().Applies(analysis));
        Assert.All(new OrderingClaims().Evaluate(analysis), r => Assert.Equal(ClaimVerdict.NotTested, r.Verdict));
    }
}
