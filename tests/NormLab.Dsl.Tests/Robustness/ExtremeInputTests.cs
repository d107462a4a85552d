using System.Text;
using NormLab.Dsl.Model;
using NormLab.Dsl.Robustness;

namespace NormLab.Dsl.Tests.Robustness;

/// <summary>
/// The extreme inputs one by one, with what the checker must say about them. Every check runs on a 1 MiB
/// stack (the smallest default of the hosts) within the per-input budget, and keeps its spans inside the text.
/// </summary>
public class ExtremeInputTests
{
    // ---- deep nesting: reported, not followed, in every stage ----------------------------------

    [Theory]
    [InlineData("nested-parentheses")]
    [InlineData("nested-parentheses-unclosed")]
    [InlineData("nested-residuals")]
    [InlineData("nested-residual-project")]
    [InlineData("nested-mixed")]
    [InlineData("nested-expression-parentheses")]
    [InlineData("unary-minus-chain")]
    [InlineData("unary-chain-in-parentheses")]
    public void Ten_thousand_levels_of_nesting_are_reported_once_as_too_deep(string name)
    {
        var result = Check(Extreme(name));

        // (a syntax error belongs to the file: CheckResult.HasErrors, not NetworkModel.IsValid)
        Assert.Single(result.Diagnostics, d => d.Id == "NL0001" && d.Message == "Nesting is deeper than 128 levels");
        Assert.True(result.HasErrors);
    }

    [Fact]
    public void The_deepest_nesting_the_parser_allows_binds_infers_shapes_and_runs_the_rules()
    {
        const int depth = 120;
        var text = InputGenerator.Net(
            "conv3x3(8) > " + Repeat("residual { ", depth) + "conv3x3(8) > bn > relu" + Repeat(" }", depth)
            + " > " + Repeat("(", depth) + "relu" + Repeat(")", depth)
            + " > conv(" + Repeat("(", depth) + "4 + 4" + Repeat(")", depth) + ") > gap > linear(10)",
            "3x16x16");

        var result = Check(text);

        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        var network = result.Networks.Single();
        Assert.True(network.IsValid);
        Assert.Equal("10", network.Output!.ToString());
        Assert.Equal(1 + depth + 3 + 1 + 1 + 2, network.AllLayers().Count());
        Assert.Equal(8, network.Layers.Last(l => l.WrittenName == "conv").OutFeatures);
        Assert.Equal("residual120", network.AllLayers().Last(l => l.WrittenName == "residual").Name);
    }

    [Theory]
    [InlineData("block-chain")]
    [InlineData("block-chain-residual")]
    [InlineData("block-chain-group")]
    [InlineData("block-chain-parameter")]
    public void Nesting_through_ten_thousand_blocks_is_reported_not_followed(string name)
    {
        var result = Check(Extreme(name));

        Assert.Single(result.Diagnostics, d => d.Id == "NL0014" && d.Message.Contains("nest deeper than 256 levels"));
        Assert.False(result.Networks.Single().IsValid);
    }

    [Theory]
    [InlineData("block-cycle-long")]
    [InlineData("block-chain-layer-values")]
    [InlineData("recursive-blocks")]
    public void Ten_thousand_blocks_in_a_cycle_are_recursive_blocks(string name)
    {
        var result = Check(Extreme(name));

        Assert.Contains(result.Diagnostics, d => d.Id == "NL0007");
        Assert.False(result.Networks.Single().IsValid);
    }

    [Theory]
    [InlineData("block-self-layer-value")]
    [InlineData("block-mutual-layer-values")]
    public void A_layer_parameter_that_stands_for_itself_is_an_error_not_a_stack_overflow(string name)
    {
        var result = Check(Extreme(name));

        Assert.Contains(result.Diagnostics, d => d.IsError);
        Assert.False(result.Networks.Single().IsValid);
    }

    // ---- huge numbers --------------------------------------------------------------------------

    [Fact]
    public void A_float_beyond_double_is_too_large()
    {
        var result = Check(InputGenerator.Net("conv(1e400) > gap > linear(10)"));

        Assert.Contains(result.Diagnostics, d => d.Id == "NL0001" && d.Message == "The number '1e400' is too large");
    }

