using Microsoft.CodeAnalysis;
using NormLab.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NormLab.Generator.Tests.Snapshots;

/// <summary>
/// The generated code of representative networks, compared with <c>Approved/&lt;Name&gt;.approved.cs</c>. Each
/// case is one <c>.normlab</c> file or one record, so it generates exactly one source, and every case also
/// compiles that source (nullable on, warnings as errors) and requires no diagnostic at warning level or above.
/// </summary>
public sealed class GeneratedCodeSnapshotTests(ITestOutputHelper output)
{
    [Fact]
    public Task Convolutions() => VerifyFile("Convolutions", "networks/convolutions.normlab", """
        namespace Snapshots.Convolutions

        // every argument of conv, then the fixed-kernel convolutions
        network Convolutions(input: 3x32x32, classes: 10) allow NL2005 {
            conv(16, kernel: 5, stride: 2, padding: valid, dilation: 1, groups: 1, bias: true) > relu
            > conv(32, kernel: 3, stride: 1, padding: 2, dilation: 2, groups: 4, bias: false) > bn > relu
            > conv1x1(32) > bn > relu
            > conv3x3(64, stride: 2) > bn > relu
            > conv5x5(64, groups: 8) > relu
            > conv7x7(64, padding: 3) > bn > relu
            > gap > linear(classes)
        }
        """);

    [Fact]
    public Task FullyConnected_RootNamespaceDefault() => VerifyFile("FullyConnected", "mlp.normlab", """
        // no namespace: the project's RootNamespace (Consumer)
        network Mlp(input: 784, classes: 10) {
            linear(256) > bn > relu > dropout(0.2)
            > dense(128, bias: false) > ln > gelu
            > linear(classes)
        }
        """);

    [Fact]
    public Task Normalizations() => VerifyFile("Normalizations", "networks/norms.normlab", """
        namespace Snapshots

        network Normalizations(input: 28x28, classes: 10) {
            conv3x3(16) > bn(eps: 0.001, momentum: 0.01) > relu
            > conv3x3(32) > in(affine: true) > relu
            > conv3x3(32) > gn(8) > relu > dropout2d(0.1)
            > conv3x3(32) > ln > relu > dropout(0.25)
            > gap > linear(classes)
        }
        """);

    [Fact]
    public Task Activations() => VerifyFile("Activations", "networks/activations.normlab", """
        namespace Snapshots

        network Activations(input: 32, classes: 4) {
            linear(64) > relu > linear(64) > leakyrelu(0.2) > linear(64) > elu(alpha: 0.5)
            > linear(64) > prelu > linear(64) > sigmoid > linear(64) > tanh
            > linear(64) > softplus(beta: 2) > linear(64) > swish > linear(64) > silu
            > linear(64) > gelu > linear(64) > mish > linear(64) > selu > linear(64) > relu6
            > linear(64) > maxout(pieces: 4) > linear(16) > softmax > linear(classes)
        }
        """);

    [Fact]
    public Task Pooling() => VerifyFile("Pooling", "networks/pooling.normlab", """
        namespace Snapshots.Pooling

        network AvgPooled(input: 3x32x32, classes: 10) {
            conv3x3(16) > bn > relu > maxpool
            > conv3x3(32) > bn > relu > avgpool(kernel: 3, stride: 2, padding: 1)
            > identity > gap > linear(classes)
        }

        network MaxPooled(input: 3x32x32, classes: 10) {
            conv3x3(16) > bn > relu > maxpool(kernel: 2, stride: 2) > gmp > linear(classes)
        }

        network Flattened(input: 1x8x8, classes: 10) {
            conv3x3(4) > relu > flatten > linear(classes)
        }
        """);

    [Fact]
    public Task Blocks() => VerifyFile("Blocks", "networks/blocks.normlab", """
        namespace Snapshots.Blocks

        block Stem = conv3x3(16) > bn > relu
        block ConvBlock(c, act = relu, norm = bn) = conv3x3(c) > norm > act
        block Pair(c) = ConvBlock(c, act: gelu) > ConvBlock(c, swish)

        network Blocks(input: 3x32x32, classes: 10, width: 16) {
            Stem
            > ConvBlock(width) * 2 > maxpool
            > Pair(width * 2)
            > (conv1x1(width * 4) > bn > relu) * 2
            > ConvBlock(width * 4, act: leakyrelu(0.1), norm: gn(4))
            > gap > linear(classes)
        }
        """);

