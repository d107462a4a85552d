using System;
using System.Collections.Generic;
using System.Linq;

namespace NormLab.Testing.Generators;

/// <summary>
/// The second release's constructs (language.md, "The second release"), drawn only when the generator was made with
/// <c>secondRelease: true</c>: concat with 2–4 branches (identity as a branch, nested, with blocks, repeats and
/// residuals inside, Inception-style reductions, ShuffleNet's split and down-sampling units), scale and se gates,
/// channels and shuffle, droppath and layerscale at the end of residual branches, ln(over: channels), HxW kernels,
/// strides, paddings and dilations, ceil pools, blocks with in_channels and layer-valued se arguments, X * n as i with
/// round/floor/ceil/min/max, and signals (about a third of the inputs) with conv1d/maxpool1d/avgpool1d/dropout1d.
/// </summary>
public sealed partial class RandomPrograms
{
    private static readonly string[] SqueezeActivations = { "relu", "relu", "hardswish", "leakyrelu(0.2)", "gelu", "silu", "relu6", "elu(alpha: 0.5)" };

    private static readonly string[] Gates = { "sigmoid", "sigmoid", "hardsigmoid", "tanh" };

    private void SecondInput(out string input, out S shape)
    {
        var roll = _random.NextDouble();
        if (roll < 0.07)
        {
            var features = Pick(4, 6, 8, 12, 16);
            input = (_random.NextDouble() < 0.3 ? "features " : string.Empty) + Invariant(features);
            shape = S.Features(features);
        }
        else if (roll < 0.40)
        {
            var channels = _random.Next(1, 5);
            var length = _random.Next(12, 49);
            input = $"signal {Invariant(channels)}x{Invariant(length)}";
            shape = S.Signal(channels, length);
        }
        else
        {
            var channels = _random.Next(1, 4);
            var height = _random.Next(6, 15);
            var width = _random.NextDouble() < 0.7 ? height : _random.Next(6, 15);
            input = (_random.NextDouble() < 0.2 ? "image " : string.Empty) + $"{Invariant(channels)}x{Invariant(height)}x{Invariant(width)}";
            shape = S.Image(channels, height, width);
        }
    }

    private string SecondSpatialElement(ref S shape, int depth, bool preserve)
    {
        var image = shape.Rank == 2;
        return Choose(ref shape, _random.NextDouble(),
            (0.22, true, (ref S s) => image && _random.NextDouble() < 0.35 ? Conv(ref s, preserve) : ConvN(ref s, preserve)),
            (0.31, true, (ref S s) => SecondNorm(s)),
            (0.40, true, (ref S s) => Activation(ref s, preserve)),
            (0.48, true, (ref S s) => PoolN(ref s, preserve)),
            (0.56, depth < 2, (ref S s) => Residual(ref s, depth, preserve)),
            (0.59, depth < 2, (ref S s) => Repeat(ref s, depth)),
            (0.63, true, (ref S s) => Block(ref s, preserve)),
            (0.73, depth < 2, (ref S s) => Concat(ref s, depth, preserve)),
            (0.77, true, (ref S s) => Scale(s)),
            (0.82, true, (ref S s) => Se(s)),
            (0.86, true, (ref S s) => ShuffleUnit(ref s, preserve)),
            (0.89, true, (ref S _) => LayerScale()),
            (0.93, true, (ref S s) => ChannelsOrShuffle(ref s, preserve)),
            (1.00, true, (ref S _) => image
                ? Pick("dropout", "dropout(0.25)", "dropout2d", "dropout2d(p: 0.1)", "identity")
                : Pick("dropout", "dropout(0.2)", "dropout1d", "dropout1d(p: 0.1)", "identity")));
    }

