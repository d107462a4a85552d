using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace NormLab.Fuzz;

/// <summary>
/// The machine's load, for the waits that tell a hang from a slow machine (ProtocolTarget): a wait of a few seconds
/// that is ample on an idle machine is missed by a server that is merely starved when the machine is shared by more
/// runnable processes than it has cores. The factor is the 1-minute load average (from /proc/loadavg) per processor,
/// at least 1 and at most <see cref="MaxFactor"/>; 1 where the load cannot be read.
/// </summary>
internal static class MachineLoad
{
    /// <summary>The largest factor: waits grow at most 30-fold (a 2 s budget never waits over a minute for an answer).</summary>
    public const double MaxFactor = 30;

    private static readonly Stopwatch Clock = Stopwatch.StartNew();
    private static double _cachedFactor = 1;
    private static TimeSpan? _sampledAt;

    /// <summary>The three load averages (1, 5 and 15 minutes), or null where /proc/loadavg cannot be read.</summary>
    public static (double One, double Five, double Fifteen)? Averages()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (Parse(parts[0]), Parse(parts[1]), Parse(parts[2]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }

        static double Parse(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>max(1, load / processors), at most <see cref="MaxFactor"/>.</summary>
    public static double FactorOf(double? load, int processors) =>
        load is { } value && processors > 0 ? Math.Clamp(value / processors, 1, MaxFactor) : 1;

    /// <summary>The factor now, read at most once a second (the fuzzer checks hundreds of inputs a second).</summary>
    public static double Factor()
    {
        var now = Clock.Elapsed;
        if (_sampledAt is not { } last || now - last >= TimeSpan.FromSeconds(1))
        {
            _sampledAt = now;
            _cachedFactor = FactorOf(Averages()?.One, Environment.ProcessorCount);
        }

        return _cachedFactor;
    }

    /// <summary>"load average 3.10 2.80 2.55 on 2 processors" (or that it is unknown), for the logs.</summary>
    public static string Describe() =>
        Averages() is { } a
            ? string.Format(CultureInfo.InvariantCulture, "load average {0:0.00} {1:0.00} {2:0.00} on {3} processors", a.One, a.Five, a.Fifteen, Environment.ProcessorCount)
            : $"load average unknown, {Environment.ProcessorCount} processors";
}
