using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Tests.Infrastructure;
using static NormLab.Dsl.Diagnostics.DiagnosticSeverity;

namespace NormLab.Dsl.Tests.Diagnostics;

/// <summary>NL0xxx in detail: recovery, suggestions, arguments, declarations, inputs and <c>allow</c>.</summary>
public class LanguageDiagnosticTests
{
    private const string Clean = "network B(input: 1x28x28) { conv3x3(8) > relu > [|bn|] > flatten > linear(10) }";

    // ---- NL0001: one typo, one diagnostic, and the next network is still checked ----

    [Theory]
    [InlineData("network A(input: 1x28x28) { conv3x3(8) > relu > [|>|] flatten > linear(10) }")]
    [InlineData("network A(input: 1x28x28 [|{|] conv3x3(8) > relu > flatten > linear(10) }")]
    [InlineData("network A(input: 1x28x28) [|conv3x3|](8) > relu > flatten > linear(10) }")]
    [InlineData("network A(input: 1x28x28) { conv3x3(8 [|>|] relu > flatten > linear(10) }")]
    [InlineData("network A(input: 1x28x28) { conv3x3(8)[|)|] > relu > flatten > linear(10) }")]
    [InlineData("network A(input: 1x28x28) { conv3x3(8) [|relu|] > flatten > linear(10) }")]
    [InlineData("network A(input: 1x28x28) { conv3x3(8) [|@|] relu > flatten > linear(10) }")]
    [InlineData("network A(input: 1x28x28) { conv3x3(8, stride: [|)|] > relu > flatten > linear(10) }")]
    [InlineData("network A(input: 1x28x28) { conv3x3(8) > relu > flatten > linear(10) > [|}|]")]
    [InlineData("network A(input: 1x28x28) { conv3x3(8) > relu > flatten > linear(10) [|;|] }")]
    [InlineData("network A(input: 1x28x28) { conv3x3(8) > relu > flatten > linear(10) }[|}|]")]
    [InlineData("network [|(|]input: 1x28x28) { conv3x3(8) > relu > flatten > linear(10) }")]
    [InlineData("[|netwrk|] A(input: 1x28x28) { conv3x3(8) > relu > flatten > linear(10) }")]
    [InlineData("network A(input: 1x28x28) allow [|{|] conv3x3(8) > relu > flatten > linear(10) }")]
    [InlineData("block X(c = [|)|] = conv3x3(8)")]
    public void A_typo_gives_exactly_one_NL0001_and_the_next_network_is_still_checked(string typo)
    {
        // the second network reports its own NL1001
        var annotated = typo + "\n" + Clean;
        DiagnosticAssert.Reports(annotated.Replace("[|bn|]", "bn", StringComparison.Ordinal), "NL0001", Error, "NL1001");
        var result = NormLabCompiler.Check(AnnotatedText.Parse(annotated).Text);
        var b = Assert.Single(result.Networks, n => n.Name == "B");
        var nl1001 = Assert.Single(b.Diagnostics);
        Assert.Equal("NL1001", nl1001.Id);
        Assert.Equal(AnnotatedText.Parse(annotated).Spans[^1], nl1001.Span);
    }

    [Fact]
    public void A_missing_close_brace_is_reported_where_the_next_network_starts()
    {
        var result = DiagnosticAssert.Reports(
            "network A(input: 1x28x28) { conv3x3(8) > relu > flatten > linear(10)\n[|network|] B(input: 784) { linear(10) }", "NL0001", Error);
        Assert.Equal("Expected '}' but found 'network'", result.Diagnostics[0].Message);
        Assert.Equal(["A", "B"], result.Networks.Select(n => n.Name));
    }

    [Fact]
    public void Syntax_errors_say_what_was_expected_and_what_was_found()
    {
        var result = DiagnosticAssert.Reports("network A(input: 1x28x28) { conv3x3(8) [|relu|] > flatten > linear(10) }", "NL0001", Error);
        Assert.Equal("Expected '>' but found 'relu'", result.Diagnostics[0].Message);
    }

