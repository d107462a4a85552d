using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using NormLab.Dsl;
using NormLab.Dsl.Robustness;
using NormLab.Testing.Generators;

namespace NormLab.Fuzz;

/// <summary>
/// dotnet run -c Release --project tools/NormLab.Fuzz -- --seconds 60 [--target language|protocol|study|all] [--seed N] [--out DIR] [--budget-ms 2000] [--no-extreme]
///
/// --target (default all; all splits the seconds equally among the three, one after another):
/// <list type="bullet">
/// <item>language: the checks below, on .normlab text;</item>
/// <item>protocol: hostile byte streams for the language server, in-process over in-memory pipes (ProtocolTarget.cs):
/// no exception out of the server, an answer within the budget to a well-formed request after well-framed input, a
/// clean end after input that breaks the framing, well-formed output, a bounded heap;</item>
/// <item>study: study.json documents and run files, valid and mutated (StudyTarget.cs): nothing but StudyException out
/// of the reader, no accepted row name that is no safe single folder name, no case twins.</item>
/// </list>
/// Each target's inputs run in their own worker processes; at the end a line per target gives its inputs and failures.
///
/// The language target runs the robustness checks of tests/NormLab.Dsl.Tests/Robustness (no exception, done within the
/// per-input budget on a 1 MiB stack, spans inside the text, no NL0001 for valid programs) on the full-size
/// extreme inputs, then on random and mutated inputs until the time is up. The checks run in a worker
/// process: a stack overflow (which no catch can stop) ends the worker, the input it was checking is
/// saved, and a fresh worker goes on. Failing inputs go to --out (default: artifacts/fuzz-failures, ignored by git). Exit code 1
/// when anything failed.
///
/// The protocol target's waits scale with the machine's load, and a fresh server that gets no answer to initialize is
/// started again (ProtocolTarget.Restart): one that answers only on the third start, given a minute, is a machine
/// problem, printed as MACHINE, saved as machine-*.txt and counted apart from the failures. Exit code: 0 when nothing
/// failed and the machine had no problem, 1 when anything failed, 3 when only the machine had problems.
///
/// Also: --slow-starts N:MS (the protocol target's next N fresh starts answer initialize only after MS ms: shows the
/// rule above at work), --case NAME (one extreme case, verbose), --replay FILE (check one saved input, verbose; a .utf16 file holds the exact
/// UTF-16 code units, lone surrogates included; a .protocol, .study.json or .run.json file is an input of that target, as
/// saved), --list.
/// </summary>
public static class Program
{
    /// <summary>The input being checked, as raw UTF-16 code units (exact even for lone surrogates, which UTF-8 cannot hold).</summary>
    private const string InProgressFile = ".in-progress.utf16";

    /// <summary>The input of a byte target being checked: its kind, a newline, its bytes.</summary>
    private const string InProgressBytesFile = ".in-progress.bin";

    private const string Usage = "usage: NormLab.Fuzz [--seconds 60] [--target language|protocol|study|all] [--seed N] [--out DIR] [--budget-ms 2000] [--no-extreme] [--slow-starts N:MS] | --case NAME | --replay FILE | --list";

    internal static readonly string[] Targets = { "language", "protocol", "study" };

    public static int Main(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        if (options.SlowStarts > 0)
        {
            ProtocolTarget.SlowStarts = options.SlowStarts;
            ProtocolTarget.SlowStartDelay = TimeSpan.FromMilliseconds(options.SlowStartMs);
        }

        if (options.List)
        {
            foreach (var (name, text) in InputGenerator.ExtremeCases())
            {
                Console.WriteLine($"{name,-40} {text.Length,10:N0} chars");
            }

            return 0;
        }

        if (options.Replay is not null && TargetOfFile(options.Replay) is { } target)
        {
            return ReplayBytes(options, target);
        }

        if (options.Case is not null || options.Replay is not null)
        {
            return RunOne(options);
        }

        if (options.Worker)
        {
            return options.Target == "language" ? Worker.Run(options) : Worker.RunTarget(options);
        }

        return Supervise(options);
    }

