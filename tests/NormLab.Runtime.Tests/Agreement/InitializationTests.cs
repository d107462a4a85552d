using System;
using System.Linq;
using NormLab.Dsl.Layers;
using NormLab.Dsl;
using NormLab.Dsl.Binding;
using NormLab.Dsl.Model;
using NormLab.Runtime.Building;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NormLab.Runtime.Tests.Agreement;

/// <summary>
/// Every layer LayerFactory creates starts as PyTorch's would: normalizations at weight 1 and bias 0 (running
/// mean 0 and variance 1), prelu at 0.25, convolutions and linear layers uniform within 1/sqrt(fan in).
/// Uninitialized memory (TorchSharp 0.107's GroupNorm allocates its weight and bias with torch.empty)
/// would break both training and "same seed, same weights".
/// </summary>
[Collection(TorchState.Name)]
public sealed class InitializationTests
{
    private const string Text = """
        network Everything(input: 4x8x8) {
            conv(8, kernel: 3, groups: 2, bias: true) > bn > prelu
            > conv1x1(8) > in(affine: true) > gn(groups: 4) > ln > relu
            > residual(project) { conv3x3(16, stride: 2) > bn > relu }
            > gap > linear(6) > bn > residual(project) { linear(4) } > ln
        }
        """;

    [Fact]
    public void Every_layer_starts_as_in_PyTorch()
    {
        var network = NormLabCompiler.Check(Text, "init.normlab").Networks.Single();
        Assert.True(network.IsValid, string.Join(Environment.NewLine, network.Diagnostics));
        random.manual_seed(3);
        using var scope = NewDisposeScope();

        // fill the allocator's free lists with garbage first, so that uninitialized memory shows
        for (var i = 0; i < 20; i++)
        {
            using var garbage = full(new long[] { 64 }, 12345.0f);
        }

        using var module = new NetworkModule(network);
        var layers = network.AllLayers().Where(l => l.HasModule).ToDictionary(l => l.Name);
        foreach (var (name, child) in module.named_children())
        {
            var layer = layers[name];
            var tensors = child.named_parameters().Select(p => (p.Item1, (Tensor)p.Item2)).Concat(child.named_buffers().Select(b => (b.Item1, b.Item2))).ToList();
            foreach (var (key, tensor) in tensors)
            {
                var what = $"{name}.{key} ({layer.KindName})";
                Assert.True(tensor.isfinite().all().item<bool>(), what + " is not finite");
                switch (layer.Kind == LayerKind.Conv ? "conv" : layer.Kind == LayerKind.Linear ? "linear" : layer.Kind == LayerKind.PReLU ? "prelu" : "other", key)
                {
                    case ("conv" or "linear", "weight" or "bias"):
                    {
                        var fanIn = layer.Kind == LayerKind.Conv ? (layer.InFeatures / layer.Groups) * layer.Kernel * layer.Kernel : layer.InFeatures;
                        var bound = 1.0 / Math.Sqrt(fanIn);
                        Assert.True(tensor.abs().max().item<float>() <= bound + 1e-6, $"{what} exceeds {bound}");
                        Assert.True(tensor.std().item<float>() > 0, what + " is constant");
                        break;
                    }

                    case ("prelu", "weight"):
                        Assert.True(tensor.eq(0.25f).all().item<bool>(), what + " is not 0.25");
                        break;
                    case (_, "weight" or "running_var"):
                        Assert.True(tensor.eq(1f).all().item<bool>(), what + " is not 1");
                        break;
                    case (_, "bias" or "running_mean"):
                        Assert.True(tensor.eq(0f).all().item<bool>(), what + " is not 0");
                        break;
                    case (_, "num_batches_tracked"):
                        Assert.Equal(0L, tensor.item<long>());
                        break;
                    default:
                        Assert.Fail($"{what}: unexpected tensor");
                        break;
                }
            }
        }
    }

    [Fact]
    public void GroupNorm_of_the_factory_is_the_identity_on_standardized_groups()
    {
        var network = NormLabCompiler.Check("network G(input: 4x3x3) { gn(groups: 2) }", "gn.normlab").Networks.Single();
        var layer = network.Layers.Single();
        using var scope = NewDisposeScope();
        using var norm = LayerFactory.Create<TorchSharp.Modules.GroupNorm>(layer);
        var input = randn(2, 4, 3, 3);
        var expected = nn.functional.group_norm(input, 2, eps: layer.Eps);
        Assert.True(norm.forward(input).allclose(expected, rtol: 1e-5, atol: 1e-6));
    }
}