    [Fact]
    public void A_second_namespace_declaration_is_a_syntax_error()
    {
        var result = DiagnosticAssert.Reports("namespace A.B\n[|namespace C|]\nnetwork N(input: 784) { linear(10) }", "NL0001", Error);
        Assert.Equal("A.B", result.Namespace);
    }

    [Fact]
    public void An_unterminated_comment_is_one_NL0001_at_its_opening()
    {
        DiagnosticAssert.Reports("network A(input: 784) { linear(10) }\n[|/*|] network B(input: 784) { relu > bn }", "NL0001", Error);
    }

    [Fact]
    public void Too_deep_nesting_is_reported_once_without_a_stack_overflow()
    {
        var text = "network A(input: 784) { " + new string('(', 5000) + "relu" + new string(')', 5000) + " > linear(10) }";
        var result = NormLabCompiler.Check(text);
        var error = Assert.Single(result.Diagnostics, d => d.Id == "NL0001");
        Assert.Contains("deeper than", error.Message, StringComparison.Ordinal);
    }

    // ---- NL0002 ----

    [Theory]
    [InlineData("conv3x33", "conv3x3")]
    [InlineData("batchnrom", "batchnorm")]
    [InlineData("rleu", "relu")]
    [InlineData("maxpol", "maxpool")]
    [InlineData("ConvBlok", "ConvBlock")]
    public void An_unknown_name_suggests_the_closest_layer_or_block(string typo, string suggestion)
    {
        var result = DiagnosticAssert.Reports(
            $"block ConvBlock(c) = conv3x3(c) > bn > relu\nnetwork A(input: 1x28x28) {{ ConvBlock(8) > [|{typo}|] > flatten > linear(10) }}", "NL0002", Error);
        Assert.Equal($"'{typo}' is not a layer or block; did you mean '{suggestion}'?", result.Diagnostics[0].Message);
    }

    [Fact]
    public void An_unknown_name_far_from_every_name_has_no_suggestion()
    {
        var result = DiagnosticAssert.Reports("network A(input: 784) { [|transformer|] > linear(10) }", "NL0002", Error);
        Assert.Equal("'transformer' is not a layer or block", result.Diagnostics[0].Message);
    }

    [Fact]
    public void An_unknown_name_in_a_block_is_reported_once_at_the_declaration_not_at_each_call()
    {
        DiagnosticAssert.Reports(
            "block B = conv3x3(8) > [|rleu|]\nnetwork A(input: 1x28x28) { B > B > flatten > linear(10) }", "NL0002", Error);
    }

    [Fact]
    public void An_unknown_layer_value_is_reported()
    {
        DiagnosticAssert.Reports(
            "block B(c, act = relu) = conv3x3(c) > act\nnetwork A(input: 1x28x28) { B(8, act: [|leakyrelo|](0.2)) > flatten > linear(10) }", "NL0002", Error);
    }

    [Theory]
    // without the cascade, 'linear' would get NL2002 (no flatten) and the two convolutions NL1006
    [InlineData("network A(input: 1x28x28) { conv3x3(8) > relu > [|flaten|] > linear(10) }")]
    [InlineData("network A(input: 1x28x28) { conv3x3(8) > [|rleu|] > conv3x3(8) > relu > flatten > linear(10) }")]
    [InlineData("network A(input: 1x28x28, classes: 10) { conv3x3(8) > relu > flatten > [|lineer|](classes) }")]
    public void An_unknown_name_leaves_a_hole_that_is_not_reported_again(string annotated)
    {
        var result = DiagnosticAssert.Reports(annotated, "NL0002", Error);
        Assert.Null(result.Networks[0].Output);
        Assert.False(result.Networks[0].IsValid);
    }

    // ---- NL0003 and the argument problems it once covered (NL0015 - NL0018, NL0024 - NL0029) ----