    // ---- one input, verbose --------------------------------------------------------------------

    private static int RunOne(Options options)
    {
        string name;
        string text;
        if (options.Replay is not null)
        {
            name = options.Replay;
            text = options.Replay.EndsWith(".utf16", StringComparison.OrdinalIgnoreCase) ? ReadExact(options.Replay) : File.ReadAllText(options.Replay);
        }
        else
        {
            var found = InputGenerator.ExtremeCases().FirstOrDefault(c => c.Name == options.Case);
            if (found.Text is null)
            {
                Console.Error.WriteLine($"no extreme case '{options.Case}' (see --list)");
                return 2;
            }

            (name, text) = found;
        }

        Console.WriteLine($"{name}: {text.Length:N0} chars");
        using var runner = new IsolatedRunner();
        var watch = Stopwatch.StartNew();
        var outcome = runner.Run(() => NormLabCompiler.Check(text, "case.normlab"), TimeSpan.FromSeconds(Math.Max(options.BudgetMs / 1000.0, 60)));
        Console.WriteLine($"time: {watch.Elapsed.TotalMilliseconds:0} ms wall clock, {(outcome.CpuTime is { } cpu ? cpu.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) : "?")} ms CPU{(outcome.TimedOut ? " (timed out)" : string.Empty)}");
        if (outcome.Exception is not null)
        {
            Console.WriteLine("exception: " + outcome.Exception);
            return 1;
        }

        if (outcome.Result is not Dsl.Model.CheckResult result)
        {
            return 1;
        }

        Console.WriteLine($"networks: {result.Networks.Count}, diagnostics: {result.Diagnostics.Count}");
        foreach (var group in result.Diagnostics.GroupBy(d => d.Id).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var first = group.First().Message;
            Console.WriteLine($"  {group.Key} x{group.Count()}: {(first.Length > 160 ? first.Substring(0, 160) + "…" : first)}");
        }

        var problems = RobustnessHarness.Verify(text, result, expectNoSyntaxErrors: false);
        foreach (var problem in problems.Take(10))
        {
            Console.WriteLine("problem: " + problem);
        }

        return problems.Count == 0 && outcome.Cost <= TimeSpan.FromMilliseconds(options.BudgetMs) ? 0 : 1;
    }

    // ---- the supervisor: starts workers until the time is up -----------------------------------

    private static int Supervise(Options options)
    {
        Directory.CreateDirectory(options.Out);
        var started = Stopwatch.StartNew();
        var targets = options.Target == "all" ? Targets : new[] { options.Target };
        var begin = DateTime.UtcNow;
        Console.WriteLine($"NormLab.Fuzz: {options.Seconds} s, target {options.Target}, seed {options.Seed}, budget {options.BudgetMs} ms per input, failures to {Path.GetFullPath(options.Out)}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} processors, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {MachineLoad.Describe()}");
        var results = new List<(string Target, long Tried, long Failures, long Machine, double Seconds)>();
        for (var i = 0; i < targets.Length; i++)
        {
            // the budget split equally; a target that ends early leaves its time to the next
            var deadline = begin.AddSeconds(options.Seconds * (i + 1) / targets.Length);
            var phase = Stopwatch.StartNew();
            if (targets.Length > 1)
            {
                Console.WriteLine($"---- target {targets[i]} until {options.Seconds * (i + 1) / targets.Length:0} s");
            }

            var (tried, failed, machine) = SuperviseTarget(options, targets[i], deadline, started);
            results.Add((targets[i], tried, failed, machine, phase.Elapsed.TotalSeconds));
        }

        Console.WriteLine(string.Join("; ", results.Select(r => $"{r.Target}: {r.Tried} inputs, {r.Failures} failures{(r.Machine > 0 ? $", {r.Machine} machine problems" : string.Empty)} ({r.Tried / Math.Max(r.Seconds, 0.001):0} inputs/s)")));
        var total = results.Sum(r => r.Tried);
        var failures = results.Sum(r => r.Failures);
        var machineProblems = results.Sum(r => r.Machine);
        Console.WriteLine($"inputs tried: {total}, failures: {failures}, machine problems: {machineProblems} ({MachineLoad.Describe()})");
        return failures > 0 ? 1 : machineProblems > 0 ? 3 : 0;
    }

