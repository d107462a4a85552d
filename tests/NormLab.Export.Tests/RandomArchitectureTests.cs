using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using NormLab.Dsl;
using NormLab.Dsl.Layers;
using NormLab.Dsl.Model;
using NormLab.Runtime.Building;
using NormLab.Runtime.Export;
using NormLab.Testing.Generators;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NormLab.Export.Tests;

/// <summary>
/// issue 12: "at least 200 seeded random architectures with branches, gates and signals" exported and run in ONNX
/// Runtime, compared with the TorchSharp module (parameters and running statistics moved off their initial values).
/// </summary>
[Collection(TorchState.Name)]
public sealed class RandomArchitectureTests(ITestOutputHelper output)
{
    private const int SecondReleaseNetworks = 220;
    private const int FirstReleaseNetworks = 60;

    [Fact]
    public void Random_second_release_architectures_run_the_same_in_onnx_runtime()
    {
        var networks = Kept(new RandomPrograms(20_261_212, secondRelease: true), SecondReleaseNetworks);
        CompareAll(networks, seed: 1_000);

        // what the set holds: every layer kind with a module, every join, signals and features
        var layers = networks.SelectMany(n => n.Network.AllLayers()).ToList();
        var missing = LayerKind.All.Where(k => k.HasModule && !layers.Any(l => l.Kind == k)).Select(k => k.Name).ToList();
        Assert.True(missing.Count == 0, "no random network has " + string.Join(", ", missing));
        foreach (var structure in new[] { LayerKind.Residual, LayerKind.Concat, LayerKind.Scale, LayerKind.SqueezeExcitation })
        {
            Assert.Contains(layers, l => l.Kind == structure);
        }

        Assert.Contains(layers, l => l.Shortcut.Count > 0);
        Assert.Contains(layers, l => l.Ceil);
        Assert.Contains(layers, l => l.Kind == LayerKind.LayerNorm && l.OverChannels);
        Assert.True(networks.Count(n => n.Network.Input!.SpatialRank == 1) >= 20, "too few signal networks");
        Assert.True(networks.Count(n => !n.Network.Input!.IsSpatial) >= 5, "too few feature networks");
    }

    [Fact]
    public void Random_first_release_architectures_run_the_same_in_onnx_runtime()
    {
        var networks = Kept(new RandomPrograms(20_261_213), FirstReleaseNetworks);
        CompareAll(networks, seed: 5_000);
    }

    /// <summary>The first <paramref name="count"/> programs that pass the checker.</summary>
    private static List<(string Text, NetworkModel Network)> Kept(RandomPrograms generator, int count)
    {
        var kept = new List<(string, NetworkModel)>();
        for (var i = 0; kept.Count < count && i < 20 * count; i++)
        {
            var text = generator.Next(i);
            var result = NormLabCompiler.Check(text, "random.normlab");
            var network = result.Networks.Single();
            if (!result.HasErrors && network.IsValid)
            {
                kept.Add((text, network));
            }
        }

        Assert.Equal(count, kept.Count);
        return kept;
    }

    private void CompareAll(List<(string Text, NetworkModel Network)> networks, long seed)
    {
        using var threads = OnnxKit.OneThread();
        var clock = Stopwatch.StartNew();
        var float32 = OnnxKit.LibTorchFloat32Disagreements;
        var failures = new List<string>();
        var undecided = 0;
        var reruns = 0;
        double worst = 0, worstRelative = 0;
        for (var i = 0; i < networks.Count; i++)
        {
            var (text, network) = networks[i];
            using var scope = NewDisposeScope();
            random.manual_seed(seed + i);
            using var module = new NetworkModule(network);
            OnnxKit.Perturb(module, seed + i);
            Comparison comparison;
            try
            {
                comparison = OnnxKit.Compare(module, network, seed + i);
            }
            catch (Exception e)
            {
                failures.Add($"{network.Name}: {e.GetType().Name}: {e.Message.Split('\n')[0]}{Environment.NewLine}{text}");
                continue;
            }

            worst = Math.Max(worst, comparison.MaxAbsolute);
            worstRelative = Math.Max(worstRelative, comparison.MaxRelative);
            reruns += comparison.NaNReruns;
            undecided += comparison.Undecided ? 1 : 0;
            if (comparison.Problems.Count > 0)
            {
                failures.Add($"{network.Name}: {string.Join("; ", comparison.Problems)}{Environment.NewLine}{text}");
            }
        }

        output.WriteLine($"{networks.Count} networks in {clock.Elapsed.TotalSeconds:F1} s: max |onnx − torch| {worst:G3} (relative to the output's scale {worstRelative:G3}); libtorch NaN reruns {reruns}, comparisons left undecided {undecided}; batches where libtorch's float32 forward was off: {OnnxKit.LibTorchFloat32Disagreements - float32}");
        Assert.True(undecided <= 3, $"{undecided} comparisons undecided by libtorch's NaN");
        Assert.True(failures.Count == 0, $"{failures.Count} of {networks.Count} differ; the first ones:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(5))}");
    }
}
