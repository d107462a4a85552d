using System;
using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Runtime.Modules;

/// <summary>
/// Global average pooling, flattened: the mean of each channel over all spatial positions.
/// Input <c>[N, C, H, W]</c> (or any <c>[N, C, …]</c> with at least one spatial dimension);
/// output <c>[N, C]</c>. Has no parameters.
/// </summary>
public sealed class GlobalAveragePool : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the pool.</summary>
    public GlobalAveragePool() : base(nameof(GlobalAveragePool)) => RegisterComponents();

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        GlobalPool.CheckInput(nameof(GlobalAveragePool), input);
        using Tensor positions = input.flatten(2);
        return positions.mean(new long[] { 2 });
    }
}

/// <summary>
/// Global max pooling, flattened: the maximum of each channel over all spatial positions.
/// Input <c>[N, C, H, W]</c> (or any <c>[N, C, …]</c> with at least one spatial dimension);
/// output <c>[N, C]</c>. Has no parameters.
/// </summary>
public sealed class GlobalMaxPool : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the pool.</summary>
    public GlobalMaxPool() : base(nameof(GlobalMaxPool)) => RegisterComponents();

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        GlobalPool.CheckInput(nameof(GlobalMaxPool), input);
        using Tensor positions = input.flatten(2);
        return positions.amax(2);
    }
}

internal static class GlobalPool
{
    internal static void CheckInput(string module, Tensor input)
    {
        if (input.dim() < 3)
        {
            throw new ArgumentException(
                $"{module} needs an input [N, C, H, W]; got [{string.Join(", ", input.shape)}].", nameof(input));
        }
    }
}
