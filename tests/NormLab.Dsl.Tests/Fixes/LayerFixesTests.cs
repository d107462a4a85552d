using NormLab.Dsl;
using NormLab.Dsl.Fixes;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Tests.Fixes;

/// <summary>The fixes behind the language server's code actions and the IDE's code fixes, on .normlab text.</summary>
public sealed class LayerFixesTests
{
    private static string Fix(string text, string id)
    {
        var check = NormLabCompiler.Check(text);
        var diagnostic = Assert.Single(check.Diagnostics, d => d.Id == id);
        var (unit, _) = NormLabCompiler.Parse(SourceText.From(text));
        var body = unit.Members.OfType<NetworkDeclarationSyntax>().Single().Body;
        var fix = LayerFixes.For(id, body, diagnostic.Span, text);
        Assert.NotNull(fix);
        foreach (var edit in fix!.Edits.OrderByDescending(e => e.Span.Start))
        {
            text = text.Remove(edit.Span.Start, edit.Span.Length).Insert(edit.Span.Start, edit.NewText);
        }

        Assert.DoesNotContain(NormLabCompiler.Check(text).Diagnostics, d => d.Id == id);
        return text;
    }

    [Fact]
    public void NL1001PutsTheNormalizationBeforeTheActivationAndKeepsTheTextBetween()
    {
        const string text = "network N(input: 1x8x8, classes: 2) {\n    conv3x3(8) > relu /* x */ > bn > gap > linear(classes)\n}\n";
        Assert.Contains("conv3x3(8) > bn /* x */ > relu > gap", Fix(text, "NL1001"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("conv(8, bias: true)", "conv(8)")]
    [InlineData("conv(bias: true, out: 8)", "conv(out: 8)")]
    public void NL1002RemovesBiasAndOneSeparator(string before, string after)
    {
        var text = $"network N(input: 1x8x8, classes: 2) {{\n    {before} > bn > relu > gap > linear(classes)\n}}\n";
        Assert.Equal(text.Replace(before, after, StringComparison.Ordinal), Fix(text, "NL1002"));
    }

    [Fact]
    public void NL2002InsertsFlattenBeforeTheFullyConnectedLayer()
    {
        const string text = "network N(input: 1x8x8, classes: 2) {\n    conv3x3(8) > bn > relu > dense(classes)\n}\n";
        Assert.Contains("> relu > flatten > dense(classes)", Fix(text, "NL2002"), StringComparison.Ordinal);
    }

    [Fact]
    public void AnActivationTheFormCannotNameIsStillSwappedButAKnownNonActivationIsNot()
    {
        var layers = new[]
        {
            new FixLayer("Conv", new TextSpan(0, 4), Array.Empty<FixArgument>(), null, isActivation: false),
            new FixLayer("BatchNorm", new TextSpan(6, 9), Array.Empty<FixArgument>(), null, isActivation: null),
        };
        Assert.Null(LayerFixes.For("NL1001", layers, 1, FixForm.Pipeline, "Conv, BatchNorm"));
        layers[0] = new FixLayer("ReLU", new TextSpan(0, 4), Array.Empty<FixArgument>(), null, isActivation: null);
        var fix = LayerFixes.For("NL1001", layers, 1, FixForm.Pipeline, "ReLU, BatchNorm");
        Assert.Equal("BatchNorm, ReLU", Assert.Single(fix!.Edits).NewText);
    }
}
