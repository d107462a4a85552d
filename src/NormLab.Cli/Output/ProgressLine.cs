using System;
using System.Collections.Generic;
using System.Linq;

namespace NormLab.Cli.Output;

/// <summary>
/// The one-line progress display that a terminal redraws in place with a carriage return. A line as wide as the
/// terminal or wider wraps, and the carriage return then goes back to the start of the last row only, so every redraw
/// leaves a row behind: the line is fitted to the width minus one column.
/// </summary>
internal static class ProgressLine
{
    /// <summary>The narrowest bar kept before the bar is dropped altogether.</summary>
    private const int MinimumBar = 8;

    /// <summary>The terminal's width in columns, re-read at each call (the window may be resized); 80 when it cannot be read.</summary>
    public static int TerminalWidth()
    {
        try
        {
            int width = Console.WindowWidth;
            return width > 0 ? width : 80;
        }
        catch (Exception e) when (e is System.IO.IOException or PlatformNotSupportedException or InvalidOperationException)
        {
            return 80;
        }
    }

    /// <summary>
    /// <c>head [#####.....] counter  extra1  extra2</c>, at most <paramref name="width"/> - 1 characters: the extras are
    /// dropped from the last, the bar narrows down to <see cref="MinimumBar"/> and then goes, and as a last resort the
    /// text is cut with an ellipsis.
    /// </summary>
    public static string Fit(int width, string head, double fraction, string counter, IReadOnlyList<string> extras, int maxBar = 24)
    {
        int limit = Math.Max(1, width - 1);
        fraction = double.IsFinite(fraction) ? Math.Clamp(fraction, 0, 1) : 0;
        for (int kept = extras.Count; kept >= 0; kept--)
        {
            for (int bar = maxBar; bar >= MinimumBar; bar--)
            {
                string line = Compose(head, Bar(bar, fraction), counter, extras.Take(kept));
                if (line.Length <= limit)
                    return line;
            }
        }

        string bare = Compose(head, null, counter, Array.Empty<string>());
        return bare.Length <= limit ? bare : bare[..Math.Max(0, limit - 1)] + "…";
    }

    private static string Bar(int width, double fraction)
    {
        int filled = (int)Math.Floor(fraction * width);
        return "[" + new string('#', filled) + new string('.', width - filled) + "]";
    }

    private static string Compose(string head, string? bar, string counter, IEnumerable<string> extras)
    {
        var parts = new List<string> { head };
        if (bar is not null)
            parts.Add(bar);
        parts.Add(counter);
        string line = string.Join(" ", parts);
        foreach (string extra in extras)
            line += "  " + extra;
        return line;
    }
}
