using System.Text;
using NormLab.Dsl.Diagnostics;

namespace NormLab.Dsl.Tests.Diagnostics;

/// <summary>A check keeps at most <see cref="NormLabCompiler.MaxDiagnostics"/> diagnostics and one NL0031 for the rest.</summary>
public class DiagnosticLimitTests
{
    private const string Valid = "network Good(input: 784) { linear(10) }\n";

    [Fact]
    public void Millions_of_bad_characters_keep_the_limit_and_count_the_rest()
    {
        // each '@' apart from the next (a run of them is one diagnostic): 2,000,000 bad characters, and the parser's
        // one complaint about the first 'x' where a declaration should be
        var result = NormLabCompiler.Check(Valid + BadCharactersApart(2_000_000), "noise.normlab");

        Assert.Equal(NormLabCompiler.MaxDiagnostics + 1, result.Diagnostics.Count);
        var last = result.Diagnostics[^1];
        Assert.Equal("NL0031", last.Id);
        Assert.Equal(DiagnosticSeverity.Error, last.Severity);
        Assert.Matches(@"^Too many diagnostics: 1,999,00[01] more are not shown \(a file lists at most 1,000\); fix the ones above first$", last.Message);
        Assert.True(Assert.Single(result.Networks).IsValid); // the network before the noise has no error
    }

    [Fact]
    public void A_network_whose_error_was_left_out_is_not_valid()
    {
        var text = BadCharactersApart(NormLabCompiler.MaxDiagnostics) + "\nnetwork Bad(input: 784) { linear(10) > nosuch }\n";

        var result = NormLabCompiler.Check(text);

        var network = Assert.Single(result.Networks);
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "NL0002");
        Assert.True(network.HasUnlistedErrors);
        Assert.False(network.IsValid);
        Assert.Contains(result.Diagnostics, d => d.Id == "NL0031" && d.IsError);
    }

    [Fact]
    public void Warnings_left_out_make_a_warning_and_leave_the_networks_valid()
    {
        var text = new StringBuilder();
        for (var i = 0; i < NormLabCompiler.MaxDiagnostics + 5; i++)
        {
            // NL1001: normalization after the activation (a warning)
            text.Append("network N").Append(i).Append("(input: 16) { linear(8) > relu > bn > linear(4) }\n");
        }

        var result = NormLabCompiler.Check(text.ToString());

        Assert.Equal(NormLabCompiler.MaxDiagnostics + 5, result.Networks.Count);
        Assert.All(result.Networks, n => Assert.True(n.IsValid));
        var tooMany = Assert.Single(result.Diagnostics, d => d.Id == "NL0031");
        Assert.Equal(DiagnosticSeverity.Warning, tooMany.Severity);
        Assert.False(result.HasErrors);
        Assert.Equal(NormLabCompiler.MaxDiagnostics + 1, result.Diagnostics.Count);
    }

    [Fact]
    public void Parse_alone_is_bounded_too()
    {
        var (_, diagnostics) = NormLabCompiler.Parse(Text.SourceText.From(BadCharactersApart(5000)));

        Assert.Equal(NormLabCompiler.MaxDiagnostics + 1, diagnostics.Count);
        Assert.Equal("NL0031", diagnostics[^1].Id);
    }

    /// <summary><paramref name="count"/> bad characters that are each a diagnostic of their own: a letter between each two.</summary>
    private static string BadCharactersApart(int count) => string.Concat(Enumerable.Repeat("@x", count));
}
