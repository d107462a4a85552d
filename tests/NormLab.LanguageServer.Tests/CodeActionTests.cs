using NormLab.LanguageServer.Features;
using NormLab.Dsl.Text;
using NormLab.LanguageServer.Tests.Infrastructure;

namespace NormLab.LanguageServer.Tests;

public sealed class CodeActionTests
{
    private static string Apply(string text, QuickFix fix)
    {
        foreach (var (span, newText) in fix.Edits.OrderByDescending(e => e.Span.Start))
        {
            text = text.Remove(span.Start, span.Length).Insert(span.Start, newText);
        }

        return text;
    }

    private static QuickFix Fix(string text, string id)
    {
        var analysis = Documents.Analyze(text);
        var fixes = CodeActionFeature.QuickFixes(analysis, new TextSpan(0, text.Length));
        return Assert.Single(fixes, f => f.Diagnostic.Id == id);
    }

    [Fact]
    public void NL1001SwapsTheActivationAndTheNormalization()
    {
        const string text = "network N(input: 1x8x8, classes: 2) {\n    conv3x3(8) > relu >  bn > gap > linear(classes)\n}\n";
        var fix = Fix(text, "NL1001");
        Assert.Equal("Put 'bn' before 'relu'", fix.Title);
        var fixedText = Apply(text, fix);
        Assert.Equal("network N(input: 1x8x8, classes: 2) {\n    conv3x3(8) > bn >  relu > gap > linear(classes)\n}\n", fixedText);
        Assert.DoesNotContain(Documents.Analyze(fixedText).Diagnostics, d => d.Id == "NL1001");
    }

    [Theory]
    [InlineData("conv(8, bias: true)", "conv(8)")]
    [InlineData("conv(8, bias: true, stride: 1)", "conv(8, stride: 1)")]
    [InlineData("conv(bias: true, out: 8)", "conv(out: 8)")]
    public void NL1002RemovesBiasTrue(string before, string after)
    {
        var text = $"network N(input: 1x8x8, classes: 2) {{\n    {before} > bn > relu > gap > linear(classes)\n}}\n";
        var fixedText = Apply(text, Fix(text, "NL1002"));
        Assert.Equal(text.Replace(before, after, StringComparison.Ordinal), fixedText);
        Assert.DoesNotContain(Documents.Analyze(fixedText).Diagnostics, d => d.Id == "NL1002");
    }

    [Fact]
    public void NL2002InsertsFlatten()
    {
        const string text = "network N(input: 1x8x8, classes: 2) {\n    conv3x3(8) > bn > relu > dense(classes)\n}\n";
        var fix = Fix(text, "NL2002");
        Assert.Equal("Insert 'flatten' before 'dense'", fix.Title);
        var fixedText = Apply(text, fix);
        Assert.Contains("> relu > flatten > dense(classes)", fixedText, StringComparison.Ordinal);
        Assert.DoesNotContain(Documents.Analyze(fixedText).Diagnostics, d => d.Id == "NL2002");
    }

    [Fact]
    public void ALayerFromABlockIsNotFixedAtTheCall()
    {
        const string text = "block B = relu > bn\nnetwork N(input: 1x8x8, classes: 2) {\n    conv3x3(8) > B > gap > linear(classes)\n}\n";
        var analysis = Documents.Analyze(text);
        Assert.Contains(analysis.Diagnostics, d => d.Id == "NL1001");
        Assert.Empty(CodeActionFeature.QuickFixes(analysis, new TextSpan(0, text.Length)));
    }

    [Fact]
    public void OnlyDiagnosticsInTheRangeAreFixed()
    {
        const string text = "network N(input: 1x8x8, classes: 2) {\n    conv3x3(8) > relu > bn > dense(classes)\n}\n";
        var analysis = Documents.Analyze(text);
        var atBn = Documents.OffsetOf(text, "bn >");
        Assert.Equal(new[] { "NL1001" }, CodeActionFeature.QuickFixes(analysis, new TextSpan(atBn, 0)).Select(f => f.Diagnostic.Id));
    }
}
