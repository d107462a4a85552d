using System;
using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Layers;
using NormLab.Dsl;
using NormLab.Dsl.Binding;
using NormLab.Runtime.Building;
using NormLab.Runtime.Tests.Agreement;
using NormLab.Testing.Generators;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NormLab.Runtime.Tests.Equivalence;

/// <summary>
/// architecture.md: "The run-time builder must build modules identical to the generated ones: same parameter
/// names, shapes and, for the same seed, the same initial weights and outputs." The generator's output is
/// compiled in memory and its Build() called by reflection; NetworkModule is built from the same text.
/// </summary>
[Collection(TorchState.Name)]
public sealed class EquivalenceTests
{
    public static TheoryData<string> Names() => new(Networks.All().Select(n => n.Name));

    [Fact]
    public void The_compared_networks_use_every_layer_kind()
    {
        var kinds = Networks.All()
            .Select(n => NetworkBuilder.Check(n.Text, n.Path, n.Name))
            .SelectMany(n => n.AllLayers())
            .Select(l => l.Kind)
            .ToHashSet();
        Assert.All(LayerKind.All, kind => Assert.Contains(kind, kinds));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Generated_and_runtime_modules_are_identical(string name)
    {
        var (path, text, ns, _) = Networks.Find(name);
        AssertIdentical(path, text, ns, name);
    }

    /// <summary>
    /// issue 11: "generated vs run-time equivalence" on random second-release architectures (branches, gates, signals):
    /// the first of them that pass the checker, in one file, compiled once through the generator.
    /// </summary>
    [Fact]
    public void Generated_and_runtime_modules_are_identical_for_random_second_release_networks()
    {
        const int count = 24;
        var generator = new RandomPrograms(20_261_206, secondRelease: true);
        var text = new System.Text.StringBuilder("namespace RandomSecond\n\n");
        var names = new List<string>();
        for (var i = 0; names.Count < count && i < 20 * count; i++)
        {
            // each program's blocks get names of their own (every program calls its first block Blk0)
            var program = System.Text.RegularExpressions.Regex.Replace(generator.Next(i), @"\bBlk(\d+)", $"P{i}Blk$1");
            var result = NormLabCompiler.Check(program, "random.normlab");
            if (!result.HasErrors && result.Networks.Single().IsValid)
            {
                text.AppendLine(program);
                names.Add($"Net{i}");
            }
        }

        Assert.Equal(count, names.Count);
        var all = text.ToString();
        var checkedFile = NormLabCompiler.Check(all, "random.normlab");
        Assert.False(checkedFile.HasErrors, string.Join(Environment.NewLine, checkedFile.Diagnostics.Where(d => d.IsError)));
        var kinds = checkedFile.Networks.SelectMany(n => n.AllLayers()).Select(l => l.Kind).ToHashSet();
        Assert.Contains(LayerKind.Concat, kinds);
        Assert.Contains(checkedFile.Networks, n => n.Input!.SpatialRank == 1);
        foreach (var name in names)
        {
            AssertIdentical("/project/networks/random.normlab", all, "RandomSecond", name);
        }
    }

    private static void AssertIdentical(string path, string text, string ns, string name)
    {
        var assembly = GeneratedCode.Compile(path, text);
        var record = GeneratedCode.Record(assembly, $"{ns}.{name}");
        var model = NetworkBuilder.Check(text, Networks.RelativePath(path), name);
        using var threads = LibTorchAgreement.OneThread();
        using var scope = NewDisposeScope();

        const long seed = 42;
        random.manual_seed(seed);
        using var generated = GeneratedCode.Build(record);
        random.manual_seed(seed);
        using var runtime = new NetworkModule(model);
        Assert.Equal($"{ns}.{name}Module", generated.GetType().FullName);

        // same state-dict keys, in the same order, with the same shapes and (same seed) the same values
        var expected = generated.state_dict();
        var actual = runtime.state_dict();
        Assert.Equal(expected.Keys.ToList(), actual.Keys.ToList());
        Assert.Equal(generated.named_parameters().Select(p => p.name), runtime.named_parameters().Select(p => p.name));
        Assert.Equal(generated.named_buffers().Select(b => b.name), runtime.named_buffers().Select(b => b.name));
        Assert.Equal(model.ParameterCount, generated.parameters().Sum(p => p.numel()));
        foreach (var key in expected.Keys)
        {
            Assert.Equal(expected[key].shape, actual[key].shape);
            Assert.Equal(expected[key].dtype, actual[key].dtype);
            Assert.True(Same(expected[key], actual[key]), $"{name}: {key} differs for the same seed");
        }

        // the same outputs on the same input: eval mode, and train mode with the same random draws
        using (no_grad())
        {
            var input = randn(LibTorchAgreement.Shape(model.Input!));
            generated.eval();
            runtime.eval();
            var (a, b) = Outputs(generated, runtime, input, seed + 1);
            Assert.Equal(LibTorchAgreement.Shape(model.Output!), a.shape);
            Assert.True(SameOrBothNaN(a, b), $"{name}: eval outputs differ by up to {(a - b).abs().max().item<float>()}");

            generated.train();
            runtime.train();
            (a, b) = Outputs(generated, runtime, input, seed + 1);
            Assert.True(SameOrBothNaN(a, b), $"{name}: train outputs differ by up to {(a - b).abs().max().item<float>()}");

            // and the running statistics moved the same way
            var after = runtime.state_dict();
            foreach (var (key, value) in generated.state_dict())
            {
                Assert.True(Same(value, after[key]), $"{name}: {key} differs after a train-mode forward");
            }
        }
    }

    [Theory]
    [InlineData("Projected", "Width", 4)]
    [InlineData("Everything", "Width", 16)]
    [InlineData("ConvBnRelu", "Width", 8)]
    public void Other_hyper_parameters_build_the_same_module_as_the_runtime_builder(string name, string property, int value)
    {
        var (path, text, ns, _) = Networks.Find(name);
        var record = GeneratedCode.Record(GeneratedCode.Compile(path, text), $"{ns}.{name}", new Dictionary<string, object> { [property] = value });
        var model = NetworkBuilder.Check(text, Networks.RelativePath(path), name, new Dictionary<string, double> { [property.ToLowerInvariant()] = value });
        using var threads = LibTorchAgreement.OneThread();
        using var scope = NewDisposeScope();

        random.manual_seed(7);
        using var generated = GeneratedCode.Build(record);
        random.manual_seed(7);
        using var runtime = new NetworkModule(model);

        var expected = generated.state_dict();
        var actual = runtime.state_dict();
        Assert.Equal(expected.Keys.ToList(), actual.Keys.ToList());
        Assert.All(expected.Keys, key => Assert.True(Same(expected[key], actual[key]), key));
        Assert.Equal(model.ParameterCount, generated.parameters().Sum(p => p.numel()));
        Assert.NotEqual(NetworkBuilder.Check(text, Networks.RelativePath(path), name).ParameterCount, model.ParameterCount);
    }

    /// <summary>Build() with values that break the network throws the compiler's diagnostics for those values.</summary>
    [Theory]
    [InlineData("ConvBnRelu", "Width", 0, "NL0003")]         // conv3x3(0)
    [InlineData("Projected", "Pools", 3, "NL2001")]          // the third maxpool meets a 1x1 map
    [InlineData("Projected", "Width", 0, "NL0003")]
    [InlineData("Everything", "Width", 6, "NL2006")]         // gn(groups: 4) on 6 channels
    [InlineData("Everything", "Width", 3, "NL2006")]         // and conv5x5(3, groups: 2)
    public void Invalid_hyper_parameters_throw_the_compilers_diagnostics(string name, string property, int value, string expectedId)
    {
        var (path, text, ns, _) = Networks.Find(name);
        var record = GeneratedCode.Record(GeneratedCode.Compile(path, text), $"{ns}.{name}", new Dictionary<string, object> { [property] = value });

        var exception = Assert.Throws<ArchitectureException>(() => GeneratedCode.Build(record).Dispose());

        var options = new CheckOptions
        {
            HyperParameters = new Dictionary<string, IReadOnlyDictionary<string, double>>
            {
                [name] = new Dictionary<string, double> { [property.ToLowerInvariant()] = value },
            },
        };
        var network = NormLabCompiler.Check(text, Networks.RelativePath(path), options).FindNetwork(name)!;
        var compilerIds = network.Diagnostics.Where(d => d.IsError).Select(d => d.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal).ToList();
        Assert.Contains(expectedId, compilerIds);
        Assert.Equal(compilerIds, exception.Ids.OrderBy(id => id, StringComparer.Ordinal));
        Assert.Equal(
            network.Diagnostics.Where(d => d.IsError).Select(d => (d.Id, d.Span.Start, d.Message)),
            exception.Diagnostics.Select(d => (d.Id, d.Span.Start, d.Message)));
    }

    [Fact]
    public void Hyper_parameters_that_change_the_layers_are_refused_by_a_generated_module()
    {
        // pools: 2 is valid but adds a maxpool, which the compiled module has no field for
        var (path, text, ns, name) = Networks.Find("Projected");
        var record = GeneratedCode.Record(GeneratedCode.Compile(path, text), $"{ns}.{name}", new Dictionary<string, object> { ["Pools"] = 2 });
        Assert.True(NetworkBuilder.Check(text, Networks.RelativePath(path), name, new Dictionary<string, double> { ["pools"] = 2 }).IsValid);

        var exception = Assert.Throws<ArchitectureException>(() => GeneratedCode.Build(record).Dispose());
        Assert.Empty(exception.Ids);
        Assert.Contains("NetworkModule", exception.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Both modules' outputs for <paramref name="input"/>, each after seeding the global generator with
    /// <paramref name="seed"/>; run again (up to 10 times) while they differ and one holds a NaN: libtorch's CPU
    /// convolutions here now and then give NaN for finite inputs (see LibTorchAgreement), which is no difference
    /// between the modules. In train mode a batch norm's running statistics move once per run, alike in both.
    /// </summary>
    private static (Tensor Generated, Tensor Runtime) Outputs(nn.Module<Tensor, Tensor> generated, nn.Module<Tensor, Tensor> runtime, Tensor input, long seed)
    {
        Tensor a, b;
        var runs = 0;
        do
        {
            random.manual_seed(seed);
            a = generated.forward(input);
            random.manual_seed(seed);
            b = runtime.forward(input);
        }
        while (++runs < 10 && !SameOrBothNaN(a, b) && (a.isnan().any().item<bool>() || b.isnan().any().item<bool>()));

        return (a, b);
    }

    /// <summary>Same shape, type and values, a NaN equal to a NaN in the same place.</summary>
    internal static bool SameOrBothNaN(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && (a.eq(b) | (a.isnan() & b.isnan())).all().item<bool>();

    /// <summary>Same shape, type and values.</summary>
    internal static bool Same(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();
}
