using System;
using System.Linq;
using NormLab.Runtime.Modules;
using Xunit;
using static TorchSharp.torch;

namespace NormLab.Runtime.Tests;

public sealed class ModuleTests
{
    [Fact]
    public void Maxout_takes_the_max_of_consecutive_features()
    {
        using var maxout = new Maxout(pieces: 2);
        using Tensor input = tensor(new float[] { 1, 5, -2, -3, 7, 0 }).reshape(1, 6);

        using Tensor output = maxout.forward(input);

        Assert.Equal(new long[] { 1, 3 }, output.shape);
        Assert.Equal(new float[] { 5, -2, 7 }, output.data<float>().ToArray());
    }

    [Fact]
    public void Maxout_groups_consecutive_channels_position_by_position()
    {
        using var maxout = new Maxout(pieces: 3);
        // [N=1, C=3, H=1, W=2]: channel c at (0, w) holds values[c][w]
        using Tensor input = tensor(new float[] { 1, 9, 4, 2, 3, 8 }).reshape(1, 3, 1, 2);

        using Tensor output = maxout.forward(input);

        Assert.Equal(new long[] { 1, 1, 1, 2 }, output.shape);
        Assert.Equal(new float[] { 4, 9 }, output.data<float>().ToArray());
    }

    [Fact]
    public void Maxout_halves_the_channels_of_a_batch()
    {
        using var maxout = new Maxout(pieces: 2);
        using Tensor input = randn(5, 8, 3, 3);

        using Tensor output = maxout.forward(input);
        using Tensor even = input[TensorIndex.Colon, TensorIndex.Slice(0, null, 2)];
        using Tensor odd = input[TensorIndex.Colon, TensorIndex.Slice(1, null, 2)];
        using Tensor expected = maximum(even, odd);

        Assert.Equal(new long[] { 5, 4, 3, 3 }, output.shape);
        Assert.Equal(expected.data<float>().ToArray(), output.data<float>().ToArray());
    }

    [Fact]
    public void Maxout_rejects_channels_not_divisible_by_pieces()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Maxout(pieces: 0));
        using var maxout = new Maxout(pieces: 2);
        using Tensor input = zeros(2, 3);
        Assert.Throws<ArgumentException>(() => maxout.forward(input));
    }

    [Fact]
    public void Global_pools_average_and_max_each_channel()
    {
        // [N=2, C=2, H=2, W=2] = 0..15: channel (n, c) holds 4(2n + c) .. 4(2n + c) + 3
        using Tensor input = arange(16, dtype: float32).reshape(2, 2, 2, 2);
        using var gap = new GlobalAveragePool();
        using var gmp = new GlobalMaxPool();

        using Tensor average = gap.forward(input);
        using Tensor max = gmp.forward(input);

        Assert.Equal(new long[] { 2, 2 }, average.shape);
        Assert.Equal(new float[] { 1.5f, 5.5f, 9.5f, 13.5f }, average.data<float>().ToArray());
        Assert.Equal(new long[] { 2, 2 }, max.shape);
        Assert.Equal(new float[] { 3, 7, 11, 15 }, max.data<float>().ToArray());
    }

    [Fact]
    public void Global_pools_reject_flat_input()
    {
        using var gap = new GlobalAveragePool();
        using Tensor flat = zeros(2, 3);
        Assert.Throws<ArgumentException>(() => gap.forward(flat));
    }

    [Fact]
    public void Residual_adds_the_input_to_the_branch()
    {
        using var branch = Fixed(nn.Linear(2, 2), new float[,] { { 2, 0 }, { 0, 3 } }, new float[] { 1, 1 });
        using var residual = new Residual(branch);
        using Tensor input = tensor(new float[] { 1, 2 }).reshape(1, 2);

        using Tensor output = residual.forward(input);

        // branch: (2·1 + 1, 3·2 + 1) = (3, 7); plus x = (4, 9)
        Assert.Equal(new float[] { 4, 9 }, output.data<float>().ToArray());
        Assert.Equal(new[] { "branch.weight", "branch.bias" }, residual.named_parameters().Select(p => p.name).ToArray());
    }

    [Fact]
    public void Residual_adds_the_projected_shortcut_when_given()
    {
        using var branch = Fixed(nn.Linear(2, 1), new float[,] { { 1, 1 } }, new float[] { 0 });
        using var shortcut = Fixed(nn.Linear(2, 1), new float[,] { { 10, 0 } }, new float[] { 0.5f });
        using var residual = new Residual(branch, shortcut);
        using Tensor input = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);

        using Tensor output = residual.forward(input);

        // rows: (1 + 2) + (10 + 0.5) = 13.5; (3 + 4) + (30 + 0.5) = 37.5
        Assert.Equal(new long[] { 2, 1 }, output.shape);
        Assert.Equal(new float[] { 13.5f, 37.5f }, output.data<float>().ToArray());
        Assert.Equal(
            new[] { "branch.weight", "branch.bias", "shortcut.weight", "shortcut.bias" },
            residual.named_parameters().Select(p => p.name).ToArray());
    }

    [Fact]
    public void Residual_passes_gradients_to_both_paths()
    {
        using var residual = new Residual(nn.Linear(3, 3), nn.Linear(3, 3));
        using Tensor input = randn(4, 3);

        using Tensor loss = residual.forward(input).sum();
        loss.backward();

        Assert.All(residual.parameters(), p => Assert.NotNull(p.grad));
    }

    private static TorchSharp.Modules.Linear Fixed(TorchSharp.Modules.Linear linear, float[,] weight, float[] bias)
    {
        using (no_grad())
        {
            using Tensor w = tensor(weight);
            using Tensor b = tensor(bias);
            linear.weight!.copy_(w);
            linear.bias!.copy_(b);
        }

        return linear;
    }
}
