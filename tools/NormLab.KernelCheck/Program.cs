using System;
using System.IO;
using System.Linq;
using System.Globalization;
using NormLab.Runtime.Building;
using NormLab.Runtime.Native;
using TorchSharp;
using static TorchSharp.torch;

// Do these networks compute in float32 what they compute in float64, forward and backward, with the convolution
// kernels this process uses? (NORMLAB_MKLDNN=1 keeps libtorch's oneDNN kernels on: docs/training.md.) For each network,
// seed and batch size: one float64 forward + backward in train mode (batch statistics) on random images and labels,
// then REPS float32 passes on the same data, compared with it. Differences are relative: the output's to the largest
// float64 output (at least 1), the gradients' to the largest float64 gradient of the whole network.
//
// A single input can show a real difference that is no kernel's fault: a pre-activation within float32's rounding of
// zero flips a ReLU, a near tie flips a max-pool, and the gradient follows another path. Such a difference shows at one
// seed with every kernel; a wrong kernel shows at every seed. So look at several seeds, and at both kernel settings.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: NormLab.KernelCheck FILE NET[,NET...] [--reps N] [--seeds 1,2,3] [--batches 64,32,16] [--threads N]");
    return 2;
}

string file = args[0];
string[] names = args[1].Split(',', StringSplitOptions.RemoveEmptyEntries);
int reps = 20;
int[] seeds = { 1, 2, 3 };
int[] batches = { 64, 32, 16 };
int threads = 1;
for (int i = 2; i + 1 < args.Length; i += 2)
{
    string value = args[i + 1];
    switch (args[i])
    {
        case "--reps": reps = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--seeds": seeds = value.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
        case "--batches": batches = value.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
        case "--threads": threads = int.Parse(value, CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}

LibTorchConvolutions.EnsureApplied();
set_num_threads(threads);
Console.WriteLine($"kernels: {LibTorchConvolutions.Outcome}; {threads} thread(s); {reps} float32 passes per case");
Console.WriteLine("network | seed | batch | worst output diff | worst gradient diff | passes beyond 1e-4 / 1e-3");
string text = File.ReadAllText(file);
int failures = 0;
foreach (string name in names)
{
    var model = NetworkBuilder.Check(text, Path.GetFileName(file), name);
    long[] input = model.Input!.Dimensions.Select(d => (long)d).ToArray();
    int classes = model.Output!.Dimensions[0];
    foreach (int seed in seeds)
    {
        foreach (int batch in batches)
        {
            using var scope = NewDisposeScope();
            manual_seed(seed);
            using var module = new NetworkModule(model);
            module.train();
            var x = randn(new long[] { batch }.Concat(input).ToArray());
            var labels = randint(0, classes, new long[] { batch });

            module.to(float64);
            module.zero_grad();
            var reference = module.forward(x.to(float64));
            nn.functional.cross_entropy(reference, labels).backward();
            var referenceGrads = module.parameters().Select(p => p.grad!.detach().clone()).ToArray();
            double outputScale = Math.Max(1, reference.abs().max().item<double>());
            double gradientScale = referenceGrads.Max(g => g.abs().max().item<double>());
            module.to(float32);

            double worstOutput = 0, worstGradient = 0;
            int beyond = 0;
            for (int r = 0; r < reps; r++)
            {
                using var inner = NewDisposeScope();
                module.zero_grad();
                var output = module.forward(x);
                nn.functional.cross_entropy(output, labels).backward();
                double o = (output.to(float64) - reference).abs().max().item<double>() / outputScale;
                double g = module.parameters().Zip(referenceGrads, (p, q) => (p.grad!.to(float64) - q).abs().max().item<double>()).Max() / gradientScale;
                worstOutput = double.IsNaN(o) || o > worstOutput ? o : worstOutput;
                worstGradient = double.IsNaN(g) || g > worstGradient ? g : worstGradient;
                beyond += !(o <= 1e-4) || !(g <= 1e-3) ? 1 : 0;
            }

            failures += beyond > 0 ? 1 : 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} | {seed} | {batch} | {worstOutput:E2} | {worstGradient:E2} | {beyond} of {reps}"));
        }
    }
}

Console.WriteLine($"{failures} case(s) with a pass beyond the tolerance");
return failures == 0 ? 0 : 1;
