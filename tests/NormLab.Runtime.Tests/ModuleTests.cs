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
        // the forward plan of a residual, run by the run-time module (the removed Residual module's facts)
        using var module = Build("network R(input: 2) { residual { linear(2) } }");
        Fixed((TorchSharp.Modules.Linear)module.named_children().Single(c => c.name == "linear1").module, new float[,] { { 2, 0 }, { 0, 3 } }, new float[] { 1, 1 });
        using Tensor input = tensor(new float[] { 1, 2 }).reshape(1, 2);

        using Tensor output = module.forward(input);

        // branch: (2·1 + 1, 3·2 + 1) = (3, 7); plus x = (4, 9)
        Assert.Equal(new float[] { 4, 9 }, output.data<float>().ToArray());
        Assert.Equal(new[] { "linear1.weight", "linear1.bias" }, module.named_parameters().Select(p => p.name).ToArray());
    }

    [Fact]
    public void Residual_adds_the_projected_shortcut_when_given()
    {
        using var module = Build("network P(input: 2) { residual(project) { linear(1, bias: true) } }");
        module.eval();
        var children = module.named_children().ToDictionary(c => c.name, c => c.module);
        Fixed((TorchSharp.Modules.Linear)children["linear1"], new float[,] { { 1, 1 } }, new float[] { 0 });
        using (no_grad())
        {
            using Tensor w = tensor(new float[,] { { 10, 0 } });
            ((TorchSharp.Modules.Linear)children["residual1_proj"]).weight!.copy_(w);
        }

        using Tensor input = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using Tensor output = module.forward(input);

        // rows: (1 + 2) + bn(10) = 3 + 10 / sqrt(1 + 1e-5); (3 + 4) + bn(30) (evaluation: running mean 0, variance 1)
        Assert.Equal(new long[] { 2, 1 }, output.shape);
        var values = output.data<float>().ToArray();
        Assert.Equal(3 + (10 / Math.Sqrt(1 + 1e-5)), values[0], 1e-4);
        Assert.Equal(7 + (30 / Math.Sqrt(1 + 1e-5)), values[1], 1e-4);
        Assert.Equal(
            new[] { "linear1.weight", "linear1.bias", "residual1_proj.weight", "residual1_projbn.weight", "residual1_projbn.bias" },
            module.named_parameters().Select(p => p.name).ToArray());
    }

    [Fact]
    public void Residual_passes_gradients_to_both_paths()
    {
        using var module = Build("network G(input: 3) { residual(project) { linear(4) } }");
        using Tensor input = randn(4, 3);

        using Tensor loss = module.forward(input).sum();
        loss.backward();

        Assert.Equal(5, module.parameters().Count()); // linear1 (weight, bias), the projection's weight, its bn's weight and bias
        Assert.All(module.parameters(), p => Assert.NotNull(p.grad));
    }

    private static NormLab.Runtime.Building.NetworkModule Build(string text)
    {
        var network = NormLab.Dsl.NormLabCompiler.Check(text, "test.normlab").Networks.Single();
        Assert.True(network.IsValid, string.Join("; ", network.Diagnostics));
        return new NormLab.Runtime.Building.NetworkModule(network);
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
