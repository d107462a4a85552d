using System;
using System.IO;

namespace NormLab.Runtime.Data;

/// <summary>
/// A one-line text progress bar for downloads: <c>train-images-idx3-ubyte.gz [#######.....] 57% 5.6/9.9 MB</c>,
/// redrawn in place with a carriage return. Quiet when <paramref name="interactive"/> is false (output redirected),
/// apart from one line when the transfer ends.
/// </summary>
public sealed class ProgressBar(TextWriter writer, string label, bool interactive, int width = 30) : IProgress<(long done, long? total)>
{
    private int lastPermille = -1;
    private long lastDone = -1;
    private bool finished;

    /// <summary>A bar on the console's standard error, interactive unless it is redirected.</summary>
    public static ProgressBar OnConsole(string label) => new(Console.Error, label, !Console.IsErrorRedirected);

    public void Report((long done, long? total) value)
    {
        (long done, long? total) = value;
        if (finished)
            return;
        bool complete = total is long t && done >= t;
        if (interactive)
        {
            int permille = total is long all && all > 0 ? (int)Math.Min(1000, done * 1000 / all) : -1;
            // Redraw when the bar moves (or, without a length, every 256 KiB), not on every buffer.
            if (!complete && (permille >= 0 ? permille == lastPermille : done - lastDone < 256 * 1024))
                return;
            lastPermille = permille;
            lastDone = done;
            writer.Write('\r' + Line(done, total));
            if (complete)
                writer.WriteLine();
        }
        else if (complete)
        {
            writer.WriteLine(Line(done, total));
        }
        writer.Flush();
        finished = complete;
    }

    internal string Line(long done, long? total)
    {
        if (total is not long all || all <= 0)
            return $"{label} {Megabytes(done)} MB";
        int filled = (int)Math.Min(width, done * width / all);
        return $"{label} [{new string('#', filled)}{new string('.', width - filled)}] {Math.Min(100, done * 100 / all),3}% {Megabytes(done)}/{Megabytes(all)} MB";
    }

    private static string Megabytes(long bytes) => (bytes / 1e6).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
