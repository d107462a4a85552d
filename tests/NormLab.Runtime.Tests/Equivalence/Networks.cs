using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NormLab.Runtime.Tests.Agreement;

namespace NormLab.Runtime.Tests.Equivalence;

/// <summary>The networks compared between the generated modules and the run-time builder.</summary>
internal static class Networks
{
    /// <summary>Where the generator reads the text from (the SDK passes absolute paths).</summary>
    public const string EquivalencePath = "/project/networks/equivalence.normlab";

    public const string OrderingPath = "/project/networks/ordering.normlab";

    /// <summary>
    /// A projected residual with stride-2 branches, repeats and hyper-parameters, and two networks that
    /// between them use every layer of the catalog (gap and gmp cannot both end one pipeline).
    /// </summary>
    public const string EquivalenceText = """
        namespace Equivalence

        block Down(c) = conv3x3(c, stride: 2) > bn > relu > conv3x3(c) > bn

        network Projected(input: 3x16x16, classes: 10, width: 8, pools: 1) {
            conv3x3(width) > bn > relu
            > residual(project) { Down(width * 2) } > relu
            > residual { conv3x3(width * 2) > bn > relu > conv3x3(width * 2) > bn } > relu
            > residual(project) { conv1x1(width * 4, stride: 2, bias: false) > bn } > relu
            > maxpool * pools
            > gap > linear(classes)
        }

        network Everything(input: 3x16x16, classes: 5, width: 8) {
            conv(width, kernel: 5, stride: 1, padding: same, dilation: 1, groups: 1, bias: true) > bn > relu
            > conv1x1(width) > in(affine: true) > leakyrelu(0.2)
            > conv5x5(width, groups: 2) > gn(groups: 4) > elu(alpha: 0.5)
            > conv(width * 2, 4, dilation: 2, padding: valid) > ln > prelu
            > maxpool(kernel: 3, stride: 1, padding: 1) > sigmoid
            > conv7x7(width * 2, padding: 3) > batchnorm(eps: 0.001, momentum: 0.05) > tanh
            > avgpool(kernel: 3, stride: 2, padding: 1) > softplus(beta: 2) > dropout2d(0.1)
            > residual { conv3x3(width * 2) > bn > swish > conv3x3(width * 2) > bn }
            > residual(project) { conv3x3(width * 4, stride: 2) > bn > gelu } > mish
            > gap > linear(32) > bn > selu > dropout(0.25) > identity
            > residual(project) { linear(16) > relu6 > hardswish } > hardsigmoid > maxout(pieces: 2)
            > linear(classes) > softmax
        }

        network EverythingElse(input: 2x12x12, classes: 3) {
            conv3x3(8, stride: 2, padding: 1) > bn(affine: false) > relu > maxout
            > residual(project) { maxpool(2) > conv1x1(6) } > gmp > flatten > ln(affine: false) > linear(classes)
        }
        """;

    public const string SecondReleasePath = "/project/networks/second.normlab";

