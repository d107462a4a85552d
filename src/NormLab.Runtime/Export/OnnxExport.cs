using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using NormLab.Dsl.Layers;
using NormLab.Dsl.Model;
using NormLab.Dsl.Shapes;
using NormLab.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Runtime.Export;

/// <summary>How <see cref="OnnxExport.Write"/> writes the graph.</summary>
/// <param name="FoldBatchNorm">Fold a batch norm into the convolution before it where that changes no output
/// beyond float rounding.</param>
/// <param name="SourceHash">The hash of the network's source text, written into the model's metadata
/// (null: computed from the network's source when known).</param>
public sealed record OnnxExportOptions(bool FoldBatchNorm = false, string? SourceHash = null);

/// <summary>
/// Writes a NormLab module (generated or run-time) as an ONNX model: standard operators only, a dynamic batch
/// dimension, evaluation semantics, initializer and node names from the module's field names.
/// </summary>
public static class OnnxExport
{
    /// <summary>The ONNX opset the exported graphs use.</summary>
    public const int Opset = 17;

    /// <summary>The ONNX IR version written: 8, the one that goes with opset 17.</summary>
    public const int IrVersion = 8;

    /// <summary>The graph's input: <c>[batch, …the network's input shape]</c>.</summary>
    public const string InputName = "input";

    /// <summary>The graph's output: <c>[batch, …the network's output shape]</c>.</summary>
    public const string OutputName = "output";

    /// <summary>The symbolic name of the batch dimension.</summary>
    public const string BatchDimension = "batch";

    /// <summary>Metadata key: the NormLab version that wrote the model.</summary>
    public const string VersionKey = "normlab.version";

    /// <summary>Metadata key: the network's name.</summary>
    public const string NetworkKey = "normlab.network";

    /// <summary>Metadata key: the SHA-256 (lowercase hex) of the network's source file, when known.</summary>
    public const string SourceHashKey = "normlab.source_hash";

    /// <summary>Metadata key: the input shape without the batch (<c>3x224x224</c>).</summary>
    public const string InputShapeKey = "normlab.input_shape";

    /// <summary>Metadata key: <c>true</c> when batch norms were folded into their convolutions.</summary>
    public const string FoldedKey = "normlab.folded_batchnorm";

    private static readonly ConditionalWeakTable<NetworkModel, string> SourceHashes = new();

    /// <summary>The NormLab version (without build metadata) written into the models.</summary>
    public static string Version => NormLabVersion.Value;

    /// <summary>The source hash NormLab writes for a file's text: SHA-256 of its UTF-8 bytes, lowercase hex.</summary>
    public static string SourceHash(string text) => Export.SourceHash.Compute(text);

    /// <summary>Remembers the source text a network was checked from (<see cref="Building.NetworkBuilder.Check"/> calls this).</summary>
    internal static void RememberSource(NetworkModel network, string text) => SourceHashes.AddOrUpdate(network, SourceHash(text));

    /// <summary>The hash of the source <paramref name="network"/> was checked from, when it went through <see cref="Building.NetworkBuilder.Check"/>.</summary>
    public static string? KnownSourceHash(NetworkModel network) => SourceHashes.TryGetValue(network, out var hash) ? hash : null;

