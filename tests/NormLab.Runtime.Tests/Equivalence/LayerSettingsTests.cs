using System;
using System.Linq;
using NormLab.Dsl;
using NormLab.Dsl.Model;
using NormLab.Runtime.Building;
using NormLab.Runtime.Tests.Agreement;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NormLab.Runtime.Tests.Equivalence;

/// <summary>
/// The scalar settings a layer's source gives (eps, momentum, slope, alpha, beta, p, the softmax dimension, pieces,
/// pooling windows) reach torch: the module the runtime builds for the layer computes what <c>torch.nn.functional</c>
/// computes when called with the values written in the source. Shapes and parameter counts cannot see these values.
/// </summary>
[Collection(TorchState.Name)]
public sealed class LayerSettingsTests
{
    /// <summary>The checked layer and the module the runtime builds for it (the one both back ends create).</summary>
    private static (LayerModel Layer, nn.Module<Tensor, Tensor> Module) Build(string layer, string input)
    {
        var result = NormLabCompiler.Check($"network L(input: {input}) {{ {layer} }}");
        var network = Assert.Single(result.Networks);
        Assert.DoesNotContain(network.Diagnostics, d => d.IsError);
        var model = Assert.Single(network.Layers);
        return (model, LayerFactory.Create(model));
    }

    private static Tensor Input(params long[] shape)
    {
        random.manual_seed(17);
        return randn(shape) * 1.5 + 0.3;
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double difference = (expected - actual).abs().max().item<float>();
        Assert.True(difference < 1e-5, $"{what}: the module differs from torch.nn.functional by {difference}");
    }

    public static TheoryData<string, string> ElementWise() => new()
    {
        { "leakyrelu(0.3)", "leaky_relu(x, 0.3)" },
        { "leakyrelu(slope: 0.05)", "leaky_relu(x, 0.05)" },
        { "elu(alpha: 2.5)", "elu(x, 2.5)" },
        { "elu(0.4)", "elu(x, 0.4)" },
        { "softplus(beta: 3)", "softplus(x, 3)" },
        { "softplus(0.5)", "softplus(x, 0.5)" },
        { "softmax", "softmax(x, 1)" },
        { "prelu", "prelu(x, 0.25)" },
        { "maxout(pieces: 2)", "max over 2 consecutive channels" },
        { "maxout(4)", "max over 4 consecutive channels" },
        { "maxpool(kernel: 3, stride: 2, padding: 1)", "max_pool2d(x, 3, 2, 1)" },
        { "avgpool(kernel: 3, stride: 1, padding: 1)", "avg_pool2d(x, 3, 1, 1)" },
        { "in(eps: 0.3)", "instance_norm(x, eps 0.3)" },
        { "gn(groups: 2, eps: 0.4)", "group_norm(x, 2, eps 0.4)" },
        { "ln(eps: 0.5)", "layer_norm(x, [4, 6, 6], eps 0.5)" },
    };

    /// <summary>What <c>torch.nn.functional</c> gives for the source's values (the second column names the call).</summary>
    private static Tensor Reference(string call, Tensor x) => call switch
    {
        "leaky_relu(x, 0.3)" => nn.functional.leaky_relu(x, 0.3),
        "leaky_relu(x, 0.05)" => nn.functional.leaky_relu(x, 0.05),
        "elu(x, 2.5)" => nn.functional.elu(x, 2.5),
        "elu(x, 0.4)" => nn.functional.elu(x, 0.4),
        "softplus(x, 3)" => nn.functional.softplus(x, 3),
        "softplus(x, 0.5)" => nn.functional.softplus(x, 0.5),
        "softmax(x, 1)" => nn.functional.softmax(x, 1),
        "prelu(x, 0.25)" => nn.functional.prelu(x, tensor(new float[] { 0.25f })),
        "max over 2 consecutive channels" => x.reshape(x.shape[0], x.shape[1] / 2, 2, x.shape[2], x.shape[3]).amax(new long[] { 2 }),
        "max over 4 consecutive channels" => x.reshape(x.shape[0], x.shape[1] / 4, 4, x.shape[2], x.shape[3]).amax(new long[] { 2 }),
        "max_pool2d(x, 3, 2, 1)" => nn.functional.max_pool2d(x, new long[] { 3, 3 }, new long[] { 2, 2 }, new long[] { 1, 1 }),
        "avg_pool2d(x, 3, 1, 1)" => nn.functional.avg_pool2d(x, new long[] { 3, 3 }, new long[] { 1, 1 }, new long[] { 1, 1 }),
        "instance_norm(x, eps 0.3)" => nn.functional.instance_norm(x, eps: 0.3),
        "group_norm(x, 2, eps 0.4)" => nn.functional.group_norm(x, 2, ones(4), zeros(4), eps: 0.4),
        "layer_norm(x, [4, 6, 6], eps 0.5)" => nn.functional.layer_norm(x, new long[] { 4, 6, 6 }, ones(4, 6, 6), zeros(4, 6, 6), eps: 0.5),
        _ => throw new ArgumentOutOfRangeException(nameof(call), call, null),
    };