    private string SecondFeatureElement(ref S shape, int depth, bool preserve) => Choose(ref shape, _random.NextDouble(),
        (0.22, true, (ref S s) => Dense(ref s, preserve)),
        (0.34, true, (ref S _) => Pick("bn", "bn(eps: 0.001, momentum: 0.2)", "bn(affine: false)", "ln", "layernorm", "ln(affine: false)")),
        (0.50, true, (ref S s) => Activation(ref s, preserve)),
        (0.60, depth < 2, (ref S s) => Residual(ref s, depth, preserve)),
        (0.63, depth < 2, (ref S s) => Repeat(ref s, depth)),
        (0.72, depth < 2, (ref S s) => Concat(ref s, depth, preserve)),
        (0.80, true, (ref S s) => Scale(s)),
        (0.85, true, (ref S _) => LayerScale()),
        (0.89, !preserve && shape.C > 1, (ref S s) => ChannelsOrShuffle(ref s, preserve)),
        (1.00, true, (ref S _) => Pick("dropout", "dropout(0.1)", "dropout(p: 0.3)", "identity")));

    /// <summary>A convolution on a signal or an image, with per-dimension (HxW) kernels, strides, paddings and dilations on images.</summary>
    private string ConvN(ref S shape, bool preserve)
    {
        var rank = shape.Rank;
        var dims = Dims(shape);
        var outChannels = preserve ? shape.C : Pick(Widths);
        var outText = Invariant(outChannels);
        if (!preserve && _width is int w && _random.NextDouble() < 0.4)
        {
            var twice = _random.NextDouble() < 0.5;
            outChannels = twice ? 2 * w : w;
            outText = twice ? "width * 2" : "width";
        }

        var kernel = new int[rank];
        var stride = Enumerable.Repeat(1, rank).ToArray();
        var dilation = Enumerable.Repeat(1, rank).ToArray();
        if (rank == 2 && _random.NextDouble() < 0.4)
        {
            (kernel[0], kernel[1]) = preserve ? Pick((1, 3), (3, 1), (1, 5), (5, 1), (3, 5)) : Pick((1, 7), (7, 1), (1, 3), (3, 1), (3, 5), (5, 3), (2, 3));
        }
        else
        {
            Array.Fill(kernel, preserve ? Pick(1, 3, 3, 5) : Pick(1, 2, 3, 3, 5, 7));
        }

        string padding;
        var pad = new int[rank];
        if (preserve)
        {
            padding = "same";
            if (kernel.All(k => k > 1) && _random.NextDouble() < 0.1)
            {
                Array.Fill(dilation, 2);
            }
        }
        else
        {
            if (_random.NextDouble() < 0.3)
            {
                if (rank == 2)
                {
                    (stride[0], stride[1]) = Pick((2, 2), (2, 2), (2, 1), (1, 2), (3, 3));
                }
                else
                {
                    stride[0] = Pick(2, 2, 3);
                }
            }

            if (_random.NextDouble() < 0.12)
            {
                for (var d = 0; d < rank; d++)
                {
                    dilation[d] = kernel[d] > 1 && (d == 0 || _random.NextDouble() < 0.7) ? 2 : 1;
                }
            }

            var p = _random.NextDouble();
            padding = p < 0.5 ? "same" : p < 0.7 ? "valid" : "explicit";
            if (padding == "explicit")
            {
                for (var d = 0; d < rank; d++)
                {
                    pad[d] = d > 0 && _random.NextDouble() < 0.6 ? pad[0] : _random.Next(0, 4);
                }
            }
        }

        for (var d = 0; d < rank; d++)
        {
            if (padding == "same")
            {
                pad[d] = dilation[d] * (kernel[d] - 1) / 2;
            }
            else if (padding == "valid")
            {
                pad[d] = 0;
            }

            if (dims[d] + (2 * pad[d]) < (dilation[d] * (kernel[d] - 1)) + 1 && _random.NextDouble() < 0.85)
            {
                // too big for what is left: a kernel of 1 in this dimension always fits (sometimes kept, for the checker to refuse)
                kernel[d] = 1;
                dilation[d] = 1;
                pad[d] = padding == "explicit" ? pad[d] : 0;
            }
        }

        var named = new List<string>();
        if (stride.Any(s => s != 1))
        {
            named.Add("stride: " + Dim(stride));
        }

        if (padding == "explicit")
        {
            named.Add("padding: " + Dim(pad));
        }
        else if (padding == "valid" || _random.NextDouble() < 0.1)
        {
            named.Add("padding: " + padding);
        }

        if (dilation.Any(d => d != 1))
        {
            named.Add("dilation: " + Dim(dilation));
        }

        var common = Divisors(Gcd(shape.C, outChannels)).Where(d => d > 1).ToArray();
        if (common.Length > 0 && _random.NextDouble() < 0.2)
        {
            named.Add("groups: " + Invariant(Pick(common)));
        }

        if (_random.NextDouble() < 0.15)
        {
            named.Add("bias: " + Pick("true", "false", "auto"));
        }

        var sizes = new int[rank];
        for (var d = 0; d < rank; d++)
        {
            sizes[d] = Math.Max(1, ((dims[d] + (2 * pad[d]) - ((dilation[d] * (kernel[d] - 1)) + 1)) / stride[d]) + 1);
        }

        shape = WithDims(shape, outChannels, sizes);
        var arguments = new List<string> { outText };
        var kernelText = Dim(kernel);
        if (kernelText != "3" || _random.NextDouble() < 0.3)
        {
            arguments.Add(_random.NextDouble() < 0.4 ? kernelText : "kernel: " + kernelText);
        }

        arguments.AddRange(named);
        return $"{(rank == 1 ? Pick("conv", "conv1d") : "conv")}({string.Join(", ", arguments)})";
    }

