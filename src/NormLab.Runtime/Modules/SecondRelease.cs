using System;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace NormLab.Runtime.Modules;

/// <summary>
/// Layer normalization over the channels at each position (ConvNeXt's <c>LayerNorm2d</c>, the language's
/// <c>ln(over: channels)</c>): input <c>[N, C, …]</c>, each position's <c>C</c> values normalized, then scaled
/// and shifted per channel (<c>weight</c>, <c>bias</c>: <c>C</c> each when affine).
/// </summary>
public sealed class ChannelLayerNorm : nn.Module<Tensor, Tensor>
{
    private readonly long channels;
    private readonly double eps;

    /// <summary>Creates the norm for <paramref name="channels"/> channels.</summary>
    public ChannelLayerNorm(long channels, double eps = 1e-5, bool affine = true) : base(nameof(ChannelLayerNorm))
    {
        if (channels < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be at least 1.");
        }

        this.channels = channels;
        this.eps = eps;
        if (affine)
        {
            _weight = new Parameter(ones(channels));
            _bias = new Parameter(zeros(channels));
        }

        RegisterComponents();
    }

    // fields named in the state dict as PyTorch's (an auto-property's would register as "<weight>k__BackingField");
    // the properties' setters are for Module.to(), which replaces a converted parameter by its registered name
    [ComponentName(Name = "weight")]
    private Parameter? _weight;

    [ComponentName(Name = "bias")]
    private Parameter? _bias;

    /// <summary>The per-channel scale (null without affine); <c>weight</c> in the state dict.</summary>
    public Parameter? weight { get => _weight; private set => _weight = value; }

    /// <summary>The per-channel shift (null without affine); <c>bias</c> in the state dict.</summary>
    public Parameter? bias { get => _bias; private set => _bias = value; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() < 2 || input.shape[1] != channels)
        {
            throw new ArgumentException($"ChannelLayerNorm({channels}) needs an input [N, {channels}, …]; got [{string.Join(", ", input.shape)}].", nameof(input));
        }

        using var scope = NewDisposeScope();
        // channels last, normalize the last dimension, channels back to dimension 1
        var rank = input.dim();
        var toLast = new long[rank];
        var back = new long[rank];
        toLast[0] = 0;
        back[0] = 0;
        back[1] = rank - 1;
        for (var i = 1; i < rank - 1; i++)
        {
            toLast[i] = i + 1;
            back[i + 1] = i;
        }

        toLast[rank - 1] = 1;
        var last = input.permute(toLast);
        var normalized = nn.functional.layer_norm(last, new[] { channels }, weight, bias, eps);
        return normalized.permute(back).contiguous().MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Stochastic depth (Huang et al. 2016; torchvision's <c>StochasticDepth(p, "row")</c>): in training, each
/// sample's input is zeroed with probability <c>p</c> and kept ones are scaled by <c>1 / (1 − p)</c>; in
/// evaluation, the identity. Has no parameters.
/// </summary>
public sealed class DropPath : nn.Module<Tensor, Tensor>
{
    private readonly double p;

    /// <summary>Creates the layer.</summary>
    public DropPath(double p = 0.1) : base(nameof(DropPath))
    {
        if (p < 0 || p >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "p must satisfy 0 <= p < 1.");
        }

        this.p = p;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (!training || p == 0)
        {
            return input.alias();
        }

        using var scope = NewDisposeScope();
        var shape = new long[input.dim()];
        shape[0] = input.shape[0];
        for (var i = 1; i < shape.Length; i++)
        {
            shape[i] = 1;
        }

        var keep = empty(shape, input.dtype, input.device).bernoulli_(1 - p).div_(1 - p);
        return (input * keep).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// A learnable per-channel scale (ConvNeXt's layer scale): input <c>[N, C, …]</c> times <c>weight</c>, a
/// <c>C</c>-parameter tensor shaped to broadcast (<c>[C, 1, 1]</c> on images, <c>[C, 1]</c> on signals, <c>[C]</c>
/// on features), started at <c>init</c>.
/// </summary>
public sealed class LayerScale : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the scale for an input of <paramref name="rank"/> dimensions (without the batch).</summary>
    public LayerScale(long channels, long rank, double init = 1e-6) : base(nameof(LayerScale))
    {
        if (channels < 1 || rank < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels and rank must be at least 1.");
        }

        var shape = new long[rank];
        shape[0] = channels;
        for (var i = 1; i < rank; i++)
        {
            shape[i] = 1;
        }

        _weight = new Parameter(full(shape, init));
        RegisterComponents();
    }

    // named "weight" in the state dict; the setter is for Module.to() (see ChannelLayerNorm)
    [ComponentName(Name = "weight")]
    private Parameter _weight;

    /// <summary>The scale, one value per channel; <c>weight</c> in the state dict.</summary>
    public Parameter weight { get => _weight; private set => _weight = value; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => input * weight;
}

/// <summary>Channels <c>start</c> to <c>end − 1</c> of an input <c>[N, C, …]</c> (ShuffleNetV2's split). Has no parameters.</summary>
public sealed class ChannelSlice : nn.Module<Tensor, Tensor>
{
    private readonly long start;
    private readonly long end;

    /// <summary>Creates the slice.</summary>
    public ChannelSlice(long start, long end) : base(nameof(ChannelSlice))
    {
        if (start < 0 || end <= start)
        {
            throw new ArgumentOutOfRangeException(nameof(end), end, "channels(start, end) needs 0 <= start < end.");
        }

        this.start = start;
        this.end = end;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() < 2 || input.shape[1] < end)
        {
            throw new ArgumentException($"ChannelSlice({start}, {end}) needs at least {end} channels; got [{string.Join(", ", input.shape)}].", nameof(input));
        }

        return input.narrow(1, start, end - start);
    }
}

/// <summary>How branches join: the generated modules and the run-time module call these, so both compute the same.</summary>
public static class Joins
{
    /// <summary><c>concat</c>: the branches' outputs joined on dimension 1 (channels or features).</summary>
    public static Tensor Concat(params Tensor[] branches) => cat(branches, 1);

    /// <summary>
    /// <c>scale</c> and <c>se</c>: the input times the gate, the gate (<c>[N, C]</c> or <c>[N, C, 1, …]</c>) given
    /// trailing dimensions of size 1 to broadcast over the input's positions.
    /// </summary>
    public static Tensor Multiply(Tensor input, Tensor gate)
    {
        if (gate.dim() == input.dim())
        {
            return input * gate;
        }

        var shape = new long[input.dim()];
        shape[0] = gate.shape[0];
        shape[1] = gate.shape[1];
        for (var i = 2; i < shape.Length; i++)
        {
            shape[i] = 1;
        }

        using var view = gate.reshape(shape);
        return input * view;
    }
}