    private static (long Tried, long Failures, long Machine) SuperviseTarget(Options options, string target, DateTime deadline, Stopwatch started)
    {
        long tried = 0;
        long failures = 0;
        long machine = 0;
        var crashes = 0;
        var extremeFrom = options.NoExtreme ? int.MaxValue : 0;
        var seed = options.Seed;
        for (var restart = 0; DateTime.UtcNow < deadline && restart < 100; restart++)
        {
            var inProgress = Path.Combine(options.Out, InProgressFile);
            var inProgressBytes = Path.Combine(options.Out, InProgressBytesFile);
            File.Delete(inProgress);
            File.Delete(inProgressBytes);
            var workerArgs = new List<string>
            {
                "--worker",
                "--target", target,
                "--deadline", new DateTimeOffset(deadline).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
                "--seed", seed.ToString(CultureInfo.InvariantCulture),
                "--out", options.Out,
                "--budget-ms", options.BudgetMs.ToString(CultureInfo.InvariantCulture),
                "--extreme-from", extremeFrom.ToString(CultureInfo.InvariantCulture),
            };
            if (options.SlowStarts > 0)
            {
                workerArgs.Add("--slow-starts");
                workerArgs.Add(FormattableString.Invariant($"{options.SlowStarts}:{options.SlowStartMs}"));
            }

            var (exitCode, stats, stderr) = RunWorker(workerArgs, started);
            tried += stats.Tried;
            failures += stats.Failures;
            machine += stats.Machine;
            extremeFrom = stats.ExtremeDone == int.MaxValue ? extremeFrom : Math.Max(extremeFrom, stats.ExtremeDone + 1);
            if (exitCode is 0 or 1)
            {
                if (stats.Finished)
                {
                    break;
                }

                // the worker stopped early (too many abandoned runs): go on with a fresh one
            }
            else if (target != "language")
            {
                crashes++;
                failures++;
                tried++;
                var (kind, bytes) = File.Exists(inProgressBytes) ? ReadInProgress(inProgressBytes) : ("unknown", Array.Empty<byte>());
                var saved = SaveBytes(options.Out, target, "crash-" + kind, bytes, ExtensionOfKind(target, kind),
                    $"the worker process died with exit code {exitCode} while checking this input ({kind})\n\n{stderr}");
                Console.WriteLine($"[{started.Elapsed.TotalSeconds,4:0}s] CRASH (exit code {exitCode}) on {target} {kind}; saved {saved}");
            }
            else
            {
                crashes++;
                failures++;
                tried++;
                var kind = stats.Current ?? "unknown";
                var saved = SaveFailure(options.Out, "crash-" + kind, File.Exists(inProgress) ? ReadExact(inProgress) : string.Empty,
                    $"the worker process died with exit code {exitCode} while checking this input ({kind})\n\n{stderr}");
                Console.WriteLine($"[{started.Elapsed.TotalSeconds,4:0}s] CRASH (exit code {exitCode}) on {kind}; saved {saved}");
                if (stats.Current is { } current && current.StartsWith("extreme:", StringComparison.Ordinal) && stats.CurrentExtremeIndex >= 0)
                {
                    extremeFrom = stats.CurrentExtremeIndex + 1;
                }
            }

            seed = unchecked((seed * 31) + 1_000_003);
        }

        Console.WriteLine($"{target}: time {started.Elapsed.TotalSeconds:0.0} s{(crashes > 0 ? $", worker crashes: {crashes}" : string.Empty)}, inputs tried: {tried}, failures: {failures}{(machine > 0 ? $", machine problems: {machine}" : string.Empty)}, {MachineLoad.Describe()}");
        return (tried, failures, machine);
    }