    /// <summary>maxpool/avgpool (and the 1-d names on signals) with HxW windows on images, dilation on maxpool, ceil: true.</summary>
    private string PoolN(ref S shape, bool preserve)
    {
        var rank = shape.Rank;
        var dims = Dims(shape);
        var name = rank == 1 ? Pick("maxpool", "avgpool", "maxpool1d", "avgpool1d") : Pick("maxpool", "avgpool");
        var ceil = _random.NextDouble() < 0.35;
        if (preserve || dims.Min() < 2)
        {
            return $"{name}(kernel: 3, stride: 1, padding: 1{(ceil ? ", ceil: true" : string.Empty)})";
        }

        var kernel = new int[rank];
        if (rank == 2 && _random.NextDouble() < 0.3)
        {
            (kernel[0], kernel[1]) = Pick((2, 3), (3, 2), (1, 2), (2, 1), (3, 1));
        }
        else
        {
            Array.Fill(kernel, Pick(2, 2, 3));
        }

        for (var d = 0; d < rank; d++)
        {
            if (_random.NextDouble() < 0.85)
            {
                kernel[d] = Math.Min(kernel[d], dims[d]); // sometimes too big, for the checker to refuse
            }
        }

        var stride = (int[])kernel.Clone();
        if (_random.NextDouble() >= 0.6)
        {
            var s = Pick(1, 2, 3);
            Array.Fill(stride, s);
            if (rank == 2 && _random.NextDouble() < 0.3)
            {
                stride[1] = Pick(1, 2);
            }
        }

        var dilation = Enumerable.Repeat(1, rank).ToArray();
        if (name.StartsWith("max", StringComparison.Ordinal) && _random.NextDouble() < 0.15)
        {
            for (var d = 0; d < rank; d++)
            {
                dilation[d] = kernel[d] > 1 && dims[d] >= (2 * (kernel[d] - 1)) + 1 ? 2 : 1;
            }
        }

        var padding = new int[rank];
        var padAll = _random.Next(0, 2);
        for (var d = 0; d < rank; d++)
        {
            padding[d] = Math.Min(padAll, kernel[d] / 2);
        }

        var sizes = new int[rank];
        for (var d = 0; d < rank; d++)
        {
            var span = dims[d] + (2 * padding[d]) - (dilation[d] * (kernel[d] - 1)) - 1;
            var size = span < 0 ? 1 : (ceil ? (span + stride[d] - 1) / stride[d] : span / stride[d]) + 1;
            if (ceil && span >= 0 && (size - 1) * stride[d] >= dims[d] + padding[d])
            {
                size--;
            }

            sizes[d] = Math.Max(1, size);
        }

        var arguments = new List<string>();
        var kernelText = Dim(kernel);
        if (kernelText != "2" || _random.NextDouble() < 0.2)
        {
            arguments.Add(_random.NextDouble() < 0.5 ? kernelText : "kernel: " + kernelText);
        }

        if (!stride.SequenceEqual(kernel) || _random.NextDouble() < 0.2)
        {
            arguments.Add("stride: " + Dim(stride));
        }

        if (padding.Any(p => p != 0))
        {
            arguments.Add("padding: " + Dim(padding));
        }

        if (dilation.Any(d => d != 1))
        {
            arguments.Add("dilation: " + Dim(dilation));
        }

        if (ceil)
        {
            arguments.Add("ceil: true");
        }

        shape = WithDims(shape, shape.C, sizes);
        return arguments.Count == 0 ? name : $"{name}({string.Join(", ", arguments)})";
    }

