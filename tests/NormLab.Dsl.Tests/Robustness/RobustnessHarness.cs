using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using NormLab.Dsl.Model;
using NormLab.Dsl.Text;
using NormLab.Testing.Generators;

namespace NormLab.Dsl.Robustness;

/// <summary>
/// Runs <see cref="NormLabCompiler.Check(string, string?, CheckOptions?)"/> on one input and checks what
/// must hold for every input text: no exception, done within the time budget, every span inside the
/// text, the model can be walked, and (for generated valid programs) no syntax error.
/// Shared by the test suite and tools/NormLab.Fuzz.
/// </summary>
public static class RobustnessHarness
{
    /// <summary>The per-input time budget of the checks.</summary>
    public static readonly TimeSpan DefaultBudget = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Checks one input; returns null when every invariant holds, else why it failed. The budget applies to the
    /// checking thread's CPU time where the platform tells it (Linux), so that a busy machine (other builds
    /// and tests on the same cores) does not fail an input; a run that does not finish within ten budgets of
    /// wall-clock time, times the machine's load per processor (<see cref="MachineLoad.Factor"/>: a starved
    /// thread is not a hung one), counts as a hang.
    /// </summary>
    public static string? CheckOne(GeneratedInput input, IsolatedRunner runner, TimeSpan budget) => CheckOne(input, runner, budget, out _);

    /// <inheritdoc cref="CheckOne(GeneratedInput, IsolatedRunner, TimeSpan)"/>
    public static string? CheckOne(GeneratedInput input, IsolatedRunner runner, TimeSpan budget, out RunOutcome outcome)
    {
        var hang = TimeSpan.FromTicks((long)(budget.Ticks * 10 * MachineLoad.Factor()));
        IReadOnlyList<string>? problems = null;

        // the model is walked on the same small stack, and an exception there is a failure like one in Check
        outcome = runner.Run(
            () =>
            {
                var result = NormLabCompiler.Check(input.Text, "fuzz.normlab");
                problems = Verify(input.Text, result, input.ExpectNoSyntaxErrors);
                return result;
            },
            hang);
        if (outcome.TimedOut)
        {
            return $"did not finish within {hang.TotalMilliseconds:0} ms (a hang)";
        }

        if (outcome.Exception is not null)
        {
            return "threw " + outcome.Exception;
        }

        if (outcome.Cost > budget)
        {
            return $"took {outcome.Cost.TotalMilliseconds:0} ms of {(outcome.CpuTime is null ? "wall-clock" : "CPU")} time (budget {budget.TotalMilliseconds:0} ms; wall clock {outcome.Elapsed.TotalMilliseconds:0} ms)";
        }

        return problems is null || problems.Count == 0 ? null : string.Join("; ", problems.Take(5));
    }

    /// <summary>The invariants of a check result for a text.</summary>
    public static IReadOnlyList<string> Verify(string text, CheckResult result, bool expectNoSyntaxErrors)
    {
        var problems = new List<string>();
        void Span(string what, TextSpan span)
        {
            if (span.Start < 0 || span.Length < 0 || span.Start + span.Length > text.Length)
            {
                problems.Add($"{what} has the span {span} outside the text (length {text.Length})");
            }
        }

        foreach (var diagnostic in result.Diagnostics)
        {
            Span("diagnostic " + diagnostic.Id, diagnostic.Span);
            _ = diagnostic.ToString();
            if (expectNoSyntaxErrors && diagnostic.Id == "NL0001")
            {
                problems.Add("a valid program got " + diagnostic);
            }
        }

        foreach (var network in result.Networks)
        {
            Span("network " + Shorten(network.Name), network.Span);
            Span("the name of network " + Shorten(network.Name), network.NameSpan);
            foreach (var diagnostic in network.Diagnostics)
            {
                Span("diagnostic " + diagnostic.Id + " of network " + Shorten(network.Name), diagnostic.Span);
            }

            foreach (var layer in network.AllLayers())
            {
                Span("layer " + layer.Name, layer.Span);
                Span("the syntax of layer " + layer.Name, layer.SyntaxSpan);
                _ = layer.ToString();
            }

            _ = network.ParameterCount;
            _ = network.Macs;
            _ = network.IsValid;
            _ = network.ToString();
        }

        return problems;
    }

