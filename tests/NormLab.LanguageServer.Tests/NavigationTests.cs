using NormLab.LanguageServer.Features;
using NormLab.LanguageServer.Protocol;
using NormLab.LanguageServer.Tests.Infrastructure;

namespace NormLab.LanguageServer.Tests;

public sealed class NavigationTests
{
    private static readonly string Ordering = Documents.Example("ordering.normlab");

    [Fact]
    public void SymbolsAreTheNamespaceBlocksAndNetworksWithTheirLayers()
    {
        var symbols = SymbolFeature.Symbols(Documents.Analyze(Ordering));
        Assert.Equal(new[] { "OrderingStudy", "ConvBlock", "ConvBnRelu", "ConvReluBn", "Residual" }, symbols.Select(s => s.Name));
        Assert.Equal(new[] { SymbolKindCode.Namespace, SymbolKindCode.Function, SymbolKindCode.Class, SymbolKindCode.Class, SymbolKindCode.Class }, symbols.Select(s => s.Kind));
        Assert.Equal(new[] { "conv3x3", "bn", "act" }, symbols[1].Children!.Select(s => s.Name));

        var network = symbols[2];
        Assert.Equal("1x28x28 → 10", network.Detail);
        Assert.Equal(new[] { "conv1", "bn1", "relu1", "maxpool1", "conv2", "bn2", "relu2", "maxpool2", "flatten1", "linear1", "relu3", "dropout1", "linear2" },
            network.Children!.Select(s => s.Name));
        Assert.Equal("conv3x3 · 32x28x28", network.Children![0].Detail);

        var residual = symbols[4].Children!.Single(s => s.Name == "residual1");
        Assert.Equal(new[] { "conv2", "bn2", "relu2", "conv3", "bn3" }, residual.Children!.Select(s => s.Name));
        foreach (var symbol in symbols.Concat(symbols.SelectMany(s => s.Children ?? new List<DocumentSymbol>())))
        {
            Assert.True(Contains(symbol.Range, symbol.SelectionRange), symbol.Name + ": the selection lies in the range");
        }
    }

    [Fact]
    public void ABlockCallGoesToTheBlock()
    {
        var analysis = Documents.Analyze(Ordering);
        var target = DefinitionFeature.Definition(analysis, Documents.OffsetOf(Ordering, "ConvBlock(width * 2)", 4))!.Value;
        Assert.Equal(Documents.OffsetOf(Ordering, "ConvBlock(c"), target.Start);
        Assert.Equal("ConvBlock".Length, target.Length);
    }

    [Fact]
    public void AParameterGoesToItsDeclaration()
    {
        var analysis = Documents.Analyze(Ordering);
        var act = DefinitionFeature.Definition(analysis, Documents.OffsetOf(Ordering, "> act", 3))!.Value;
        Assert.Equal(Documents.OffsetOf(Ordering, "act = relu"), act.Start);
        var width = DefinitionFeature.Definition(analysis, Documents.OffsetOf(Ordering, "ConvBlock(width)", "ConvBlock(".Length))!.Value;
        Assert.Equal(Documents.OffsetOf(Ordering, "width: 32"), width.Start);
        Assert.Null(DefinitionFeature.Definition(analysis, Documents.OffsetOf(Ordering, "maxpool")));
    }

    private static bool Contains(Protocol.Range outer, Protocol.Range inner) =>
        Compare(outer.Start, inner.Start) <= 0 && Compare(inner.End, outer.End) <= 0;

    private static int Compare(Position a, Position b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : a.Character.CompareTo(b.Character);
}
