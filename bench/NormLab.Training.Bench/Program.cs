using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using NormLab.Dsl.Model;
using NormLab.Runtime.Building;
using NormLab.Runtime.Data;
using NormLab.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Training.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/NormLab.Training.Bench [-- --reps 15 --steps 20 --threads 1 --matmul 1024]</c>
///
/// In one run, on the embedded MNIST sample:
/// <list type="number">
/// <item>training images/s of the generated <c>BenchCnnModule</c> and of <see cref="HandWrittenCnn"/> (the same layers,
/// built from the same seed: the bench checks that their initial weights and outputs are equal), measured alternately
/// (G H, H G, G H, …) for several repetitions of the same number of steps; medians and their ratio (target ≥ 0.97);</item>
/// <item>the share of step time spent producing the batch (<c>DataSet.Batches</c>: a seeded permutation and
/// <c>index_select</c>; target &lt; 5%);</item>
/// <item>when /usr/bin/python3 has torch (Debian's python3-torch), the same network in PyTorch, in a process of its
/// own, in the same repetitions (before or after the generated module, alternately): its images/s and the ratio;</item>
/// <item>the achieved GFLOP/s of a training step (forward multiply-accumulates from NormLab's model × 2 FLOP × 3 for
/// forward and backward, over the step time) next to the machine's peak, estimated from a large <c>torch.mm</c>.</item>
/// </list>
/// The step is the trainer's (NormLab.Runtime.Training.Trainer): batch produced, one dispose scope, zero_grad,
/// forward, cross-entropy, loss.item, backward, Adam step, argmax accuracy.
/// </summary>
public static class Program
{
    private const double TargetRatio = 0.97;
    private const double TargetDataShare = 0.05;
    private const int BatchSize = 64;
    private const long Seed = 1;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static int Main(string[] args)
    {
        int reps = 15, steps = 20, threads = 1, matmulSize = 1024, warmupSteps = 15, batch = BatchSize;
        var probeFiles = new List<string>();
        int? shapeBatch = null;
        bool guardOnly = false;
        for (int i = 0; i < args.Length; i++)
        {
            int Value() => i + 1 < args.Length && int.TryParse(args[++i], NumberStyles.None, Invariant, out int v) && v > 0
                ? v
                : throw new ArgumentException($"{args[i]} needs a positive whole number");
            switch (args[i])
            {
                case "--reps": reps = Value(); break;
                case "--steps": steps = Value(); break;
                case "--threads": threads = Value(); break;
                case "--matmul": matmulSize = Value(); break;
                case "--warmup": warmupSteps = Value(); break;
                case "--guard": guardOnly = true; break;
                case "--batch": batch = Value(); break;
                case "--shape-batch": shapeBatch = Value(); break;
                case "--probe-cost" when i + 1 < args.Length: probeFiles.Add(args[++i]); break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}; options: --reps N --steps N --threads N --matmul N --warmup N --guard, or --probe-cost FILE.normlab [--probe-cost …] --batch N --threads N [--shape-batch N]");
                    return 2;
            }
        }

        if (probeFiles.Count > 0)
            return ProbeCost.Run(probeFiles, batch, threads, shapeBatch);

        set_num_threads(threads);
        PrintMachine(threads);
        using var data = DataSets.MnistSample();
        NetworkModel model = NetworkBuilder.Check(ReadResource("NormLab.Training.Bench.bench.normlab"), "bench.normlab", "BenchCnn");

        // 1. The same network twice, from the same seed.
        random.manual_seed(Seed);
        using var generated = new BenchCnn().Build();
        random.manual_seed(Seed);
        using var handWritten = new HandWrittenCnn();
        bool same = CheckSame(generated, handWritten, data.Test);
        Console.WriteLine();
        if (guardOnly)
            return GuardOverhead(generated, data.Train, reps, steps, warmupSteps, threads);

        var contenders = new[]
        {
            new Contender("generated", generated, optim.Adam(generated.parameters(), lr: 1e-3)),
            new Contender("hand-written", handWritten, optim.Adam(handWritten.parameters(), lr: 1e-3)),
        };
        foreach (var contender in contenders)
            Measure(contender, data.Train, warmupSteps, epoch: 1000);