    private string SecondNorm(S shape) => _random.Next(11) switch
    {
        0 => Pick("bn", "batchnorm"),
        1 => "bn(eps: 0.001, momentum: 0.05)",
        2 => "bn(affine: false)",
        3 => Pick("ln", "layernorm", "ln(eps: 0.0001)", "ln(over: all)"),
        4 => Pick("ln(over: channels)", "ln(over: channels, eps: 0.000001)", "layernorm(over: channels, affine: false)"),
        5 => "ln(over: channels)",
        6 => Pick("in", "instancenorm"),
        7 => "in(affine: true)",
        8 => $"{Pick("gn", "groupnorm")}(groups: {Invariant(Pick(Divisors(shape.C)))})",
        9 => $"gn({Invariant(Pick(Divisors(shape.C)))}, affine: false)",
        _ => "bn",
    };

    /// <summary>
    /// concat { a | b | … }: 2–4 branches that keep the positions (identity among them), each ending at its own width;
    /// with <paramref name="preserve"/> the widths add up to the input's channels (or the ShuffleNet split); sometimes
    /// an Inception-style reduction, every branch ending in a stride-2, kernel-3 window.
    /// </summary>
    private string Concat(ref S shape, int depth, bool preserve, bool reduction = true)
    {
        var count = _random.Next(2, 5);
        var branches = new List<List<string>>();
        var total = 0;
        var dims = Dims(shape);
        if (!preserve && reduction && shape.Spatial && dims.Min() >= 3 && _random.NextDouble() < 0.25)
        {
            for (var i = 0; i < count; i++)
            {
                var b = shape;
                var branch = Pipeline(ref b, _random.Next(0, 2), depth + 1, preserve: true);
                var kind = _random.Next(3);
                if (kind == 0)
                {
                    var width = Pick(Widths);
                    branch.Add(shape.Rank == 2 && _random.NextDouble() < 0.5 ? $"conv3x3({Invariant(width)}, stride: 2, padding: valid)" : $"conv({Invariant(width)}, kernel: 3, stride: 2, padding: valid)");
                    total += width;
                }
                else
                {
                    branch.Add($"{(kind == 1 ? "maxpool" : "avgpool")}(kernel: 3, stride: 2)");
                    total += b.C;
                }

                branches.Add(branch);
            }

            shape = WithDims(shape, total, dims.Select(d => ((d - 3) / 2) + 1).ToArray());
            return Join(branches);
        }

        if (preserve && shape.C >= 2 && _random.NextDouble() < 0.3)
        {
            // the split: channels 0..k-1 on one side, k..C-1 on the other, each side keeping its width
            var k = _random.Next(1, shape.C);
            var left = shape with { C = k };
            var right = shape with { C = shape.C - k };
            var first = new List<string> { $"channels(0, {Invariant(k)})" };
            first.AddRange(Pipeline(ref left, _random.Next(0, 2), depth + 1, preserve: true));
            var second = new List<string> { $"channels({Invariant(k)}, {Invariant(shape.C)})" };
            second.AddRange(Pipeline(ref right, _random.Next(0, 3), depth + 1, preserve: true));
            return Join(new List<List<string>> { first, second });
        }

        int[] widths;
        if (preserve)
        {
            count = Math.Min(count, shape.C);
            if (count < 2)
            {
                return LayerScale();
            }

            // count positive parts adding up to C
            var cuts = Enumerable.Range(1, shape.C - 1).OrderBy(_ => _random.Next()).Take(count - 1).OrderBy(c => c).ToList();
            cuts.Insert(0, 0);
            cuts.Add(shape.C);
            widths = Enumerable.Range(0, count).Select(i => cuts[i + 1] - cuts[i]).ToArray();
        }
        else
        {
            widths = Enumerable.Range(0, count).Select(_ => _random.NextDouble() < 0.25 ? -1 : Pick(Widths)).ToArray();
        }

        foreach (var target in widths)
        {
            var b = shape;
            if (target == -1 || (target == shape.C && _random.NextDouble() < 0.3))
            {
                branches.Add(new List<string> { "identity" });
                total += shape.C;
                continue;
            }

            var branch = Pipeline(ref b, _random.Next(0, 3), depth + 1, preserve: true);
            if (!preserve && depth + 1 < 2 && _random.NextDouble() < 0.2)
            {
                branch.Add(Concat(ref b, depth + 1, preserve: false, reduction: false));
            }
            else if (shape.Spatial)
            {
                var kernel = shape.Rank == 2 && _random.NextDouble() < 0.25 ? Pick("1x3", "3x1", "1x5") : Invariant(Pick(1, 1, 3, 5));
                branch.Add(shape.Rank == 2 && kernel == "1" && _random.NextDouble() < 0.5 ? $"conv1x1({Invariant(target)})" : $"conv({Invariant(target)}, kernel: {kernel})");
                b = b with { C = target };
            }
            else
            {
                branch.Add($"linear({Invariant(target)})");
                b = S.Features(target);
            }

            branch.AddRange(Pipeline(ref b, _random.Next(0, 2), depth + 1, preserve: true));
            branches.Add(branch);
            total += b.C;
        }

        shape = shape with { C = total };
        return Join(branches);

        static string Join(List<List<string>> parts) => "concat { " + string.Join(" | ", parts.Select(p => string.Join(" > ", p))) + " }";
    }

