using NormLab.Dsl;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Tests.Infrastructure;
using static NormLab.Dsl.Diagnostics.DiagnosticSeverity;

namespace NormLab.Dsl.Tests.Diagnostics;

/// <summary>
/// One case per diagnostic ID where it fires (ID, severity, exact span, and no other ID than those listed)
/// and one near miss where it must not fire. <see cref="EveryDescriptorHasAFiringCaseAndANearMiss"/>
/// fails when a descriptor of the catalog has no case here.
/// </summary>
public class DiagnosticCatalogTests
{
    private static readonly string[] None = [];

    /// <summary>(ID, severity, annotated text, other IDs that this text also reports).</summary>
    public static TheoryData<string, DiagnosticSeverity, string, string[]> Fires => new()
    {
        // ---- NL0xxx: language ----
        { "NL0001", Error, "network A(input: 1x28x28) { conv3x3(8) > relu > [|>|] flatten > linear(10) }", None },
        { "NL0001", Error, "network A(input: 1x28x28) { conv3x3(8) > relu > flatten > linear(10) } [|/*|] not closed", None },
        { "NL0002", Error, "network A(input: 1x28x28) { conv3x3(8) > [|batchnrom|] > relu > flatten > linear(10) }", None },
        { "NL0003", Error, "network A(input: 1x28x28) { conv3x3(8) > relu > dropout([|1.5|]) > flatten > linear(10) }", None },
        { "NL0004", Error, "network A(input: 784) { linear(10) }\nnetwork [|A|](input: 784) { linear(10) }", None },
        { "NL0005", Error, "network A(input: 1x28x28, width: 8) { conv3x3([|widht|]) > relu > flatten > linear(10) }", None },
        { "NL0006", Error, "network [|class|](input: 784) { linear(10) }", None },
        { "NL0007", Error, "block [|Loop|] = conv3x3(8) > relu > Loop\nnetwork A(input: 1x28x28) { Loop > flatten > linear(10) }", None },
        { "NL0008", Error, "network [|A|](input: 1x28x28) { }", None },
        { "NL0009", Error, "network A(input: [|0x28x28|]) { conv3x3(8) > relu > flatten > linear(10) }", None },
        { "NL0010", Warning, "network A(input: 784) allow [|NL9999|] { linear(10) }", None },
        { "NL0011", Error, "block B(c, [|c|]) = conv3x3(c)\nnetwork A(input: 1x28x28) { B(8) > relu > flatten > linear(10) }", None },
        // the 10,001st layer is the first of the second repeat
        { "NL0012", Error, "network A(input: 784) { identity * 10000 > [|identity|] * 10 > linear(10) }", None },
        // about 80 steps per layer: the step budget runs out before the layer budget
        { "NL0013", Error, "network A(input: 784) { [|linear(" + string.Concat(Enumerable.Repeat("1 + ", 40)) + "1)|] * 5000 }", None },
        // 600 blocks, each calling the one before: deeper than the expansion follows
        { "NL0014", Error, string.Concat(Enumerable.Range(1, 600).Select(i => $"block B{i} = B{i - 1}\n")) + "block B0 = relu\nnetwork A(input: 784) { [|B600|] > linear(10) }", None },
        { "NL0015", Error, "network A(input: 1x28x28) { conv3x3(8) > relu * [|0|] > flatten > linear(10) }", None },
        { "NL0016", Error, "network A(input: 1x28x28) { conv3x3([|8 / 0|]) > relu > flatten > linear(10) }", None },
        { "NL0017", Error, "network A(input: 1x28x28) { conv3x3([|9007199254740992 * 4|]) > relu > flatten > linear(10) }", None },
        { "NL0018", Error, "network A(input: 1x28x28) { conv3x3(8) > relu > flatten > linear(10 [|+|] relu) }", None },
        { "NL0019", Error, "block B(act) = conv3x3(8) > act\nnetwork A(input: 1x28x28) { [|B(3)|] > flatten > linear(10) }", None },
        { "NL0020", Error, "block B(act) = conv3x3(8) > act(0.2)\nnetwork A(input: 1x28x28) { [|B(leakyrelu)|] > flatten > linear(10) }", None },
        { "NL0021", Error, "network A(input: 784, classes: [|0|]) { linear(10) }", None },
        { "NL0022", Error, "network A(input: 784, [|width|]) { linear(10) }", None },
        { "NL0023", Error, "network A(input: 784, width: [|relu|]) { linear(10) }", None },
        { "NL0024", Error, "network A(input: 1x28x28) { conv3x3(8) > relu([|3|]) > flatten > linear(10) }", None },
        { "NL0025", Error, "network A(input: 1x28x28) { conv3x3(8, [|strid|]: 2) > relu > flatten > linear(10) }", None },
        { "NL0026", Error, "network A(input: 1x28x28) { conv3x3(8, stride: 1, [|stride: 2|]) > relu > flatten > linear(10) }", None },
        { "NL0027", Error, "network A(input: 1x28x28) { conv3x3(8) > [|gn|] > relu > flatten > linear(10) }", None },
        { "NL0028", Error, "network A(input: 1x28x28) { conv3x3(8) > relu > [|avgpool(kernel: 2, padding: 2)|] > flatten > linear(10) }", None },
        { "NL0029", Error, "network A(input: 1x28x28) { conv3x3(8, [|kernel|]: 5) > relu > flatten > linear(10) }", None },
        { "NL0030", Error, "network A(input: 8x28x28) { residual([|3|]) { conv3x3(8) > bn > relu } > flatten > linear(10) }", None },
        // 1,001 networks with a warning each: the first 1,000 are listed, NL0031 stands at the one left out
        // (an error when an error is left out: DiagnosticLimitTests)
        { "NL0031", Warning, NetworksWithAWarning(NormLabCompiler.MaxDiagnostics) + "network Last(input: 16) { linear(8) > relu > [|bn|] > linear(4) }", ["NL1001"] },

        // ---- NL1xxx: ordering ----
        { "NL1001", Warning, "network N(input: 1x28x28) { conv3x3(8) > relu > [|bn|] > flatten > linear(10) }", None },
        { "NL1002", Info, "network A(input: 1x28x28) { [|conv3x3(8, bias: true)|] > bn > relu > flatten > linear(10) }", None },
        { "NL1003", Warning, "network A(input: 1x28x28) { conv3x3(8) > relu > [|dropout|] > bn > flatten > linear(10) }", None },
        { "NL1004", Warning, "network A(input: 1x28x28) { conv3x3(8) > bn > [|bn|] > relu > flatten > linear(10) }", None },
        { "NL1005", Warning, "network A(input: 1x28x28) { conv3x3(8) > relu > [|relu|] > flatten > linear(10) }", None },
        // the contract's own example: separated only by pooling and flatten
        { "NL1005", Warning, "network A(input: 1x28x28) { conv3x3(8) > relu > avgpool > flatten > [|softmax|] > linear(10) }", None },
        { "NL1006", Warning, "network A(input: 1x28x28) { conv3x3(8) > bn > [|conv3x3(8)|] > relu > flatten > linear(10) }", None },
        { "NL1006", Warning, "network A(input: 784) { linear(64) > dropout > [|linear(10)|] }", None },
        { "NL1007", Warning, "network A(input: 1x28x28) { conv3x3(8) > relu > flatten > linear(10) > [|softmax|] }", None },
        { "NL1008", Warning, "network A(input: 1x28x28) { conv3x3(8) > relu > flatten > linear(10) > [|bn|] }", None },
        { "NL1009", Hidden, "network A(input: 1x28x28) { conv3x3(8) > [|relu|] > maxpool > flatten > linear(10) }", None },
        { "NL1010", Warning, "network A(input: 784) { linear(64) > tanh > linear(64) > sigmoid > linear(64) > tanh > linear(64) > [|tanh|] > linear(10) }", None },
        { "NL1011", Info, "network A(input: 1x28x28) { [|avgpool|] > conv3x3(8) > relu > flatten > linear(10) }", None },
        { "NL1012", Warning, "network A(input: 8x28x28) { residual { conv3x3(8) > bn > relu > conv3x3(8) > bn } > [|bn|] > relu > flatten > linear(10) }", None },
        // directly before pooling, and with only an activation between (gelu: not monotone, so no NL1009)
        { "NL1013", Info, "network A(input: 1x28x28) { conv3x3(8) > relu > [|dropout|] > avgpool > conv3x3(8) > [|dropout2d|] > gelu > maxpool > flatten > linear(10) }", None },
        { "NL1014", Error, "network A(input: 1x28x28) { conv3x3(8) > relu > flatten > linear(1) > [|softmax|] }", ["NL1007"] },
        // every path pools after each convolution, the concat's branches included
        { "NL4005", Hidden, "network A(input: 3x64x64) { conv3x3(16) > gelu > [|maxpool|] > concat { conv3x3(16) > gelu > [|maxpool|] | conv1x1(16) > gelu > [|avgpool|] } > conv3x3(32) > gelu > [|maxpool|] > conv3x3(64) > gelu > [|maxpool|] > conv3x3(64) > gelu > [|maxpool|] > flatten > linear(10) }", None },
        { "NL1015", Warning, "network A(input: 1x28x28) { conv3x3(8) > bn > relu > [|droppath(0.1)|] > concat { identity | conv3x3(8) > [|droppath|] } > gap > linear(10) }", None },
        // the second release's rules hold inside branches and on signals
        { "NL1001", Warning, "network A(input: 1x28x28) { conv3x3(8) > concat { relu > [|bn|] | identity } > gap > linear(10) }", None },
        // ... and across a branch boundary: into a branch (every branch reads the container's input), out of a concat
        // (the next layer reads every branch's channels; an identity branch passes the concat's input on)
        { "NL1001", Warning, "network A(input: 1x28x28) { conv3x3(8) > relu > concat { [|bn|] > conv3x3(4) | identity } > gap > linear(10) }", None },
        { "NL1001", Warning, "network A(input: 1x28x28) { conv3x3(8) > relu > residual { [|bn|] > conv3x3(8) } > gap > linear(10) }", None },
        { "NL1001", Warning, "network A(input: 1x28x28) { conv3x3(8) > concat { conv3x3(4) > relu | conv1x1(4) > relu } > [|bn|] > gap > linear(10) }", None },
        { "NL1001", Warning, "network A(input: 1x28x28) { conv3x3(8) > relu > concat { identity | conv3x3(4) } > [|bn|] > gap > linear(10) }", None },
        { "NL1001", Warning, "network A(input: 1x28x28) { conv3x3(8) > relu > concat { concat { [|bn|] | identity } | identity } > gap > linear(10) }", None },
        { "NL1003", Warning, "network A(input: 1x28x28) { conv3x3(8) > relu > [|dropout|] > residual { bn > conv3x3(8) } > gap > linear(10) }", None },
        { "NL1004", Warning, "network A(input: 1x28x28) { conv3x3(8) > concat { conv3x3(4) > bn | conv1x1(4) > bn } > [|bn|] > relu > gap > linear(10) }", None },
        { "NL1002", Info, "network A(input: 1x28x28) { conv3x3(8) > concat { [|conv3x3(8, bias: true)|] > bn | identity } > relu > gap > linear(10) }", None },
        { "NL1013", Info, "network A(input: signal 1x100) { conv(8) > relu > [|dropout|] > maxpool1d > gap > linear(10) }", None },
        { "NL2002", Error, "network A(input: signal 2x50) { conv(8) > relu > [|linear(10)|] }", None },

        // ---- NL2xxx: shapes ----
        // 4 -> 2 -> 1, and a 2x2 window does not fit in 1x1
        { "NL2001", Error, "network A(input: 1x4x4) { conv3x3(8) > relu > avgpool > avgpool > [|avgpool|] > flatten > linear(10) }", None },
        { "NL2001", Error, "network A(input: 1x3x3) { [|conv(8, kernel: 5, padding: valid)|] > relu > flatten > linear(10) }", None },
        { "NL2002", Error, "network A(input: 1x28x28) { conv3x3(8) > relu > [|linear(10)|] }", None },
        { "NL2003", Error, "network A(input: 1x28x28) { flatten > [|conv3x3(8)|] > relu > linear(10) }", None },
        { "NL2004", Error, "network A(input: 1x28x28, classes: 10) { conv3x3(8) > relu > flatten > [|linear(5)|] }", None },
        // 7x7 pooled by 2x2/2: floor((7 - 2) / 2) + 1 = 3 windows cover rows 0..5; row 6 is dropped
        { "NL2005", Info, "network A(input: 1x7x7) { conv3x3(8) > relu > [|avgpool|] > flatten > linear(10) }", None },
        { "NL2006", Error, "network A(input: 1x28x28) { conv3x3(6) > relu > [|conv(8, groups: 4)|] > relu > flatten > linear(10) }", None },
        { "NL2006", Error, "network A(input: 1x28x28) { conv3x3(6) > relu > [|gn(groups: 4)|] > flatten > linear(10) }", ["NL1001"] },
        { "NL2006", Error, "network A(input: 784) { linear(9) > [|maxout(pieces: 2)|] > linear(4) }", None },
        { "NL2007", Error, "network A(input: 1x28x28) { conv3x3(8) > relu > [|residual|] { conv3x3(16) > relu } > flatten > linear(10) }", None },
        // Linear(150528, 1000): 3*224*224 = 150528; 150528*1000 + 1000 = 150,529,000 > 10 million
        { "NL2008", Warning, "network A(input: 3x224x224) { flatten > [|linear(1000)|] }", None },
        { "NL2009", Error, "network A(input: 1x28x28) { conv3x3(8) > [|concat|] { identity | maxpool } > gap > linear(10) }", None },
        { "NL2010", Error, "network A(input: 1x28x28) { conv3x3(8) > [|scale|] { gap > linear(4) > sigmoid } > gap > linear(10) }", None },
        { "NL2011", Error, "network A(input: 1x28x28) { conv3x3(8) > [|channels(4, 12)|] > gap > linear(10) }", None },
        { "NL2012", Error, "network A(input: signal 2x50) { [|conv3x3(8)|] > relu > gap > linear(10) }", None },
        { "NL2012", Error, "network A(input: 1x28x28) { conv(8, kernel: 1x3, padding: 0x1) > gelu > [|maxpool1d|] > gap > linear(10) }", None },
        { "NL2012", Error, "network A(input: signal 2x50) { [|conv(8, kernel: 1x3)|] > relu > gap > linear(10) }", None },
        { "NL2013", Error, "network A(input: 1x28x28) { conv3x3(6) > [|shuffle(4)|] > gap > linear(10) }", None },

        // ---- NL4xxx: architecture hints (hidden) ----
        { "NL4001", Hidden, "network A(input: 784) { linear(64) > relu > [|linear(128)|] > relu > linear(10) }", None },
        { "NL4002", Hidden, "network A(input: 1x28x28) { conv3x3(64) > relu > [|conv3x3(32)|] > relu > flatten > linear(10) }", None },
        // 9 convolutions + 3 max poolings = 12 >= 10: a deep CNN; stage 1 starts with a 3x3/16 convolution
        { "NL4003", Hidden, "network A(input: 3x64x64) { conv3x3(16) > gelu > [|conv5x5(16)|] > gelu > [|conv3x3(32)|] > gelu > maxpool > conv3x3(32) > gelu > conv3x3(32) > gelu > maxpool > conv3x3(64) > gelu > conv3x3(64) > gelu > maxpool > conv3x3(64) > gelu > conv3x3(64) > gelu > gap > linear(10) }", None },
        // 8 convolutions + 4 average poolings = 12: deep, and it never max-pools or strides
        { "NL4004", Hidden, "network A(input: 3x64x64) { conv3x3(16) > relu > conv3x3(16) > relu > [|avgpool|] > conv3x3(32) > relu > conv3x3(32) > relu > [|avgpool|] > conv3x3(64) > relu > conv3x3(64) > relu > [|avgpool|] > conv3x3(64) > relu > conv3x3(64) > relu > [|avgpool|] > flatten > linear(10) }", None },
        // 5 convolutions + 5 poolings = 10: deep, one convolution per pooling
        { "NL4005", Hidden, "network A(input: 3x64x64) { conv3x3(16) > gelu > [|maxpool|] > conv3x3(32) > gelu > [|maxpool|] > conv3x3(64) > gelu > [|maxpool|] > conv3x3(64) > gelu > [|maxpool|] > conv3x3(64) > gelu > [|maxpool|] > flatten > linear(10) }", None },
    };