        Console.WriteLine($"Timing: {reps} repetitions × {steps} steps of {BatchSize} images per module, alternating order " +
                          $"(G H, H G, …), after {warmupSteps} warm-up steps each; {threads} thread(s).");
        Console.WriteLine("  img/s: images per second of wall-clock time; img/cpu-s: images per second of CPU time the process got");
        Console.WriteLine("  (on a loaded machine the second is the steadier one).");
        using var pytorch = PyTorch.Start(data.Train, threads, BatchSize, steps);
        if (pytorch is not null)
        {
            pytorch.Run(warmupSteps, epoch: 1000);
            Console.WriteLine($"  PyTorch: the same network in {pytorch.Version} ({PyTorch.Python}), its own process, {threads} thread(s), in the same repetitions");
        }
        else
        {
            Console.WriteLine($"  PyTorch: skipped ({PyTorch.Missing})");
        }

        var wall = Stopwatch.StartNew();
        double cpuStart = CpuClock.ProcessSeconds();
        for (int rep = 0; rep < reps; rep++)
        {
            var order = rep % 2 == 0 ? contenders : contenders.Reverse().ToArray();
            if (pytorch is not null && rep % 2 == 1)
                pytorch.Samples.Add(pytorch.Run(steps, rep));
            foreach (var contender in order)
                contender.Samples.Add(Measure(contender, data.Train, steps, epoch: rep));
            if (pytorch is not null && rep % 2 == 0)
                pytorch.Samples.Add(pytorch.Run(steps, rep));
            Console.WriteLine("  rep " + (rep + 1).ToString(Invariant).PadLeft(2) + ": " + string.Join("   ",
                contenders.Select(c => string.Create(Invariant,
                    $"{c.Name} {c.Samples[^1].ImagesPerSecond,6:N0} img/s {c.Samples[^1].ImagesPerCpuSecond,6:N0} img/cpu-s (data {c.Samples[^1].DataShare * 100:0.0}%)"))));
        }
        double cpuShare = (CpuClock.ProcessSeconds() - cpuStart) / wall.Elapsed.TotalSeconds;

        // 3. Peak: a large matmul, at the bench's thread count and at every core.
        double peak = MatmulGflops(matmulSize, threads);
        double peakAll = threads == Environment.ProcessorCount ? peak : MatmulGflops(matmulSize, Environment.ProcessorCount);
        set_num_threads(threads);

        var gen = contenders[0];
        var hand = contenders[1];
        double genRate = Median(gen.Samples.Select(s => s.ImagesPerSecond));
        double handRate = Median(hand.Samples.Select(s => s.ImagesPerSecond));
        double genCpuRate = Median(gen.Samples.Select(s => s.ImagesPerCpuSecond));
        double handCpuRate = Median(hand.Samples.Select(s => s.ImagesPerCpuSecond));
        // each repetition measures both modules back to back: the ratio of a pair cancels the load of that moment
        double ratio = Median(gen.Samples.Zip(hand.Samples, (g, h) => g.ImagesPerSecond / h.ImagesPerSecond));
        double cpuRatio = Median(gen.Samples.Zip(hand.Samples, (g, h) => g.ImagesPerCpuSecond / h.ImagesPerCpuSecond));
        var all = gen.Samples.Concat(hand.Samples).ToArray();
        double dataShare = Median(all.Select(s => s.DataShare));
        double flopPerImage = model.Macs * 2.0 * 3.0;
        double achieved = flopPerImage * genRate / 1e9;
        double achievedCpu = flopPerImage * genCpuRate / 1e9;

