using System;
using NormLab.Dsl.Model;
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

    /// <summary>
    /// Writes <paramref name="module"/>, whose architecture is <paramref name="network"/>, to
    /// <paramref name="path"/> atomically (no partial file is left behind on failure).
    /// </summary>
    public static void Write(nn.Module<Tensor, Tensor> module, NetworkModel network, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(path);
        throw new NotSupportedException("ONNX export is being built (issue: Export to ONNX and safetensors).");
    }
}