    [Theory]
    // out of range
    [InlineData("conv3x3(8) > relu > dropout([|1.5|]) > flatten > linear(10)", "NL0003", "'dropout' needs a probability p with 0 <= p < 1, got 1.5")]
    [InlineData("conv3x3(8) > relu > dropout([|p: -0.1|]) > flatten > linear(10)", "NL0003", "'dropout' needs a probability p with 0 <= p < 1, got -0.1")]
    [InlineData("conv3x3([|0|]) > relu > flatten > linear(10)", "NL0003", "'conv3x3' needs at least 1 output channel, got 0")]
    [InlineData("conv3x3(8) > relu > flatten > linear([|-10|])", "NL0003", "'linear' needs at least 1 output feature, got -10")]
    [InlineData("conv(8, [|kernel: 0|]) > relu > flatten > linear(10)", "NL0003", "'kernel' of 'conv' must be at least 1, got 0")]
    [InlineData("conv3x3(8) > bn([|eps: 0|]) > relu > flatten > linear(10)", "NL0003", "'eps' of 'bn' must be greater than 0, got 0")]
    [InlineData("conv3x3(8) > bn([|momentum: 1.5|]) > relu > flatten > linear(10)", "NL0003", "'momentum' of 'bn' must lie in 0..1, got 1.5")]
    [InlineData("conv3x3(8) > relu > [|avgpool(kernel: 2, padding: 2)|] > flatten > linear(10)", "NL0028", "'avgpool' has padding 2 but its kernel is 2: padding can be at most half the kernel (1)")]
    // unknown argument, with a suggestion and the list of arguments
    [InlineData("conv3x3(8, [|strid|]: 2) > relu > flatten > linear(10)", "NL0025", "'conv3x3' has no argument 'strid'; did you mean 'stride'? (its arguments: out, stride, padding, dilation, groups, bias)")]
    [InlineData("conv3x3(8, [|kernel|]: 5) > relu > flatten > linear(10)", "NL0029", "'conv3x3' has a fixed 3x3 kernel; use conv(out, kernel: n) for another size")]
    // wrong type
    [InlineData("conv3x3(8, [|bias: 3|]) > relu > flatten > linear(10)", "NL0003", "'bias' of 'conv3x3' must be auto, true or false, got 3")]
    [InlineData("conv3x3([|2.5|]) > relu > flatten > linear(10)", "NL0003", "'out' of 'conv3x3' must be a whole number, got 2.5")]
    [InlineData("conv3x3(8, [|padding: 1.5|]) > relu > flatten > linear(10)", "NL0003", "'padding' of 'conv3x3' must be same, valid or a whole number of at least 0, got 1.5")]
    [InlineData("conv3x3(8) > in([|affine: 1|]) > relu > flatten > linear(10)", "NL0003", "'affine' of 'in' must be true or false, got 1")]
    [InlineData("conv3x3(8) > relu > dropout([|same|]) > flatten > linear(10)", "NL0003", "'p' of 'dropout' must be a number, got 'same'")]
    // wrong count
    [InlineData("conv3x3(8) > relu([|3|]) > flatten > linear(10)", "NL0024", "'relu' takes no arguments")]
    [InlineData("conv3x3(8, 1, same, 1, 1, auto, [|7|]) > relu > flatten > linear(10)", "NL0024", "'conv3x3' takes at most 6 arguments (out, stride, padding, dilation, groups, bias)")]
    [InlineData("conv3x3(8) > [|gn|] > relu > flatten > linear(10)", "NL0027", "'gn' needs the argument 'groups': gn(groups: 8)")]
    // given twice
    [InlineData("conv3x3(8, stride: 1, [|stride: 2|]) > relu > flatten > linear(10)", "NL0026", "The argument 'stride' of 'conv3x3' is given twice")]
    [InlineData("conv(8, 3, [|kernel: 5|]) > relu > flatten > linear(10)", "NL0026", "The argument 'kernel' of 'conv' is given twice")]
    // arithmetic and repetition
    [InlineData("conv3x3([|8 / 0|]) > relu > flatten > linear(10)", "NL0016", "Division by zero")]
    [InlineData("conv3x3(8) > relu * [|0|] > flatten > linear(10)", "NL0015", "A repeat count must be a whole number from 1 to 10000, got 0")]
    [InlineData("conv3x3(8) > relu > flatten > linear(10 [|+|] relu)", "NL0018", "'+' needs numbers, got the layer 'relu'")]
    public void Bad_arguments_are_reported_at_the_argument(string pipeline, string id, string message)
    {
        var result = DiagnosticAssert.Reports($"network A(input: 1x28x28) {{ {pipeline} }}", id, Error);
        Assert.Equal(message, result.Diagnostics.Single(d => d.Id == id).Message);
    }