    // ---- the byte targets (protocol, study): files and replay ----------------------------------

    /// <summary>The target a saved file belongs to, by its extension; null for the language's.</summary>
    private static string? TargetOfFile(string path) =>
        path.EndsWith(".protocol", StringComparison.OrdinalIgnoreCase) ? "protocol"
        : path.EndsWith(".study.json", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".run.json", StringComparison.OrdinalIgnoreCase) ? "study"
        : null;

    private static string ExtensionOfKind(string target, string kind) =>
        target == "protocol" ? ".protocol" : kind.StartsWith("run", StringComparison.Ordinal) ? ".run.json" : ".study.json";

    internal static IFuzzTarget CreateTarget(string target, int seed) => target switch
    {
        "protocol" => new ProtocolTarget(seed),
        "study" => new StudyTarget(seed),
        _ => throw new ArgumentException($"no byte target '{target}'"),
    };

    /// <summary>How many inputs before a failing one are saved with it.</summary>
    internal const int HistoryLength = 8;

    /// <summary>
    /// Saves the inputs checked before a failing one, oldest first, beside it (<c>NAME.before-1.EXT</c> is the one just
    /// before): replay them in order with --replay, then the failing one, to see whether the failure needs them.
    /// </summary>
    private static void SaveHistory(string failurePath, IFuzzTarget target, IEnumerable<FuzzInput> history)
    {
        var inputs = history.ToList();
        var stem = Path.Combine(Path.GetDirectoryName(failurePath)!, Path.GetFileNameWithoutExtension(failurePath));
        for (var i = 0; i < inputs.Count; i++)
        {
            var before = inputs.Count - i;
            File.WriteAllBytes($"{stem}.before-{before}{target.ExtensionOf(inputs[i])}", inputs[i].Bytes);
        }

        if (inputs.Count > 0)
        {
            File.AppendAllText(stem + ".txt", $"\nthe {inputs.Count} inputs checked before this one (the same worker; a server serves several): {Path.GetFileName(stem)}.before-N.*, N = 1 the latest ({string.Join(", ", inputs.AsEnumerable().Reverse().Select(x => x.Kind))})\n");
        }
    }

    /// <summary>Saves a failing input of a byte target: the exact bytes (replay them with --replay) and the reason.</summary>
    internal static string SaveBytes(string folder, string target, string kind, byte[] bytes, string extension, string reason)
    {
        Directory.CreateDirectory(folder);
        var safe = new string(kind.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());
        if (safe.Length > 60)
        {
            safe = safe.Substring(0, 60);
        }

        var stem = Path.Combine(folder, $"failure-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N").Substring(0, 8)}-{target}-{safe}");
        File.WriteAllBytes(stem + extension, bytes);
        File.WriteAllText(stem + ".txt", reason + "\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false));
        return stem + extension;
    }

    private static (string Kind, byte[] Bytes) ReadInProgress(string path)
    {
        var all = File.ReadAllBytes(path);
        var newline = Array.IndexOf(all, (byte)'\n');
        return newline < 0 ? ("unknown", all) : (Encoding.UTF8.GetString(all, 0, newline), all.AsSpan(newline + 1).ToArray());
    }

