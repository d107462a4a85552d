using System;
using System.Collections.Generic;
using NormLab.Dsl.Layers;
using NormLab.Dsl.Shapes;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Model;

/// <summary>
/// One checked layer: its stable name (the generated field name), kind, resolved arguments, input and
/// output shapes, parameter count and multiply-accumulates. Back ends translate this; they never
/// re-derive it.
/// </summary>
public sealed class LayerModel
{
    internal LayerModel(LayerDefinition definition, TextSpan span, TextSpan syntaxSpan, Shape input)
    {
        Definition = definition;
        Kind = definition.Kind;
        WrittenName = definition.Name;
        Span = span;
        SyntaxSpan = syntaxSpan;
        InputShape = input;
        OutputShape = input;
        Name = string.Empty;
    }

    /// <summary>The field name in the generated module: <c>conv1</c>, <c>bn2</c>, <c>residual1_proj</c>.</summary>
    public string Name { get; internal set; }

    /// <summary>The kind, with every fact about it (traits, module, health metric).</summary>
    public LayerKind Kind { get; }

    /// <summary>The catalog entry the layer was written with (<c>conv3x3</c>, <c>linear</c>).</summary>
    public LayerDefinition Definition { get; }

    /// <summary>The canonical catalog name (<c>conv</c>, <c>bn</c>, <c>relu</c>, …).</summary>
    public string KindName => Kind.Name;

    /// <summary>The name the user wrote (<c>conv3x3</c>, <c>dense</c>, <c>batchnorm</c>).</summary>
    public string WrittenName { get; internal set; }

    public LayerCategory Category => Kind.Category;

    /// <summary>True when the kind has all of <paramref name="traits"/>.</summary>
    public bool Is(LayerTraits traits) => Kind.Is(traits);

    /// <summary>Where diagnostics about this layer point: the layer in the network's text, or the block call it came from.</summary>
    public TextSpan Span { get; }

    /// <summary>The layer's own syntax, which lies inside a block body when it came from a block.</summary>
    public TextSpan SyntaxSpan { get; }

    /// <summary>The blocks this layer was expanded from, outermost first.</summary>
    public IReadOnlyList<string> BlockPath { get; internal set; } = Array.Empty<string>();

    public Shape InputShape { get; }

    public Shape OutputShape { get; internal set; }

    /// <summary>Learnable parameters, counted as PyTorch counts them (running statistics are buffers).</summary>
    public long Parameters { get; internal set; }

    /// <summary>Multiply-accumulates for one sample (convolutions and linear layers; 0 otherwise).</summary>
    public long Macs { get; internal set; }

    // resolved arguments (meaningful for the kinds that take them)

    /// <summary>Input channels (conv, norms) or input features (linear).</summary>
    public int InFeatures { get; internal set; }

    /// <summary>Output channels (conv) or output features (linear).</summary>
    public int OutFeatures { get; internal set; }

    public int Kernel { get; internal set; }

    public int Stride { get; internal set; }

    public int Padding { get; internal set; }

    public int Dilation { get; internal set; } = 1;

    /// <summary>Convolution groups, or the group count of <c>gn</c>.</summary>
    public int Groups { get; internal set; } = 1;

    public bool Bias { get; internal set; }

    /// <summary>True when the user wrote <c>bias: true</c>.</summary>
    public bool BiasExplicit { get; internal set; }

    public double Eps { get; internal set; }

    public double Momentum { get; internal set; }

    public bool Affine { get; internal set; }

    /// <summary>Dropout probability.</summary>
    public double P { get; internal set; }

    /// <summary><c>leakyrelu</c>'s slope, <c>elu</c>'s alpha or <c>softplus</c>'s beta.</summary>
    public double Scalar { get; internal set; }

    public int Pieces { get; internal set; }

    /// <summary>The kernel per spatial dimension (<c>1x7</c> → [1, 7]); <see cref="Kernel"/> is its first value. (Shared, read-only arrays.)</summary>
    public IReadOnlyList<int> Kernels => KernelArray;

    internal int[] KernelArray { get; set; } = Array.Empty<int>();