    [Fact]
    public void Header_parameters_are_checked()
    {
        DiagnosticAssert.Exactly(
            "network A(input: 784, classes: [|0|], [|width|], depth: [|relu|], [|input|]: 3) { linear(10) }",
            ("NL0021", Error), ("NL0022", Error), ("NL0023", Error), ("NL0011", Error));
    }

    [Fact]
    public void Block_arguments_are_checked_at_the_call()
    {
        const string Block = "block B(c, act = relu) = conv3x3(c) > bn > act\n";
        DiagnosticAssert.Reports(Block + "network A(input: 1x28x28) { B(8, [|foo|]: 3) > flatten > linear(10) }", "NL0025", Error);
        DiagnosticAssert.Reports(Block + "network A(input: 1x28x28) { [|B|] > flatten > linear(10) }", "NL0027", Error);
        DiagnosticAssert.Reports(Block + "network A(input: 1x28x28) { B(8, relu, [|relu|]) > flatten > linear(10) }", "NL0024", Error);
        DiagnosticAssert.Reports(Block + "network A(input: 1x28x28) { B(8, [|c: 9|]) > flatten > linear(10) }", "NL0026", Error);
        var result = DiagnosticAssert.Reports(Block + "network A(input: 1x28x28) { [|B(8, act: 3)|] > flatten > linear(10) }", "NL0019", Error);
        Assert.Equal("'act' is the number 3, not a layer; pass a layer such as 'relu' for it", result.Diagnostics[0].Message);
    }

    [Fact]
    public void A_block_parameter_declared_twice_is_reported()
    {
        DiagnosticAssert.Reports("block B(c, [|c|]) = conv3x3(c)\nnetwork A(input: 1x28x28) { conv3x3(8) > relu > flatten > linear(10) }", "NL0011", Error);
    }

    // ---- NL0004 ----

    [Fact]
    public void Duplicate_networks_and_blocks_are_reported_at_the_second_name()
    {
        var result = DiagnosticAssert.Exactly(
            "namespace Study\nnetwork A(input: 784) { linear(10) }\nnetwork [|A|](input: 784) { linear(10) }\nblock B = relu\nblock [|B|] = relu\nblock [|A|] = relu\nblock [|relu|] = gelu",
            ("NL0004", Error), ("NL0004", Error), ("NL0004", Error), ("NL0004", Error));
        Assert.Equal("Network 'A' has the name of the network declared on line 2 in namespace 'Study'; rename one of them", result.Diagnostics[0].Message);
        Assert.Equal("Block 'B' has the name of the block declared on line 4 in namespace 'Study'; rename one of them", result.Diagnostics[1].Message);
        Assert.Equal("Block 'relu' has the name of a built-in layer; rename the block", result.Diagnostics[3].Message);

        // only the first network of a name is checked and generated
        Assert.Single(result.Networks);
    }

    // ---- NL0005 ----

    [Fact]
    public void An_undefined_parameter_suggests_the_closest_parameter()
    {
        var result = DiagnosticAssert.Reports("network A(input: 1x28x28, width: 8) { conv3x3([|widht|] * 2) > relu > flatten > linear(10) }", "NL0005", Error);
        Assert.Equal("'widht' is not a parameter of network 'A'; did you mean 'width'?", result.Diagnostics[0].Message);
    }

    [Fact]
    public void An_undefined_parameter_in_a_block_is_reported_once_at_the_declaration()
    {
        var result = DiagnosticAssert.Reports(
            "block B(channels) = conv3x3([|chanels|]) > relu\nnetwork A(input: 1x28x28) { B(8) > B(16) > flatten > linear(10) }", "NL0005", Error);
        Assert.Equal("'chanels' is not a parameter of block 'B'; did you mean 'channels'?", result.Diagnostics[0].Message);
    }

