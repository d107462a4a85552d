using NormLab.LanguageServer.Features;
using NormLab.LanguageServer.Tests.Infrastructure;

namespace NormLab.LanguageServer.Tests;

public sealed class HoverTests
{
    private static readonly string Ordering = Documents.Example("ordering.normlab");

    [Fact]
    public void ANetworksNameShowsItsSummaryTable()
    {
        var analysis = Documents.Analyze(Ordering);
        var hovers = new[] { "ConvBnRelu", "ConvReluBn", "Residual(" }
            .Select(name => HoverFeature.Hover(analysis, Documents.OffsetOf(Ordering, "network " + name, "network ".Length + 2)))
            .ToArray();
        Assert.All(hovers, Assert.NotNull);
        Approvals.Verify(string.Join("\n\n<!-- next network -->\n\n", hovers.Select(h => h!.Markdown)), "NetworkHover.ordering", "md");

        var nameSpan = hovers[0]!.Span;
        Assert.Equal("ConvBnRelu", Ordering.Substring(nameSpan.Start, nameSpan.Length));
    }

    [Fact]
    public void ALayerShowsItsFieldNameKindOutputShapeAndParameters()
    {
        var analysis = Documents.Analyze(Ordering);
        var offset = Documents.OffsetOf(Ordering, "conv3x3(32) > relu", 3);
        var hover = HoverFeature.Hover(analysis, offset)!;
        Assert.StartsWith("**conv1**: `conv` (written `conv3x3`) in network `ConvReluBn`", hover.Markdown, StringComparison.Ordinal);
        Assert.Contains("- Output shape: `32x28x28` (input `1x28x28`)", hover.Markdown, StringComparison.Ordinal);
        Assert.Contains("- Parameters: 320", hover.Markdown, StringComparison.Ordinal);
        Assert.Equal("conv3x3(32)", Ordering.Substring(hover.Span.Start, hover.Span.Length));

        var bn = HoverFeature.Hover(analysis, Documents.OffsetOf(Ordering, "relu > bn > maxpool", "relu > ".Length))!;
        Assert.StartsWith("**bn1**: `bn`", bn.Markdown, StringComparison.Ordinal);
        Assert.Contains("- Parameters: 64", bn.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void ALayerInABranchShowsItsBranchNameAndShape()
    {
        const string text = "network Inception(input: 3x32x32, classes: 10) {\n    conv3x3(16) > bn > relu\n    > concat { conv1x1(8) > bn > relu | maxpool(kernel: 3, stride: 1, padding: 1) > conv1x1(4) }\n    > se(4) > gap > linear(classes)\n}\n";
        var analysis = Documents.Analyze(text);
        var hover = HoverFeature.Hover(analysis, Documents.OffsetOf(text, "conv1x1(4)", 2))!;
        Assert.StartsWith("**concat1_b2_conv1**: `conv` (written `conv1x1`) in network `Inception`", hover.Markdown, StringComparison.Ordinal);
        Assert.Contains("- Output shape: `4x32x32` (input `16x32x32`)", hover.Markdown, StringComparison.Ordinal);
        Assert.Contains("- Parameters: 68", hover.Markdown, StringComparison.Ordinal);

        var concat = HoverFeature.Hover(analysis, Documents.OffsetOf(text, "concat {", 2))!;
        Assert.Contains("concat1", concat.Markdown, StringComparison.Ordinal);
        Assert.Contains("12x32x32", concat.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void ABlockCallShowsTheLayersItExpandsTo()
    {
        var analysis = Documents.Analyze(Ordering);
        var hover = HoverFeature.Hover(analysis, Documents.OffsetOf(Ordering, "ConvBlock(width) > maxpool", 2))!;
        Assert.StartsWith("Block `ConvBlock` in network `ConvBnRelu` expands to:", hover.Markdown, StringComparison.Ordinal);
        Assert.Contains("| conv1 | conv | 32x28x28 | 288 |", hover.Markdown, StringComparison.Ordinal);
        Assert.Contains("| bn1 | bn | 32x28x28 | 64 |", hover.Markdown, StringComparison.Ordinal);
        Assert.Contains("| relu1 | relu | 32x28x28 | -- |", hover.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void ALayerInABlockShowsWhatItBecomesInEachNetwork()
    {
        var analysis = Documents.Analyze(Ordering);
        var hover = HoverFeature.Hover(analysis, Documents.OffsetOf(Ordering, "conv3x3(c)", 2))!;
        Assert.StartsWith("Becomes, in each network that uses it:", hover.Markdown, StringComparison.Ordinal);
        Assert.Contains("| ConvBnRelu | conv1 | conv | 32x28x28 | 288 |", hover.Markdown, StringComparison.Ordinal);
        Assert.Contains("| ConvBnRelu | conv2 | conv | 64x14x14 |", hover.Markdown, StringComparison.Ordinal);
        Assert.Contains("| Residual | conv", hover.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void AHyperParameterShowsItsValueAndABlockNameItsDeclaration()
    {
        var analysis = Documents.Analyze(Ordering);
        var width = HoverFeature.Hover(analysis, Documents.OffsetOf(Ordering, "width: 32", 1))!;
        Assert.Equal("**width**: hyper-parameter of network `ConvBnRelu` = `32`", width.Markdown);

        var block = HoverFeature.Hover(analysis, Documents.OffsetOf(Ordering, "block ConvBlock", "block ".Length))!;
        Assert.Contains("block ConvBlock(c, act = relu) = conv3x3(c) > bn > act", block.Markdown, StringComparison.Ordinal);
        Assert.Contains("Used by: `ConvBnRelu`, `Residual`", block.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void ALayerNoNetworkUsesShowsTheCatalog()
    {
        const string text = "block Unused = conv3x3(8) > linaer(2)\n";
        var analysis = Documents.Analyze(text);
        var hover = HoverFeature.Hover(analysis, Documents.OffsetOf(text, "conv3x3", 1))!;
        Assert.Contains("conv3x3(out, stride: 1, padding: same, dilation: 1, groups: 1, bias: auto)", hover.Markdown, StringComparison.Ordinal);
        Assert.Contains("Layer `conv` (convolution)", hover.Markdown, StringComparison.Ordinal);
        Assert.Null(HoverFeature.Hover(analysis, Documents.OffsetOf(text, "linaer", 1)));
    }

    [Fact]
    public void TheCatalogHoverReadsTheKindsDescriptionAndArguments()
    {
        const string text = "block Unused = conv3x3(8) > dropout > relu\n";
        var analysis = Documents.Analyze(text);
        var conv = HoverFeature.Hover(analysis, Documents.OffsetOf(text, "conv3x3", 1))!.Markdown;
        Assert.Contains("Layer `conv` (convolution): " + NormLab.Dsl.Layers.LayerKind.Conv.Description, conv, StringComparison.Ordinal);
        Assert.Contains("- `stride` = 1 (at least 1): The step between windows (or HxW).", conv, StringComparison.Ordinal);
        Assert.Contains("- `bias` = auto: auto drops the bias", conv, StringComparison.Ordinal);
        var dropout = HoverFeature.Hover(analysis, Documents.OffsetOf(text, "dropout", 1))!.Markdown;
        Assert.Contains("- `p` = 0.5 (0 <= x < 1): The probability of zeroing.", dropout, StringComparison.Ordinal);
        var relu = HoverFeature.Hover(analysis, Documents.OffsetOf(text, "relu", 1))!.Markdown;
        Assert.Contains("Layer `relu` (activation): max(0, x).", relu, StringComparison.Ordinal);
    }

    [Fact]
    public void ALayerOfANetworkWithErrorsShowsWhatWasChecked()
    {
        const string text = "network N(input: 1x8x8) {\n    conv3x3(8) > linaer(2)\n}\n";
        var hover = HoverFeature.Hover(Documents.Analyze(text), Documents.OffsetOf(text, "conv3x3", 1))!;
        Assert.Contains("Output shape: `8x8x8`", hover.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void ANetworkWithoutInputSaysSo()
    {
        const string text = "network N(classes: 2) { linear(2) }";
        var hover = HoverFeature.Hover(Documents.Analyze(text), Documents.OffsetOf(text, "N("))!;
        Assert.Equal("**network** `N`\n\nNo summary: the network has no valid `input` shape.", hover.Markdown);
    }
}
