using System;
using System.Globalization;

namespace NormLab.Studies.Reports;

/// <summary>How reports and claims write numbers: percentages, differences in percentage points, p-values (invariant culture).</summary>
internal static class ReportFormat
{
    internal static string Percent(double fraction, int decimals = 2) =>
        double.IsFinite(fraction) ? (fraction * 100).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "%" : "n/a";

    /// <summary>A difference of fractions in percentage points, signed: <c>+0.25 pp</c>.</summary>
    internal static string Points(double difference) =>
        double.IsFinite(difference) ? Signed(difference * 100) + " pp" : "n/a";

    /// <summary>
    /// A signed number with 2 decimals, or more (up to 4) when 2 would print a value that is not 0 as 0.00, so that an
    /// interval that excludes 0 never reads "0.00 to +0.45".
    /// </summary>
    internal static string Signed(double value)
    {
        if (!double.IsFinite(value))
            return "n/a";
        int decimals = Decimals(value);
        string digits = Math.Abs(value).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        if (value == 0 || Math.Round(Math.Abs(value), decimals) == 0)
            return value > 0 ? "+" + digits : value < 0 ? "−" + digits : digits;
        return (value > 0 ? "+" : "−") + digits;
    }

    internal static string Unsigned(double value) =>
        double.IsFinite(value) ? value.ToString("F" + Decimals(value).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "n/a";

    private static int Decimals(double value)
    {
        int decimals = 2;
        while (decimals < 4 && value != 0 && Math.Round(Math.Abs(value), decimals) == 0)
            decimals++;
        return decimals;
    }

    internal static string P(double? p) => p switch
    {
        null => "n/a",
        < 0.0001 => "<0.0001",
        double v => v.ToString(v < 0.01 ? "0.0000" : "0.000", CultureInfo.InvariantCulture),
    };
}
