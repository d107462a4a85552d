using System;
using System.Linq;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NormLab.Runtime.Native;

/// <summary>
/// What selects libtorch's convolution kernel for one call, as the convolution itself sees it: 1-d or 2-d, the input's
/// shape with its batch, the weight's shape, stride, zero padding, dilation, groups, whether there is a bias, the
/// number of threads libtorch uses (its choice between oneDNN and its own kernels, and oneDNN's work split, depend on
/// it), and which gradients the backward computes (each is a kernel of its own: oneDNN's input gradient of a 1→8-channel
/// 3x3 convolution is wrong on this project's machine while its forward and weight gradient are right, and a network's
/// first convolution never needs the input gradient). A module with padding <c>same</c> or a padding mode other than zeros pads its input first; the shape then
/// describes the convolution of the padded input, which is what runs.
/// </summary>
public sealed record ConvolutionShape
{
    public ConvolutionShape(long[] input, long[] weight, long[] stride, long[] padding, long[] dilation, long groups, bool bias, int threads,
        bool inputGradient = true, bool weightGradient = true)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        Dimensions = weight.Length - 2;
        if (Dimensions is < 1 or > 2 || input.Length != weight.Length)
        {
            throw new ArgumentException($"A 1-d or 2-d convolution takes a [N, C, …] input and a [out, in/groups, …] weight of the same rank, not {Format(input)} and {Format(weight)}.");
        }