    public IReadOnlyList<int> Strides => StrideArray;

    internal int[] StrideArray { get; set; } = Array.Empty<int>();

    public IReadOnlyList<int> Paddings => PaddingArray;

    internal int[] PaddingArray { get; set; } = Array.Empty<int>();

    public IReadOnlyList<int> Dilations => DilationArray;

    internal int[] DilationArray { get; set; } = Array.Empty<int>();

    /// <summary>True when <see cref="Kernels"/>, <see cref="Strides"/>, <see cref="Paddings"/> and <see cref="Dilations"/> are each the same on every spatial dimension.</summary>
    public bool IsSquare => IsUniform(KernelArray) && IsUniform(StrideArray) && IsUniform(PaddingArray) && IsUniform(DilationArray);

    /// <summary>Pools: libtorch's <c>ceil_mode</c>.</summary>
    public bool Ceil { get; internal set; }

    /// <summary><c>channels(start, end)</c>: the first channel kept.</summary>
    public int Start { get; internal set; }

    /// <summary><c>channels(start, end)</c>: one past the last channel kept.</summary>
    public int End { get; internal set; }

    /// <summary><c>ln(over: channels)</c>: normalizes the channels at each position (ConvNeXt's LayerNorm2d).</summary>
    public bool OverChannels { get; internal set; }

    /// <summary>For <c>se</c>: the squeeze width.</summary>
    public int Squeeze { get; internal set; }

    /// <summary>True when every value equals the first (or there are none).</summary>
    internal static bool IsUniform(int[] values)
    {
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] != values[0])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>For residuals, <c>scale</c> and <c>se</c>: their branch; for <c>concat</c>: every branch, in order.</summary>
    public IReadOnlyList<IReadOnlyList<LayerModel>> Branches { get; internal set; } = Array.Empty<IReadOnlyList<LayerModel>>();

    /// <summary>For <c>residual(project)</c> when shapes differ: the projection (1x1 conv or linear, then bn).</summary>
    public IReadOnlyList<LayerModel> Shortcut { get; internal set; } = Array.Empty<LayerModel>();

    /// <summary>True when the layer's input has spatial dimensions (a signal <c>C×L</c> or an image <c>C×H×W</c>).</summary>
    public bool IsSpatial => InputShape.IsSpatial;

    /// <summary>The spatial rank of the input: 0 (features), 1 (signal: the 1-d module), 2 (image: the 2-d module).</summary>
    public int SpatialRank => InputShape.SpatialRank;

    /// <summary>
    /// <c>name:kind2d</c> (or <c>1d</c> for features): what a generated module was compiled for. A module built
    /// with other hyper-parameters must have the same signatures in the same order.
    /// </summary>
    public string Signature => Name + ":" + KindName + (InputShape.SpatialRank == 2 ? "2d" : "1d");

    /// <summary>True when the layer has a module of its own (everything but structure such as a residual).</summary>
    public bool HasModule => Kind.HasModule;

    /// <summary>The TorchSharp module both back ends create for this layer.</summary>
    public TorchModule Module => Kind.Module(this);
    /// <summary>Parameters of this layer and everything inside it.</summary>
    public long TotalParameters
    {
        get
        {
            var total = Parameters;
            foreach (var branch in Branches)
            {
                foreach (var layer in branch)
                {
                    total = Saturating.Add(total, layer.TotalParameters);
                }
            }

            foreach (var layer in Shortcut)
            {
                total = Saturating.Add(total, layer.TotalParameters);
            }

            return total;
        }
    }

    /// <summary>MACs of this layer and everything inside it.</summary>
    public long TotalMacs
    {
        get
        {
            var total = Macs;
            foreach (var branch in Branches)
            {
                foreach (var layer in branch)
                {
                    total = Saturating.Add(total, layer.TotalMacs);
                }
            }

            foreach (var layer in Shortcut)
            {
                total = Saturating.Add(total, layer.TotalMacs);
            }

            return total;
        }
    }

    public override string ToString() => $"{Name}: {KindName} -> {OutputShape}";
}
