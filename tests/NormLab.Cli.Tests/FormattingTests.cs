using NormLab.Cli.Output;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Text;

namespace NormLab.Cli.Tests;

public sealed class FormattingTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(496, "496 B")]
    [InlineData(1024, "1.00 KiB")]
    [InlineData(2856, "2.79 KiB")]
    [InlineData(1686952, "1.61 MiB")]
    [InlineData(3L * 1024 * 1024 * 1024, "3.00 GiB")]
    public void Parameter_memory_is_human_readable(long bytes, string expected) =>
        Assert.Equal(expected, QuantityFormat.FormatBytes(bytes));

    [Theory]
    [InlineData(0, "0")]
    [InlineData(999, "999")]
    [InlineData(226112, "226.11 K")]
    [InlineData(4241152, "4.24 M")]
    [InlineData(303760640, "303.76 M")]
    public void Counts_are_scaled(long count, string expected) =>
        Assert.Equal(expected, QuantityFormat.FormatScaled(count));

    [Fact]
    public void Counts_have_invariant_thousands_separators() =>
        Assert.Equal("1,234,567", QuantityFormat.FormatCount(1234567));

    [Theory]
    [InlineData(DiagnosticSeverity.Error, "error")]
    [InlineData(DiagnosticSeverity.Warning, "warning")]
    [InlineData(DiagnosticSeverity.Info, "note")]
    [InlineData(DiagnosticSeverity.Hidden, "none")]
    public void Sarif_levels(DiagnosticSeverity severity, string level) =>
        Assert.Equal(level, SarifFormatter.Level(severity));

    [Fact]
    public void Sarif_rule_names_are_pascal_case_titles()
    {
        Assert.Equal("NormalizationAfterActivation", SarifFormatter.RuleName(DiagnosticDescriptors.NormAfterActivation));
        Assert.All(DiagnosticDescriptors.All, d => Assert.Matches("^[A-Z][A-Za-z0-9]+$", SarifFormatter.RuleName(d)));
        Assert.Equal(DiagnosticDescriptors.All.Count, DiagnosticDescriptors.All.Select(SarifFormatter.RuleName).Distinct().Count());
    }

    [Fact]
    public void Sarif_uris_escape_each_segment()
    {
        var file = new InputFile("/repo/my models/a#1.normlab", "my models/a#1.normlab");

        Assert.Equal("my%20models/a%231.normlab", SarifFormatter.ArtifactUri(file));
    }

    [Fact]
    public void The_information_uri_is_the_repository_of_the_help_links()
    {
        Assert.Equal("https://github.com/normlab/normlab", ToolInfo.InformationUri);
        Assert.StartsWith(ToolInfo.InformationUri + "/", DiagnosticDescriptors.NormAfterActivation.HelpLink, StringComparison.Ordinal);
    }
}