    /// <summary>scale { … }: a squeeze-excitation written out, C values that gate the C channels (or features).</summary>
    private string Scale(S shape)
    {
        var c = shape.C;
        var squeeze = Math.Max(1, c / Pick(1, 2, 4));
        var body = new List<string>();
        if (shape.Spatial)
        {
            body.Add(Pick("gap", "gap", "gmp"));
        }

        if (_random.NextDouble() < 0.25)
        {
            body.Add($"linear({Invariant(c)})");
        }
        else
        {
            body.Add($"linear({Invariant(squeeze)}{Bias()})");
            body.Add(Pick(SqueezeActivations));
            body.Add($"linear({Invariant(c)})");
        }

        body.Add(Pick(Gates));
        return "scale { " + string.Join(" > ", body) + " }";
    }

    /// <summary>se(squeeze, act:, gate:) on a signal or an image.</summary>
    private string Se(S shape)
    {
        var squeeze = Invariant(Math.Max(1, shape.C / Pick(1, 2, 4)));
        return _random.Next(5) switch
        {
            0 => $"se({squeeze})",
            1 => $"se({squeeze}, act: {Pick(SqueezeActivations)})",
            2 => $"se({squeeze}, gate: {Pick(Gates)})",
            3 => $"se(squeeze: {squeeze}, act: {Pick(SqueezeActivations)}, gate: {Pick(Gates)})",
            _ => $"se({squeeze}, act: leakyrelu(0.2), gate: hardsigmoid)",
        };
    }