    /// <summary>(ID, text): the text is free of errors and must not report the ID.</summary>
    public static TheoryData<string, string> NearMisses => new()
    {
        { "NL0001", "network A(input: 1x28x28) { conv3x3(8) > relu > flatten > linear(10) } /* closed */ // to the end" },
        { "NL0002", "network A(input: 1x28x28) { conv3x3(8) > batchnorm > relu > flatten > linear(10) }" },
        { "NL0003", "network A(input: 1x28x28) { conv3x3(8) > relu > dropout(0.5) > flatten > linear(10) }" },
        { "NL0003", "network A(input: 1x28x28) { conv3x3(8) > relu > dropout(0) > flatten > linear(10) }" },
        { "NL0004", "network A(input: 784) { linear(10) }\nnetwork B(input: 784) { linear(10) }" },
        { "NL0005", "network A(input: 1x28x28, width: 8) { conv3x3(width) > relu > flatten > linear(10) }" },
        { "NL0006", "network Class(input: 784) { linear(10) }" },
        { "NL0007", "block Stem = conv3x3(8) > relu\nblock Two = Stem > Stem\nnetwork A(input: 1x28x28) { Two > Stem > flatten > linear(10) }" },
        { "NL0008", "network A(input: 1x28x28) { flatten > linear(10) }" },
        { "NL0009", "network A(input: 28x28) { conv3x3(8) > relu > flatten > linear(10) }" },
        { "NL0010", "network A(input: 1x28x28) allow NL1001 { conv3x3(8) > relu > bn > flatten > linear(10) }" },
        { "NL0011", "block B(c, d) = conv3x3(c) > conv3x3(d)\nnetwork A(input: 1x28x28) { B(8, 8) > relu > flatten > linear(10) }" },
        { "NL0012", "network A(input: 784) { identity * 9999 > linear(10) }" },
        { "NL0013", "network A(input: 784) { (linear(1 + 1 + 1) > relu) * 100 > linear(10) }" },
        { "NL0014", "block B(c) = conv3x3(c) > relu\nnetwork A(input: 1x28x28) { ((B(8))) > flatten > linear(10) }" },
        { "NL0015", "network A(input: 1x28x28) { conv3x3(8) > relu * 2 > flatten > linear(10) }" },
        { "NL0016", "network A(input: 1x28x28) { conv3x3(8 / 2) > relu > flatten > linear(10) }" },
        { "NL0017", "network A(input: 1x28x28) { conv3x3(2 * 4) > relu > flatten > linear(10) }" },
        { "NL0018", "network A(input: 1x28x28) { conv3x3(8) > relu > flatten > linear(10 + 2) }" },
        { "NL0019", "block B(act) = conv3x3(8) > act\nnetwork A(input: 1x28x28) { B(relu) > flatten > linear(10) }" },
        { "NL0020", "block B(act) = conv3x3(8) > act\nnetwork A(input: 1x28x28) { B(leakyrelu(0.2)) > flatten > linear(10) }" },
        { "NL0021", "network A(input: 784, classes: 10) { linear(classes) }" },
        { "NL0022", "network A(input: 784, width: 32) { linear(width) > relu > linear(10) }" },
        { "NL0023", "network A(input: 784, width: 32) { linear(width) > relu > linear(10) }" },
        { "NL0024", "network A(input: 1x28x28) { conv3x3(8, 1) > relu > flatten > linear(10) }" },
        { "NL0025", "network A(input: 1x28x28) { conv3x3(8, stride: 1) > relu > flatten > linear(10) }" },
        { "NL0026", "network A(input: 1x28x28) { conv3x3(8, stride: 1, padding: 1) > relu > flatten > linear(10) }" },
        { "NL0027", "network A(input: 1x28x28) { conv3x3(8) > gn(groups: 4) > relu > flatten > linear(10) }" },
        { "NL0028", "network A(input: 1x28x28) { conv3x3(8) > relu > avgpool(kernel: 2, padding: 1) > flatten > linear(10) }" },
        { "NL0029", "network A(input: 1x28x28) { conv(8, kernel: 5) > relu > flatten > linear(10) }" },
        { "NL0030", "network A(input: 8x28x28) { residual(project) { conv3x3(8) > bn > relu } > flatten > linear(10) }" },
        { "NL0031", NetworksWithAWarning(NormLabCompiler.MaxDiagnostics) },

        { "NL1001", "network N(input: 1x28x28) { conv3x3(8) > bn > relu > flatten > linear(10) }" },
        { "NL1002", "network A(input: 1x28x28) { conv3x3(8, bias: true) > relu > flatten > linear(10) }" },
        { "NL1002", "network A(input: 1x28x28) { conv3x3(8) > bn > relu > flatten > linear(10) }" },
        { "NL1003", "network A(input: 1x28x28) { conv3x3(8) > bn > relu > dropout > flatten > linear(10) }" },
        { "NL1004", "network A(input: 1x28x28) { conv3x3(8) > bn > relu > conv3x3(8) > bn > relu > flatten > linear(10) }" },
        { "NL1005", "network A(input: 1x28x28) { conv3x3(8) > relu > conv3x3(8) > relu > flatten > linear(10) }" },
        { "NL1006", "network A(input: 1x28x28) { conv3x3(8) > bn > relu > conv3x3(8) > relu > flatten > linear(10) }" },
        // max pooling is not linear
        { "NL1006", "network A(input: 1x28x28) { conv3x3(8) > maxpool > conv3x3(8) > relu > flatten > linear(10) }" },
        // a depthwise convolution and a pointwise one: a factorized convolution on purpose (ShuffleNetV2's branch)
        { "NL1006", "network A(input: 1x28x28) { conv3x3(8) > relu > conv3x3(8, groups: 8) > bn > conv1x1(16) > bn > relu > flatten > linear(10) }" },
        // MobileNetV2's linear bottleneck: 96 -> 24 -> 144, a low-rank product on purpose
        { "NL1006", "network A(input: 96x14x14) { conv1x1(24) > bn > conv1x1(144) > bn > relu6 > gap > linear(10) }" },
        { "NL1007", "network A(input: 1x28x28) { conv3x3(8) > relu > flatten > linear(10) }" },
        { "NL1008", "network A(input: 1x28x28) { conv3x3(8) > relu > flatten > linear(32) > bn > relu > linear(10) }" },
        { "NL1009", "network A(input: 1x28x28) { conv3x3(8) > maxpool > relu > flatten > linear(10) }" },
        { "NL1010", "network A(input: 784) { linear(64) > tanh > linear(64) > sigmoid > linear(64) > bn > tanh > linear(64) > tanh > linear(10) }" },
        { "NL1011", "network A(input: 1x28x28) { conv3x3(8) > relu > avgpool > flatten > linear(10) }" },
        { "NL1012", "network A(input: 8x28x28) { residual { conv3x3(8) > bn > relu > conv3x3(8) > bn } > relu > flatten > linear(10) }" },
        { "NL1013", "network A(input: 1x28x28) { conv3x3(8) > relu > avgpool > dropout > flatten > linear(10) }" },
        { "NL1014", "network A(input: 1x28x28) { conv3x3(8) > relu > flatten > linear(2) > softmax }" },
        { "NL1015", "network A(input: 1x28x28) { conv3x3(8) > bn > relu > residual { conv3x3(8) > bn > droppath(0.1) } > gap > linear(10) }" },
        // conv > concat { bn | … }: the branch's bn follows the conv on the data's path
        { "NL1001", "network A(input: 1x28x28) { conv3x3(8) > concat { bn > relu | identity } > gap > linear(10) }" },
        // an Inception module after bn > relu: its branches start with convolutions and pooling
        { "NL1001", "network A(input: 1x28x28) { conv3x3(8) > bn > relu > concat { conv1x1(4) > bn > relu | maxpool(kernel: 3, stride: 1, padding: 1) } > conv1x1(8) > bn > relu > gap > linear(10) }" },
        // a residual adds: the layer after it reads a sum, not the branch's activation
        { "NL1001", "network A(input: 8x28x28) { residual { conv3x3(8) > relu } > bn > relu > gap > linear(10) }" },
        { "NL1003", "network A(input: 1x28x28) { conv3x3(8) > relu > dropout > residual { conv3x3(8) > bn } > gap > linear(10) }" },
        { "NL1004", "network A(input: 1x28x28) { conv3x3(8) > concat { conv3x3(4) > bn | conv1x1(4) > bn } > relu > bn > gap > linear(10) }" },
        { "NL1013", "network A(input: signal 1x100) { conv(8) > relu > maxpool1d > dropout > gap > linear(10) }" },

        { "NL2001", "network A(input: 1x4x4) { conv3x3(8) > relu > avgpool > avgpool > flatten > linear(10) }" },
        { "NL2002", "network A(input: 1x28x28) { conv3x3(8) > relu > flatten > linear(10) }" },
        { "NL2002", "network A(input: 1x28x28) { conv3x3(8) > relu > gap > linear(10) }" },
        { "NL2003", "network A(input: 1x28x28) { conv3x3(8) > relu > flatten > linear(10) }" },
        { "NL2004", "network A(input: 1x28x28, classes: 10) { conv3x3(8) > relu > flatten > linear(classes) }" },
        { "NL2005", "network A(input: 1x8x8) { conv3x3(8) > relu > avgpool > flatten > linear(10) }" },
        // the ResNet down-sampling convolution: 3x3, stride 2, padding 1 on 32x32 leaves only padding unused
        { "NL2005", "network A(input: 8x32x32) { conv3x3(16, stride: 2) > relu > flatten > linear(10) }" },
        { "NL2006", "network A(input: 1x28x28) { conv3x3(6) > relu > conv(8, groups: 2) > relu > flatten > linear(10) }" },
        { "NL2007", "network A(input: 1x28x28) { conv3x3(8) > relu > residual(project) { conv3x3(16) > relu } > flatten > linear(10) }" },
        { "NL2008", "network A(input: 3x224x224) { conv3x3(64) > relu > gap > linear(1000) }" },
        { "NL2009", "network A(input: 1x28x28) { conv3x3(8) > concat { identity | maxpool(kernel: 3, stride: 1, padding: 1) > conv1x1(4) } > gap > linear(10) }" },
        { "NL2010", "network A(input: 1x28x28) { conv3x3(8) > scale { gap > linear(4) > relu > linear(8) > sigmoid } > se(2) > gap > linear(10) }" },
        { "NL2011", "network A(input: 1x28x28) { conv3x3(8) > concat { channels(0, 4) | channels(4, 8) } > gap > linear(10) }" },
        { "NL2012", "network A(input: signal 2x50) { conv(8, kernel: 3) > conv1d(8) > maxpool1d > maxpool > dropout1d(0.1) > gap > linear(10) }" },
        { "NL2012", "network A(input: 1x28x28) { conv(8, kernel: 1x3, padding: 0x1) > maxpool(kernel: 2x1) > dropout2d(0.1) > gap > linear(10) }" },
        { "NL2013", "network A(input: 1x28x28) { conv3x3(8) > shuffle(4) > gap > linear(10) }" },

        { "NL4001", "network A(input: 784) { linear(128) > relu > linear(64) > relu > linear(10) }" },
        { "NL4002", "network A(input: 1x28x28) { conv3x3(32) > relu > conv3x3(64) > relu > flatten > linear(10) }" },
        // 1x1 convolutions narrow on purpose (bottlenecks)
        { "NL4002", "network A(input: 1x28x28) { conv3x3(64) > relu > conv1x1(16) > relu > flatten > linear(10) }" },
        { "NL4003", "network A(input: 3x64x64) { conv3x3(16) > gelu > conv3x3(16) > gelu > conv3x3(16) > gelu > maxpool > conv3x3(32) > gelu > conv3x3(32) > gelu > maxpool > conv3x3(64) > gelu > conv3x3(64) > gelu > maxpool > conv3x3(64) > gelu > conv3x3(64) > gelu > gap > linear(10) }" },
        { "NL4004", "network A(input: 3x64x64) { conv3x3(16) > relu > conv3x3(16) > relu > avgpool > conv3x3(32) > relu > conv3x3(32) > gelu > maxpool > conv3x3(64) > relu > conv3x3(64) > relu > avgpool > conv3x3(64) > relu > conv3x3(64) > relu > avgpool > flatten > linear(10) }" },
        { "NL4005", "network A(input: 3x64x64) { conv3x3(16) > gelu > maxpool > conv3x3(32) > gelu > conv3x3(32) > gelu > maxpool > conv3x3(64) > gelu > maxpool > conv3x3(64) > gelu > maxpool > conv3x3(64) > gelu > maxpool > flatten > linear(10) }" },
        // two convolutions in a row through a concat's branches: the top level alone (conv > concat > maxpool) would look pooled
        { "NL4005", "network A(input: 3x64x64) { conv3x3(16) > gelu > concat { conv3x3(16) > gelu | conv1x1(16) > gelu } > maxpool > conv3x3(32) > gelu > maxpool > conv3x3(64) > gelu > maxpool > conv3x3(64) > gelu > maxpool > conv3x3(64) > gelu > maxpool > flatten > linear(10) }" },
        // ... or through a residual's branch
        { "NL4005", "network A(input: 3x64x64) { conv3x3(16) > gelu > maxpool > residual { conv3x3(16) > gelu > conv3x3(16) } > maxpool > conv3x3(32) > gelu > maxpool > conv3x3(64) > gelu > maxpool > conv3x3(64) > gelu > maxpool > flatten > linear(10) }" },
    };