    [Fact]
    public void An_integer_beyond_long_is_not_a_whole_number_argument()
    {
        var result = Check(InputGenerator.Net("conv(99999999999999999999999) > gap > linear(10)"));

        Assert.Contains(result.Diagnostics, d => d.Id == "NL0003" && d.Message.StartsWith("'out' of 'conv' must be a whole number", StringComparison.Ordinal));
    }

    [Fact]
    public void A_dimension_beyond_int_is_too_large()
    {
        var result = Check(InputGenerator.Net("relu > flatten > linear(10)", "1x99999999999x1"));

        Assert.Contains(result.Diagnostics, d => d.Id == "NL0001" && d.Message == "The shape '1x99999999999x1' has a dimension that is too large");
        Assert.Null(result.Networks.Single().Input);
    }

    [Theory]
    [InlineData("max-int-input")]
    [InlineData("max-int-pool")]
    [InlineData("max-int-groups")]
    [InlineData("max-int-residual-project")]
    [InlineData("max-int-flatten")]
    [InlineData("max-int-hyper")]
    [InlineData("overflowing-arithmetic")]
    [InlineData("long-number")]
    [InlineData("long-dimensions")]
    public void Int_max_arguments_and_shapes_neither_throw_nor_loop(string name) => Check(Extreme(name));

    [Fact]
    public void A_parameter_count_beyond_long_stops_at_long_MaxValue_instead_of_throwing()
    {
        // found by the fuzzer: 2^31 × 2^31 × 9 weights wrapped around in the layer and made ParameterCount throw
        var result = Check(Extreme("max-int-parameter-count"));

        var network = result.Networks.Single();
        Assert.Equal(long.MaxValue, network.ParameterCount);
        Assert.Equal(long.MaxValue, network.Macs);
        Assert.Equal(long.MaxValue, network.Layers[1].Parameters);
        Assert.All(network.AllLayers(), l => Assert.True(l.Parameters >= 0 && l.Macs >= 0));
        Assert.Contains(result.Diagnostics, d => d.Id == "NL2008");
    }

    [Fact]
    public void Groups_of_int_max_suggest_a_divisor_without_counting_down_from_int_max()
    {
        var result = Check(InputGenerator.Net("gn(groups: 2147483647) > gap > linear(10)", "3x8x8"));

        Assert.Contains(result.Diagnostics, d => d.Id == "NL2006" && d.Message.EndsWith("(try 3)", StringComparison.Ordinal));
    }

    // ---- long files and long chains ------------------------------------------------------------

    [Fact]
    public void Ten_thousand_networks_in_one_file_are_all_checked()
    {
        var text = Extreme("many-networks");
        Assert.True(text.Length > 1_000_000);

        var result = Check(text);

        Assert.Equal(10_000, result.Networks.Count);
        Assert.All(result.Networks, n => Assert.True(n.IsValid));
    }

    [Theory]
    [InlineData("plus-chain")]
    [InlineData("times-chain")]
    [InlineData("mixed-chain")]
    [InlineData("plus-chain-in-header")]
    [InlineData("plus-chain-in-repeat")]
    [InlineData("plus-chain-in-block-default")]
    public void A_hundred_thousand_operators_in_a_row_are_reported_once(string name)
    {
        var result = Check(Extreme(name));

        Assert.Single(result.Diagnostics, d => d.Id == "NL0001" && d.Message == "An expression has more than 512 operators");
    }

    [Theory]
    [InlineData("expression-parentheses-times-chains")]
    [InlineData("call-argument-chains")]
    public void Operator_chains_inside_nested_parentheses_share_one_budget(string name)
    {
        // 127 levels of parentheses, each with a chain of 1,000 operators: without one budget for the whole
        // expression the tree would be 127,000 levels deep and walking it would overflow the stack
        var result = Check(Extreme(name));

        Assert.Contains(result.Diagnostics, d => d.Id == "NL0001" && d.Message == "An expression has more than 512 operators");
    }

