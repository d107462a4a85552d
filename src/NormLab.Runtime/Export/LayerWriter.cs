using System;
using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Layers;
using NormLab.Dsl.Model;
using static TorchSharp.torch;

namespace NormLab.Runtime.Export;

/// <summary>
/// Translates one checked layer into ONNX nodes (opset 17, the default domain only), in evaluation semantics.
/// The node that gives a layer's output is named after the layer (<c>conv1</c>) and so is its output value;
/// helper nodes of a layer are named <c>layer/what</c>. Parameters and buffers become initializers named as in
/// the module's state dict (<c>conv1.weight</c>, <c>bn1.running_mean</c>).
/// </summary>
internal sealed class LayerWriter
{
    private readonly OnnxGraph _graph;
    private readonly Dictionary<string, Tensor> _state;
    private readonly string _network;

    public LayerWriter(OnnxGraph graph, Dictionary<string, Tensor> state, string network)
    {
        _graph = graph;
        _state = state;
        _network = network;
    }

    /// <summary>
    /// Checks that the module's parameters are the network's before anything is written: the weight of every
    /// convolution and linear layer has the layer's shape, and every layer has the layer's parameter count.
    /// </summary>
    public void CheckParameters(NetworkModel network)
    {
        foreach (var layer in network.AllLayers().Where(l => l.HasModule))
        {
            long[]? expected = null;
            if (layer.Kind == LayerKind.Conv)
            {
                expected = new long[] { layer.OutFeatures, layer.InFeatures / layer.Groups }.Concat(PerDimension(layer.Kernels, layer.Kernel, layer.SpatialRank)).ToArray();
            }
            else if (layer.Kind == LayerKind.Linear)
            {
                expected = new long[] { layer.OutFeatures, layer.InFeatures };
            }

            if (expected is not null)
            {
                var key = layer.Name + ".weight";
                if (!_state.TryGetValue(key, out var weight))
                {
                    throw Mismatch($"it has no '{key}'");
                }

                if (!weight.shape.SequenceEqual(expected))
                {
                    throw Mismatch($"{key} has shape [{string.Join(", ", weight.shape)}], the network's {layer.WrittenName} needs [{string.Join(", ", expected)}]");
                }
            }

            var prefix = layer.Name + ".";
            var count = _state.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal) && p.Key.IndexOf('.', prefix.Length) < 0
                    && !p.Key.EndsWith(".running_mean", StringComparison.Ordinal) && !p.Key.EndsWith(".running_var", StringComparison.Ordinal)
                    && !p.Key.EndsWith(".num_batches_tracked", StringComparison.Ordinal))
                .Sum(p => p.Value.numel());
            if (count != layer.Parameters)
            {
                throw Mismatch($"its '{layer.Name}' has {count} parameters, the network's {layer.WrittenName} has {layer.Parameters}");
            }
        }
    }

    /// <summary>Adds the nodes of <paramref name="layer"/> applied to the value <paramref name="x"/>; returns its output value.</summary>
    public string Layer(LayerModel layer, string x)
    {
        var name = layer.Name;
        var kind = layer.Kind;
        if (kind == LayerKind.Conv)
        {
            return Convolution(layer, x, Parameter(name, "weight"), layer.Bias ? Parameter(name, "bias") : null, name, name);
        }

        if (kind == LayerKind.Linear)
        {
            var inputs = layer.Bias ? new[] { x, Parameter(name, "weight"), Parameter(name, "bias") } : new[] { x, Parameter(name, "weight") };
            return Node("Gemm", name, inputs, OnnxAttribute.Of("transB", 1L));
        }

        if (kind == LayerKind.BatchNorm)
        {
            var channels = new[] { (long)layer.InFeatures };
            return Node("BatchNormalization", name,
                new[] { x, Affine(layer, "weight", channels, 1f), Affine(layer, "bias", channels, 0f), Parameter(name, "running_mean"), Parameter(name, "running_var") },
                OnnxAttribute.Of("epsilon", (float)layer.Eps));
        }

        if (kind == LayerKind.LayerNorm)
        {
            return layer.OverChannels ? ChannelLayerNorm(layer, x) : LayerNorm(layer, x);
        }

        if (kind == LayerKind.InstanceNorm)
        {
            var channels = new[] { (long)layer.InFeatures };
            return Node("InstanceNormalization", name, new[] { x, Affine(layer, "weight", channels, 1f), Affine(layer, "bias", channels, 0f) },
                OnnxAttribute.Of("epsilon", (float)layer.Eps));
        }

        if (kind == LayerKind.GroupNorm)
        {
            return GroupNorm(layer, x);
        }

        if (kind == LayerKind.ReLU)
        {
            return Node("Relu", name, x);
        }

        if (kind == LayerKind.LeakyReLU)
        {
            return Node("LeakyRelu", name, new[] { x }, OnnxAttribute.Of("alpha", (float)layer.Scalar));
        }

        if (kind == LayerKind.ELU)
        {
            return Node("Elu", name, new[] { x }, OnnxAttribute.Of("alpha", (float)layer.Scalar));
        }

        if (kind == LayerKind.PReLU)
        {
            return Node("PRelu", name, x, Parameter(name, "weight"));
        }

        if (kind == LayerKind.Sigmoid)
        {
            return Node("Sigmoid", name, x);
        }

        if (kind == LayerKind.Tanh)
        {
            return Node("Tanh", name, x);
        }

        if (kind == LayerKind.Softplus)
        {
            return Softplus(layer, x);
        }

        if (kind == LayerKind.Swish)
        {
            // x · sigmoid(x) (opset 17 has no Swish)
            return Node("Mul", name, x, Helper("Sigmoid", name, "sigmoid", x));
        }

        if (kind == LayerKind.GELU)
        {
            // the exact form, x · ½(1 + erf(x / √2)) (opset 17 has no Gelu)
            var erf = Helper("Erf", name, "erf", Helper("Div", name, "div", x, _graph.Scalar(name + "/sqrt2", (float)Math.Sqrt(2.0))));
            var half = Helper("Mul", name, "half", Helper("Add", name, "add", erf, _graph.Scalar(name + "/one", 1f)), _graph.Scalar(name + "/onehalf", 0.5f));
            return Node("Mul", name, x, half);
        }

        if (kind == LayerKind.Mish)
        {
            // x · tanh(softplus(x)) (opset 17 has no Mish)
            return Node("Mul", name, x, Helper("Tanh", name, "tanh", Helper("Softplus", name, "softplus", x)));
        }

        if (kind == LayerKind.SELU)
        {
            return Node("Selu", name, new[] { x },
                OnnxAttribute.Of("alpha", 1.6732632423543772848170429916717f), OnnxAttribute.Of("gamma", 1.0507009873554804934193349852946f));
        }

        if (kind == LayerKind.ReLU6)
        {
            return Node("Clip", name, x, _graph.Scalar(name + "/min", 0f), _graph.Scalar(name + "/max", 6f));
        }

        if (kind == LayerKind.Hardswish)
        {
            return Node("HardSwish", name, x);
        }

        if (kind == LayerKind.Hardsigmoid)
        {
            return Node("HardSigmoid", name, new[] { x }, OnnxAttribute.Of("alpha", 1f / 6f), OnnxAttribute.Of("beta", 0.5f));
        }

        if (kind == LayerKind.Softmax)
        {
            return Node("Softmax", name, new[] { x }, OnnxAttribute.Of("axis", 1L));
        }

        if (kind == LayerKind.Maxout)
        {
            // [N, C, …] → [N, C / pieces, pieces, …] → the maximum over the pieces
            var grouped = Batchless(layer.InputShape.Dimensions);
            grouped.Insert(1, layer.Pieces);
            grouped[0] = layer.InputShape.Channels / layer.Pieces;
            var reshaped = Helper("Reshape", name, "reshape", x, _graph.Int64s(name + "/shape", WithBatch(grouped)));
            return Node("ReduceMax", name, new[] { reshaped }, OnnxAttribute.Of("axes", new long[] { 2 }), OnnxAttribute.Of("keepdims", 0L));
        }

        if (kind == LayerKind.MaxPool)
        {
            return MaxPool(layer, x);
        }

        if (kind == LayerKind.AvgPool)
        {
            return AvgPool(layer, x);
        }

        if (kind == LayerKind.GlobalAvgPool)
        {
            return Node("Flatten", name, new[] { Helper("GlobalAveragePool", name, "pool", x) }, OnnxAttribute.Of("axis", 1L));
        }

        if (kind == LayerKind.GlobalMaxPool)
        {
            return Node("Flatten", name, new[] { Helper("GlobalMaxPool", name, "pool", x) }, OnnxAttribute.Of("axis", 1L));
        }

        if (kind == LayerKind.SqueezePool)
        {
            return Node("GlobalAveragePool", name, x);
        }

        if (kind == LayerKind.Flatten)
        {
            return Node("Flatten", name, new[] { x }, OnnxAttribute.Of("axis", 1L));
        }

        if (kind == LayerKind.Dropout || kind == LayerKind.Dropout2d || kind == LayerKind.Dropout1d || kind == LayerKind.DropPath || kind == LayerKind.Identity)
        {
            // evaluation: dropout and droppath are the identity
            return Node("Identity", name, x);
        }

        if (kind == LayerKind.LayerScale)
        {
            return Node("Mul", name, x, Parameter(name, "weight"));
        }

        if (kind == LayerKind.Channels)
        {
            return Node("Slice", name, x, _graph.Int64s(name + "/starts", layer.Start), _graph.Int64s(name + "/ends", layer.End), _graph.Int64s(name + "/axes", 1));
        }

        if (kind == LayerKind.Shuffle)
        {
            // ChannelShuffle: [N, C, …] → [N, groups, C / groups, …] → swap dimensions 1 and 2 → [N, C, …]
            var dims = Batchless(layer.InputShape.Dimensions);
            var split = new List<long>(dims);
            split.Insert(0, layer.Groups);
            split[1] = layer.InputShape.Channels / layer.Groups;
            var perm = Enumerable.Range(0, split.Count + 1).Select(i => (long)i).ToArray();
            (perm[1], perm[2]) = (perm[2], perm[1]);
            var grouped = Helper("Reshape", name, "split", x, _graph.Int64s(name + "/split_shape", WithBatch(split)));
            var swapped = Helper("Transpose", name, "transpose", new[] { grouped }, OnnxAttribute.Of("perm", perm));
            return Node("Reshape", name, swapped, _graph.Int64s(name + "/shape", WithBatch(dims)));
        }

        throw new NotSupportedException($"ONNX export: the layer '{name}' of '{_network}' is a {kind.Name}, which has no ONNX translation.");
    }

    /// <summary>A convolution and the batch norm after it as one Conv: w·γ/√(σ²+ε) and (b − μ)·γ/√(σ²+ε) + β, computed in double.</summary>
    public string ConvolutionWithBatchNorm(LayerModel conv, LayerModel bn, string x)
    {
        var weight = Values(conv.Name, "weight", out var weightDims);
        var bias = conv.Bias ? Values(conv.Name, "bias", out _) : new float[conv.OutFeatures];
        var mean = Values(bn.Name, "running_mean", out _);
        var variance = Values(bn.Name, "running_var", out _);
        var gamma = bn.Affine ? Values(bn.Name, "weight", out _) : Enumerable.Repeat(1f, conv.OutFeatures).ToArray();
        var beta = bn.Affine ? Values(bn.Name, "bias", out _) : new float[conv.OutFeatures];
        var perChannel = weight.Length / conv.OutFeatures;
        var foldedWeight = new float[weight.Length];
        var foldedBias = new float[conv.OutFeatures];
        for (var c = 0; c < conv.OutFeatures; c++)
        {
            var scale = gamma[c] / Math.Sqrt((double)variance[c] + bn.Eps);
            for (var j = 0; j < perChannel; j++)
            {
                foldedWeight[(c * perChannel) + j] = (float)(weight[(c * perChannel) + j] * scale);
            }

            foldedBias[c] = (float)(((bias[c] - (double)mean[c]) * scale) + beta[c]);
        }

        var fused = conv.Name + "+" + bn.Name;
        var w = _graph.Initializer(fused + ".weight", weightDims, foldedWeight);
        var b = _graph.Initializer(fused + ".bias", new long[] { conv.OutFeatures }, foldedBias);
        return Convolution(conv, x, w, b, fused, bn.Name);
    }

    private string Convolution(LayerModel layer, string x, string weight, string? bias, string nodeName, string output)
    {
        var rank = layer.SpatialRank;
        var pads = PerDimension(layer.Paddings, layer.Padding, rank);
        return _graph.Node("Conv", nodeName, output, bias is null ? new[] { x, weight } : new[] { x, weight, bias },
            OnnxAttribute.Of("kernel_shape", PerDimension(layer.Kernels, layer.Kernel, rank)),
            OnnxAttribute.Of("strides", PerDimension(layer.Strides, layer.Stride, rank)),
            OnnxAttribute.Of("pads", pads.Concat(pads).ToArray()),
            OnnxAttribute.Of("dilations", PerDimension(layer.Dilations, layer.Dilation, rank)),
            OnnxAttribute.Of("group", (long)layer.Groups));
    }

    private string LayerNorm(LayerModel layer, string x)
    {
        var dims = Batchless(layer.InputShape.Dimensions).ToArray();
        var inputs = new List<string> { x, Affine(layer, "weight", dims, 1f) };
        if (layer.Affine)
        {
            inputs.Add(Parameter(layer.Name, "bias"));
        }

        return Node("LayerNormalization", layer.Name, inputs.ToArray(), OnnxAttribute.Of("axis", 1L), OnnxAttribute.Of("epsilon", (float)layer.Eps));
    }

    /// <summary><c>ln(over: channels)</c>: channels last, a LayerNormalization of the last dimension, channels back.</summary>
    private string ChannelLayerNorm(LayerModel layer, string x)
    {
        var name = layer.Name;
        var channels = new[] { (long)layer.InFeatures };
        var inputs = new List<string> { x, Affine(layer, "weight", channels, 1f) };
        if (layer.Affine)
        {
            inputs.Add(Parameter(name, "bias"));
        }

        var attributes = new[] { OnnxAttribute.Of("axis", -1L), OnnxAttribute.Of("epsilon", (float)layer.Eps) };
        var rank = layer.InputShape.Rank + 1;
        if (rank == 2)
        {
            return Node("LayerNormalization", name, inputs.ToArray(), attributes);
        }

        var toLast = new long[rank];
        var back = new long[rank];
        for (var i = 1; i < rank - 1; i++)
        {
            toLast[i] = i + 1;
            back[i + 1] = i;
        }

        toLast[rank - 1] = 1;
        back[1] = rank - 1;
        inputs[0] = Helper("Transpose", name, "to_last", new[] { x }, OnnxAttribute.Of("perm", toLast));
        var normalized = Helper("LayerNormalization", name, "norm", inputs.ToArray(), attributes);
        return Node("Transpose", name, new[] { normalized }, OnnxAttribute.Of("perm", back));
    }

    /// <summary>
    /// GroupNorm (opset 17 has no GroupNormalization): [N, C, …] as [N, groups, rest], an InstanceNormalization of
    /// that (each group's statistics), the shape back, then the per-channel scale and shift.
    /// </summary>
    private string GroupNorm(LayerModel layer, string x)
    {
        var name = layer.Name;
        var groups = (long)layer.Groups;
        var grouped = Helper("Reshape", name, "group", x, _graph.Int64s(name + "/group_shape", 0, groups, -1));
        var ones = _graph.Constant(name + "/ones", new[] { groups }, Enumerable.Repeat(1f, (int)groups).ToArray());
        var zeros = _graph.Constant(name + "/zeros", new[] { groups }, new float[groups]);
        var normalized = Helper("InstanceNormalization", name, "norm", new[] { grouped, ones, zeros }, OnnxAttribute.Of("epsilon", (float)layer.Eps));
        var dims = Batchless(layer.InputShape.Dimensions);
        if (!layer.Affine)
        {
            return Node("Reshape", name, normalized, _graph.Int64s(name + "/shape", WithBatch(dims)));
        }

        var back = Helper("Reshape", name, "ungroup", normalized, _graph.Int64s(name + "/shape", WithBatch(dims)));
        // weight and bias [C] as [C, 1, …] to broadcast over the positions
        var perChannel = new long[dims.Count];
        perChannel[0] = layer.InFeatures;
        for (var i = 1; i < perChannel.Length; i++)
        {
            perChannel[i] = 1;
        }

        var scaled = Helper("Mul", name, "scale", back, Parameter(name, "weight", perChannel));
        return Node("Add", name, scaled, Parameter(name, "bias", perChannel));
    }

    /// <summary>softplus(β·x)/β, and x where β·x > 20 (libtorch's threshold).</summary>
    private string Softplus(LayerModel layer, string x)
    {
        var name = layer.Name;
        var beta = (float)layer.Scalar;
        var scaled = beta == 1f ? x : Helper("Mul", name, "beta_x", x, _graph.Scalar(name + "/beta", beta));
        var soft = Helper("Softplus", name, "softplus", scaled);
        if (beta != 1f)
        {
            soft = Helper("Div", name, "div", soft, _graph.Scalar(name + "/beta", beta));
        }

        var linear = Helper("Greater", name, "linear", scaled, _graph.Scalar(name + "/threshold", 20f));
        return Node("Where", name, linear, x, soft);
    }

    private string MaxPool(LayerModel layer, string x)
    {
        var name = layer.Name;
        var rank = layer.SpatialRank;
        var kernel = PerDimension(layer.Kernels, layer.Kernel, rank);
        var (begin, end) = PoolPads(layer);
        var attributes = new List<OnnxAttribute>
        {
            OnnxAttribute.Of("kernel_shape", kernel),
            OnnxAttribute.Of("strides", PerDimension(layer.Strides, layer.Stride, rank)),
            OnnxAttribute.Of("dilations", PerDimension(layer.Dilations, layer.Dilation, rank)),
        };
        if (end.Where((p, i) => p >= kernel[i]).Any())
        {
            // ONNX Runtime wants pads smaller than the kernel: pad with −∞ first (ceil mode's last window, a large stride)
            x = Pad(name, x, begin, end, float.NegativeInfinity);
        }
        else
        {
            attributes.Add(OnnxAttribute.Of("pads", begin.Concat(end).ToArray()));
        }

        return Node("MaxPool", name, new[] { x }, attributes.ToArray());
    }

    /// <summary>
    /// AvgPool: libtorch counts the padding in each window's divisor (count_include_pad) but, in ceil mode, not the
    /// part of the last window beyond it. Without that part, one AveragePool with count_include_pad; with it, the
    /// input padded with zeros, an AveragePool over whole windows, and each position's sum rescaled to libtorch's divisor.
    /// </summary>
    private string AvgPool(LayerModel layer, string x)
    {
        var name = layer.Name;
        var rank = layer.SpatialRank;
        var kernel = PerDimension(layer.Kernels, layer.Kernel, rank);
        var strides = PerDimension(layer.Strides, layer.Stride, rank);
        var (begin, end) = PoolPads(layer);
        if (end.SequenceEqual(begin))
        {
            return Node("AveragePool", name, new[] { x },
                OnnxAttribute.Of("kernel_shape", kernel), OnnxAttribute.Of("strides", strides),
                OnnxAttribute.Of("pads", begin.Concat(end).ToArray()), OnnxAttribute.Of("count_include_pad", 1L));
        }

        var padded = begin.Any(p => p > 0) || end.Any(p => p > 0) ? Pad(name, x, begin, end, 0f) : x;
        var pooled = Helper("AveragePool", name, "pool", new[] { padded }, OnnxAttribute.Of("kernel_shape", kernel), OnnxAttribute.Of("strides", strides));

        // libtorch's divisor at each output position: the window clipped to the input plus its declared padding
        var output = Batchless(layer.OutputShape.Dimensions).Skip(1).Select(d => (int)d).ToArray();
        var input = Batchless(layer.InputShape.Dimensions).Skip(1).Select(d => (int)d).ToArray();
        var count = output.Aggregate(1, (a, b) => a * b);
        var correction = new float[count];
        var window = kernel.Aggregate(1L, (a, b) => a * b);
        for (var index = 0; index < count; index++)
        {
            long divisor = 1;
            var rest = index;
            for (var d = rank - 1; d >= 0; d--)
            {
                var o = rest % output[d];
                rest /= output[d];
                var start = (o * strides[d]) - begin[d];
                var stop = Math.Min(start + kernel[d], input[d] + begin[d]);
                divisor *= stop - start;
            }

            correction[index] = (float)((double)window / divisor);
        }

        var factor = _graph.Constant(name + "/divisor", output.Select(d => (long)d).ToArray(), correction);
        return Node("Mul", name, pooled, factor);
    }

    /// <summary>
    /// A pool's padding per dimension, at the start and at the end; the end's grows by what ceil mode's last,
    /// partial window needs, so that a floor-mode window count gives the checker's output size.
    /// </summary>
    private static (long[] Begin, long[] End) PoolPads(LayerModel layer)
    {
        var rank = layer.SpatialRank;
        var kernel = PerDimension(layer.Kernels, layer.Kernel, rank);
        var strides = PerDimension(layer.Strides, layer.Stride, rank);
        var dilations = PerDimension(layer.Dilations, layer.Dilation, rank);
        var pads = PerDimension(layer.Paddings, layer.Padding, rank);
        var end = new long[rank];
        for (var d = 0; d < rank; d++)
        {
            long input = layer.InputShape.Dimensions[d + 1];
            long output = layer.OutputShape.Dimensions[d + 1];
            var needed = ((output - 1) * strides[d]) + (dilations[d] * (kernel[d] - 1)) + 1;
            end[d] = pads[d] + Math.Max(0, needed - (input + (2 * pads[d])));
        }

        return (pads, end);
    }

    private string Pad(string name, string x, long[] begin, long[] end, float value)
    {
        // Pad's pads: every dimension's start, then every end; batch and channels unpadded
        var pads = new List<long> { 0, 0 };
        pads.AddRange(begin);
        pads.Add(0);
        pads.Add(0);
        pads.AddRange(end);
        return Helper("Pad", name, "pad", x, _graph.Int64s(name + "/pads", pads.ToArray()), _graph.Scalar(name + "/pad_value", value));
    }

    /// <summary>A norm's scale or shift: the parameter when affine, else a constant of ones or zeros.</summary>
    private string Affine(LayerModel layer, string parameter, long[] dims, float constant)
    {
        if (layer.Affine)
        {
            return Parameter(layer.Name, parameter, dims);
        }

        var count = dims.Aggregate(1L, (a, b) => a * b);
        return _graph.Constant(layer.Name + "/" + (constant == 0f ? "zeros" : "ones"), dims, Enumerable.Repeat(constant, (int)count).ToArray());
    }

    /// <summary>The initializer of the module's <c>layer.parameter</c> (its state-dict name), with its own shape or <paramref name="dims"/>.</summary>
    private string Parameter(string layer, string parameter, long[]? dims = null)
    {
        var values = Values(layer, parameter, out var shape);
        if (dims is not null && dims.Aggregate(1L, (a, b) => a * b) != values.Length)
        {
            throw Mismatch($"{layer}.{parameter} has shape [{string.Join(", ", shape)}], the network needs [{string.Join(", ", dims)}]");
        }

        return _graph.Initializer(layer + "." + parameter, dims ?? shape, values);
    }

    private float[] Values(string layer, string parameter, out long[] shape)
    {
        var key = layer + "." + parameter;
        if (!_state.TryGetValue(key, out var tensor))
        {
            var present = _state.Keys.Where(k => k.StartsWith(layer + ".", StringComparison.Ordinal)).ToList();
            throw Mismatch($"it has no '{key}' (it has {(present.Count == 0 ? "nothing" : string.Join(", ", present))} for '{layer}')");
        }

        shape = tensor.shape;
        using var scope = NewDisposeScope();
        var values = tensor.detach().cpu().to_type(ScalarType.Float32).contiguous();
        return values.data<float>().ToArray();
    }

    private ArgumentException Mismatch(string detail) =>
        new($"The module is not the one network '{_network}' describes: {detail}.", "module");

    /// <summary>The node that gives the layer's output: named after the layer, and so is the value.</summary>
    private string Node(string opType, string layer, params string[] inputs) => _graph.Node(opType, layer, layer, inputs);

    private string Node(string opType, string layer, string[] inputs, params OnnxAttribute[] attributes) => _graph.Node(opType, layer, layer, inputs, attributes);

    /// <summary>A helper node of a layer: <c>layer/what</c>.</summary>
    private string Helper(string opType, string layer, string what, params string[] inputs) => _graph.Node(opType, layer + "/" + what, layer + "/" + what, inputs);

    private string Helper(string opType, string layer, string what, string[] inputs, params OnnxAttribute[] attributes) =>
        _graph.Node(opType, layer + "/" + what, layer + "/" + what, inputs, attributes);

    /// <summary>Per spatial dimension: the layer's array, or its scalar repeated when the array is not per dimension.</summary>
    private static long[] PerDimension(IReadOnlyList<int> values, int scalar, int rank) =>
        values.Count == rank ? values.Select(v => (long)v).ToArray() : Enumerable.Repeat((long)scalar, rank).ToArray();

    private static List<long> Batchless(IReadOnlyList<int> dims) => dims.Select(d => (long)d).ToList();

    /// <summary>A Reshape target: 0 (keep the batch) then <paramref name="dims"/>.</summary>
    private static long[] WithBatch(IEnumerable<long> dims) => new long[] { 0 }.Concat(dims).ToArray();
}