    /// <summary>Networks with one warning each (NL1001).</summary>
    private static string NetworksWithAWarning(int count) => string.Concat(
        Enumerable.Range(0, count).Select(i => $"network N{i}(input: 16) {{ linear(8) > relu > bn > linear(4) }}\n"));

    [Theory]
    [MemberData(nameof(Fires))]
    public void Reports_the_diagnostic_at_the_marked_span(string id, DiagnosticSeverity severity, string annotated, string[] alsoExpected) =>
        DiagnosticAssert.Reports(annotated, id, severity, alsoExpected);

    [Theory]
    [MemberData(nameof(NearMisses))]
    public void Does_not_report_the_diagnostic_on_a_near_miss(string id, string text) =>
        DiagnosticAssert.DoesNotReport(text, id);

    [Fact]
    public void EveryDescriptorHasAFiringCaseAndANearMiss()
    {
        // NL3xxx are C#-binding rules, reported by the analyzer over C# syntax, not by NormLab.Dsl
        var reportedByDsl = DiagnosticDescriptors.All.Select(d => d.Id).Where(id => !id.StartsWith("NL3", StringComparison.Ordinal)).ToArray();
        var fired = Fires.Select(row => (string)row[0]).ToHashSet();
        var missed = NearMisses.Select(row => (string)row[0]).ToHashSet();
        var withoutFiringCase = reportedByDsl.Where(id => !fired.Contains(id)).ToArray();
        var withoutNearMiss = reportedByDsl.Where(id => !missed.Contains(id)).ToArray();
        var unknown = fired.Concat(missed).Where(id => DiagnosticDescriptors.Find(id) is null).ToArray();
        Assert.True(withoutFiringCase.Length == 0, "no case where it fires: " + string.Join(", ", withoutFiringCase));
        Assert.True(withoutNearMiss.Length == 0, "no near miss: " + string.Join(", ", withoutNearMiss));
        Assert.True(unknown.Length == 0, "not in the catalog: " + string.Join(", ", unknown));
    }