    [Fact]
    public void A_chain_of_512_operators_still_evaluates()
    {
        var text = InputGenerator.Net("conv(" + Repeat("1 + ", 511) + "1) > gap > linear(10)", "3x8x8");

        var result = Check(text);

        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        Assert.Equal(512, result.Networks.Single().Layers[0].OutFeatures);
    }

    // ---- huge repeat counts --------------------------------------------------------------------

    [Fact]
    public void A_repeat_count_of_a_billion_is_reported()
    {
        var result = Check(InputGenerator.Net("relu * 1000000000 > flatten > linear(10)"));

        Assert.Contains(result.Diagnostics, d => d.Id == "NL0015" && d.Message == "A repeat count must be a whole number from 1 to 10000, got 1000000000");
    }

    [Theory]
    [InlineData("repeat-nested")]
    [InlineData("repeat-nested-deep")]
    [InlineData("block-exponential")]
    [InlineData("long-pipeline-layers-overflow")]
    public void Repeats_that_multiply_beyond_ten_thousand_layers_stop_there(string name)
    {
        var result = Check(Extreme(name));

        Assert.Single(result.Diagnostics, d => d.Id == "NL0012" && d.Message == "The network expands to more than 10000 layers; reduce the repeat counts");
    }

    [Theory]
    [InlineData("block-exponential-empty")]
    [InlineData("block-exponential-number")]
    [InlineData("block-exponential-repeats")]
    [InlineData("block-huge-parameter-list")]
    [InlineData("block-huge-parameter-list-empty")]
    public void Expansions_that_multiply_work_without_adding_layers_stop_at_the_step_budget(string name)
    {
        var result = Check(Extreme(name));

        Assert.Contains(result.Diagnostics, d => d.IsError);
        Assert.False(result.Networks.Single().IsValid);
    }

    [Theory]
    [InlineData("repeat-empty-nested", "NL0002")]
    [InlineData("repeat-number-parameter", "NL0019")]
    public void Repeating_an_element_that_expands_to_nothing_reports_it_once(string name, string id)
    {
        // ((unknownlayer * 10000) * 10000) * 10000: 10^12 expansions if each repetition were expanded
        var result = Check(Extreme(name));

        Assert.Single(result.Diagnostics, d => d.Id == id);
    }

    // ---- many diagnostics and bad characters ---------------------------------------------------

    [Theory]
    [InlineData("many-bad-characters")]
    [InlineData("many-surrogates")]
    [InlineData("many-commas")]
    [InlineData("many-greater")]
    [InlineData("many-unknown-names")]
    [InlineData("many-unknown-allow")]
    [InlineData("only-keywords")]
    [InlineData("nested-braces")]
    public void Floods_of_errors_are_reported_within_the_budget(string name)
    {
        var result = Check(Extreme(name));

        Assert.Contains(result.Diagnostics, d => d.IsError || d.Id == "NL0010");
    }

    [Fact]
    public void Every_kind_of_strange_character_is_a_bad_character_with_a_span_inside_the_text()
    {
        var strange = new StringBuilder();
        foreach (var c in new[] { '\0', '\u0001', '\u007f', '@', '#', '$', '\ud83d', '\ude00', '\uffff', '\u202e', '\u200b' })
        {
            strange.Append(c).Append(' ');
        }

        strange.Append("\ud83d\ude00 relu");
        var result = Check(InputGenerator.Net(strange.ToString()));

        Assert.Contains(result.Diagnostics, d => d.Id == "NL0001" && d.Message.StartsWith("Unexpected character", StringComparison.Ordinal));
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static string Extreme(string name) => InputGenerator.ExtremeCases().Single(c => c.Name == name).Text;

    private static string Repeat(string s, int count) => string.Concat(Enumerable.Repeat(s, count));

    /// <summary>Checks on a 1 MiB stack within the budget; the result's spans must lie inside the text.</summary>
    private static CheckResult Check(string text)
    {
        using var runner = new IsolatedRunner();
        var input = new GeneratedInput("extreme", text, expectNoSyntaxErrors: false);
        var failure = RobustnessHarness.CheckOne(input, runner, RobustnessHarness.DefaultBudget, out var outcome);
        Assert.True(failure is null, failure);
        return (CheckResult)outcome.Result!;
    }
}
