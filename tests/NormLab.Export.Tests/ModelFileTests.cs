using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NormLab.Dsl.Layers;
using NormLab.Dsl.Model;
using NormLab.Runtime.Building;
using NormLab.Runtime.Export;
using NormLab.Runtime.Training;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NormLab.Export.Tests;

/// <summary>
/// What the written file holds, read back two ways: ONNX Runtime's view (metadata, the dynamic batch dimension) and
/// the protobuf decoded with OnnxSharp's classes, generated from onnx.proto by others (opset, operators and their
/// domain, node and initializer names). And how writing fails: a clear error, no file or temporary left behind.
/// </summary>
[Collection(TorchState.Name)]
public sealed class ModelFileTests(ITestOutputHelper output)
{
    private const string Source = """
        namespace Probes

        // a bit of everything: a projected residual, a concat, a gate, norms, a ceil pool, a head
        network Probe(input: 3x16x16, classes: 5) {
            conv3x3(8) > bn > relu
            > residual(project) { conv3x3(16, stride: 2) > bn > gelu }
            > concat { identity | conv1x1(8) > ln(over: channels) > layerscale(0.5) }
            > se(4) > gn(groups: 4) > maxpool(kernel: 3, stride: 2, ceil: true)
            > gap > dropout(0.2) > linear(classes) > softmax
        }
        """;

    /// <summary>The operators of the default domain the export may write (all in opset 17).</summary>
    private static readonly HashSet<string> StandardOperators = new(StringComparer.Ordinal)
    {
        "Conv", "Gemm", "BatchNormalization", "LayerNormalization", "InstanceNormalization", "Reshape", "Mul", "Add", "Sum",
        "Relu", "LeakyRelu", "Elu", "PRelu", "Sigmoid", "Tanh", "Softplus", "Div", "Greater", "Where", "Erf", "Selu", "Clip",
        "HardSwish", "HardSigmoid", "Softmax", "ReduceMax", "MaxPool", "AveragePool", "Pad", "GlobalAveragePool",
        "GlobalMaxPool", "Flatten", "Identity", "Slice", "Transpose", "Concat",
    };

    private static (NetworkModel Network, NetworkModule Module) Probe()
    {
        var network = NetworkBuilder.Check(Source, "probes.normlab", "Probe");
        random.manual_seed(17);
        var module = new NetworkModule(network);
        OnnxKit.Perturb(module, 17);
        return (network, module);
    }

    [Fact]
    public void The_metadata_names_the_version_the_network_and_its_source()
    {
        var (network, module) = Probe();
        using var _ = module;
        var path = OnnxKit.Export(module, network);
        using var session = OnnxKit.Session(path);
        var metadata = session.ModelMetadata;
        Assert.Equal("NormLab", metadata.ProducerName);
        Assert.Equal("Probe", metadata.GraphName);
        Assert.Equal(OnnxExport.Version, metadata.CustomMetadataMap[OnnxExport.VersionKey]);
        Assert.Equal("0.1.0", OnnxExport.Version);
        Assert.Equal("Probe", metadata.CustomMetadataMap[OnnxExport.NetworkKey]);
        Assert.Equal(OnnxExport.SourceHash(Source), metadata.CustomMetadataMap[OnnxExport.SourceHashKey]);
        Assert.Matches("^[0-9a-f]{64}$", metadata.CustomMetadataMap[OnnxExport.SourceHashKey]);
        Assert.Equal("3x16x16", metadata.CustomMetadataMap[OnnxExport.InputShapeKey]);
        Assert.Equal("false", metadata.CustomMetadataMap[OnnxExport.FoldedKey]);

        // a given hash wins over the remembered one
        var other = OnnxKit.Export(module, network, new OnnxExportOptions(SourceHash: "abc123"));
        using var second = OnnxKit.Session(other);
        Assert.Equal("abc123", second.ModelMetadata.CustomMetadataMap[OnnxExport.SourceHashKey]);
    }

    [Fact]
    public void The_batch_dimension_is_symbolic_and_any_batch_runs()
    {
        var (network, module) = Probe();
        using var _ = module;
        var path = OnnxKit.Export(module, network);
        using var session = OnnxKit.Session(path);
        var input = session.InputMetadata[OnnxExport.InputName];
        Assert.Equal(new[] { -1, 3, 16, 16 }, input.Dimensions);
        Assert.Equal(OnnxExport.BatchDimension, input.SymbolicDimensions[0]);
        var result = session.OutputMetadata[OnnxExport.OutputName];
        Assert.Equal(new[] { -1, 5 }, result.Dimensions);
        Assert.Equal(OnnxExport.BatchDimension, result.SymbolicDimensions[0]);
        foreach (var batch in new[] { 1, 3, 7 })
        {
            var (values, shape) = OnnxKit.Run(session, new float[batch * 3 * 16 * 16], new long[] { batch, 3, 16, 16 });
            Assert.Equal(new long[] { batch, 5 }, shape);
            Assert.Equal(batch * 5, values.Length);
        }
    }

