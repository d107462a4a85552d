using NormLab.LanguageServer.Features;
using NormLab.LanguageServer.Protocol;
using NormLab.LanguageServer.Tests.Infrastructure;

namespace NormLab.LanguageServer.Tests;

public sealed class CompletionTests
{
    private static List<CompletionItem> Complete(string marked)
    {
        var (text, offset) = Documents.WithCursor(marked);
        return CompletionFeature.Complete(Documents.Analyze(text), offset).Items;
    }

    [Fact]
    public void APipelineOffersLayersWithTheirArgumentListsAndTheFilesBlocks()
    {
        var items = Complete("block Stem(c) = conv3x3(c) > bn > relu\nnetwork N(input: 1x28x28, classes: 10) {\n    Stem(16) > $$\n}\n");
        var conv = items.Single(i => i.Label == "conv3x3");
        Assert.Equal("conv3x3(out, stride: 1, padding: same, dilation: 1, groups: 1, bias: auto)", conv.Detail);
        Assert.Equal("conv3x3(${1:out})", conv.InsertText);
        Assert.Equal(2, conv.InsertTextFormat);
        Assert.Equal("relu", items.Single(i => i.Label == "relu").InsertText);
        Assert.Equal("gn(${1:groups})", items.Single(i => i.Label == "gn").InsertText);
        Assert.Contains(items, i => i.Label == "dense");
        Assert.Contains(items, i => i.Label == "residual");
        var stem = items.Single(i => i.Label == "Stem");
        Assert.Equal("Stem(${1:c})", stem.InsertText);
        Assert.Contains(items, i => i.Label == "classes" && i.Kind == CompletionItemKindCode.Variable);
        Assert.DoesNotContain(items, i => i.Label == "NL1001");
        Assert.DoesNotContain(items, i => i.Label == "network");
    }

    [Fact]
    public void ABlockBodyOffersItsParametersButNotItself()
    {
        var items = Complete("block B(c, act = relu) = conv3x3(c) > $$");
        Assert.Contains(items, i => i.Label == "act" && i.Detail == "parameter of block B = relu");
        Assert.Contains(items, i => i.Label == "c");
        Assert.DoesNotContain(items, i => i.Label == "B");
    }

    [Fact]
    public void InsideACallArgumentNamesAreOffered()
    {
        var items = Complete("network N(input: 1x8x8, width: 8) {\n    conv(width, kernel: 5, $$)\n}");
        Assert.Contains(items, i => i.Label == "stride" && i.InsertText == "stride: " && i.Detail == "stride: 1 (default)");
        Assert.Contains(items, i => i.Label == "padding");
        Assert.DoesNotContain(items, i => i.Label == "kernel");
        Assert.Contains(items, i => i.Label == "width" && i.Kind == CompletionItemKindCode.Variable);
        Assert.DoesNotContain(items, i => i.Label == "relu");
    }

    [Theory]
    [InlineData("conv(8, padding: $$", new[] { "same", "valid" })]
    [InlineData("conv(8, bias: $$", new[] { "auto", "true", "false" })]
    [InlineData("bn(affine: $$", new[] { "true", "false" })]
    public void AnArgumentsValueOffersItsSymbols(string call, string[] expected)
    {
        var items = Complete("network N(input: 1x8x8) {\n    " + call + "\n}");
        Assert.Equal(expected, items.Where(i => i.Kind == CompletionItemKindCode.Value).Select(i => i.Label));
    }

    [Fact]
    public void ABlockCallsArgumentsOfferItsParametersAndLayers()
    {
        var items = Complete("block B(c, act = relu) = conv3x3(c) > act\nnetwork N(input: 1x8x8) {\n    B(8, $$)\n}");
        Assert.Contains(items, i => i.Label == "act" && i.Kind == CompletionItemKindCode.Property);
        Assert.Contains(items, i => i.Label == "leakyrelu");
    }

    [Fact]
    public void AfterAllowTheDiagnosticIdsAreOffered()
    {
        var items = Complete("network N(input: 4) allow NL1001, $$ {\n    linear(2)\n}");
        Assert.Contains(items, i => i.Label == "NL1002" && i.Detail is not null);
        Assert.Contains(items, i => i.Label == "NL4005");
        Assert.All(items, i => Assert.StartsWith("NL", i.Label, StringComparison.Ordinal));
    }

    [Fact]
    public void TheNetworkHeaderOffersInputAndClasses()
    {
        var items = Complete("network N($$");
        Assert.Equal(new[] { "input", "classes" }, items.Select(i => i.Label));
    }

    [Fact]
    public void AtTheTopLevelDeclarationsAreOffered()
    {
        Assert.Equal(new[] { "network", "block", "namespace" }, Complete("// networks\n$$").Select(i => i.Label));
        Assert.Contains(Complete("network N(input: 4) {\n    linear(2)\n}\nnet$$"), i => i.Label == "network");
    }

    [Theory]
    [InlineData("network N(input: 4) { linear(2) } // relu > $$")]
    [InlineData("network N(input: 4) { linear(2) /* relu > $$ */ }")]
    [InlineData("network N(input: 4) { linear(2$$) }")]
    public void NothingInCommentsOrNumbers(string marked) => Assert.Empty(Complete(marked));
}