    [Fact]
    public void The_catalog_has_the_contract_IDs_with_their_severities()
    {
        string[] expected =
        [
            "NL0001", "NL0002", "NL0003", "NL0004", "NL0005", "NL0006", "NL0007", "NL0008", "NL0009", "NL0010",
            "NL0011", "NL0012", "NL0013", "NL0014", "NL0015", "NL0016", "NL0017", "NL0018", "NL0019", "NL0020",
            "NL0021", "NL0022", "NL0023", "NL0024", "NL0025", "NL0026", "NL0027", "NL0028", "NL0029", "NL0030",
            "NL0031",
            "NL1001", "NL1002", "NL1003", "NL1004", "NL1005", "NL1006", "NL1007", "NL1008", "NL1009", "NL1010",
            "NL1011", "NL1012", "NL1013", "NL1014", "NL1015",
            "NL2001", "NL2002", "NL2003", "NL2004", "NL2005", "NL2006", "NL2007", "NL2008",
            "NL2009", "NL2010", "NL2011", "NL2012", "NL2013",
            "NL3001", "NL3002", "NL3003", "NL3004", "NL3005",
            "NL4001", "NL4002", "NL4003", "NL4004", "NL4005",
        ];
        Assert.Equal(expected, DiagnosticDescriptors.All.Select(d => d.Id));

        foreach (var descriptor in DiagnosticDescriptors.All)
        {
            var expectedSeverity = descriptor.Id switch
            {
                "NL0010" => Warning, // a bad allow entry does not stop the build
                "NL0031" => Warning, // too many diagnostics: an error only when an error is among those left out
                "NL1002" or "NL1011" or "NL1013" or "NL2005" => Info,
                "NL1009" => Hidden,
                "NL1014" => Error,
                "NL2008" => Warning,
                _ when descriptor.Id.StartsWith("NL0", StringComparison.Ordinal) => Error,
                _ when descriptor.Id.StartsWith("NL1", StringComparison.Ordinal) => Warning,
                _ when descriptor.Id.StartsWith("NL2", StringComparison.Ordinal) => Error,
                _ when descriptor.Id.StartsWith("NL3", StringComparison.Ordinal) => Error,
                _ => Hidden,
            };
            Assert.True(expectedSeverity == descriptor.DefaultSeverity, $"{descriptor.Id} is {descriptor.DefaultSeverity}, expected {expectedSeverity}");
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Title));
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Description));
            Assert.EndsWith($"/docs/diagnostics/{descriptor.Id}.md", descriptor.HelpLink, StringComparison.Ordinal);
        }
    }
}
