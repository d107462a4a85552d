using System.Globalization;

namespace OrderingStudy;

/// <summary>The culture of every number the example prints: invariant, with percentages written 98.50%.</summary>
public static class Formatting
{
    public static CultureInfo Culture { get; } = Create();

    private static CultureInfo Create()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.PercentPositivePattern = 1;    // n%
        culture.NumberFormat.PercentNegativePattern = 1;    // -n%
        return CultureInfo.ReadOnly(culture);
    }
}