        Console.WriteLine();
        Console.WriteLine("Results (medians over the repetitions)");
        Console.WriteLine($"  same initial weights and outputs          {(same ? "yes" : "NO")}");
        Console.WriteLine($"  convolutions                              {NormLab.Runtime.Native.LibTorchConvolutions.Outcome}");
        Console.WriteLine(string.Create(Invariant, $"  generated BenchCnnModule              {genRate,9:N0} img/s  {genCpuRate,9:N0} img/cpu-s"));
        Console.WriteLine(string.Create(Invariant, $"  hand-written HandWrittenCnn           {handRate,9:N0} img/s  {handCpuRate,9:N0} img/cpu-s"));
        Console.WriteLine(string.Create(Invariant, $"  ratio generated / hand-written (pairs) {ratio,8:0.000} wall   {cpuRatio,9:0.000} cpu      target ≥ {TargetRatio:0.00}: wall {Verdict(ratio >= TargetRatio)}, cpu {Verdict(cpuRatio >= TargetRatio)}"));
        if (pytorch is not null)
        {
            // each repetition runs PyTorch next to the generated module (before or after it, alternately)
            double torchRate = Median(pytorch.Samples.Select(s => s.ImagesPerSecond));
            double torchCpuRate = Median(pytorch.Samples.Select(s => s.ImagesPerCpuSecond));
            double torchRatio = Median(gen.Samples.Zip(pytorch.Samples, (g, p) => g.ImagesPerSecond / p.ImagesPerSecond));
            double torchCpuRatio = Median(gen.Samples.Zip(pytorch.Samples, (g, p) => g.ImagesPerCpuSecond / p.ImagesPerCpuSecond));
            Console.WriteLine(string.Create(Invariant, $"  PyTorch {pytorch.Version,-10} (python3)       {torchRate,9:N0} img/s  {torchCpuRate,9:N0} img/cpu-s"));
            Console.WriteLine(string.Create(Invariant, $"  ratio generated / PyTorch (pairs)     {torchRatio,8:0.000} wall   {torchCpuRatio,9:0.000} cpu"));
        }

