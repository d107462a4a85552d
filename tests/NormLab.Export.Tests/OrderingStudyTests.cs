using System.IO;
using System.Linq;
using NormLab.Dsl.Layers;
using NormLab.Runtime.Building;
using NormLab.Testing;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NormLab.Export.Tests;

/// <summary>
/// issue 12: the ordering study's networks after a short training (a few SGD steps on tiny synthetic data), so that
/// batch norm's running statistics are not the initial ones, exported and run in ONNX Runtime.
/// </summary>
[Collection(TorchState.Name)]
public sealed class OrderingStudyTests(ITestOutputHelper output)
{
    private static string StudyFile => Path.Combine(TestPaths.Examples, "OrderingStudy", "ordering.normlab");

    public static TheoryData<string> Names() =>
        new(Dsl.NormLabCompiler.Check(File.ReadAllText(StudyFile), "ordering.normlab").Networks.Select(n => n.Name));

    [Fact]
    public void The_study_has_its_eighteen_networks() => Assert.Equal(18, Names().Count);

    [Theory]
    [MemberData(nameof(Names))]
    public void The_trained_network_runs_the_same_in_onnx_runtime(string name)
    {
        using var threads = OnnxKit.OneThread();
        var network = NetworkBuilder.Check(File.ReadAllText(StudyFile), "examples/OrderingStudy/ordering.normlab", name);
        using var scope = NewDisposeScope();
        random.manual_seed(name.Length);
        using var module = new NetworkModule(network);

        // a short training: 4 SGD steps on 16 random images with random labels
        var generator = new Generator(7);
        var images = randn(new long[] { 16, 1, 28, 28 }, generator: generator);
        var labels = randint(0, 10, new long[] { 16 }, generator: generator);
        using var optimizer = optim.SGD(module.parameters(), 0.05, momentum: 0.9);
        module.train();
        for (var step = 0; step < 4; step++)
        {
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(module.forward(images), labels);
            loss.backward();
            optimizer.step();
        }

        // the running statistics moved: the export must carry these, not the initial zeros and ones
        var norms = network.AllLayers().Where(l => l.Kind == LayerKind.BatchNorm).ToList();
        Assert.NotEmpty(norms);
        var state = module.state_dict();
        foreach (var bn in norms)
        {
            Assert.True(state[bn.Name + ".running_mean"].abs().max().item<float>() > 1e-4, $"{bn.Name}'s running mean did not move");
        }

        var comparison = OnnxKit.Compare(module, network, seed: 11);
        output.WriteLine($"{name}: max |onnx − torch| {comparison.MaxAbsolute:G3} (output scale {comparison.Scale:G3})");
        Assert.False(comparison.Undecided, "libtorch's NaN left the comparison undecided");
        Assert.True(comparison.Problems.Count == 0, string.Join("\n", comparison.Problems));
    }
}
