using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using NormLab.Dsl;
using NormLab.Dsl.Model;
using NormLab.Runtime.Building;
using NormLab.Testing;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NormLab.Export.Tests;

/// <summary>
/// issue 12: every network of examples/zoo exported and run in ONNX Runtime, at a smaller input size (the
/// parameters are the full networks'; only the spatial size shrinks), and one of them at its full size.
/// </summary>
[Collection(TorchState.Name)]
public sealed class ZooTests(ITestOutputHelper output)
{
    public static TheoryData<string> Files() =>
        new(Directory.EnumerateFiles(Path.Combine(TestPaths.Examples, "zoo"), "*.normlab").Select(Path.GetFileName).OrderBy(f => f)!);

    [Fact]
    public void The_zoo_is_all_here() => Assert.Equal(18, Files().Count);

    [Theory]
    [MemberData(nameof(Files))]
    public void The_zoo_network_runs_the_same_in_onnx_runtime_at_a_small_size(string file)
    {
        var text = File.ReadAllText(Path.Combine(TestPaths.Examples, "zoo", file));
        var network = Shrunk(text, file);
        output.WriteLine($"{network.Name} at {network.Input}: {network.ParameterCount:N0} parameters");
        Check(network, seed: file.Length);
    }

    /// <summary>MobileNetV3-Large at its full 3x224x224: se, hardswish, hardsigmoid, residuals, 5.5M parameters.</summary>
    [Fact]
    public void MobileNetV3_runs_the_same_in_onnx_runtime_at_full_size()
    {
        var path = Path.Combine(TestPaths.Examples, "zoo", "mobilenet_v3_large.normlab");
        var network = NetworkBuilder.Check(File.ReadAllText(path), "zoo/mobilenet_v3_large.normlab", "MobileNetV3Large");
        Assert.Equal("3x224x224", network.Input!.ToString());
        Check(network, seed: 224);
    }

    private void Check(NetworkModel network, long seed)
    {
        using var threads = OnnxKit.OneThread();
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        random.manual_seed(seed);
        using var module = new NetworkModule(network);
        OnnxKit.Perturb(module, seed);
        var comparison = OnnxKit.Compare(module, network, seed);
        output.WriteLine($"max |onnx − torch| {comparison.MaxAbsolute:G3} (output scale {comparison.Scale:G3}), NaN reruns {comparison.NaNReruns}, {clock.Elapsed.TotalSeconds:F1} s");
        Assert.False(comparison.Undecided, "libtorch's NaN left the comparison undecided");
        Assert.True(comparison.Problems.Count == 0, string.Join("\n", comparison.Problems));
    }

    /// <summary>The file's network with the smallest input (of a few tried) that the checker accepts.</summary>
    private static NetworkModel Shrunk(string text, string file)
    {
        var declared = Regex.Match(text, @"input: (signal )?(\d+)x(\d+)(?:x(\d+))?");
        Assert.True(declared.Success, $"{file}: no input shape");
        var candidates = declared.Groups[1].Success
            ? new[] { 8, 4, 2 }.Select(f => $"input: signal {declared.Groups[2].Value}x{int.Parse(declared.Groups[3].Value) / f}")
            : new[] { 64, 96, 128, 160 }.Select(s => $"input: {declared.Groups[2].Value}x{s}x{s}");
        var tried = new List<string>();
        foreach (var input in candidates)
        {
            var result = NormLabCompiler.Check(text.Replace(declared.Value, input), file);
            var network = result.Networks.Single();
            if (network.IsValid)
            {
                return network;
            }

            tried.Add(input);
        }

        Assert.Fail($"{file}: no smaller input is valid (tried {string.Join(", ", tried)})");
        return null!;
    }
}
