using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NormLab.Training.Bench;

/// <summary>CPU time of the whole process (every thread), with nanosecond resolution on Linux.</summary>
internal static partial class CpuClock
{
    private const int ClockProcessCpuTimeId = 2;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    public static double ProcessSeconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ClockProcessCpuTimeId, out var time) == 0)
            return time.Seconds + time.Nanoseconds / 1e9;
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalSeconds;
    }
}
