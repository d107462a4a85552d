using System;
using System.Collections.Generic;
using System.Linq;

namespace NormLab.Studies;

/// <summary>A closed interval, for example a 95% confidence interval.</summary>
public readonly record struct Interval(double Low, double High)
{
    /// <summary>True when <paramref name="value"/> lies in the interval (ends included).</summary>
    public bool Contains(double value) => value >= Low && value <= High;

    /// <summary>True when the interval is entirely above 0.</summary>
    public bool IsPositive => Low > 0;

    /// <summary>True when the interval is entirely below 0.</summary>
    public bool IsNegative => High < 0;

    public double Width => High - Low;
}

/// <summary>
/// Mean, sample standard deviation and the t-based confidence interval of the mean of some values.
/// <see cref="StandardDeviation"/> and <see cref="Ci95"/> are null with fewer than 2 values; <see cref="Mean"/> is
/// NaN with none.
/// </summary>
public sealed record SampleStatistics(int Count, double Mean, double? StandardDeviation, Interval? Ci95);

/// <summary>
/// A comparison of two means: their difference (first minus second), its 95% confidence interval, the t statistic,
/// its degrees of freedom and the two-sided p-value. <see cref="Count"/> is the number of values (Welch: the smaller
/// group; paired: the number of pairs). Everything but <see cref="Difference"/> is null when the data cannot give it
/// (fewer than 2 values in a group or pair list).
/// </summary>
public sealed record MeanDifference(double Difference, Interval? Ci95, double? T, double? DegreesOfFreedom, double? PValue, int Count);

/// <summary>
/// A one-sided one-sample t-test of the mean of some values against <see cref="Null"/>: <see cref="PValue"/> is the
/// probability, under a true mean of exactly <see cref="Null"/>, of a t at least as far in the direction of
/// <see cref="Greater"/> (true: the alternative is mean &gt; null; false: mean &lt; null).
/// </summary>
public sealed record OneSidedTest(double Estimate, double Null, bool Greater, double? StandardError, double? T, double? DegreesOfFreedom, double? PValue, int Count);

/// <summary>
/// Two one-sided tests (TOST) of equivalence: the mean lies within ±<see cref="Margin"/>. <see cref="PLower"/> tests
/// mean &gt; −margin, <see cref="PUpper"/> mean &lt; +margin; <see cref="PValue"/> is the larger, and the mean is shown
/// within the margin at level α when it is below α, that is when the (1 − 2α) interval <see cref="Ci"/> lies inside it.
/// </summary>
public sealed record EquivalenceTest(double Estimate, double Margin, double? PLower, double? PUpper, double? PValue, Interval? Ci, int Count);

/// <summary>
/// The statistics a study needs, implemented here without dependencies: mean, sample standard deviation, Student's t
/// distribution (CDF and quantile through the regularized incomplete beta function), t confidence intervals, Welch's
/// t-test with the Welch–Satterthwaite degrees of freedom, and the paired t-test.
/// </summary>
public static class Statistics
{
    /// <summary>The confidence level of every interval the reports show.</summary>
    public const double Confidence = 0.95;

    public static double Mean(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
            return double.NaN;
        double sum = 0;
        foreach (double v in values)
            sum += v;
        double mean = sum / values.Count;
        // one correction pass (the mean of the residuals) keeps long sums of similar numbers exact to the last bits
        double residual = 0;
        foreach (double v in values)
            residual += v - mean;
        return mean + residual / values.Count;
    }

