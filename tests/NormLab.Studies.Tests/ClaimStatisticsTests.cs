using System;
using Xunit;

namespace NormLab.Studies.Tests;

/// <summary>
/// The tests that claims use (<see cref="Statistics.OneSided"/>, <see cref="Statistics.Tost"/>,
/// <see cref="Statistics.Holm"/>, <see cref="Statistics.SeedsToDetect"/>) against values computed elsewhere:
/// <list type="bullet">
/// <item>One-sided t-tests and TOST of the ten paired differences <see cref="Differences"/>: mpmath 1.3.0 at 40 digits
/// (the t CDF as betainc(df/2, 1/2, 0, df/(df + t²), regularized=True) / 2, quantiles by bisection on it), an
/// arbitrary-precision implementation independent of this one (script: tests/NormLab.Studies.Tests/reference/claim_statistics.py).</item>
/// <item>Holm: the worked example of the Wikipedia article "Holm–Bonferroni method" (p = 0.01, 0.04, 0.03, 0.005 at
/// α = 0.05: the hypotheses with 0.005 and 0.01 are rejected, the others not), whose adjusted p-values
/// (R's <c>p.adjust(p, "holm")</c> definition) are 0.03, 0.06, 0.06, 0.02; and a second family by the same script.</item>
/// <item>Seeds to detect an effect: the same script solves the t approximation, and integrates the exact noncentral t
/// power over the χ² density to show that the answer is the least n whose exact power reaches 80% (16 seeds: 0.8156,
/// 15: 0.7908; 23 at α = 0.05/3: 0.8165, 22: 0.7961; 4: 0.9084, 3: 0.7122).</item>
/// </list>
/// </summary>
public sealed class ClaimStatisticsTests
{
    private static readonly double[] Differences = { 0.0012, -0.0004, 0.0021, 0.0009, -0.0011, 0.0017, 0.0005, 0.0013, 0.0002, 0.0008 };

    [Fact]
    public void One_sided_test_above_zero_matches_mpmath()
    {
        var test = Statistics.OneSided(Differences, 0, greater: true);

        Assert.Equal(0.00072, test.Estimate, 15);
        Assert.Equal(2.362950018686176, test.T!.Value, 11);
        Assert.Equal(9, test.DegreesOfFreedom);
        Assert.Equal(0.021197970016535376, test.PValue!.Value, 12);
    }

    [Fact]
    public void One_sided_test_below_a_minimal_effect_matches_mpmath()
    {
        var test = Statistics.OneSided(Differences, 0.001, greater: false);

        Assert.Equal(-0.91892500726684622, test.T!.Value, 11);
        Assert.Equal(0.19105127968992425, test.PValue!.Value, 12);
        // the other direction is its complement
        Assert.Equal(1 - 0.19105127968992425, Statistics.OneSided(Differences, 0.001, greater: true).PValue!.Value, 12);
    }

    [Fact]
    public void Tost_shows_equivalence_within_a_wide_margin_and_matches_mpmath()
    {
        var test = Statistics.Tost(Differences, 0.002);

        Assert.Equal(4.5641626774246104e-6, test.PLower!.Value, 15);
        Assert.Equal(0.0011519808956865304, test.PUpper!.Value, 13);
        Assert.Equal(0.0011519808956865304, test.PValue!.Value, 13);
        Assert.Equal(0.00016144340714987454, test.Ci!.Value.Low, 13);
        Assert.Equal(0.0012785565928501255, test.Ci!.Value.High, 13);
    }

    [Fact]
    public void Tost_does_not_show_equivalence_within_a_narrow_margin()
    {
        var test = Statistics.Tost(Differences, 0.001);

        Assert.Equal(0.00015783743888068287, test.PLower!.Value, 13);
        Assert.Equal(0.19105127968992425, test.PUpper!.Value, 12);
        Assert.True(test.PValue > 0.05);
    }