        Console.WriteLine(string.Create(Invariant, $"  data loading share of a step          {dataShare * 100,8:0.00}%                          target < {TargetDataShare * 100:0}%: {Verdict(dataShare < TargetDataShare)}"));
        Console.WriteLine(string.Create(Invariant, $"    (median batch production {Median(all.Select(s => s.DataMilliseconds)):0.000} ms of a {Median(all.Select(s => s.StepMilliseconds)):0.00} ms step)"));
        Console.WriteLine(string.Create(Invariant, $"  forward MACs per image (NormLab)      {model.Macs,9:N0}        training FLOP per image = MACs × 2 × 3 = {flopPerImage / 1e6:0.0} M"));
        Console.WriteLine(string.Create(Invariant, $"  achieved, generated training step     {achieved,9:0.00} GFLOP/s wall, {achievedCpu:0.00} GFLOP per CPU-second"));
        Console.WriteLine(string.Create(Invariant, $"  peak, torch.mm {matmulSize}×{matmulSize}, {threads} thread(s)  {peak,9:0.00} GFLOP/s (best of several)   step: {achieved / peak * 100:0.0}% of it (wall), {achievedCpu / peak * 100:0.0}% (CPU time)"));
        if (peakAll != peak)
            Console.WriteLine(string.Create(Invariant, $"  peak, torch.mm {matmulSize}×{matmulSize}, {Environment.ProcessorCount} threads    {peakAll,9:0.00} GFLOP/s"));
        Console.WriteLine(string.Create(Invariant, $"  CPU obtained while timing             {cpuShare,9:0.00} cores, {threads} thread(s) asked"));
        Console.WriteLine($"  load average after                    {LoadAverage()}");
        foreach (var contender in contenders)
            contender.Optimizer.Dispose();
        return 0;
    }

    /// <summary>
    /// The same network in PyTorch (pytorch_bench.py) in a process of its own, when /usr/bin/python3 has torch (Debian:
    /// python3-torch): it trains on the same images, written to temporary files, and reports each run's wall and CPU time.
    /// </summary>
    private sealed class PyTorch : IDisposable
    {
        public const string Python = "/usr/bin/python3";

        private readonly Process _process;
        private readonly string[] _files;

        private PyTorch(Process process, string[] files, string version)
        {
            _process = process;
            _files = files;
            Version = version;
        }

        public static string Missing { get; private set; } = string.Empty;

        public string Version { get; }

        public List<Sample> Samples { get; } = new();

        public static PyTorch? Start(DataSet train, int threads, int batchSize, int steps)
        {
            if (!File.Exists(Python))
            {
                Missing = $"{Python} is not there";
                return null;
            }

            var script = Path.Combine(AppContext.BaseDirectory, "pytorch_bench.py");
            int count = Math.Min(train.Count, batchSize * Math.Max(steps, 16));
            string images = Path.GetTempFileName(), labels = Path.GetTempFileName();
            using (NewDisposeScope())
            {
                Batch batch = train.Select(Enumerable.Range(0, count).ToArray());
                File.WriteAllBytes(images, MemoryMarshal.AsBytes(batch.Images.contiguous().data<float>().ToArray().AsSpan()).ToArray());
                File.WriteAllBytes(labels, MemoryMarshal.AsBytes(batch.Labels.to_type(ScalarType.Int64).contiguous().data<long>().ToArray().AsSpan()).ToArray());
            }

            var start = new ProcessStartInfo(Python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { script, threads.ToString(Invariant), images, labels, count.ToString(Invariant), batchSize.ToString(Invariant) })
                start.ArgumentList.Add(argument);
            var process = Process.Start(start)!;
            string? ready = process.StandardOutput.ReadLine();
            if (ready is null || !ready.StartsWith("ready torch ", StringComparison.Ordinal))
            {
                string error = process.StandardError.ReadToEnd();
                process.WaitForExit();
                File.Delete(images);
                File.Delete(labels);
                Missing = $"{Python} could not run it: {error.Trim().Split('\n').LastOrDefault()}";
                return null;
            }

            return new PyTorch(process, new[] { images, labels }, ready.Substring("ready torch ".Length));
        }

        public Sample Run(int steps, int epoch)
        {
            _process.StandardInput.WriteLine($"{steps.ToString(Invariant)} {epoch.ToString(Invariant)}");
            _process.StandardInput.Flush();
            string[] times = (_process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the PyTorch process ended")).Split(' ');
            double seconds = double.Parse(times[0], Invariant), cpuSeconds = double.Parse(times[1], Invariant);
            double images = steps * (double)BatchSize;
            return new Sample(images / seconds, images / cpuSeconds, 0, 0, seconds * 1000 / steps);
        }

        public void Dispose()
        {
            try
            {
                _process.StandardInput.WriteLine("quit");
                _process.StandardInput.Flush();
                if (!_process.WaitForExit(10_000))
                    _process.Kill();
            }
            catch (IOException)
            {
            }

            _process.Dispose();
            foreach (var file in _files)
                File.Delete(file);
        }
    }

    private sealed record Contender(string Name, nn.Module<Tensor, Tensor> Module, optim.Optimizer Optimizer)
    {
        public List<Sample> Samples { get; } = new();
    }

    private readonly record struct Sample(double ImagesPerSecond, double ImagesPerCpuSecond, double DataShare, double DataMilliseconds, double StepMilliseconds);

    /// <summary>
    /// <paramref name="steps"/> training steps as the trainer runs them, timing the whole and, apart, the production
    /// of each batch (the enumerator's MoveNext: the epoch's permutation and index_select).
    /// </summary>
    private static Sample Measure(Contender contender, DataSet train, int steps, int epoch, StepGuard? guard = null, bool checkGradients = false)
    {
        var module = contender.Module;
        var optimizer = contender.Optimizer;
        module.train();
        long dataTicks = 0;
        double cpuStart = CpuClock.ProcessSeconds();
        long start = Stopwatch.GetTimestamp();
        using var batches = train.Batches(Seed, BatchSize, epoch).GetEnumerator();
        for (int step = 0; step < steps; step++)
        {
            long before = Stopwatch.GetTimestamp();
            if (!batches.MoveNext())
                throw new InvalidOperationException($"an epoch has fewer than {steps} batches; use fewer --steps");
            Batch produced = batches.Current;
            dataTicks += Stopwatch.GetTimestamp() - before;
            using var scope = NewDisposeScope();
            Batch batch = produced.MoveTo(scope);
            guard?.Save();
            optimizer.zero_grad();
            Tensor logits = module.call(batch.Images);
            Tensor loss = nn.functional.cross_entropy(logits, batch.Labels);
            loss.item<float>();
            loss.backward();
            if (checkGradients && guard!.NonFiniteGradient() is { } failure)
                throw new InvalidOperationException(failure);
            optimizer.step();
            logits.argmax(1).eq(batch.Labels).sum().item<long>();
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        double cpuSeconds = CpuClock.ProcessSeconds() - cpuStart;
        double dataSeconds = (double)dataTicks / Stopwatch.Frequency;
        double images = steps * (double)BatchSize;
        return new Sample(images / seconds, images / cpuSeconds, dataSeconds / seconds, dataSeconds * 1000 / steps, seconds * 1000 / steps);
    }

    /// <summary>
    /// <c>--guard</c>: the cost of the trainer's retry guard (<see cref="StepGuard"/>) on the generated module: the plain
    /// step, the step that first saves the buffers and the generator, and the step that also checks every gradient is
    /// finite (what the trainer runs), alternated in every order for <paramref name="reps"/> repetitions; the medians of
    /// the per-repetition ratios to the plain step.
    /// </summary>
    private static int GuardOverhead(nn.Module<Tensor, Tensor> module, DataSet train, int reps, int steps, int warmupSteps, int threads)
    {
        using var optimizer = optim.Adam(module.parameters(), lr: 1e-3);
        using var guard = new StepGuard(module);
        var variants = new (string Name, StepGuard? Guard, bool Check)[]
        {
            ("plain step", null, false),
            ("save buffers and generator", guard, false),
            ("save + check gradients (the trainer)", guard, true),
        };
        var contender = new Contender("generated", module, optimizer);
        var samples = variants.Select(_ => new List<Sample>()).ToArray();
        foreach (var variant in variants)
            Measure(contender, train, warmupSteps, epoch: 1000, variant.Guard, variant.Check);
        Console.WriteLine($"Retry guard: {reps} repetitions × {steps} steps of {BatchSize} images per variant, interleaved step by step " +
                          $"(each step of the three in rotated order, so that they share the machine's load); {threads} thread(s).");
        for (int rep = 0; rep < reps; rep++)
        {
            var wall = new double[variants.Length];
            var cpu = new double[variants.Length];
            for (int step = 0; step < steps; step++)
            {
                for (int k = 0; k < variants.Length; k++)
                {
                    int v = (rep + step + k) % variants.Length;
                    var one = Measure(contender, train, 1, epoch: (rep * steps) + step, variants[v].Guard, variants[v].Check);
                    wall[v] += BatchSize / one.ImagesPerSecond;
                    cpu[v] += BatchSize / one.ImagesPerCpuSecond;
                }
            }

            for (int v = 0; v < variants.Length; v++)
                samples[v].Add(new Sample(steps * (double)BatchSize / wall[v], steps * (double)BatchSize / cpu[v], 0, 0, wall[v] * 1000 / steps));
            Console.WriteLine("  rep " + (rep + 1).ToString(Invariant).PadLeft(2) + ": " + string.Join("   ",
                variants.Select((variant, v) => string.Create(Invariant, $"{samples[v][^1].StepMilliseconds:0.00} ms"))));
        }

        Console.WriteLine();
        Console.WriteLine("Results (medians over the repetitions; time ratio to the plain step, per repetition)");
        for (int v = 0; v < variants.Length; v++)
        {
            double ms = Median(samples[v].Select(s => s.StepMilliseconds));
            double wall = Median(samples[v].Zip(samples[0], (s, p) => s.StepMilliseconds / p.StepMilliseconds));
            double cpu = Median(samples[v].Zip(samples[0], (s, p) => p.ImagesPerCpuSecond / s.ImagesPerCpuSecond));
            Console.WriteLine(string.Create(Invariant, $"  {variants[v].Name,-38} {ms,8:0.00} ms/step   ratio {wall,6:0.0000} wall  {cpu,6:0.0000} cpu"));
        }

        // the guard's own work timed alone (the gradients are the last step's): steadier on a loaded machine than the
        // difference of two step times, which the load swamps
        const int calls = 400;
        double cpuStart = CpuClock.ProcessSeconds();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls; i++)
        {
            using var scope = NewDisposeScope();
            guard.Save();
            if (guard.NonFiniteGradient() is { } failure)
                throw new InvalidOperationException(failure);
        }
        double guardMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds / calls;
        double guardCpuMs = (CpuClock.ProcessSeconds() - cpuStart) * 1000 / calls;
        double stepMs = Median(samples[0].Select(s => s.StepMilliseconds));
        double stepCpuMs = Median(samples[0].Select(s => BatchSize * 1000 / s.ImagesPerCpuSecond));
        Console.WriteLine(string.Create(Invariant, $"  the guard alone ({calls} × save + gradient check)  {guardMs,8:0.000} ms wall, {guardCpuMs:0.000} ms CPU per step"));
        Console.WriteLine(string.Create(Invariant, $"    = {guardMs / stepMs * 100:0.00}% of the plain step's {stepMs:0.00} ms wall, {guardCpuMs / stepCpuMs * 100:0.00}% of its {stepCpuMs:0.00} ms CPU"));
        Console.WriteLine($"  load average after {LoadAverage()}");
        return 0;
    }

    /// <summary>Equal state dicts (names, shapes, values) and equal outputs on a test batch in eval mode.</summary>
    private static bool CheckSame(nn.Module<Tensor, Tensor> a, nn.Module<Tensor, Tensor> b, DataSet test)
    {
        var left = a.state_dict();
        var right = b.state_dict();
        bool sameKeys = left.Keys.SequenceEqual(right.Keys);
        bool sameValues = sameKeys && left.Keys.All(k => left[k].shape.SequenceEqual(right[k].shape) && left[k].equal(right[k]).all().item<bool>());
        double difference;
        using (NewDisposeScope())
        using (no_grad())
        {
            a.eval();
            b.eval();
            Batch batch = test.Select(Enumerable.Range(0, BatchSize).ToArray());
            difference = (a.call(batch.Images) - b.call(batch.Images)).abs().max().item<float>();
        }
        Console.WriteLine($"Generated vs hand-written: {left.Count} state-dict entries, same names {(sameKeys ? "yes" : "NO")}, " +
                          $"same initial values {(sameValues ? "yes" : "NO")}, max |output difference| on {BatchSize} test images {difference:G3}");
        return sameValues && difference == 0;
    }

    /// <summary>The best of several timed n×n float32 matmuls (2n³ FLOP each), in GFLOP/s.</summary>
    private static double MatmulGflops(int n, int threads)
    {
        set_num_threads(threads);
        using var scope = NewDisposeScope();
        Tensor a = randn(n, n), b = randn(n, n);
        double flop = 2.0 * n * n * n;
        for (int i = 0; i < 2; i++)
            mm(a, b).Dispose();
        double best = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 30 && (i < 5 || clock.Elapsed.TotalSeconds < 3); i++)
        {
            long start = Stopwatch.GetTimestamp();
            mm(a, b).Dispose();
            best = Math.Max(best, flop / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9);
        }
        return best;
    }

    private static void PrintMachine(int threads)
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : RuntimeInformation.ProcessArchitecture.ToString();
        string torchSharp = typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
            ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "?";
        Console.WriteLine("NormLab training bench");
        Console.WriteLine($"  machine      {Environment.ProcessorCount} logical cores, {cpu}, {RuntimeInformation.OSDescription}");
        Console.WriteLine($"  runtime      {RuntimeInformation.FrameworkDescription}, TorchSharp {torchSharp}, libtorch {torch.__version__}");
        Console.WriteLine($"  threads      {get_num_threads()} intra-op (torch.set_num_threads({threads})), {get_num_interop_threads()} inter-op");
        Console.WriteLine($"  load average {LoadAverage()} (1, 5, 15 min)");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string ReadResource(string name)
    {
        using Stream stream = typeof(Program).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"resource {name} not found");
        return new StreamReader(stream).ReadToEnd();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Verdict(bool met) => met ? "met" : "NOT met";
}