    [Fact]
    public void The_decoded_model_uses_opset_17_standard_operators_and_the_module_names()
    {
        var (network, module) = Probe();
        using var _ = module;
        var path = OnnxKit.Export(module, network);
        var model = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));

        Assert.Equal(OnnxExport.IrVersion, model.IrVersion);
        var opset = Assert.Single(model.OpsetImport);
        Assert.Equal(string.Empty, opset.Domain);
        Assert.Equal(OnnxExport.Opset, opset.Version);
        Assert.Equal(17, OnnxExport.Opset);

        var graph = model.Graph;
        Assert.All(graph.Node, node => Assert.Equal(string.Empty, node.Domain));
        var unknown = graph.Node.Select(n => n.OpType).Where(op => !StandardOperators.Contains(op)).Distinct().ToList();
        Assert.True(unknown.Count == 0, "operators outside the list: " + string.Join(", ", unknown));
        Assert.Equal(graph.Node.Count, graph.Node.Select(n => n.Name).Distinct().Count());

        // every layer with a module gives a node of its name, whose output is its value
        var nodes = graph.Node.ToDictionary(n => n.Name, StringComparer.Ordinal);
        foreach (var layer in network.AllLayers().Where(l => l.HasModule))
        {
            Assert.True(nodes.ContainsKey(layer.Name) || layer.Name == LastLayer(network), $"no node '{layer.Name}'");
        }

        Assert.Contains(graph.Node, n => n.Name == "residual1" && n.OpType == "Add");
        Assert.Contains(graph.Node, n => n.Name == "concat1" && n.OpType == "Concat");
        Assert.Contains(graph.Node, n => n.Name == "se1" && n.OpType == "Mul");
        Assert.Contains(graph.Node, n => n.Name == "bn1" && n.OpType == "BatchNormalization");
        Assert.Contains(graph.Node, n => n.Name == "dropout1" && n.OpType == "Identity");

        // initializers: the state dict's names (every parameter and running statistic), and constants named layer/what
        var state = module.state_dict().Keys.Where(k => !k.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList();
        var initializers = graph.Initializer.Select(i => i.Name).ToList();
        Assert.Equal(initializers.Count, initializers.Distinct().Count());
        Assert.Empty(state.Except(initializers));
        var layers = network.AllLayers().Select(l => l.Name).ToHashSet();
        Assert.All(initializers.Except(state), name => Assert.Contains(name.Split('/')[0], layers));
        Assert.Contains("residual1_proj.weight", initializers);
        Assert.Contains("concat1_b2_layerscale1.weight", initializers);

        // the graph's input and output: [batch, …]
        var input = Assert.Single(graph.Input);
        Assert.Equal(OnnxExport.InputName, input.Name);
        Assert.Equal("batch", input.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(new long[] { 3, 16, 16 }, input.Type.TensorType.Shape.Dim.Skip(1).Select(d => d.DimValue));
        var result = Assert.Single(graph.Output);
        Assert.Equal(OnnxExport.OutputName, result.Name);
        Assert.Equal(OnnxExport.OutputName, graph.Node.Last().Output.Single());

        Assert.Contains(model.MetadataProps, p => p.Key == OnnxExport.NetworkKey && p.Value == "Probe");
        output.WriteLine($"{graph.Node.Count} nodes ({string.Join(", ", graph.Node.GroupBy(n => n.OpType).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"))}), {initializers.Count} initializers");
    }

    /// <summary>The layer whose node is renamed to the graph's output (the last one).</summary>
    private static string LastLayer(NetworkModel network) => network.Plan.Steps.Last(s => s.Kind == ForwardStepKind.Layer).Layer.Name;

    [Fact]
    public void The_probe_runs_the_same_in_onnx_runtime()
    {
        using var threads = OnnxKit.OneThread();
        var (network, module) = Probe();
        using var _ = module;
        var comparison = OnnxKit.Compare(module, network, seed: 5);
        Assert.True(comparison.Problems.Count == 0, string.Join("\n", comparison.Problems));
    }

    [Fact]
    public void NetworkModule_exports_itself()
    {
        var (network, module) = Probe();
        using var _ = module;
        var path = Path.Combine(OnnxKit.Folder, "self.onnx");
        module.ExportOnnx(path);
        using var session = OnnxKit.Session(path);
        Assert.Equal("Probe", session.ModelMetadata.CustomMetadataMap[OnnxExport.NetworkKey]);
    }

    [Fact]
    public void An_unwritable_path_is_a_clear_error_and_leaves_nothing()
    {
        var (network, module) = Probe();
        using var _ = module;
        var folder = Directory.CreateDirectory(Path.Combine(OnnxKit.Folder, "unwritable-" + Guid.NewGuid().ToString("N"))).FullName;
        var blocker = Path.Combine(folder, "file.txt");
        File.WriteAllText(blocker, "a file, not a folder");
        var path = Path.Combine(blocker, "model.onnx");
        var error = Assert.Throws<IOException>(() => OnnxExport.Write(module, network, path));
        Assert.Contains(path, error.Message);
        Assert.DoesNotContain("\n", error.Message);
        Assert.Equal(new[] { blocker }, Directory.GetFiles(folder));
    }

    [Fact]
    public void A_module_of_another_network_is_refused_before_the_file_is_touched()
    {
        var (network, module) = Probe();
        using var _ = module;
        var other = NetworkBuilder.Check("network Other(input: 3x16x16) { conv3x3(4) > gap > linear(5) }", "other.normlab", "Other");
        using var wrong = new NetworkModule(other);
        var folder = Directory.CreateDirectory(Path.Combine(OnnxKit.Folder, "mismatch-" + Guid.NewGuid().ToString("N"))).FullName;
        var path = Path.Combine(folder, "model.onnx");
        File.WriteAllText(path, "the previous model");
        var error = Assert.Throws<ArgumentException>(() => OnnxExport.Write(wrong, network, path));
        Assert.Contains("conv1.weight", error.Message);
        Assert.Equal("the previous model", File.ReadAllText(path));
        Assert.Empty(Directory.GetFiles(folder, AtomicFile.TemporaryPattern));
    }

    [Fact]
    public void An_invalid_network_is_refused()
    {
        var result = Dsl.NormLabCompiler.Check("network Bad(input: 3x4x4) { conv3x3(4, groups: 3) }", "bad.normlab");
        var network = result.Networks.Single();
        Assert.False(network.IsValid);
        using var module = new NetworkModule(NetworkBuilder.Check("network Ok(input: 3x4x4) { conv3x3(3) }", "ok.normlab", "Ok"));
        var error = Assert.Throws<ArgumentException>(() => OnnxExport.Write(module, network, Path.Combine(OnnxKit.Folder, "bad.onnx")));
        Assert.Contains("Bad", error.Message);
    }

    /// <summary>Folding: each conv followed by its bn becomes one Conv; the outputs change by float rounding only.</summary>
    [Fact]
    public void Folding_batch_norm_into_the_convolution_changes_outputs_by_rounding_only()
    {
        using var threads = OnnxKit.OneThread();
        const string text = """
            network Folded(input: 3x12x12, classes: 4) {
                conv3x3(8) > bn > relu > conv(8, kernel: 3, groups: 4, bias: true) > bn(affine: false) > relu
                > residual(project) { conv3x3(16, stride: 2) > bn > relu > conv1x1(16) > bn }
                > bn > gap > linear(classes)
            }
            """;
        var network = NetworkBuilder.Check(text, "folded.normlab", "Folded");
        random.manual_seed(23);
        using var module = new NetworkModule(network);
        OnnxKit.Perturb(module, 23);
        var folded = OnnxKit.Export(module, network, new OnnxExportOptions(FoldBatchNorm: true));
        var plain = OnnxKit.Export(module, network);

        var graph = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(folded)).Graph;
        var convs = network.AllLayers().Count(l => l.Kind == LayerKind.Conv);
        Assert.Equal(convs, graph.Node.Count(n => n.OpType == "Conv"));
        Assert.Equal(1, graph.Node.Count(n => n.OpType == "BatchNormalization")); // the bn after the residual follows an Add
        Assert.Contains(graph.Node, n => n.Name == "conv1+bn1");
        Assert.Contains(graph.Initializer, i => i.Name == "residual1_proj+residual1_projbn.weight");

        // folded against unfolded, and against the module
        using var foldedSession = OnnxKit.Session(folded);
        using var plainSession = OnnxKit.Session(plain);
        var input = randn(new long[] { 7, 3, 12, 12 }, generator: new TorchSharp.torch.Generator(3)).data<float>().ToArray();
        var a = OnnxKit.Run(foldedSession, input, new long[] { 7, 3, 12, 12 }).Values;
        var b = OnnxKit.Run(plainSession, input, new long[] { 7, 3, 12, 12 }).Values;
        var scale = Math.Max(1, b.Max(v => Math.Abs(v)));
        var difference = a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();
        output.WriteLine($"folded vs unfolded: max difference {difference:G3} (output scale {scale:G3})");
        Assert.True(difference <= 1e-5 * scale, $"folding changed the outputs by {difference}");
        var comparison = OnnxKit.Compare(foldedSession, module, network, seed: 9, OnnxKit.Batches);
        Assert.True(comparison.Problems.Count == 0, string.Join("\n", comparison.Problems));
        Assert.Equal("true", foldedSession.ModelMetadata.CustomMetadataMap[OnnxExport.FoldedKey]);
    }
}