    private static int ReplayBytes(Options options, string target)
    {
        var bytes = File.ReadAllBytes(options.Replay!);
        var kind = options.Replay!.EndsWith(".run.json", StringComparison.OrdinalIgnoreCase) ? "run:replay" : target == "study" ? "study:replay" : "replay";
        Console.WriteLine($"{options.Replay}: {target} input, {bytes.Length:N0} bytes");
        using var fuzzTarget = CreateTarget(target, options.Seed);
        var watch = Stopwatch.StartNew();
        var failure = fuzzTarget.Check(new FuzzInput(kind, bytes), TimeSpan.FromMilliseconds(options.BudgetMs));
        Console.WriteLine($"time: {watch.Elapsed.TotalMilliseconds:0} ms wall clock (a fresh server or folder included)");
        foreach (var (note, count) in fuzzTarget.Notes)
        {
            Console.WriteLine($"note: {note} x{count}");
        }

        foreach (var problem in fuzzTarget.MachineProblems)
        {
            Console.WriteLine("machine problem: " + problem);
        }

        Console.WriteLine(failure is null ? "passed" : "failure: " + failure);
        return failure is null ? 0 : 1;
    }

    private sealed class WorkerStats
    {
        public long Tried { get; set; }

        public long Failures { get; set; }

        public long Machine { get; set; }

        public int ExtremeDone { get; set; } = int.MaxValue;

        public string? Current { get; set; }

        public int CurrentExtremeIndex { get; set; } = -1;

        public bool Finished { get; set; }
    }

    private static (int ExitCode, WorkerStats Stats, string Stderr) RunWorker(List<string> workerArgs, Stopwatch started)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        var processPath = Environment.ProcessPath ?? "dotnet";
        info.FileName = processPath;
        if (Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            info.ArgumentList.Add(typeof(Program).Assembly.Location);
        }

        foreach (var arg in workerArgs)
        {
            info.ArgumentList.Add(arg);
        }