    private static string Shorten(string text) => text.Length > 40 ? text.Substring(0, 40) + "…" : text;
}

/// <summary>What one isolated run gave.</summary>
public sealed class RunOutcome
{
    public RunOutcome(object? result, Exception? exception, TimeSpan elapsed, TimeSpan? cpuTime, bool timedOut)
    {
        Result = result;
        Exception = exception;
        Elapsed = elapsed;
        CpuTime = cpuTime;
        TimedOut = timedOut;
    }

    public object? Result { get; }

    public Exception? Exception { get; }

    /// <summary>Wall-clock time.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The worker thread's CPU time, where the platform tells it.</summary>
    public TimeSpan? CpuTime { get; }

    /// <summary>What the budget applies to: CPU time where known, else wall-clock time.</summary>
    public TimeSpan Cost => CpuTime ?? Elapsed;

    public bool TimedOut { get; }
}

/// <summary>The calling thread's CPU time (Linux: clock_gettime(CLOCK_THREAD_CPUTIME_ID)); null elsewhere.</summary>
public static class ThreadCpuTime
{
    private static bool _unavailable = !RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

    public static TimeSpan? Now()
    {
        if (_unavailable)
        {
            return null;
        }

        try
        {
            if (ClockGetTime(3, out var time) == 0)
            {
                return TimeSpan.FromTicks((time.Seconds * TimeSpan.TicksPerSecond) + (time.Nanoseconds / 100));
            }
        }
        catch (DllNotFoundException)
        {
        }
        catch (EntryPointNotFoundException)
        {
        }

        _unavailable = true;
        return null;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

/// <summary>
/// Runs work on a dedicated thread with a small stack (1 MiB, the default of Windows threads, which the
/// analyzer and generator run on) and a time limit. A run that times out leaves its thread behind (a
/// background thread) and the next run gets a fresh one.
/// </summary>
public sealed class IsolatedRunner : IDisposable
{
    public const int DefaultStackSize = 1024 * 1024;

    private readonly int _stackSize;
    private Worker? _worker;

    public IsolatedRunner(int stackSize = DefaultStackSize) => _stackSize = stackSize;

    /// <summary>How many runs were abandoned because they timed out.</summary>
    public int Abandoned { get; private set; }

    public RunOutcome Run(Func<object?> work, TimeSpan timeout)
    {
        var worker = _worker ??= new Worker(_stackSize);
        worker.Work = work;
        worker.Ready.Release();
        if (!worker.Done.Wait(timeout))
        {
            _worker = null;
            Abandoned++;
            return new RunOutcome(null, null, timeout, null, timedOut: true);
        }

        var outcome = new RunOutcome(worker.Result, worker.Error, worker.Elapsed, worker.CpuTime, timedOut: false);
        worker.Result = null;
        worker.Error = null;
        return outcome;
    }

    public void Dispose()
    {
        if (_worker is { } worker)
        {
            worker.Work = null;
            worker.Ready.Release();
            _worker = null;
        }
    }

    private sealed class Worker
    {
        public Worker(int stackSize)
        {
            var thread = new Thread(Loop, stackSize) { IsBackground = true, Name = "NormLab robustness worker" };
            thread.Start();
        }

        public SemaphoreSlim Ready { get; } = new(0);

        public SemaphoreSlim Done { get; } = new(0);

        public Func<object?>? Work { get; set; }

        public object? Result { get; set; }

        public Exception? Error { get; set; }

        public TimeSpan Elapsed { get; private set; }

        public TimeSpan? CpuTime { get; private set; }

        private void Loop()
        {
            while (true)
            {
                Ready.Wait();
                var work = Work;
                if (work is null)
                {
                    return;
                }

                var cpu = ThreadCpuTime.Now();
                var stopwatch = Stopwatch.StartNew();
                try
                {
                    Result = work();
                }
                catch (Exception exception)
                {
                    Error = exception;
                }

                Elapsed = stopwatch.Elapsed;
                CpuTime = ThreadCpuTime.Now() - cpu;
                Done.Release();
            }
        }
    }
}