        Input = input.ToArray();
        Weight = weight.ToArray();
        Stride = Expand(stride, Dimensions, nameof(stride));
        Padding = Expand(padding, Dimensions, nameof(padding));
        Dilation = Expand(dilation, Dimensions, nameof(dilation));
        Groups = groups;
        Bias = bias;
        Threads = threads;
        InputGradient = inputGradient;
        WeightGradient = weightGradient;
        Key = ToString();
    }

    /// <summary>1 (a signal: <c>conv1d</c>) or 2 (an image: <c>conv2d</c>).</summary>
    public int Dimensions { get; }

    /// <summary>[N, C, L] or [N, C, H, W].</summary>
    public long[] Input { get; }

    /// <summary>[out, in/groups, k] or [out, in/groups, kh, kw].</summary>
    public long[] Weight { get; }

    public long[] Stride { get; }

    /// <summary>Zero padding on both sides, per spatial dimension.</summary>
    public long[] Padding { get; }

    public long[] Dilation { get; }

    public long Groups { get; }

    public bool Bias { get; }

    /// <summary>libtorch's intra-op threads when the convolution runs.</summary>
    public int Threads { get; }

    /// <summary>Whether the backward computes the input's gradient (the input requires one and autograd is on).</summary>
    public bool InputGradient { get; }

    /// <summary>Whether the backward computes the weight's gradient (it requires one and autograd is on).</summary>
    public bool WeightGradient { get; }

    /// <summary>The text that identifies the shape (<see cref="ToString"/>), computed once.</summary>
    internal string Key { get; }

    /// <summary>
    /// The convolution <paramref name="module"/> runs on <paramref name="input"/> with the threads libtorch has now;
    /// null for what is not a float32 1-d or 2-d convolution on the CPU (nothing that oneDNN's float32 kernels take).
    /// </summary>
    public static ConvolutionShape? Of(Convolution module, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(input);
        var weight = module.weight;
        int dimensions = module.kernel_size.Length;
        if (module.transposed || dimensions is < 1 or > 2 || weight is null || input.device_type != TorchSharp.DeviceType.CPU ||
            input.dtype != ScalarType.Float32 || weight.dtype != ScalarType.Float32)
        {
            return null;
        }

        var shape = input.shape.ToArray();
        if (shape.Length == dimensions + 1)
        {
            shape = new[] { 1L }.Concat(shape).ToArray(); // unbatched: libtorch adds a batch of one
        }

        if (shape.Length != dimensions + 2)
        {
            return null; // the module itself refuses it
        }

        var stride = Expand(module.stride, dimensions, "stride");
        var dilation = Expand(module.dilation, dimensions, "dilation");
        var padding = new long[dimensions];
        for (int i = 0; i < dimensions; i++)
        {
            // padding before and after dimension i, as the module pads (or asks the convolution to pad)
            long before, after;
            if (module.padding_type == TorchSharp.Padding.Same)
            {
                long total = dilation[i] * (module.kernel_size[i] - 1);
                before = total / 2;
                after = total - before;
            }
            else if (module.padding_type == TorchSharp.Padding.Valid)
            {
                before = after = 0;
            }
            else
            {
                before = after = Expand(module.padding ?? new long[] { 0 }, dimensions, "padding")[i];
            }

            if (module.padding_mode != TorchSharp.PaddingModes.Zeros)
            {
                // padded by F.pad first, then a convolution without padding
                shape[2 + i] += before + after;
            }
            else
            {
                // libtorch pads the odd extra of 'same' on the input's far side, then pads both sides equally
                shape[2 + i] += after - before;
                padding[i] = before;
            }
        }

        bool autograd = is_grad_enabled();
        return new ConvolutionShape(shape, weight.shape, stride, padding, dilation, module.groups, module.bias is not null, get_num_threads(),
            inputGradient: autograd && input.requires_grad, weightGradient: autograd && weight.requires_grad);
    }

    public bool Equals(ConvolutionShape? other) => other is not null && other.Key == Key;

    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);

    /// <summary>
    /// <c>conv2d 7x21x10x14 * 8x21x3x3, stride 2x2, padding 0x0, dilation 1x1, groups 1, no bias, 2 threads, backward
    /// to input and weight</c> (or <c>backward to weight</c>, <c>backward to input</c>, <c>forward only</c>).
    /// </summary>
    public override string ToString() =>
        $"conv{Dimensions}d {Format(Input)} * {Format(Weight)}, stride {Format(Stride)}, padding {Format(Padding)}, dilation {Format(Dilation)}, " +
        $"groups {Groups}, {(Bias ? "bias" : "no bias")}, {Threads} thread{(Threads == 1 ? string.Empty : "s")}, " +
        (InputGradient, WeightGradient) switch
        {
            (true, true) => "backward to input and weight",
            (true, false) => "backward to input",
            (false, true) => "backward to weight",
            _ => "forward only",
        };

    private static readonly System.Text.RegularExpressions.Regex Text = new(
        @"^conv(?<d>[12])d (?<input>[0-9x]+) \* (?<weight>[0-9x]+), stride (?<stride>[0-9x]+), padding (?<padding>[0-9x]+), " +
        @"dilation (?<dilation>[0-9x]+), groups (?<groups>[0-9]+), (?<bias>bias|no bias), (?<threads>[0-9]+) threads?, " +
        @"(?<pass>backward to input and weight|backward to input|backward to weight|forward only)$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>The shape <see cref="ToString"/> wrote, or null when <paramref name="text"/> is not one.</summary>
    public static ConvolutionShape? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = Text.Match(text);
        if (!match.Success)
        {
            return null;
        }

        static long[]? Numbers(string value)
        {
            var parts = value.Split('x');
            var numbers = new long[parts.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                if (!long.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out numbers[i]))
                {
                    return null;
                }
            }

            return numbers;
        }

        var pass = match.Groups["pass"].Value;
        if (Numbers(match.Groups["input"].Value) is not { } input || Numbers(match.Groups["weight"].Value) is not { } weight ||
            Numbers(match.Groups["stride"].Value) is not { } stride || Numbers(match.Groups["padding"].Value) is not { } padding ||
            Numbers(match.Groups["dilation"].Value) is not { } dilation ||
            !long.TryParse(match.Groups["groups"].Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var groups) ||
            !int.TryParse(match.Groups["threads"].Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var threads))
        {
            return null;
        }

        try
        {
            var shape = new ConvolutionShape(input, weight, stride, padding, dilation, groups, match.Groups["bias"].Value == "bias", threads,
                inputGradient: pass.Contains("input", StringComparison.Ordinal), weightGradient: pass.Contains("weight", StringComparison.Ordinal));
            return shape.Key == text && shape.Dimensions.ToString(System.Globalization.CultureInfo.InvariantCulture) == match.Groups["d"].Value ? shape : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string Format(long[] values) => string.Join("x", values);

    private static long[] Expand(long[] values, int dimensions, string name)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Length == dimensions)
        {
            return values.ToArray();
        }

        if (values.Length == 1)
        {
            return Enumerable.Repeat(values[0], dimensions).ToArray();
        }

        throw new ArgumentException($"{name} has {values.Length} values for a {dimensions}-d convolution.", name);
    }
}
