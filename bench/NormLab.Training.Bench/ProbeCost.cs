using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using NormLab.Runtime.Building;
using NormLab.Runtime.Native;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NormLab.Training.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/NormLab.Training.Bench -- --probe-cost FILE.normlab [--probe-cost …] [--batch 64] [--threads 1] [--shape-batch 2]</c>
///
/// What the per-shape convolution probe (<see cref="LibTorchConvolutions"/>) costs a training run: every network of the
/// files is built by the run-time builder and called once on a random batch without autograd, to collect the shapes
/// of its convolutions as a training step runs them (a backward to the weight, and to the input except for a
/// convolution that reads the images); each shape not seen before in this process is then probed
/// (<see cref="LibTorchConvolutions.Probe"/>), one at a time, timed in wall and CPU seconds. For scale, the time of
/// that forward pass. <c>--shape-batch N</c> collects the shapes with a forward at batch N (a large network's
/// activations at batch 64 need gigabytes) and probes them at <c>--batch</c>. Nothing here changes oneDNN's state: the probes' verdicts are printed, not acted on.
/// </summary>
internal static class ProbeCost
{
    public static int Run(IReadOnlyList<string> files, int batch, int threads, int? shapeBatch)
    {
        set_num_threads(threads);
        LibTorchConvolutions.EnsureApplied();
        int forwardBatch = shapeBatch ?? batch;
        Console.WriteLine($"Probe cost: batch {batch}, {threads} thread(s), {Environment.ProcessorCount} cores; oneDNN {(LibTorchConvolutions.OneDnnEnabled ? "on" : "off")}; {LibTorchConvolutions.Outcome}");
        Console.WriteLine($"  probe: the new shapes' probes (3 float32 runs + 1 float64, forward and backward); forward: one forward without autograd at batch {forwardBatch}");
        if (forwardBatch != batch)
            Console.WriteLine($"  (shapes collected at batch {forwardBatch}, probed at batch {batch})");
        Console.WriteLine($"{"network",-28} {"convs",6} {"new shapes",10} {"probe s",8} {"probe cpu-s",11} {"forward s",9} {"forward cpu-s",13}");
        var seen = new HashSet<ConvolutionShape>();
        double totalWall = 0, totalCpu = 0;
        var slowest = new List<(double Seconds, ProbeResult Result)>();
        foreach (var file in files)
        {
            var source = File.ReadAllText(file);
            foreach (var network in NormLab.Dsl.NormLabCompiler.Check(source, file).Networks.Where(n => n.IsValid && n.Input is not null))
            {
                using var module = new NetworkModule(network);
                module.train();
                var shapes = new List<ConvolutionShape>();
                var convolutions = module.modules().OfType<Convolution>().ToList();
                Tensor? images = null;
                foreach (var convolution in convolutions)
                {
                    convolution.register_forward_pre_hook((self, input) =>
                    {
                        var convolution = (Convolution)self;
                        // as in training: autograd on, weights learn, inputs carry a gradient except the images
                        using (enable_grad())
                        {
                            using var probeInput = input.detach().requires_grad_(images is null || input.Handle != images.Handle);
                            if (ConvolutionShape.Of(convolution, probeInput) is { } shape)
                                shapes.Add(new ConvolutionShape(new[] { (long)batch }.Concat(shape.Input.Skip(1)).ToArray(), shape.Weight, shape.Stride,
                                    shape.Padding, shape.Dilation, shape.Groups, shape.Bias, shape.Threads, shape.InputGradient, shape.WeightGradient));
                        }

                        return input;
                    });
                }

                double forward, forwardCpu;
                using (no_grad())
                using (NewDisposeScope())
                {
                    images = randn(new[] { (long)forwardBatch }.Concat(network.Input!.Dimensions.Select(d => (long)d)).ToArray());
                    var clock = Stopwatch.StartNew();
                    double cpu = CpuClock.ProcessSeconds();
                    module.call(images);
                    forward = clock.Elapsed.TotalSeconds;
                    forwardCpu = CpuClock.ProcessSeconds() - cpu;
                }

                double wall = 0, cpuSeconds = 0;
                int fresh = 0;
                foreach (var shape in shapes.Where(seen.Add))
                {
                    fresh++;
                    double cpu = CpuClock.ProcessSeconds();
                    var result = LibTorchConvolutions.Probe(shape);
                    double used = CpuClock.ProcessSeconds() - cpu;
                    wall += result.Elapsed.TotalSeconds;
                    cpuSeconds += used;
                    slowest.Add((used, result));
                    Console.WriteLine($"  {used,6:F2} CPU s {result.Elapsed.TotalSeconds,6:F2} s  {shape}: {(result.Right ? "right" : "WRONG")}, {result.Detail}");
                }

                totalWall += wall;
                totalCpu += cpuSeconds;
                Console.WriteLine($"{network.Name,-28} {shapes.Count,6} {fresh,10} {wall,8:F2} {cpuSeconds,11:F2} {forward,9:F2} {forwardCpu,13:F2}");
            }
        }

        Console.WriteLine($"all: {seen.Count} shapes, {totalWall:F2} s, {totalCpu:F2} CPU s; the slowest probes (CPU s):");
        foreach (var (seconds, result) in slowest.OrderByDescending(s => s.Seconds).Take(5))
            Console.WriteLine($"  {seconds,6:F2}  {result.Shape}: {(result.Right ? "right" : "WRONG")}, {result.Detail}");
        return 0;
    }
}