    /// <summary>The sample variance (divided by n − 1); NaN with fewer than 2 values.</summary>
    public static double Variance(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count < 2)
            return double.NaN;
        double mean = Mean(values);
        double squares = 0, sum = 0;
        foreach (double v in values)
        {
            double d = v - mean;
            squares += d * d;
            sum += d;
        }
        // the corrected two-pass algorithm: the second term removes the rounding error of the mean
        return Math.Max(0, (squares - sum * sum / values.Count) / (values.Count - 1));
    }

    /// <summary>The sample standard deviation (n − 1); NaN with fewer than 2 values.</summary>
    public static double StandardDeviation(IReadOnlyList<double> values) => Math.Sqrt(Variance(values));

    /// <summary>The median; NaN with no values.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
            return double.NaN;
        double[] sorted = values.OrderBy(v => v).ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>Count, mean, sample standard deviation and the <paramref name="confidence"/> t interval of the mean.</summary>
    public static SampleStatistics Describe(IReadOnlyList<double> values, double confidence = Confidence)
    {
        ArgumentNullException.ThrowIfNull(values);
        double mean = Mean(values);
        if (values.Count < 2)
            return new SampleStatistics(values.Count, mean, null, null);
        double std = StandardDeviation(values);
        double half = StudentTQuantile(0.5 + confidence / 2, values.Count - 1) * std / Math.Sqrt(values.Count);
        return new SampleStatistics(values.Count, mean, std, new Interval(mean - half, mean + half));
    }

    /// <summary>
    /// Welch's t-test of mean(<paramref name="first"/>) − mean(<paramref name="second"/>): no equal-variance
    /// assumption; the degrees of freedom are Welch–Satterthwaite's
    /// (v₁ + v₂)² / (v₁² / (n₁ − 1) + v₂² / (n₂ − 1)) with vᵢ = sᵢ² / nᵢ; the p-value is two-sided and the interval is
    /// difference ± t(1 − α/2, df) · √(v₁ + v₂).
    /// </summary>
    public static MeanDifference Welch(IReadOnlyList<double> first, IReadOnlyList<double> second, double confidence = Confidence)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        double difference = Mean(first) - Mean(second);
        int count = Math.Min(first.Count, second.Count);
        if (first.Count < 2 || second.Count < 2)
            return new MeanDifference(difference, null, null, null, null, count);
        double v1 = Variance(first) / first.Count, v2 = Variance(second) / second.Count;
        double se = Math.Sqrt(v1 + v2);
        if (se == 0)
            return Degenerate(difference, first.Count + second.Count - 2, count);
        double df = (v1 + v2) * (v1 + v2) / (v1 * v1 / (first.Count - 1) + v2 * v2 / (second.Count - 1));
        return Test(difference, se, df, confidence, count);
    }

    /// <summary>
    /// The paired t-test of the differences <paramref name="first"/>[k] − <paramref name="second"/>[k] (the same seed
    /// k): their mean, the t interval of that mean with n − 1 degrees of freedom, and the two-sided p-value.
    /// </summary>
    public static MeanDifference Paired(IReadOnlyList<double> first, IReadOnlyList<double> second, double confidence = Confidence)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Count != second.Count)
            throw new ArgumentException($"paired values need equal counts (got {first.Count} and {second.Count})", nameof(second));
        double[] differences = first.Zip(second, (a, b) => a - b).ToArray();
        double mean = Mean(differences);
        if (differences.Length < 2)
            return new MeanDifference(mean, null, null, null, null, differences.Length);
        double se = StandardDeviation(differences) / Math.Sqrt(differences.Length);
        if (se == 0)
            return Degenerate(mean, differences.Length - 1, differences.Length);
        return Test(mean, se, differences.Length - 1, confidence, differences.Length);
    }

    /// <summary>
    /// The one-sided t-test of mean(<paramref name="values"/>) against <paramref name="nullValue"/>, with n − 1 degrees
    /// of freedom: the alternative is mean &gt; null when <paramref name="greater"/>, else mean &lt; null. With no spread
    /// the p-value is 0 when the mean is strictly on the alternative's side and 1 otherwise; with fewer than 2 values
    /// there is none.
    /// </summary>
    public static OneSidedTest OneSided(IReadOnlyList<double> values, double nullValue, bool greater)
    {
        ArgumentNullException.ThrowIfNull(values);
        double mean = Mean(values);
        if (values.Count < 2)
            return new OneSidedTest(mean, nullValue, greater, null, null, null, null, values.Count);
        double se = StandardDeviation(values) / Math.Sqrt(values.Count);
        double df = values.Count - 1;
        if (se == 0)
        {
            bool beyond = greater ? mean > nullValue : mean < nullValue;
            return new OneSidedTest(mean, nullValue, greater, 0, null, df, beyond ? 0 : 1, values.Count);
        }
        double t = (mean - nullValue) / se;
        return new OneSidedTest(mean, nullValue, greater, se, t, df, UpperTail(greater ? t : -t, df), values.Count);
    }

    /// <summary>P(T ≥ <paramref name="t"/>) for Student's t with <paramref name="df"/> degrees of freedom, without cancellation in either tail.</summary>
    public static double UpperTail(double t, double df)
    {
        CheckDegreesOfFreedom(df);
        if (double.IsNaN(t))
            return double.NaN;
        if (double.IsPositiveInfinity(t))
            return 0;
        if (double.IsNegativeInfinity(t))
            return 1;
        double half = 0.5 * RegularizedIncompleteBeta(df / 2, 0.5, df / (df + t * t));
        return t >= 0 ? half : 1 - half;
    }

    /// <summary>
    /// TOST equivalence test of mean(<paramref name="values"/>) within ±<paramref name="margin"/> (&gt; 0): the two
    /// one-sided t-tests, and the (1 − 2<paramref name="alpha"/>) t interval of the mean.
    /// </summary>
    public static EquivalenceTest Tost(IReadOnlyList<double> values, double margin, double alpha = 0.05)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!(margin > 0))
            throw new ArgumentOutOfRangeException(nameof(margin), margin, "an equivalence margin must be positive");
        var lower = OneSided(values, -margin, greater: true);
        var upper = OneSided(values, margin, greater: false);
        if (lower.PValue is not double pl || upper.PValue is not double pu)
            return new EquivalenceTest(lower.Estimate, margin, null, null, null, null, values.Count);
        Interval? ci = null;
        if (lower.StandardError is double se && lower.DegreesOfFreedom is double df)
        {
            double half = StudentTQuantile(1 - alpha, df) * se;
            ci = new Interval(lower.Estimate - half, lower.Estimate + half);
        }
        return new EquivalenceTest(lower.Estimate, margin, pl, pu, Math.Max(pl, pu), ci, values.Count);
    }

    /// <summary>
    /// Holm's step-down adjustment of <paramref name="pValues"/> (a family of m tests): sorted ascending, the i-th
    /// smallest (from 1) becomes max over j ≤ i of min(1, (m − j + 1) p₍ⱼ₎); returned in the input's order. Rejecting
    /// where the adjusted p is below α keeps the family-wise error rate at α.
    /// </summary>
    public static double[] Holm(IReadOnlyList<double> pValues)
    {
        ArgumentNullException.ThrowIfNull(pValues);
        int m = pValues.Count;
        int[] order = Enumerable.Range(0, m).OrderBy(i => pValues[i]).ThenBy(i => i).ToArray();
        double[] adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++)
        {
            int i = order[rank];
            running = Math.Max(running, Math.Min(1, (m - rank) * pValues[i]));
            adjusted[i] = running;
        }
        return adjusted;
    }

    /// <summary>
    /// Seeds (pairs) a one-sided paired t-test at level <paramref name="alpha"/> needs to detect a true mean difference
    /// of <paramref name="effect"/> with probability <paramref name="power"/>, when the per-seed differences have
    /// standard deviation <paramref name="sd"/>: the smallest n ≥ 2 with
    /// t(1 − α, n − 1) + t(power, n − 1) ≤ effect · √n / sd (the usual t approximation to the noncentral t, within a
    /// seed of the exact answer for these sizes). Null when more than <paramref name="max"/> would be needed or the
    /// inputs give no answer (no spread: 2 suffice).
    /// </summary>
    public static int? SeedsToDetect(double sd, double effect, double alpha = 0.05, double power = 0.8, int max = 100_000) =>
        SeedsFor(sd, effect, alpha, 1 - power, max);

    /// <summary>
    /// Seeds a TOST at level <paramref name="alpha"/> needs to show equivalence within ±<paramref name="margin"/> with
    /// probability <paramref name="power"/> when the true difference is 0: the smallest n ≥ 2 with
    /// t(1 − α, n − 1) + t(1 − (1 − power)/2, n − 1) ≤ margin · √n / sd.
    /// </summary>
    public static int? SeedsToShowEquivalence(double sd, double margin, double alpha = 0.05, double power = 0.8, int max = 100_000) =>
        SeedsFor(sd, margin, alpha, (1 - power) / 2, max);

    private static int? SeedsFor(double sd, double effect, double alpha, double beta, int max)
    {
        if (!(effect > 0) || !(alpha > 0 && alpha < 1) || !(beta > 0 && beta < 1) || double.IsNaN(sd) || sd < 0)
            return null;
        if (sd == 0)
            return 2;
        bool Enough(int n) => StudentTQuantile(1 - alpha, n - 1) + StudentTQuantile(1 - beta, n - 1) <= effect * Math.Sqrt(n) / sd;
        // the left side falls and the right side grows with n: find a sufficient n by doubling, then the least by bisection
        int low = 1, high = 2;
        while (!Enough(high))
        {
            if (high >= max)
                return null;
            low = high;
            high = Math.Min(max, high * 2);
        }
        while (high - low > 1)
        {
            int middle = low + (high - low) / 2;
            if (Enough(middle))
                high = middle;
            else
                low = middle;
        }
        return high;
    }

    private static MeanDifference Test(double difference, double se, double df, double confidence, int count)
    {
        double t = difference / se;
        double half = StudentTQuantile(0.5 + confidence / 2, df) * se;
        return new MeanDifference(difference, new Interval(difference - half, difference + half), t, df, StudentTTwoSidedP(t, df), count);
    }

    /// <summary>No spread at all: the difference is exact; p is 1 when it is 0 and 0 otherwise.</summary>
    private static MeanDifference Degenerate(double difference, double df, int count) =>
        new(difference, new Interval(difference, difference), difference == 0 ? 0 : Math.Sign(difference) * double.PositiveInfinity, df, difference == 0 ? 1 : 0, count);

    /// <summary>P(T ≤ <paramref name="t"/>) for Student's t distribution with <paramref name="df"/> (&gt; 0, not necessarily whole) degrees of freedom.</summary>
    public static double StudentTCdf(double t, double df)
    {
        CheckDegreesOfFreedom(df);
        if (double.IsNaN(t))
            return double.NaN;
        if (double.IsPositiveInfinity(t))
            return 1;
        if (double.IsNegativeInfinity(t))
            return 0;
        // P(|T| > |t|) = I_x(df/2, 1/2) with x = df / (df + t²)
        double tail = 0.5 * RegularizedIncompleteBeta(df / 2, 0.5, df / (df + t * t));
        return t > 0 ? 1 - tail : tail;
    }

    /// <summary>The two-sided p-value P(|T| ≥ |<paramref name="t"/>|), computed without cancellation for small p.</summary>
    public static double StudentTTwoSidedP(double t, double df)
    {
        CheckDegreesOfFreedom(df);
        if (double.IsNaN(t))
            return double.NaN;
        if (double.IsInfinity(t))
            return 0;
        return Math.Min(1, RegularizedIncompleteBeta(df / 2, 0.5, df / (df + t * t)));
    }

    /// <summary>
    /// The <paramref name="p"/> quantile of Student's t distribution with <paramref name="df"/> degrees of freedom:
    /// the t with P(T ≤ t) = p. Found by bisection on the CDF to the last bits of a double (the CDF itself is accurate
    /// to about 1e-14), so far better than the 1e-6 a report needs.
    /// </summary>
    public static double StudentTQuantile(double p, double df)
    {
        CheckDegreesOfFreedom(df);
        if (!(p > 0 && p < 1))
        {
            if (p == 0)
                return double.NegativeInfinity;
            if (p == 1)
                return double.PositiveInfinity;
            throw new ArgumentOutOfRangeException(nameof(p), p, "a probability must lie in 0..1");
        }
        if (p == 0.5)
            return 0;
        if (p < 0.5)
            return -StudentTQuantile(1 - p, df);

        // upper tail q = 1 − p, two-sided probability 2q = I_x(df/2, 1/2): decreasing in t, so bisect on t
        double target = 2 * (1 - p);
        double low = 0, high = 1;
        while (StudentTTwoSidedP(high, df) > target)
        {
            low = high;
            high *= 2;
            if (double.IsInfinity(high))
                return double.PositiveInfinity;
        }
        for (int i = 0; i < 2000 && high - low > 4 * double.Epsilon; i++)
        {
            double middle = low + (high - low) / 2;
            if (middle <= low || middle >= high)
                break;
            if (StudentTTwoSidedP(middle, df) > target)
                low = middle;
            else
                high = middle;
        }
        return low + (high - low) / 2;
    }

    /// <summary>
    /// The regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b), by the continued fraction of the
    /// incomplete beta function (evaluated with the modified Lentz method), on the side of x where it converges fast.
    /// </summary>
    public static double RegularizedIncompleteBeta(double a, double b, double x)
    {
        if (!(a > 0) || !(b > 0))
            throw new ArgumentOutOfRangeException(nameof(a), "a and b must be positive");
        if (double.IsNaN(x))
            return double.NaN;
        if (x <= 0)
            return 0;
        if (x >= 1)
            return 1;
        // x^a (1 − x)^b / (a B(a, b)), in logarithms
        double logFront = a * Math.Log(x) + b * Math.Log(1 - x) - LogBeta(a, b);
        if (x < (a + 1) / (a + b + 2))
            return Math.Exp(logFront) * BetaContinuedFraction(a, b, x) / a;
        return 1 - Math.Exp(logFront) * BetaContinuedFraction(b, a, 1 - x) / b;
    }

    /// <summary>ln Γ(<paramref name="x"/>) for x &gt; 0 (Lanczos' approximation, g = 7, 9 terms; relative error about 1e-15).</summary>
    public static double LogGamma(double x)
    {
        if (!(x > 0))
            throw new ArgumentOutOfRangeException(nameof(x), x, "ln Γ is computed for positive numbers only");
        if (x < 0.5)
        {
            // reflection: Γ(x) Γ(1 − x) = π / sin(πx)
            return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        }
        ReadOnlySpan<double> c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        double z = x - 1;
        double sum = c[0];
        for (int i = 1; i < c.Length; i++)
            sum += c[i] / (z + i);
        double t = z + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (z + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }

    private static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);

    /// <summary>
    /// The continued fraction 1 / (1 + d₁ / (1 + d₂ / (1 + …))) of the incomplete beta function, with
    /// d₂ₘ₊₁ = −(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)) and d₂ₘ = m (b − m) x / ((a + 2m − 1)(a + 2m)):
    /// the denominator g = 1 + d₁ / (1 + …) by the modified Lentz method, then 1 / g.
    /// </summary>
    private static double BetaContinuedFraction(double a, double b, double x)
    {
        const double Tiny = 1e-300;
        const double Tolerance = 1e-16;
        double g = 1, c = 1, d = 0;
        for (int j = 1; j <= 20_000; j++)
        {
            int m = j / 2;
            double numerator = j % 2 == 0
                ? m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
                : -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            d = 1 + numerator * d;
            if (Math.Abs(d) < Tiny)
                d = Tiny;
            d = 1 / d;
            c = 1 + numerator / c;
            if (Math.Abs(c) < Tiny)
                c = Tiny;
            double delta = c * d;
            g *= delta;
            if (Math.Abs(delta - 1) < Tolerance)
                break;
        }
        return 1 / g;
    }

    private static void CheckDegreesOfFreedom(double df)
    {
        if (!(df > 0))
            throw new ArgumentOutOfRangeException(nameof(df), df, "degrees of freedom must be positive");
    }
}
