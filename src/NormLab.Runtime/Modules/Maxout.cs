using System;
using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Runtime.Modules;

/// <summary>
/// Maxout (Goodfellow et al. 2013): the maximum over groups of <c>pieces</c> consecutive channels
/// (dimension 1). Input <c>[N, C, …]</c>, e.g. <c>[N, C, H, W]</c> or <c>[N, F]</c>; output
/// <c>[N, C / pieces, …]</c>. Has no parameters.
/// </summary>
public sealed class Maxout : nn.Module<Tensor, Tensor>
{
    private readonly long pieces;

    /// <summary>Creates a maxout over groups of <paramref name="pieces"/> channels.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pieces"/> is less than 1.</exception>
    public Maxout(long pieces) : base(nameof(Maxout))
    {
        if (pieces < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(pieces), pieces, "pieces must be at least 1.");
        }

        this.pieces = pieces;
        RegisterComponents();
    }

    /// <summary>The number of channels each output channel is the maximum of.</summary>
    public long Pieces => pieces;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() < 2 || input.shape[1] % pieces != 0)
        {
            throw new ArgumentException(
                $"Maxout({pieces}) needs an input [N, C, …] with C divisible by {pieces}; got [{string.Join(", ", input.shape)}].",
                nameof(input));
        }

        long[] shape = input.shape;
        long[] grouped = new long[shape.Length + 1];
        grouped[0] = shape[0];
        grouped[1] = shape[1] / pieces;
        grouped[2] = pieces;
        Array.Copy(shape, 2, grouped, 3, shape.Length - 2);
        using Tensor groups = input.reshape(grouped);
        return groups.amax(2);
    }
}
