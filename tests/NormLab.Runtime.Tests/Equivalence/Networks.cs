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
    }

    public static (string Path, string Text, string Namespace, string Name) Find(string name) => All().Single(n => n.Name == name);

    /// <summary>What the generated Build passes NetworkBuilder.Check: the path relative to the project.</summary>
    public static string RelativePath(string path) => path.Substring("/project/".Length);
}