    [Fact]
    public void A_block_does_not_see_the_parameters_of_the_network_that_calls_it()
    {
        DiagnosticAssert.Reports(
            "block B = conv3x3([|width|]) > relu\nnetwork A(input: 1x28x28, width: 8) { B > flatten > linear(10) }", "NL0005", Error);
    }

    // ---- NL0006 ----

    [Theory]
    [InlineData("network [|class|](input: 784) { linear(10) }")]
    [InlineData("network [|int|](input: 784) { linear(10) }")]
    [InlineData("network [|__Hidden|](input: 784) { linear(10) }")]
    [InlineData("network [|Réseau|](input: 784) { linear(10) }")]
    [InlineData("network Mlp(input: 784) { linear(10) }\nnetwork [|MlpModule|](input: 784) { linear(10) }")]
    public void Names_that_cannot_be_the_generated_type_are_reported(string annotated) =>
        DiagnosticAssert.Reports(annotated, "NL0006", Error);

    // ---- NL0007 ----

    [Fact]
    public void A_block_that_calls_itself_is_reported_once_at_its_name()
    {
        var result = DiagnosticAssert.Reports(
            "block [|Loop|] = conv3x3(8) > relu > Loop\nnetwork A(input: 1x28x28) { Loop > Loop > flatten > linear(10) }\nnetwork B(input: 1x28x28) { Loop > flatten > linear(10) }",
            "NL0007", Error);
        Assert.Equal("Block 'Loop' calls itself (Loop > Loop); blocks cannot be recursive", result.Diagnostics[0].Message);
    }

    [Fact]
    public void A_block_that_calls_itself_through_another_block_is_reported_once()
    {
        var result = DiagnosticAssert.Reports(
            "block [|Ping|] = conv3x3(8) > relu > Pong\nblock Pong = conv3x3(8) > relu > Ping\nnetwork A(input: 1x28x28) { Ping > Pong > flatten > linear(10) }",
            "NL0007", Error);
        Assert.Equal("Block 'Ping' calls itself (Ping > Pong > Ping); blocks cannot be recursive", result.Diagnostics[0].Message);
    }

    [Fact]
    public void A_block_that_calls_itself_through_a_layer_valued_default_is_reported()
    {
        DiagnosticAssert.Reports(
            "block [|B|](act = B) = conv3x3(8) > act\nnetwork A(input: 1x28x28) { B > relu > flatten > linear(10) }", "NL0007", Error);
    }

