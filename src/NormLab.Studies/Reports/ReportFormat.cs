using System.Globalization;

namespace NormLab.Studies.Reports;

/// <summary>How reports and claims write numbers: percentages, differences in percentage points, p-values (invariant culture).</summary>
internal static class ReportFormat
{
    internal static string Percent(double fraction, int decimals = 2) =>
        double.IsFinite(fraction) ? (fraction * 100).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "%" : "n/a";

    internal static string Points(double difference) =>
        double.IsFinite(difference) ? (difference * 100).ToString("+0.00;−0.00;0.00", CultureInfo.InvariantCulture) + " pp" : "n/a";

    internal static string P(double? p) => p switch
    {
        null => "n/a",
        < 0.0001 => "<0.0001",
        double v => v.ToString(v < 0.01 ? "0.0000" : "0.000", CultureInfo.InvariantCulture),
    };
}
