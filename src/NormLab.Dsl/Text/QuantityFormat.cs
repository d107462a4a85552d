using System.Globalization;

namespace NormLab.Dsl.Text;

/// <summary>
/// How counts and sizes read, the same on every machine: the command line's summary table and the
/// editor's hover both write them with these.
/// </summary>
public static class QuantityFormat
{
    /// <summary>Float32 parameter memory, 1024-based: <c>1.61 MiB</c>.</summary>
    public static string FormatBytes(long bytes)
    {
        string[] units = { "KiB", "MiB", "GiB", "TiB" };
        if (bytes < 1024)
        {
            return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        }

        double value = bytes;
        var unit = -1;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return value.ToString("0.00", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    /// <summary>A count in thousands, millions or billions, 1000-based: <c>6.05 M</c>.</summary>
    public static string FormatScaled(long count)
    {
        string[] units = { "K", "M", "G", "T" };
        if (count < 1000)
        {
            return count.ToString(CultureInfo.InvariantCulture);
        }

        double value = count;
        var unit = -1;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return value.ToString("0.00", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    /// <summary><c>421,738</c>: thousands separated, the same on every machine.</summary>
    public static string FormatCount(long count) => count.ToString("#,0", CultureInfo.InvariantCulture);
}
