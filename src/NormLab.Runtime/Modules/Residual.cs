using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Runtime.Modules;

/// <summary>
/// A residual connection (He et al. 2016): <c>branch(x) + x</c>, or <c>branch(x) + shortcut(x)</c>
/// when a shortcut (a projection, e.g. a 1×1 convolution and batch norm) is given because the
/// branch changes the shape. Parameters appear under <c>branch.</c> and <c>shortcut.</c>.
/// </summary>
public sealed class Residual : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> branch;
    private readonly nn.Module<Tensor, Tensor>? shortcut;

    /// <summary>Creates a residual connection around <paramref name="branch"/>.</summary>
    /// <param name="branch">The residual branch.</param>
    /// <param name="shortcut">The projection on the shortcut, or null for the identity.</param>
    public Residual(nn.Module<Tensor, Tensor> branch, nn.Module<Tensor, Tensor>? shortcut = null)
        : base(nameof(Residual))
    {
        this.branch = branch;
        this.shortcut = shortcut;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using Tensor residual = branch.forward(input);
        if (shortcut is null)
        {
            return residual.add(input);
        }

        using Tensor projected = shortcut.forward(input);
        return residual.add(projected);
    }
}