    /// <summary>
    /// ShuffleNetV2's units: with an even channel count, the basic unit (split, a branch on one half, concat, shuffle),
    /// which keeps the shape; otherwise (not <paramref name="preserve"/>) the down-sampling unit, two stride-2 branches.
    /// </summary>
    private string ShuffleUnit(ref S shape, bool preserve)
    {
        var c = shape.C;
        var conv = shape.Rank == 2 ? "conv" : Pick("conv", "conv1d");
        if (!preserve && Dims(shape).Min() >= 2 && _random.NextDouble() < 0.35)
        {
            var s = Invariant(c);
            var left = $"{conv}({s}, kernel: 3, stride: 2, groups: {s}) > bn > {conv}({s}, kernel: 1) > bn > relu";
            var right = $"{conv}({s}, kernel: 1) > bn > relu > {conv}({s}, kernel: 3, stride: 2, groups: {s}) > bn > {conv}({s}, kernel: 1) > bn > relu";
            shape = WithDims(shape, 2 * c, Dims(shape).Select(d => ((d - 1) / 2) + 1).ToArray());
            return $"concat {{ {left} | {right} }} > shuffle(2)";
        }

        if (c % 2 != 0)
        {
            return LayerScale();
        }

        var h = Invariant(c / 2);
        var branch = $"channels({h}, {Invariant(c)}) > {conv}({h}, kernel: 1) > bn > relu > {conv}({h}, kernel: 3, groups: {h}) > bn > {conv}({h}, kernel: 1) > bn > relu";
        return $"concat {{ channels(0, {h}) | {branch} }} > shuffle(2)";
    }

    private string ChannelsOrShuffle(ref S shape, bool preserve)
    {
        var groups = Divisors(shape.C).Where(d => d > 1).ToArray();
        if (shape.Spatial && groups.Length > 0 && (preserve || _random.NextDouble() < 0.5))
        {
            return $"shuffle({Invariant(Pick(groups))})";
        }

        if (preserve || shape.C < 2)
        {
            return LayerScale();
        }

        var start = _random.Next(0, shape.C);
        var end = _random.Next(start + 1, shape.C + 1);
        shape = shape with { C = end - start };
        return $"channels({Invariant(start)}, {Invariant(end)})";
    }

    private string LayerScale() => Pick("layerscale", "layerscale(0.5)", "layerscale(init: 0.000001)", "layerscale(0.1)");

    /// <summary>What may end a residual branch: ConvNeXt's layerscale, stochastic depth, both or nothing.</summary>
    private List<string> BranchEnd(S shape)
    {
        var roll = _random.NextDouble();
        var drop = Pick("droppath", "droppath(0.2)", "droppath(p: 0.1)");
        return roll < 0.25 ? new List<string> { LayerScale() }
            : roll < 0.5 ? new List<string> { drop }
            : roll < 0.65 ? new List<string> { LayerScale(), drop }
            : new List<string>();
    }

