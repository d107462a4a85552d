using System;
using System.Collections.Generic;
using NormLab.Dsl.Binding;
using NormLab.Dsl.Model;
using NormLab.Runtime.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NormLab.Runtime.Building;

/// <summary>
/// The one place that turns a checked layer into a TorchSharp module. Generated modules call the typed
/// methods (their fields have these types); the run-time builder calls <see cref="Create"/>. Both
/// create layers in the same order, so the same seed gives the same initial weights.
/// </summary>
public static class LayerFactory
{
    public static Conv2d Conv2d(LayerModel layer) => nn.Conv2d(
        layer.InFeatures, layer.OutFeatures, layer.Kernel,
        stride: layer.Stride, padding: layer.Padding, dilation: layer.Dilation, groups: layer.Groups, bias: layer.Bias);

    public static Linear Linear(LayerModel layer) => nn.Linear(layer.InFeatures, layer.OutFeatures, hasBias: layer.Bias);

    public static BatchNorm2d BatchNorm2d(LayerModel layer) =>
        nn.BatchNorm2d(layer.InFeatures, eps: layer.Eps, momentum: layer.Momentum, affine: layer.Affine);

    public static BatchNorm1d BatchNorm1d(LayerModel layer) =>
        nn.BatchNorm1d(layer.InFeatures, eps: layer.Eps, momentum: layer.Momentum, affine: layer.Affine);

    public static LayerNorm LayerNorm(LayerModel layer)
    {
        var shape = new long[layer.InputShape.Rank];
        for (var i = 0; i < shape.Length; i++)
        {
            shape[i] = layer.InputShape.Dimensions[i];
        }

        return nn.LayerNorm(shape, eps: layer.Eps, elementwise_affine: layer.Affine);
    }

    public static InstanceNorm2d InstanceNorm2d(LayerModel layer) =>
        nn.InstanceNorm2d(layer.InFeatures, eps: layer.Eps, affine: layer.Affine);

    public static GroupNorm GroupNorm(LayerModel layer)
    {
        var norm = nn.GroupNorm(layer.Groups, layer.InFeatures, eps: layer.Eps, affine: layer.Affine);
        if (layer.Affine)
        {
            // TorchSharp 0.107 allocates GroupNorm's weight and bias with torch.empty and never initializes
            // them (garbage, NaN, different on every run); PyTorch starts them at ones and zeros
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            norm.weight.fill_(1.0);
            norm.bias!.zero_();
        }

        return norm;
    }

    public static ReLU ReLU(LayerModel layer) => nn.ReLU();

    public static LeakyReLU LeakyReLU(LayerModel layer) => nn.LeakyReLU(layer.Scalar);

    public static ELU ELU(LayerModel layer) => nn.ELU(layer.Scalar);

    public static PReLU PReLU(LayerModel layer) => nn.PReLU(1);

    public static Sigmoid Sigmoid(LayerModel layer) => nn.Sigmoid();

    public static Tanh Tanh(LayerModel layer) => nn.Tanh();

    public static Softplus Softplus(LayerModel layer) => nn.Softplus(layer.Scalar);

    public static SiLU SiLU(LayerModel layer) => nn.SiLU();

    public static GELU GELU(LayerModel layer) => nn.GELU();

    public static Mish Mish(LayerModel layer) => nn.Mish();

    public static SELU SELU(LayerModel layer) => nn.SELU();

    public static ReLU6 ReLU6(LayerModel layer) => nn.ReLU6();

    public static Softmax Softmax(LayerModel layer) => nn.Softmax(1);

    public static Maxout Maxout(LayerModel layer) => new(layer.Pieces);

    public static MaxPool2d MaxPool2d(LayerModel layer) => nn.MaxPool2d(layer.Kernel, layer.Stride, layer.Padding);

    public static AvgPool2d AvgPool2d(LayerModel layer) => nn.AvgPool2d(layer.Kernel, layer.Stride, layer.Padding);

    public static GlobalAveragePool GlobalAveragePool(LayerModel layer) => new();

    public static GlobalMaxPool GlobalMaxPool(LayerModel layer) => new();

    public static Flatten Flatten(LayerModel layer) => nn.Flatten();

    public static Dropout Dropout(LayerModel layer) => nn.Dropout(layer.P);

    public static Dropout2d Dropout2d(LayerModel layer) => nn.Dropout2d(layer.P);

    public static Identity Identity(LayerModel layer) => nn.Identity();

    /// <summary>The module for any layer but a residual (which owns no module: its layers are fields of the network).</summary>
    public static nn.Module<Tensor, Tensor> Create(LayerModel layer) => layer.Kind switch
    {
        LayerKind.Conv => Conv2d(layer),
        LayerKind.Linear => Linear(layer),
        LayerKind.BatchNorm => layer.IsSpatial ? BatchNorm2d(layer) : BatchNorm1d(layer),
        LayerKind.LayerNorm => LayerNorm(layer),
        LayerKind.InstanceNorm => InstanceNorm2d(layer),
        LayerKind.GroupNorm => GroupNorm(layer),
        LayerKind.ReLU => ReLU(layer),
        LayerKind.LeakyReLU => LeakyReLU(layer),
        LayerKind.ELU => ELU(layer),
        LayerKind.PReLU => PReLU(layer),
        LayerKind.Sigmoid => Sigmoid(layer),
        LayerKind.Tanh => Tanh(layer),
        LayerKind.Softplus => Softplus(layer),
        LayerKind.Swish => SiLU(layer),
        LayerKind.GELU => GELU(layer),
        LayerKind.Mish => Mish(layer),
        LayerKind.SELU => SELU(layer),
        LayerKind.ReLU6 => ReLU6(layer),
        LayerKind.Softmax => Softmax(layer),
        LayerKind.Maxout => Maxout(layer),
        LayerKind.MaxPool => MaxPool2d(layer),
        LayerKind.AvgPool => AvgPool2d(layer),
        LayerKind.GlobalAvgPool => GlobalAveragePool(layer),
        LayerKind.GlobalMaxPool => GlobalMaxPool(layer),
        LayerKind.Flatten => Flatten(layer),
        LayerKind.Dropout => Dropout(layer),
        LayerKind.Dropout2d => Dropout2d(layer),
        LayerKind.Identity => Identity(layer),
        _ => throw new ArgumentOutOfRangeException(nameof(layer), layer.Kind, "A residual has no module of its own."),
    };

    /// <summary>
    /// The layers of <paramref name="network"/> by field name, after checking that they are the layers the
    /// generated module was compiled for (<paramref name="expected"/>: "name:kind" pairs in field order).
    /// </summary>
    public static IReadOnlyDictionary<string, LayerModel> Index(NetworkModel network, IReadOnlyList<string> expected)
    {
        var layers = new Dictionary<string, LayerModel>(StringComparer.Ordinal);
        var actual = new List<string>();
        foreach (var layer in network.AllLayers())
        {
            if (layer.Kind != LayerKind.Residual)
            {
                layers[layer.Name] = layer;
                actual.Add(layer.Name + ":" + layer.KindName + (layer.IsSpatial ? "2d" : "1d"));
            }
        }

        if (!System.Linq.Enumerable.SequenceEqual(actual, expected))
        {
            throw new ArchitectureException(
                $"The hyper-parameters of '{network.Name}' change its structure (its layers or their kinds), which a generated module cannot follow; build it with NetworkModule instead.",
                Array.Empty<Dsl.Diagnostics.Diagnostic>());
        }

        return layers;
    }
}
