using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Tests.Diagnostics;

/// <summary>Where diagnostics point: line positions, the compiler form, ordering and the help link.</summary>
public class DiagnosticLocationTests
{
    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void Line_positions_are_zero_based_for_every_line_ending(string newline)
    {
        var text = string.Join(newline, "// study", "network N(input: 1x28x28) {", "    conv3x3(8) > relu > bn", "    > flatten > linear(10)", "}");
        var result = NormLabCompiler.Check(text, "models/study.normlab");
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("NL1001", diagnostic.Id);

        // "    conv3x3(8) > relu > bn": bn starts at character 24 of line 2 (zero-based)
        Assert.Equal(new LinePositionSpan(new LinePosition(2, 24), new LinePosition(2, 26)), diagnostic.LineSpan);
        Assert.Equal("bn", text.Substring(diagnostic.Span.Start, diagnostic.Span.Length));
        Assert.StartsWith("models/study.normlab(3,25): warning NL1001: 'bn' normalizes the output of the activation 'relu'", diagnostic.ToString(), StringComparison.Ordinal);
        Assert.Equal("models/study.normlab", diagnostic.Path);
    }

    [Fact]
    public void Diagnostics_are_sorted_by_position_and_networks_keep_their_own()
    {
        var result = NormLabCompiler.Check(
            "network A(input: 784) { linear(10) > softmax }\nnetwork B(input: 1x28x28) { conv3x3(8) > relu > bn > relu > relu > flatten > linear(10) }\nnetwork C(input: 784) { lineer(10) }");
        Assert.Equal(["NL1007", "NL1001", "NL1005", "NL0002"], result.Diagnostics.Select(d => d.Id));
        Assert.Equal(result.Diagnostics.OrderBy(d => d.Span.Start).Select(d => d.Span), result.Diagnostics.Select(d => d.Span));
        Assert.Equal(["NL1007"], result.Networks[0].Diagnostics.Select(d => d.Id));
        Assert.Equal(["NL1001", "NL1005"], result.Networks[1].Diagnostics.Select(d => d.Id));
        Assert.Equal(["NL0002"], result.Networks[2].Diagnostics.Select(d => d.Id));
        Assert.True(result.HasErrors);
        Assert.Equal([true, true, false], result.Networks.Select(n => n.IsValid));
    }

    [Theory]
    [InlineData(DiagnosticSeverity.Error, "error")]
    [InlineData(DiagnosticSeverity.Warning, "warning")]
    [InlineData(DiagnosticSeverity.Info, "info")]
    [InlineData(DiagnosticSeverity.Hidden, "hidden")]
    public void Severities_read_as_compilers_write_them(DiagnosticSeverity severity, string text) =>
        Assert.Equal(text, Diagnostic.SeverityText(severity));

    [Fact]
    public void Every_descriptor_links_to_its_page_and_formats_invariantly()
    {
        Assert.All(DiagnosticDescriptors.All, d => Assert.Equal(DiagnosticDescriptors.HelpLinkBase + d.Id + ".md", d.HelpLink));

        // NL2008 prints the count with invariant group separators whatever the culture: Linear(150528, 1000) = 150,529,000
        var culture = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("fr-FR");
            var huge = Assert.Single(NormLabCompiler.Check("network A(input: 3x224x224) { flatten > linear(1000) }").Diagnostics);
            Assert.Equal("'linear' holds 150,529,000 parameters (more than 10 million); reduce its width or the size of its input (pool or use gap)", huge.Message);
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = culture;
        }
    }

    [Fact]
    public void Check_never_throws_and_rejects_only_a_null_source()
    {
        Assert.Throws<ArgumentNullException>(() => NormLabCompiler.Check((SourceText)null!));
        Assert.Empty(NormLabCompiler.Check(string.Empty).Diagnostics);
        Assert.Empty(NormLabCompiler.Check("// nothing but a comment").Networks);
    }
}