    [Fact]
    public void A_block_passed_to_itself_as_a_layer_value_is_not_recursion()
    {
        // Wrap(inner: Wrap) = conv3x3(8) > Wrap() = conv3x3(8) > conv3x3(8) > relu
        var result = NormLabCompiler.Check(
            "block Wrap(inner = relu) = conv3x3(8) > bn > inner\nnetwork A(input: 1x28x28) { Wrap(inner: Wrap) > flatten > linear(10) }");
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "NL0007");
        Assert.Equal(["conv1", "bn1", "conv2", "bn2", "relu1", "flatten1", "linear1"], result.Networks[0].Layers.Select(l => l.Name));
        Assert.True(result.Networks[0].IsValid);
    }

    // ---- NL0008 ----

    [Fact]
    public void Empty_networks_blocks_and_branches_are_reported()
    {
        DiagnosticAssert.Exactly(
            "block [|Empty|] =\nnetwork [|N|](input: 784) { }\nnetwork M(input: 8x4x4) { [|residual|] { } > flatten > linear(10) }",
            ("NL0008", Error), ("NL0008", Error), ("NL0008", Error));
    }

    // ---- NL0009 ----

    [Theory]
    [InlineData("network A(input: [|0x28x28|]) { relu }", "The input shape 0x28x28 has a zero dimension; every size must be at least 1")]
    [InlineData("network A(input: [|relu|]) { relu }", "'input' must be a shape such as 1x28x28, 28x28 or a feature count such as 784, got the layer 'relu'")]
    [InlineData("network A(input: [|1x3x28x28|]) { relu }", "The input shape 1x3x28x28 has 4 dimensions; use CxHxW, HxW or a feature count")]
    [InlineData("network A(input: [|0|]) { relu }", "'input' must be a shape such as 1x28x28, 28x28 or a feature count such as 784, got 0")]
    [InlineData("network A(input: [|784.5|]) { relu }", "'input' must be a shape such as 1x28x28, 28x28 or a feature count such as 784, got 784.5")]
    [InlineData("network A([|input|]) { relu }", "'input' must be a shape such as 1x28x28, 28x28 or a feature count such as 784, got nothing")]
    [InlineData("network [|A|](classes: 10) { relu }", "Network 'A' has no 'input'; declare its shape: network A(input: 1x28x28)")]
    [InlineData("network [|A|] { relu }", "Network 'A' has no 'input'; declare its shape: network A(input: 1x28x28)")]
    public void A_missing_or_malformed_input_is_reported(string annotated, string message)
    {
        var result = DiagnosticAssert.Reports(annotated, "NL0009", Error);
        Assert.Equal(message, result.Diagnostics[0].Message);
        Assert.Null(result.Networks[0].Input);
        Assert.False(result.Networks[0].IsValid);
    }

    [Theory]
    [InlineData("1x28x28", new[] { 1, 28, 28 })]
    [InlineData("3x32x32", new[] { 3, 32, 32 })]
    [InlineData("28x28", new[] { 1, 28, 28 })] // HxW is treated as 1xHxW
    [InlineData("784", new[] { 784 })]
    public void Valid_inputs_are_bound(string input, int[] dimensions)
    {
        var result = NormLabCompiler.Check($"network A(input: {input}) {{ identity }}");
        Assert.Empty(result.Diagnostics);
        Assert.Equal(dimensions, result.Networks[0].Input!.Dimensions);
    }

    // ---- NL0010 and allow ----

    [Fact]
    public void Allow_silences_the_ID_for_that_network_only()
    {
        var result = DiagnosticAssert.Reports(
            "network A(input: 1x28x28) allow NL1001 { conv3x3(8) > relu > bn > flatten > linear(10) }\n" +
            "network B(input: 1x28x28) { conv3x3(8) > relu > [|bn|] > flatten > linear(10) }",
            "NL1001", Warning);
        Assert.Empty(result.Networks[0].Diagnostics);
        Assert.Equal(["NL1001"], result.Networks[0].Allowed);
        Assert.Single(result.Networks[1].Diagnostics);
    }

    [Fact]
    public void Allow_does_not_silence_other_IDs()
    {
        DiagnosticAssert.Reports(
            "network A(input: 1x28x28) allow NL1001 { conv3x3(8) > relu > [|relu|] > bn > flatten > linear(10) }", "NL1005", Warning);
    }

    [Fact]
    public void Allow_with_an_unknown_or_error_ID_is_a_warning_and_allows_nothing()
    {
        var result = DiagnosticAssert.Exactly(
            "network A(input: 1x28x28) allow [|NL9999|], [|NL0002|], [|nl1001|] { conv3x3(8) > relu > [|bn|] > flatten > linear(10) }",
            ("NL0010", Warning), ("NL0010", Warning), ("NL0010", Warning), ("NL1001", Warning));
        Assert.Equal("'NL9999' is not a NormLab diagnostic ID; did you mean 'NL0009'?", result.Diagnostics[0].Message);
        Assert.Equal("NL0002 is an error and cannot be allowed: the network could not be built; fix the cause instead", result.Diagnostics[1].Message);
        Assert.Equal("'nl1001' is not a NormLab diagnostic ID; did you mean 'NL1001'?", result.Diagnostics[2].Message);
        Assert.Empty(result.Networks[0].Allowed);
    }

    [Fact]
    public void Allow_silences_several_IDs_and_hidden_hints()
    {
        var result = DiagnosticAssert.Clean(
            "network A(input: 1x28x28) allow NL1001, NL1009, NL1004 { conv3x3(8) > relu > bn > bn > relu > maxpool > flatten > linear(10) }");
        Assert.Equal(["NL1001", "NL1004", "NL1009"], result.Networks[0].Allowed);
    }

    [Fact]
    public void Allow_does_not_silence_syntax_errors_of_the_file()
    {
        DiagnosticAssert.Reports("network A(input: 784) allow NL1001 { linear(10) [|)|] }", "NL0001", Error);
    }
}