    /// <summary><c>X * n as i</c>, with i in a kernel, a drop probability or a scale (and round/floor/ceil/min/max).</summary>
    private string NumberedRepeat(S shape, int depth)
    {
        var n = _random.Next(2, 4);
        var c = Invariant(shape.C);
        var times = $" * {Invariant(n)} as i";
        var lin = shape.Spatial ? (shape.Rank == 1 ? Pick("conv", "conv1d") : "conv") + $"({c}, kernel: 3)" : $"linear({c})";
        switch (_random.Next(5))
        {
            case 0 when shape.Spatial:
                // odd kernels 1, 3, 5: padding same keeps the positions
                return $"({(shape.Rank == 1 ? "conv" : "conv")}({c}, kernel: 2 * i + 1) > bn > relu){times}";
            case 1:
                return $"(residual {{ {lin} > {(shape.Spatial ? "bn" : "ln")} > droppath({Pick("0.1 * i", "0.1 * (i + 1) / " + Invariant(n), "min(0.3, 0.2 * i)", "round(10 * i / 3) / 20")}) }}){times}";
            case 2:
                return $"({lin} > layerscale({Pick("0.5 * (i + 1)", "max(0.1, i / 4)", "ceil(i / 2) + 0.5")})){times}";
            case 3:
                return $"(residual {{ {lin} > relu > dropout(floor(i / 2) / 10) }}){times}";
            default:
                return $"({lin} > {Pick("gelu", "hardswish", "relu")}){times}";
        }
    }

    /// <summary>Blocks of the second release: in_channels, a growing dense layer (concat with identity), se with layer-valued act and gate.</summary>
    private string SecondBlock(ref S shape, bool preserve)
    {
        var name = "Blk" + Invariant(_blocks.Count);
        var kind = _random.Next(4);
        if (preserve && kind is 1 or 3)
        {
            kind = 0;
        }

        switch (kind)
        {
            case 0:
                _blocks.Add($"block {name}(e = 2) = conv(in_channels * e, kernel: 1) > bn > relu > conv(in_channels, kernel: 1) > bn");
                return _random.NextDouble() < 0.5 ? name : $"{name}(e: {Invariant(Pick(1, 3))})";
            case 1:
            {
                var growth = Pick(2, 3, 4);
                _blocks.Add($"block {name}(g) = concat {{ identity | bn > relu > conv(g * 2, kernel: 1) > bn > relu > conv(g, kernel: 3) }}");
                shape = shape with { C = shape.C + growth };
                return $"{name}({Invariant(growth)})";
            }

            case 2:
            {
                _blocks.Add($"block {name}(c, act = relu, gate = sigmoid) = conv(c, kernel: 1) > bn > act > se(max(1, floor(c / 4)), act: act, gate: gate)");
                var width = preserve ? shape.C : Pick(Widths);
                shape = shape with { C = width };
                return _random.NextDouble() < 0.5 ? $"{name}({Invariant(width)})" : $"{name}({Invariant(width)}, {Pick("hardswish", "leakyrelu(0.1)")}, {Pick("hardsigmoid", "sigmoid")})";
            }

            default:
            {
                _blocks.Add($"block {name}(c, act = relu) = conv(c, kernel: 3) > bn > act > conv(in_channels + c, kernel: 1)");
                var width = Pick(Widths);
                shape = shape with { C = shape.C + width };
                return _random.NextDouble() < 0.5 ? $"{name}({Invariant(width)})" : $"{name}({Invariant(width)}, {Pick("gelu", "hardswish", "identity")})";
            }
        }
    }

    private static int[] Dims(S shape) => shape.Rank switch
    {
        2 => new[] { shape.H, shape.W },
        1 => new[] { shape.H },
        _ => Array.Empty<int>(),
    };

    private static S WithDims(S shape, int channels, int[] sizes) => shape.Rank switch
    {
        2 => S.Image(channels, sizes[0], sizes[1]),
        1 => S.Signal(channels, sizes[0]),
        _ => S.Features(channels),
    };

    /// <summary>One value, or HxW when the dimensions differ.</summary>
    private static string Dim(int[] values) => values.Length == 2 && values[0] != values[1]
        ? $"{Invariant(values[0])}x{Invariant(values[1])}"
        : Invariant(values[0]);
}