    [Fact]
    public Task Residuals() => VerifyFile("Residuals", "networks/residuals.normlab", """
        namespace Snapshots.Residuals

        network Residuals(input: 3x32x32, classes: 10) {
            conv3x3(32) > bn > relu
            > residual { conv3x3(32) > bn > relu > conv3x3(32) > bn } > relu
            > residual(project) { conv3x3(64, stride: 2) > bn > relu > conv3x3(64) > bn } > relu
            > gap > linear(classes)
        }
        """);

    [Fact]
    public Task Branches() => VerifyFile("Branches", "networks/branches.normlab", """
        namespace Snapshots.Branches

        block BasicConv(c, kernel = 1, padding = 0) = conv(c, kernel: kernel, padding: padding) > bn > relu

        // an Inception module, a DenseNet layer and a ShuffleNet split, nested; the DenseNet layer's bn normalizes the
        // Inception branches' ReLU outputs (NL1001 across the branch boundary), kept on purpose
        network Branches(input: 3x32x32, classes: 10) allow NL1001 {
            BasicConv(16, kernel: 3, padding: 1)
            > concat {
                  BasicConv(8)
                | BasicConv(8) > BasicConv(16, kernel: 3, padding: 1)
                | maxpool(kernel: 3, stride: 1, padding: 1, ceil: true) > BasicConv(8)
              }
            > concat { identity | bn > relu > conv1x1(16) > concat { identity | conv3x3(8) } }
            > concat { channels(0, 28) | channels(28, 56) > conv1x1(28) > bn > relu } > shuffle(2)
            > gap > linear(classes)
        }
        """);

    [Fact]
    public Task Gates() => VerifyFile("Gates", "networks/gates.normlab", """
        namespace Snapshots.Gates

        // scale, se with arguments, ConvNeXt's block and factorized kernels
        network Gates(input: 3x32x32, classes: 10) {
            conv3x3(16) > bn > relu
            > scale { gap > linear(4) > relu > linear(16) > sigmoid }
            > se(4, act: leakyrelu(0.2), gate: hardsigmoid)
            > residual { conv(16, kernel: 7, groups: 16) > ln(over: channels) > conv1x1(64) > gelu > conv1x1(16) > layerscale > droppath(0.1) }
            > conv(16, kernel: 1x7, padding: 0x3) > bn > hardswish
            > gap > linear(classes)
        }
        """);

    [Fact]
    public Task Signals() => VerifyFile("Signals", "networks/signals.normlab", """
        namespace Snapshots.Signals

        block ResBlock(c, stride = 1) = residual(project) { conv(c, kernel: 7, stride: stride) > bn > relu > dropout(0.2) > conv(c, kernel: 7) > bn } > relu

        network Signals(input: signal 12x1000, classes: 5) {
            conv1d(32, kernel: 15, stride: 2) > bn > relu > maxpool1d(kernel: 3)
            > ResBlock(32) > ResBlock(64, stride: 2)
            > se(16) > avgpool1d(kernel: 2, ceil: true) > dropout1d(0.1)
            > gap > linear(classes)
        }
        """);

    [Fact]
    public Task HyperParameters() => VerifyFile("HyperParameters", "networks/hyper.normlab", """
        namespace Snapshots.Hyper

        network Hyper(input: 1x28x28, classes: 10, width: 8, depth: 2, rate: 0.25, eps: 1e-3) {
            (conv3x3(width) > bn(eps: eps) > relu) * depth
            > maxpool > conv3x3(width * 2 + 4) > bn > relu
            > flatten > linear(width * 16) > relu > dropout(rate / 2) > linear(classes)
        }
        """);

    [Fact]
    public Task GlobalNamespace_WhenNoRootNamespace() => VerifyFile("GlobalNamespace", "tiny.normlab", """
        network Tiny(input: 16, classes: 2) {
            linear(8) > relu > linear(classes)
        }
        """, rootNamespace: string.Empty);

