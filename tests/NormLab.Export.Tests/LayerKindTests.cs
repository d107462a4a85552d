using System.Linq;
using NormLab.Dsl;
using NormLab.Runtime.Building;
using Xunit;
using static TorchSharp.torch;

namespace NormLab.Export.Tests;

/// <summary>
/// Each layer kind and construct on its own (and its variants: 1-d, HxW, ceil mode, non-affine), exported and run
/// in ONNX Runtime: a difference here names the translation at fault, which the random architectures cannot.
/// </summary>
[Collection(TorchState.Name)]
public sealed class LayerKindTests
{
    [Theory]
    [InlineData("conv3x3(6) > conv(4, kernel: 1x3, stride: 2x1, dilation: 2x1, padding: 1x2, bias: true) > conv(4, kernel: 3, groups: 2, dilation: 2)", "3x11x9")]
    [InlineData("conv1d(6, kernel: 5, stride: 2, padding: 1) > conv1d(6, kernel: 3, groups: 3, dilation: 2)", "signal 2x40")]
    [InlineData("flatten > linear(8) > linear(5, bias: false)", "2x3x3")]
    [InlineData("bn > bn(affine: false) > bn(eps: 0.001)", "4x5x5")]
    [InlineData("bn > bn(affine: false)", "signal 3x9")]
    [InlineData("bn > linear(4) > bn(affine: false)", "6")]
    [InlineData("ln > ln(affine: false, eps: 0.001)", "3x4x5")]
    [InlineData("ln(over: channels) > ln(over: channels, affine: false)", "3x4x5")]
    [InlineData("ln(over: channels) > ln", "signal 3x7")]
    [InlineData("ln(over: channels) > ln", "7")]
    [InlineData("in > in(affine: true)", "3x4x5")]
    [InlineData("in(affine: true)", "signal 3x8")]
    [InlineData("gn(groups: 2) > gn(groups: 3, affine: false) > gn(groups: 1)", "6x4x5")]
    [InlineData("gn(groups: 2)", "signal 4x6")]
    [InlineData("relu > leakyrelu(0.2) > elu(0.5) > prelu > sigmoid > tanh", "3x4x4")]
    [InlineData("softplus > softplus(beta: 0.5) > softplus(beta: 3) > swish > gelu > mish > selu", "3x4x4")]
    [InlineData("relu6 > hardswish > hardsigmoid > softmax > maxout(3)", "6x4x4")]
    [InlineData("maxout(2) > softmax", "8")]
    [InlineData("maxpool > maxpool(kernel: 3, stride: 1, padding: 1) > maxpool(kernel: 2x3, stride: 1x2, dilation: 2x1)", "2x13x17")]
    [InlineData("maxpool(kernel: 3, stride: 2, ceil: true) > maxpool(kernel: 3, stride: 2, padding: 1, ceil: true, dilation: 2)", "2x14x17")]
    [InlineData("maxpool(kernel: 2, stride: 3, ceil: true) > maxpool(kernel: 1, stride: 2, ceil: true)", "2x14x17")]
    [InlineData("avgpool > avgpool(kernel: 3, stride: 1, padding: 1) > avgpool(kernel: 2x3, stride: 1x2)", "2x13x17")]
    [InlineData("avgpool(kernel: 3, stride: 2, ceil: true) > avgpool(kernel: 3, stride: 2, padding: 1, ceil: true)", "2x14x17")]
    [InlineData("avgpool(kernel: 2, stride: 3, ceil: true) > avgpool(kernel: 3, stride: 2, padding: 1, ceil: true)", "2x20x23")]
    [InlineData("maxpool1d(kernel: 3, ceil: true) > avgpool1d(kernel: 3, stride: 2, padding: 1, ceil: true) > avgpool1d(kernel: 2)", "signal 3x31")]
    [InlineData("gap > linear(3)", "4x5x6")]
    [InlineData("gmp > linear(3)", "4x5x6")]
    [InlineData("gap", "signal 4x9")]
    [InlineData("gmp", "signal 4x9")]
    [InlineData("dropout > dropout2d > droppath > identity > flatten", "3x4x4")]
    [InlineData("dropout1d > dropout", "signal 3x5")]
    [InlineData("layerscale(0.5) > channels(1, 3)", "4x3x3")]
    [InlineData("layerscale(0.5) > channels(1, 3)", "signal 4x3")]
    [InlineData("layerscale(0.5) > channels(1, 5)", "6")]
    [InlineData("shuffle(2) > shuffle(3)", "6x3x4")]
    [InlineData("shuffle(2)", "signal 4x5")]
    [InlineData("residual { conv3x3(3) > bn > relu } > residual(project) { conv3x3(6, stride: 2) > bn }", "3x9x7")]
    [InlineData("residual(project) { linear(5) > prelu } > residual { linear(5) }", "3")]
    [InlineData("concat { identity | conv1x1(3) > bn > relu | maxpool(kernel: 3, stride: 1, padding: 1) > conv1x1(2) }", "4x5x5")]
    [InlineData("concat { linear(3) | identity } > linear(2)", "4")]
    [InlineData("scale { gap > linear(2) > relu > linear(4) > sigmoid }", "4x3x5")]
    [InlineData("scale { gap > linear(2) > relu > linear(4) > sigmoid }", "signal 4x7")]
    [InlineData("scale { linear(4) > sigmoid }", "4")]
    [InlineData("se(2) > se(2, act: leakyrelu(0.2), gate: hardsigmoid)", "4x3x5")]
    [InlineData("se(2, act: swish)", "signal 4x7")]
    public void The_layer_runs_the_same_in_onnx_runtime(string pipeline, string input)
    {
        using var threads = OnnxKit.OneThread();
        var result = NormLabCompiler.Check($"network N(input: {input}) {{ {pipeline} }}", "kind.normlab");
        var network = result.Networks.Single();
        Assert.True(network.IsValid, string.Join("\n", network.Diagnostics));
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        using var module = new NetworkModule(network);
        OnnxKit.Perturb(module, 3);
        var comparison = OnnxKit.Compare(module, network, seed: 4);
        Assert.False(comparison.Undecided, "libtorch's NaN left the comparison undecided");
        Assert.True(comparison.Problems.Count == 0, string.Join("\n", comparison.Problems));
    }
}