        var stats = new WorkerStats();
        var stderr = new StringBuilder();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start the worker process");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    if (stderr.Length < 20_000)
                    {
                        stderr.AppendLine(e.Data);
                    }
                }
            }
        };
        process.BeginErrorReadLine();
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            if (!line.StartsWith("##", StringComparison.Ordinal))
            {
                Console.WriteLine(line);
                continue;
            }

            var parts = line.Substring(2).Split(' ', 3);
            switch (parts[0])
            {
                case "stats":
                    stats.Tried = long.Parse(parts[1], CultureInfo.InvariantCulture);
                    stats.Failures = long.Parse(parts[2], CultureInfo.InvariantCulture);
                    break;
                case "current":
                    stats.CurrentExtremeIndex = int.Parse(parts[1], CultureInfo.InvariantCulture);
                    stats.Current = parts.Length > 2 ? parts[2] : null;
                    break;
                case "machine":
                    stats.Machine = long.Parse(parts[1], CultureInfo.InvariantCulture);
                    break;
                case "extreme-done":
                    stats.ExtremeDone = int.Parse(parts[1], CultureInfo.InvariantCulture);
                    break;
                case "finished":
                    stats.Finished = true;
                    break;
            }
        }

        process.WaitForExit();
        string text;
        lock (stderr)
        {
            text = stderr.ToString();
        }

        return (process.ExitCode, stats, text);
    }

    internal static string SaveFailure(string folder, string kind, string text, string reason)
    {
        Directory.CreateDirectory(folder);
        var safe = new string(kind.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());
        if (safe.Length > 60)
        {
            safe = safe.Substring(0, 60);
        }

        var stem = Path.Combine(folder, $"failure-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N").Substring(0, 8)}-{safe}");

        // .utf16: the exact input (replay it with --replay); .normlab: readable UTF-8, lone surrogates as U+FFFD
        WriteExact(stem + ".utf16", text);
        File.WriteAllText(stem + ".normlab", text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false));
        File.WriteAllText(stem + ".txt", reason + "\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false));
        return stem + ".utf16";
    }

    /// <summary>Writes a string as its UTF-16 code units, little-endian, whatever they are.</summary>
    internal static void WriteExact(string path, string text)
    {
        var bytes = new byte[text.Length * 2];
        for (var i = 0; i < text.Length; i++)
        {
            bytes[2 * i] = (byte)text[i];
            bytes[(2 * i) + 1] = (byte)(text[i] >> 8);
        }

        File.WriteAllBytes(path, bytes);
    }

    internal static string ReadExact(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var chars = new char[bytes.Length / 2];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)(bytes[2 * i] | (bytes[(2 * i) + 1] << 8));
        }

        return new string(chars);
    }

    // ---- the worker: runs the checks in this process -------------------------------------------

    private static class Worker
    {
        public static int Run(Options options)
        {
            var deadline = DateTimeOffset.FromUnixTimeMilliseconds(options.Deadline).UtcDateTime;
            var budget = TimeSpan.FromMilliseconds(options.BudgetMs);
            var inProgress = Path.Combine(options.Out, InProgressFile);
            var runner = new IsolatedRunner();
            var started = Stopwatch.StartNew();
            var lastProgress = TimeSpan.Zero;
            long tried = 0;
            long failures = 0;
            var kinds = new Dictionary<string, long>(StringComparer.Ordinal);
            var slowest = TimeSpan.Zero;
            var slowestKind = string.Empty;

            bool Check(GeneratedInput input, int extremeIndex)
            {
                Console.WriteLine($"##current {extremeIndex} {input.Kind}");
                WriteExact(inProgress, input.Text);
                var failure = RobustnessHarness.CheckOne(input, runner, budget, out var outcome);
                var elapsed = outcome.Cost;
                tried++;
                var kind = input.Kind.Split(':')[0];
                kinds[kind] = kinds.TryGetValue(kind, out var n) ? n + 1 : 1;
                if (elapsed > slowest)
                {
                    slowest = elapsed;
                    slowestKind = input.Kind;
                }

                if (failure is not null)
                {
                    failures++;
                    var saved = SaveFailure(options.Out, input.Kind, input.Text, failure);
                    Console.WriteLine($"[{started.Elapsed.TotalSeconds,4:0}s] FAILURE ({input.Kind}, {input.Text.Length} chars): {Shorten(failure)}; saved {saved}");
                    Console.Out.Flush();
                }

                Console.WriteLine($"##stats {tried} {failures}");
                if (started.Elapsed - lastProgress >= TimeSpan.FromSeconds(5))
                {
                    lastProgress = started.Elapsed;
                    Progress();
                }

                return runner.Abandoned < 3;
            }

            void Progress() =>
                Console.WriteLine($"[worker {started.Elapsed.TotalSeconds,4:0}s] tried {tried} ({string.Join(", ", kinds.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}"))}), failures {failures}, slowest {slowest.TotalMilliseconds:0} ms {(ThreadCpuTime.Now() is null ? "wall clock" : "CPU")} ({slowestKind})");

            var extreme = InputGenerator.ExtremeCases();
            for (var i = options.ExtremeFrom; i < extreme.Count && DateTime.UtcNow < deadline; i++)
            {
                if (!Check(new GeneratedInput("extreme:" + extreme[i].Name, extreme[i].Text, expectNoSyntaxErrors: false), i))
                {
                    Console.WriteLine($"##extreme-done {i}");
                    return 1;
                }

                Console.WriteLine($"##extreme-done {i}");
            }

            var generator = new InputGenerator(options.Seed);
            while (DateTime.UtcNow < deadline)
            {
                if (!Check(generator.Next(), -1))
                {
                    Progress();
                    Console.Out.Flush();
                    return 1; // too many runs hang: a fresh process goes on
                }
            }

            Progress();
            Console.WriteLine("##finished");
            Console.Out.Flush();
            File.Delete(inProgress);
            runner.Dispose();
            return failures == 0 ? 0 : 1;
        }

        /// <summary>The worker of a byte target (protocol, study): inputs from the target until the deadline.</summary>
        public static int RunTarget(Options options)
        {
            var deadline = DateTimeOffset.FromUnixTimeMilliseconds(options.Deadline).UtcDateTime;
            var budget = TimeSpan.FromMilliseconds(options.BudgetMs);
            var inProgress = Path.Combine(options.Out, InProgressBytesFile);
            var started = Stopwatch.StartNew();
            var lastProgress = TimeSpan.Zero;
            long tried = 0;
            long failures = 0;
            var kinds = new Dictionary<string, long>(StringComparer.Ordinal);
            var saved = new Dictionary<string, int>(StringComparer.Ordinal);
            var slowest = TimeSpan.Zero;
            var slowestKind = string.Empty;
            using var target = CreateTarget(options.Target, options.Seed);

            var reported = 0;
            void Progress() =>
                Console.WriteLine($"[worker {started.Elapsed.TotalSeconds,4:0}s] {target.Name}: tried {tried} ({tried / Math.Max(started.Elapsed.TotalSeconds, 0.001):0}/s; {string.Join(", ", kinds.OrderByDescending(k => k.Value).Take(8).Select(k => $"{k.Key} {k.Value}"))}), failures {failures}{(reported > 0 ? $", machine problems {reported}" : string.Empty)}, slowest {slowest.TotalMilliseconds:0} ms ({slowestKind}), {MachineLoad.Describe()}");

            // machine problems (not failures) as they appear: printed, saved, counted apart
            void ReportMachine(FuzzInput input)
            {
                while (reported < target.MachineProblems.Count)
                {
                    var problem = target.MachineProblems[reported++];
                    Directory.CreateDirectory(options.Out);
                    var path = Path.Combine(options.Out, $"machine-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N").Substring(0, 8)}-{target.Name}.txt");
                    File.WriteAllText(path, $"{problem}\n\nwhile starting a fresh server for an input of kind {input.Kind} (checked on that server afterwards)\n");
                    Console.WriteLine($"[{started.Elapsed.TotalSeconds,4:0}s] MACHINE ({target.Name}): {Shorten(problem)}; saved {path}");
                    Console.WriteLine($"##machine {reported}");
                    Console.Out.Flush();
                }
            }

            // the inputs before the current one: a server serves several inputs, so one of them may have caused a failure
            // that shows only later; they are saved beside each failing input
            var history = new Queue<FuzzInput>();
            using (var file = new FileStream(inProgress, FileMode.Create, FileAccess.Write, FileShare.Read))
            {
                while (DateTime.UtcNow < deadline)
                {
                    var input = target.Next();

                    // the input being checked, for the supervisor should this process die
                    file.SetLength(0);
                    file.Write(Encoding.UTF8.GetBytes(input.Kind.Replace('\n', ' ') + "\n"));
                    file.Write(input.Bytes);
                    file.Flush();

                    var watch = Stopwatch.StartNew();
                    var failure = target.Check(input, budget);
                    var elapsed = watch.Elapsed;
                    ReportMachine(input);
                    tried++;
                    var kind = input.Kind.Split(':')[0];
                    kinds[kind] = kinds.TryGetValue(kind, out var n) ? n + 1 : 1;
                    if (elapsed > slowest)
                    {
                        slowest = elapsed;
                        slowestKind = input.Kind;
                    }

                    if (failure is not null)
                    {
                        failures++;

                        // at most 10 files per kind of failure (its first line, digits left out): a flood of one bug stays readable
                        var signature = new string(failure.Split('\n')[0].Where(c => !char.IsDigit(c)).Take(120).ToArray());
                        saved[signature] = saved.TryGetValue(signature, out var count) ? count + 1 : 1;
                        if (saved[signature] <= 10)
                        {
                            var path = SaveBytes(options.Out, target.Name, input.Kind, input.Bytes, target.ExtensionOf(input), failure);
                            SaveHistory(path, target, history);
                            Console.WriteLine($"[{started.Elapsed.TotalSeconds,4:0}s] FAILURE ({target.Name} {input.Kind}, {input.Bytes.Length} bytes): {Shorten(failure)}; saved {path}");
                        }

                        Console.WriteLine($"##stats {tried} {failures}");
                        Console.Out.Flush();
                    }
                    else if ((tried & 63) == 0)
                    {
                        Console.WriteLine($"##stats {tried} {failures}");
                    }

                    history.Enqueue(input);
                    if (history.Count > HistoryLength)
                    {
                        history.Dequeue();
                    }

                    if (started.Elapsed - lastProgress >= TimeSpan.FromSeconds(10))
                    {
                        lastProgress = started.Elapsed;
                        Progress();
                    }
                }
            }

            Progress();
            foreach (var (note, count) in target.Notes.OrderByDescending(n => n.Value))
            {
                Console.WriteLine($"  note (no failure): {note} x{count}");
            }

            foreach (var (signature, count) in saved.Where(s => s.Value > 10))
            {
                Console.WriteLine($"  {count} failures like: {Shorten(signature)} (10 saved)");
            }

            Console.WriteLine($"##stats {tried} {failures}");
            Console.WriteLine("##finished");
            Console.Out.Flush();
            File.Delete(inProgress);
            return failures == 0 ? 0 : 1;
        }

        private static string Shorten(string text) => text.Length > 300 ? text.Substring(0, 300) + "…" : text;
    }

    // ---- options -------------------------------------------------------------------------------

    private sealed class Options
    {
        public double Seconds { get; private set; } = 60;

        public int Seed { get; private set; } = 1;

        public string Out { get; private set; } = Path.Combine("artifacts", "fuzz-failures");

        public int BudgetMs { get; private set; } = 2000;

        public bool NoExtreme { get; private set; }

        /// <summary>language, protocol, study or all.</summary>
        public string Target { get; private set; } = "all";

        public bool Worker { get; private set; }

        public long Deadline { get; private set; }

        public int ExtremeFrom { get; private set; }

        public string? Case { get; private set; }

        public string? Replay { get; private set; }

        public bool List { get; private set; }

        public int SlowStarts { get; private set; }

        public int SlowStartMs { get; private set; }

        public static Options Parse(string[] args)
        {
            var options = new Options();
            for (var i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--seconds":
                        options.Seconds = double.Parse(Value(), CultureInfo.InvariantCulture);
                        break;
                    case "--seed":
                        options.Seed = int.Parse(Value(), CultureInfo.InvariantCulture);
                        break;
                    case "--out":
                        options.Out = Value();
                        break;
                    case "--budget-ms":
                        options.BudgetMs = int.Parse(Value(), CultureInfo.InvariantCulture);
                        break;
                    case "--target":
                        options.Target = Value();
                        if (options.Target != "all" && !Targets.Contains(options.Target))
                        {
                            throw new ArgumentException($"--target must be language, protocol, study or all, not '{options.Target}'");
                        }

                        break;
                    case "--no-extreme":
                        options.NoExtreme = true;
                        break;
                    case "--worker":
                        options.Worker = true;
                        break;
                    case "--deadline":
                        options.Deadline = long.Parse(Value(), CultureInfo.InvariantCulture);
                        break;
                    case "--extreme-from":
                        options.ExtremeFrom = int.Parse(Value(), CultureInfo.InvariantCulture);
                        break;
                    case "--case":
                        options.Case = Value();
                        break;
                    case "--replay":
                        options.Replay = Value();
                        break;
                    case "--list":
                        options.List = true;
                        break;
                    case "--slow-starts":
                        var spec = Value().Split(':');
                        if (spec.Length != 2 || !int.TryParse(spec[0], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
                            || !int.TryParse(spec[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
                        {
                            throw new ArgumentException("--slow-starts takes N:MS, two whole numbers (the next N fresh starts answer after MS ms)");
                        }

                        (options.SlowStarts, options.SlowStartMs) = (count, ms);
                        break;
                    default:
                        throw new ArgumentException($"unknown option '{args[i]}'");
                }
            }

            return options;
        }
    }
}