    [Fact]
    public Task Record_InlineRegularLiteral() => VerifyRecord("InlineRegular", """
        using NormLab;

        namespace Consumer.Records;

        [Network("conv3x3(Width) > bn > relu > maxpool > flatten > dropout(Rate) > linear(Classes)", Input = "1x28x28")]
        public partial record SmallCnn(int Width = 32, int Classes = 10)
        {
            public double Rate { get; init; } = 0.25;
        }
        """);

    [Fact]
    public Task Record_InlineVerbatimLiteral() => VerifyRecord("InlineVerbatim", """
        using NormLab;

        namespace Consumer.Records;

        [Network(@"/* a ""verbatim"" pipeline */ conv3x3(16) > bn > relu
            > gap > linear(10)", Input = "3x32x32", Classes = 10)]
        internal partial record VerbatimNet;
        """);

    [Fact]
    public Task Record_InlineRawLiteral() => VerifyRecord("InlineRaw", """"
        using NormLab;

        namespace Consumer.Records
        {
            [Network("""
                conv3x3(Width) > bn > relu > maxpool
                > conv3x3(Width * 2) > bn > relu
                > gap > linear(10)
                """, Input = "3x32x32", Classes = 10)]
            public partial class RawNet
            {
                public int Width { get; init; } = 16;
            }
        }
        """");

    [Fact]
    public Task Record_LayerAttributes() => VerifyRecord("LayerAttributes", """
        using NormLab;

        // the global namespace; one layer attribute per layer, several per list
        [Network(Input = "3x32x32", Classes = 10, Allow = "NL2005")]
        [Conv(16, 5, Stride = 2, Padding = "valid", Bias = true), ReLU]
        [Conv3x3(32, Dilation = 2, Groups = 4), BatchNorm(Eps = 1e-5, Momentum = 0.05), LeakyReLU(0.1)]
        [MaxPool(3, Stride = 2, Padding = 1), Dropout2d(0.1)]
        [Conv1x1(64, Bias = false), GroupNorm(8, Eps = 1e-3), GELU]
        [GlobalAvgPool, Dense(10, Bias = false)]
        public partial record AttributedNet;
        """);

    [Fact]
    public Task Record_Nested() => VerifyRecord("Nested", """
        using NormLab;

        namespace Consumer.Zoo;

        public static partial class Models
        {
            internal partial class Mlps
            {
                [Network("linear(Hidden) > relu > linear(Hidden / 2) > relu > linear(10)", Input = "784", Classes = 10)]
                public sealed partial record Mlp(int Hidden = 128);
            }
        }
        """);

    private Task VerifyFile(string name, string relativePath, string text, string rootNamespace = "Consumer")
    {
        var file = GeneratorHarness.File(GeneratorHarness.ProjectDirectory + relativePath, text);
        return Verify(name, new[] { file }, GeneratorHarness.RunInProject(rootNamespace, new[] { file }, "namespace Consumer { internal static class Unrelated { } }"));
    }

    private Task VerifyRecord(string name, string source) =>
        Verify(name, Array.Empty<AdditionalText>(), GeneratorHarness.Run(Array.Empty<AdditionalText>(), source));

    private async Task Verify(string name, AdditionalText[] files, GeneratorRun run)
    {
        // the inputs are valid networks: the analyzer reports no error (warnings and infos are logged)
        var analyzer = await GeneratorHarness.AnalyzeAsync(run.Input, files);
        foreach (var diagnostic in analyzer)
        {
            output.WriteLine("analyzer: " + diagnostic);
        }

        Assert.DoesNotContain(analyzer, d => d.Severity == DiagnosticSeverity.Error);

        Assert.Null(run.Single.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        var generated = Assert.Single(run.Single.GeneratedSources);
        output.WriteLine(generated.HintName);
        output.WriteLine(generated.SourceText.ToString());

        var problems = GeneratorHarness.Problems(run.Output);
        foreach (var problem in problems)
        {
            output.WriteLine(problem.ToString());
        }

        Assert.Empty(problems);
        Approvals.Verify(generated.SourceText.ToString(), name);
    }
}