    /// <summary>
    /// The second release's constructs (issue 11), every one at least once: concat (nested, identity, a residual and a
    /// block inside, a reduction), the ShuffleNet split, scale, se with act and gate, droppath and layerscale in
    /// residual branches, ln(over: channels), HxW arguments, ceil and dilated pools, in_channels, X * n as i with
    /// round/min/max, and a 1-d signal network with conv1d/maxpool1d/avgpool1d/dropout1d and the rank-polymorphic
    /// layers. Input channels stay under 20 (see LibTorchAgreement: libtorch's CPU convolutions here sometimes give
    /// NaN with more).
    /// </summary>
    public const string SecondReleaseText = """
        namespace SecondRelease

        block Mixed(a, b) = concat { conv1x1(a) > bn > relu | conv1x1(b) > bn > relu > conv(b, kernel: 1x3, padding: 0x1) > conv(b, kernel: 3x1, padding: 1x0) > bn > relu | maxpool(kernel: 3, stride: 1, padding: 1, ceil: true) > conv1x1(a) | identity }
        block Split(c) = concat { channels(0, c / 2) | channels(c / 2, c) > conv1x1(c / 2) > bn > relu > conv3x3(c / 2, groups: c / 2) > bn > conv1x1(c / 2) > bn > relu } > shuffle(2)
        block Modern(drop = 0.1) = residual { conv(in_channels, kernel: 7, groups: in_channels) > ln(over: channels) > conv1x1(in_channels * 2) > gelu > conv1x1(in_channels) > layerscale(0.5) > droppath(drop) }

        network Branches(input: 3x12x12, classes: 5, width: 4) {
            conv3x3(width) > bn > hardswish
            > Mixed(2, 3)
            > conv1x1(12) > bn > relu
            > Split(12)
            > scale { gap > linear(3) > relu > linear(12) > hardsigmoid }
            > se(max(1, round(12 / 5)), act: leakyrelu(0.2), gate: hardsigmoid)
            > Modern(min(0.3, 0.1 * (i + 1))) * 2 as i
            > maxpool(kernel: 3, stride: 2, ceil: true)
            > concat { concat { conv(3, kernel: 3, padding: 1) | residual { conv3x3(12) > bn > droppath(0.2) } > conv1x1(3) } | Split(12) > conv1x1(2) | identity > channels(0, 4) }
            > concat { conv(2, kernel: 3, stride: 2, padding: valid) | maxpool(kernel: 3, stride: 2) | avgpool(kernel: 3, stride: 2) > conv1x1(2) }
            > conv(8, kernel: 3x1, dilation: 2x1, stride: 1x2, padding: 2x1) > in(affine: true) > relu6
            > maxpool(kernel: 2x1, stride: 1, dilation: 1, ceil: true) > avgpool(kernel: 1x2, stride: 1x2, ceil: true)
            > gap > linear(classes)
        }

        network Signals(input: signal 2x40, classes: 3) {
            conv1d(8, kernel: 7, stride: 2, padding: 3) > bn > relu
            > maxpool1d(kernel: 3, stride: 2, padding: 1, ceil: true)
            > concat { conv(4, kernel: 1) > in(affine: true) > relu | avgpool1d(kernel: 3, stride: 1, padding: 1) > conv(4, kernel: 3) | identity }
            > gn(groups: 4) > ln(over: channels)
            > residual { conv(16, kernel: 3, groups: 4) > bn > se(4, gate: hardsigmoid) > layerscale(0.1) > droppath(0.2) }
            > dropout1d(0.1) > shuffle(4) > channels(2, 14)
            > maxpool(kernel: 3, stride: 2, dilation: 2, ceil: true) > avgpool(kernel: 2, ceil: true) > ln > dropout(0.1)
            > gmp > scale { linear(3) > relu > linear(12) > sigmoid } > concat { linear(4) | identity } > linear(classes)
        }
        """;

    public static string OrderingText { get; } = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "examples", "networks", "ordering.normlab"));

    /// <summary>(path, text, namespace, network) of every compared network.</summary>
    public static IEnumerable<(string Path, string Text, string Namespace, string Name)> All()
    {
        foreach (var name in new[] { "ConvBnRelu", "ConvReluBn", "Residual" })
        {
            yield return (OrderingPath, OrderingText, "OrderingStudy", name);
        }

        foreach (var name in new[] { "Projected", "Everything", "EverythingElse" })
        {
            yield return (EquivalencePath, EquivalenceText, "Equivalence", name);
        }

        foreach (var name in new[] { "Branches", "Signals" })
        {
            yield return (SecondReleasePath, SecondReleaseText, "SecondRelease", name);
        }
    }

    public static (string Path, string Text, string Namespace, string Name) Find(string name) => All().Single(n => n.Name == name);

    /// <summary>What the generated Build passes NetworkBuilder.Check: the path relative to the project.</summary>
    public static string RelativePath(string path) => path.Substring("/project/".Length);
}
