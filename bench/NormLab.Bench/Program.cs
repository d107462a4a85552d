using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using NormLab.Dsl;
using NormLab.Dsl.Text;
using NormLab.Testing.Generators;

namespace NormLab.Bench;

/// <summary>
/// dotnet run -c Release --project bench/NormLab.Bench [-- --networks 1000 --iterations 15 --warmup 5 --out FILE]
/// (or --file FILE: time a given file instead, e.g. the one an older version wrote, to compare two versions)
///
/// Generates a deterministic file of 1,000 networks (random valid networks of the robustness generator, plus
/// ResNet-style networks built from blocks, a few of them with mistakes), warms up, then measures on one thread
/// NormLabCompiler.Check (parse + bind + shapes + rules) and NormLabCompiler.Parse; reports the median.
///
/// With --lsp: the language server's latency from a keystroke to its diagnostics, through the protocol (see LspLatency).
/// </summary>
public static class Program
{
    private const double TargetMegabytesPerSecond = 5.0;

    public static int Main(string[] args)
    {
        var networks = 1000;
        var iterations = 21;
        var warmup = 40;
        string? outPath = null;
        string? inPath = null;
        if (args.Length == 1 && args[0] == "--serve")
        {
            return LspLatency.Serve();
        }

        if (args.Contains("--lsp"))
        {
            return RunLsp(args);
        }

        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--networks":
                    networks = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--iterations":
                    iterations = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--warmup":
                    warmup = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--out":
                    outPath = Value();
                    break;
                case "--file":
                    inPath = Value();
                    break;
                default:
                    Console.Error.WriteLine($"unknown option '{args[i]}'; usage: NormLab.Bench [--networks 1000] [--iterations 15] [--warmup 5] [--out FILE | --file FILE]");
                    return 2;
            }
        }

        string text;
        if (inPath is not null)
        {
            // a given file (e.g. one an older version wrote), so that two versions are timed on the same input
            text = File.ReadAllText(inPath);
            outPath = inPath;
            networks = NormLabCompiler.Check(text, inPath).Networks.Count;
        }
        else
        {
            text = Corpus(networks);
            outPath ??= Path.Combine(AppContext.BaseDirectory, $"bench-{networks}-networks.normlab");
            File.WriteAllText(outPath, text);
        }

        var bytes = Encoding.UTF8.GetByteCount(text);

        PrintMachine();
        var first = NormLabCompiler.Check(text, outPath);
        Console.WriteLine($"input: {outPath}");
        Console.WriteLine($"       {bytes:N0} bytes (UTF-8), {text.Length:N0} chars, {first.Source.LineCount:N0} lines, {first.Networks.Count:N0} networks, {first.Networks.Sum(n => n.AllLayers().Count()):N0} layers");
        Console.WriteLine($"       diagnostics: {first.Diagnostics.Count:N0} ({string.Join(", ", first.Diagnostics.GroupBy(d => d.Severity).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"))})");
        if (first.Networks.Count != networks)
        {
            Console.Error.WriteLine($"expected {networks} networks, got {first.Networks.Count}");
            return 1;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        NormLabCompiler.Check(text, outPath);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Console.WriteLine($"       allocated per check: {allocated / 1e6:0.0} MB");

        var check = Measure("parse+check", warmup, iterations, () => NormLabCompiler.Check(text, outPath).Networks.Count);
        var parse = Measure("parse only", warmup, iterations, () => NormLabCompiler.Parse(SourceText.From(text, outPath)).Syntax.Members.Count);

        Console.WriteLine();
        Console.WriteLine($"{iterations} iterations after {warmup} warm-up runs; wall clock, and the measuring thread's CPU time (which other processes on a busy machine do not inflate)");
        Console.WriteLine($"{"",-22} {"median",10} {"min",10} {"max",10} {"MB/s",8} {"networks/s",12}");
        Report("parse+check (wall)", check.Wall, bytes, networks);
        Report("parse+check (CPU)", check.Cpu, bytes, networks);
        Report("parse only (wall)", parse.Wall, bytes, networks);
        Report("parse only (CPU)", parse.Cpu, bytes, networks);
        var wall = bytes / 1e6 / Median(check.Wall).TotalSeconds;
        Console.WriteLine();
        Console.WriteLine($"parse+check: {wall:0.00} MB/s, {networks / Median(check.Wall).TotalSeconds:N0} networks/s on one thread (median wall clock); target {TargetMegabytesPerSecond} MB/s: {(wall >= TargetMegabytesPerSecond ? "met" : "NOT met")}");
        if (check.Cpu.Count > 0)
        {
            var cpu = bytes / 1e6 / Median(check.Cpu).TotalSeconds;
            Console.WriteLine($"             {cpu:0.00} MB/s, {networks / Median(check.Cpu).TotalSeconds:N0} networks/s per CPU second (median thread CPU time)");
        }

        return 0;
    }

    private static int RunLsp(string[] args)
    {
        var keystrokes = 300;
        var warmupKeystrokes = 300;
        var lines = 1000;
        var busy = false;
        var pause = 5;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--lsp":
                    break;
                case "--keystrokes":
                    keystrokes = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--warmup":
                    warmupKeystrokes = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--lines":
                    lines = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--pause-ms":
                    pause = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--busy":
                    busy = true;
                    break;
                default:
                    Console.Error.WriteLine($"unknown option '{args[i]}'; usage: NormLab.Bench --lsp [--keystrokes 300] [--warmup 300] [--lines 1000] [--pause-ms 5] [--busy]");
                    return 2;
            }
        }

        PrintMachine();
        return LspLatency.Run(keystrokes, warmupKeystrokes, lines, busy, pause);
    }

    /// <summary>The benchmark file: deterministic for a network count.</summary>
    public static string Corpus(int networks)
    {
        var resNets = networks / 10;
        var sb = new StringBuilder();

        // nine in ten networks: the robustness generator's random valid networks (every layer of the catalog,
        // blocks with layer parameters, hyper-parameters, residuals, repeats, groups, comments)
        sb.Append(new InputGenerator(20_240_601).ValidProgram(networks - resNets));

        // one in ten: ResNet-style networks from blocks; one in ten of those has a mistake
        sb.Append(@"
// ---- ResNet-style networks -------------------------------------------------------------------

block BenchConv(c, act = relu) = conv3x3(c) > bn > act
block BenchRes(c) = residual { conv3x3(c) > bn > relu > conv3x3(c) > bn } > relu
block BenchDown(c) = residual(project) { conv3x3(c, stride: 2) > bn > relu > conv3x3(c) > bn } > relu
block BenchHead(n, p = 0.5) = dropout(p) > linear(n)
");
        for (var i = 0; i < resNets; i++)
        {
            var width = 16 * (1 + (i % 4));
            var mistake = i % 10 == 9 ? (i / 10) % 4 : -1;
            sb.Append("\n// ResNet-style network ").Append(i).Append(mistake >= 0 ? " (with a mistake)" : string.Empty).Append('\n');
            sb.Append("network BenchResNet").Append(i).Append("(input: 3x32x32, classes: 10, width: ").Append(width).Append(", drop: 0.25)");
            sb.Append(i % 7 == 3 ? " allow NL1005 {\n" : " {\n");
            sb.Append("    BenchConv(width, act: ").Append(i % 3 == 0 ? "leakyrelu(0.1)" : "relu").Append(")\n");
            sb.Append("    > BenchRes(width) * ").Append(1 + (i % 3)).Append('\n');
            sb.Append("    > BenchDown(width * 2) > BenchRes(width * 2)").Append(mistake == 0 ? " > reul" : string.Empty).Append('\n');
            sb.Append("    > BenchDown(width * 4) > BenchRes(width * 4)").Append(mistake == 1 ? " > relu > bn" : string.Empty).Append('\n');
            sb.Append("    > ").Append(mistake == 2 ? "maxpool * 6 > " : string.Empty).Append("gap > BenchHead(").Append(mistake == 3 ? "classes + 1" : "classes").Append(", p: drop)\n");
            sb.Append("}\n");
        }

        return sb.ToString();
    }

    private static (List<TimeSpan> Wall, List<TimeSpan> Cpu) Measure(string name, int warmup, int iterations, Func<int> action)
    {
        var sink = 0;
        for (var i = 0; i < warmup; i++)
        {
            sink += action();
        }

        var wall = new List<TimeSpan>();
        var cpu = new List<TimeSpan>();
        for (var i = 0; i < iterations; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var cpuStart = ThreadCpuTime();
            var watch = Stopwatch.StartNew();
            sink += action();
            wall.Add(watch.Elapsed);
            var cpuEnd = ThreadCpuTime();
            if (cpuStart is not null && cpuEnd is not null)
            {
                cpu.Add(cpuEnd.Value - cpuStart.Value);
            }
        }

        if (sink == int.MinValue)
        {
            Console.WriteLine(name);
        }

        return (wall, cpu);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>The calling thread's CPU time (Linux: CLOCK_THREAD_CPUTIME_ID); null elsewhere.</summary>
    private static TimeSpan? ThreadCpuTime()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return null;
        }

        try
        {
            return ClockGetTime(3, out var time) == 0 ? TimeSpan.FromTicks((time.Seconds * TimeSpan.TicksPerSecond) + (time.Nanoseconds / 100)) : null;
        }
        catch (DllNotFoundException)
        {
            return null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static TimeSpan Median(List<TimeSpan> times)
    {
        var sorted = times.OrderBy(t => t).ToList();
        return sorted[sorted.Count / 2];
    }

    private static void Report(string name, List<TimeSpan> times, int bytes, int networks)
    {
        if (times.Count == 0)
        {
            return;
        }

        var median = Median(times);
        Console.WriteLine($"{name,-22} {median.TotalMilliseconds,7:0.0} ms {times.Min().TotalMilliseconds,7:0.0} ms {times.Max().TotalMilliseconds,7:0.0} ms {bytes / 1e6 / median.TotalSeconds,8:0.00} {networks / median.TotalSeconds,12:N0}");
    }

    private static void PrintMachine()
    {
        var dsl = typeof(NormLabCompiler).Assembly;
        var debuggable = dsl.GetCustomAttribute<DebuggableAttribute>();
        var optimized = debuggable is null || !debuggable.IsJITOptimizerDisabled;
        Console.WriteLine($"machine: {Environment.ProcessorCount} processors{CpuModel()}");
        Console.WriteLine($"         {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})");
        Console.WriteLine($"         {RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, NormLab.Dsl {(optimized ? "optimized (Release)" : "NOT optimized (Debug): numbers are not representative")}");
        Console.WriteLine($"         measured on one thread{LoadAverage()}");
    }

    /// <summary>Other work on the machine slows the wall clock (not the CPU time): say how busy it is.</summary>
    private static string LoadAverage()
    {
        try
        {
            if (File.Exists("/proc/loadavg"))
            {
                var parts = File.ReadAllText("/proc/loadavg").Split(' ');
                return $"; load average {parts[0]} {parts[1]} {parts[2]} (1, 5, 15 min) on {Environment.ProcessorCount} processors";
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return string.Empty;
    }

    private static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line is not null)
                {
                    return ", " + line.Substring(line.IndexOf(':') + 1).Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return string.Empty;
    }
}