    /// <summary>
    /// Writes <paramref name="module"/>, whose architecture is <paramref name="network"/>, to
    /// <paramref name="path"/> atomically (no partial file is left behind on failure).
    /// </summary>
    /// <exception cref="ArgumentException">The network is not valid, or the module's parameters are not the network's.</exception>
    /// <exception cref="IOException">The file cannot be written (the message names it).</exception>
    public static void Write(nn.Module<Tensor, Tensor> module, NetworkModel network, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(path);
        options ??= new OnnxExportOptions();

        // the whole graph is built (and every parameter read) before the file is touched
        var graph = Build(module, network, options);
        var metadata = new List<KeyValuePair<string, string>>
        {
            new(VersionKey, Version),
            new(NetworkKey, network.Name),
        };
        var hash = options.SourceHash ?? KnownSourceHash(network);
        if (hash is not null)
        {
            metadata.Add(new(SourceHashKey, hash));
        }

        metadata.Add(new(InputShapeKey, network.Input!.ToString()));
        metadata.Add(new(FoldedKey, options.FoldBatchNorm ? "true" : "false"));
        var info = new OnnxModelInfo(
            IrVersion,
            Opset,
            Version,
            network.Name,
            $"NormLab network {network.Name}: {network.Input} -> {network.Output}, {network.ParameterCount.ToString(CultureInfo.InvariantCulture)} parameters; evaluation mode.",
            InputName,
            OutputName,
            metadata);

        try
        {
            AtomicFile.Write(path, temporary =>
            {
                using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
                graph.WriteModel(stream, info, network.Input!.Dimensions, network.Output!.Dimensions);
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot write the ONNX model to '{path}': {e.Message}", e);
        }
    }

    /// <summary>The graph of <paramref name="network"/> with the parameters and buffers of <paramref name="module"/>.</summary>
    internal static OnnxGraph Build(nn.Module<Tensor, Tensor> module, NetworkModel network, OnnxExportOptions options)
    {
        if (!network.IsValid)
        {
            throw new ArgumentException($"Network '{network.Name}' has errors; only a valid network can be exported.", nameof(network));
        }

        var state = module.state_dict();
        var graph = new OnnxGraph();
        graph.Reserve(InputName);
        var writer = new LayerWriter(graph, state, network.Name);
        writer.CheckParameters(network);
        var plan = network.Plan;
        var slots = new string[plan.Slots.Count];
        var shapes = new Shape[plan.Slots.Count];
        slots[0] = InputName;
        shapes[0] = network.Input!;
        var steps = plan.Steps;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var layer = step.Layer;
            switch (step.Kind)
            {
                case ForwardStepKind.Layer:
                    if (options.FoldBatchNorm && layer.Kind == LayerKind.Conv && i + 1 < steps.Count
                        && steps[i + 1] is { Kind: ForwardStepKind.Layer } next && next.Layer.Kind == LayerKind.BatchNorm
                        && next.Source == step.Target)
                    {
                        slots[next.Target] = writer.ConvolutionWithBatchNorm(layer, next.Layer, slots[step.Source]);
                        shapes[next.Target] = next.Layer.OutputShape;
                        i++;
                        break;
                    }

                    slots[step.Target] = writer.Layer(layer, slots[step.Source]);
                    shapes[step.Target] = layer.OutputShape;
                    break;
                case ForwardStepKind.Save:
                    slots[step.Target] = slots[step.Source];
                    shapes[step.Target] = shapes[step.Source];
                    break;
                case ForwardStepKind.Add:
                {
                    var terms = step.Sources.Select(s => slots[s]).ToArray();
                    slots[step.Target] = graph.Node(terms.Length == 2 ? "Add" : "Sum", layer.Name, layer.Name, terms);
                    shapes[step.Target] = shapes[step.Sources[0]];
                    break;
                }

                case ForwardStepKind.Concat:
                    slots[step.Target] = graph.Node("Concat", layer.Name, layer.Name, step.Sources.Select(s => slots[s]).ToArray(), OnnxAttribute.Of("axis", 1L));
                    shapes[step.Target] = layer.OutputShape;
                    break;
                case ForwardStepKind.Multiply:
                {
                    var input = shapes[step.Sources[0]];
                    var gate = slots[step.Sources[1]];
                    if (shapes[step.Sources[1]].Rank != input.Rank)
                    {
                        // Joins.Multiply: a gate [N, C] gets trailing dimensions of size 1 to broadcast over the positions
                        var broadcast = new long[input.Rank + 1];
                        broadcast[1] = input.Channels;
                        for (var d = 2; d < broadcast.Length; d++)
                        {
                            broadcast[d] = 1;
                        }

                        gate = graph.Node("Reshape", layer.Name + "/reshape", layer.Name + "/gate", new[] { gate, graph.Int64s(layer.Name + "/gate_shape", broadcast) });
                    }

                    slots[step.Target] = graph.Node("Mul", layer.Name, layer.Name, new[] { slots[step.Sources[0]], gate });
                    shapes[step.Target] = input;
                    break;
                }

                default:
                    throw new NotSupportedException($"ONNX export: no translation for the step {step.Kind}.");
            }
        }

        graph.NameOutput(slots[0], OutputName);
        return graph;
    }
}