    [Theory]
    [MemberData(nameof(ElementWise))]
    public void The_module_computes_what_the_functional_call_with_the_source_values_computes(string layer, string call)
    {
        using var scope = NewDisposeScope();
        var (_, module) = Build(layer, "4x6x6");
        Tensor x = Input(3, 4, 6, 6);
        module.train();
        using var _ = no_grad();
        AssertClose(Reference(call, x), module.forward(x), layer);
        module.eval();
        AssertClose(Reference(call, x), module.forward(x), layer + " (eval)");
    }

    [Theory]
    [InlineData("bn(eps: 0.1, momentum: 0.3)", "4x6x6", 0.1, 0.3)]
    [InlineData("bn(momentum: 0.75)", "4x6x6", 1e-5, 0.75)]
    [InlineData("bn(eps: 0.2, momentum: 0.6)", "6", 0.2, 0.6)]
    [InlineData("batchnorm(eps: 0.05)", "6", 0.05, 0.1)]
    public void Batch_norm_uses_the_source_eps_and_momentum(string layer, string input, double eps, double momentum)
    {
        using var scope = NewDisposeScope();
        var (_, module) = Build(layer, input);
        long[] shape = input.Contains('x') ? new long[] { 5, 4, 6, 6 } : new long[] { 5, 6 };
        long channels = shape[1];
        Tensor x = Input(shape);
        Tensor runningMean = zeros(channels), runningVar = ones(channels);
        using var _ = no_grad();

        // training: the batch's statistics with eps, and running statistics moved by momentum
        module.train();
        var trained = module.forward(x);
        var expected = nn.functional.batch_norm(x, runningMean, runningVar, ones(channels), zeros(channels), training: true, momentum: momentum, eps: eps);
        AssertClose(expected, trained, layer);
        var buffers = module.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        AssertClose(runningMean, buffers["running_mean"], layer + ": running mean");
        AssertClose(runningVar, buffers["running_var"], layer + ": running variance");

        // evaluation: the running statistics with eps
        module.eval();
        AssertClose(
            nn.functional.batch_norm(x, runningMean, runningVar, ones(channels), zeros(channels), training: false, momentum: momentum, eps: eps),
            module.forward(x),
            layer + " (eval)");
    }

    [Theory]
    [InlineData("dropout(0.7)", 0.7)]
    [InlineData("dropout(p: 0.2)", 0.2)]
    [InlineData("dropout2d(0.25)", 0.25)]
    [InlineData("dropout2d(p: 0.6)", 0.6)]
    public void Dropout_uses_the_source_probability(string layer, double p)
    {
        using var scope = NewDisposeScope();
        var (model, module) = Build(layer, "16x8x8");
        bool channels = model.KindName == "dropout2d";
        Tensor x = Input(64, 16, 8, 8);
        using var _ = no_grad();
        module.train();

        // the same generator state gives the functional call's mask
        random.manual_seed(99);
        var output = module.forward(x);
        random.manual_seed(99);
        var expected = channels ? nn.functional.dropout2d(x, p, training: true) : nn.functional.dropout(x, p, training: true);
        AssertClose(expected, output, layer);

        // whatever the generator: kept values are scaled by 1 / (1 - p), and about p of them (of the channels) are zeroed
        var kept = output.ne(0);
        AssertClose(x.masked_select(kept) / (1 - p), output.masked_select(kept), layer + ": kept values");
        Tensor zeroed = channels ? output.abs().sum(new long[] { 2, 3 }).eq(0) : output.eq(0);
        double fraction = zeroed.to(float64).mean().item<double>();
        Assert.InRange(fraction, p - 0.05, p + 0.05);

        module.eval();
        AssertClose(x, module.forward(x), layer + " (eval)");
    }
}