    [Fact]
    public void Tost_refuses_a_margin_that_is_not_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Statistics.Tost(Differences, 0));
    }

    [Fact]
    public void Tests_without_enough_values_have_no_p_value()
    {
        Assert.Null(Statistics.OneSided(new[] { 0.5 }, 0, greater: true).PValue);
        Assert.Null(Statistics.Tost(new[] { 0.5 }, 1).PValue);
    }

    [Fact]
    public void Without_spread_the_one_sided_p_is_0_or_1()
    {
        Assert.Equal(0, Statistics.OneSided(new[] { 0.2, 0.2, 0.2 }, 0, greater: true).PValue);
        Assert.Equal(1, Statistics.OneSided(new[] { 0.2, 0.2, 0.2 }, 0, greater: false).PValue);
        Assert.Equal(1, Statistics.OneSided(new[] { 0.0, 0.0 }, 0, greater: true).PValue);
    }

    [Fact]
    public void Holm_matches_the_published_example()
    {
        double[] adjusted = Statistics.Holm(new[] { 0.01, 0.04, 0.03, 0.005 });

        Assert.Equal(new[] { 0.03, 0.06, 0.06, 0.02 }, adjusted, (a, b) => Math.Abs(a - b) < 1e-15);
        // at α = 0.05: the first and fourth hypotheses are rejected, as in the example
        Assert.Equal(new[] { true, false, false, true }, Array.ConvertAll(adjusted, p => p < 0.05));
    }

    [Fact]
    public void Holm_keeps_adjusted_values_monotone_and_at_most_1()
    {
        double[] adjusted = Statistics.Holm(new[] { 0.2, 0.001, 0.04, 0.04, 0.5 });

        Assert.Equal(new[] { 0.4, 0.005, 0.16, 0.16, 0.5 }, adjusted, (a, b) => Math.Abs(a - b) < 1e-15);
        Assert.Equal(new[] { 1.0, 1.0 }, Statistics.Holm(new[] { 0.6, 0.7 }));
        Assert.Empty(Statistics.Holm(Array.Empty<double>()));
    }

    [Theory]
    [InlineData(0.0015, 0.001, 0.05, 16)]
    [InlineData(0.0015, 0.001, 0.05 / 3, 23)]
    [InlineData(0.003, 0.002, 0.05, 16)]
    [InlineData(0.001, 0.002, 0.05, 4)]
    public void Seeds_to_detect_match_the_exact_power_computation(double sd, double effect, double alpha, int expected)
    {
        Assert.Equal(expected, Statistics.SeedsToDetect(sd, effect, alpha));
    }

    [Fact]
    public void Seeds_to_show_equivalence_match_the_reference()
    {
        Assert.Equal(7, Statistics.SeedsToShowEquivalence(0.0015, 0.002));
    }

    [Fact]
    public void Seeds_to_detect_grow_with_the_noise_and_give_up_past_the_cap()
    {
        Assert.True(Statistics.SeedsToDetect(0.003, 0.001) > Statistics.SeedsToDetect(0.0015, 0.001));
        Assert.Null(Statistics.SeedsToDetect(1, 1e-6, max: 1000));
        Assert.Equal(2, Statistics.SeedsToDetect(0, 0.001));
        Assert.Null(Statistics.SeedsToDetect(0.001, 0));
    }
}

/// <summary>How differences are written: an interval that excludes 0 never prints a bound as 0.00.</summary>
public sealed class ReportFormatTests
{
    [Theory]
    [InlineData(0.0045, "+0.45 pp")]
    [InlineData(0.00000004, "+0.0000 pp")]
    [InlineData(0.0000004, "+0.0000 pp")]
    [InlineData(0.000004, "+0.0004 pp")]
    [InlineData(0.00004, "+0.004 pp")]
    [InlineData(-0.00004, "−0.004 pp")]
    [InlineData(0.0, "0.00 pp")]
    public void Points_keep_the_sign_and_enough_digits(double fraction, string expected)
    {
        Assert.Equal(expected, Reports.ReportFormat.Points(fraction));
    }
}
