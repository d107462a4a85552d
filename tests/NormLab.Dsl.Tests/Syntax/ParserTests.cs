using NormLab.Dsl.Syntax;
using NormLab.Dsl.Tests.Infrastructure;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Tests.Syntax;

public class ParserTests
{
    public static TheoryData<string> Programs() => new()
    {
        File.ReadAllText(TestPaths.OrderingExample),
        "network A(input: 784, width: 8 * (2 + 1) - -1) allow NL1001, NL1005 { linear(width / 2, bias: false) > relu * 2 > (linear(10) > gelu) * (1 + 1) }",
        "block B(c, act = leakyrelu(slope: 0.2)) = conv3x3(c) > bn > act\nnetwork N(input: 3x32x32) { B(16) > residual(project) { B(32, act: relu) > conv3x3(32, stride: 2) } > gap > linear(10) }",
        // broken programs: missing tokens have zero width but still nest
        "network A(input: 1x28x28 { conv3x3(8 > relu > residual { bn > } > flatten > linear(10)",
        "network (input: ) allow { conv3x3(8,) > > relu * > (bn > ) }",
        "block B(c = ) = \nnetwork A(input: 784) { B( > linear(10) }}} namespace",
        "namespace A.\nnetwork",
        "network A(input: 784) { linear(10) ; @ relu > ( > ) }",
        "/* unterminated network A(input: 784) { linear(10) }",
        string.Empty,
    };

    [Theory]
    [MemberData(nameof(Programs))]
    public void Every_node_lies_within_its_parent_and_the_text(string text)
    {
        var result = NormLabCompiler.Check(text);
        SyntaxTree.AssertSpansNest(result.Syntax, text.Length);
        Assert.All(result.Diagnostics, d => Assert.True(d.Span.End <= text.Length, $"{d} is outside the text"));
    }

    [Fact]
    public void Every_prefix_of_the_example_parses_with_nested_spans_and_never_throws()
    {
        var text = File.ReadAllText(TestPaths.OrderingExample);
        for (var length = 0; length <= text.Length; length++)
        {
            var prefix = text.Substring(0, length);
            var result = NormLabCompiler.Check(prefix);
            SyntaxTree.AssertSpansNest(result.Syntax, prefix.Length);
            Assert.All(result.Diagnostics, d => Assert.True(d.Span.End <= prefix.Length));
        }
    }

    [Fact]
    public void Node_spans_cover_exactly_their_text()
    {
        const string Text = "network N(input: 784, width: 8) allow NL1001 { linear(width * 2 + 1, bias: false) > relu * 3 > (dense(10) > gelu) * 2 }";
        var unit = NormLabCompiler.Check(Text).Syntax;
        var network = Assert.IsType<NetworkDeclarationSyntax>(Assert.Single(unit.Members));
        Assert.Equal(Text, Show(Text, network.Span));
        Assert.Equal("(input: 784, width: 8)", Show(Text, network.Parameters!.Span));
        Assert.Equal("width: 8", Show(Text, network.Parameters.Parameters[1].Span));
        Assert.Equal("allow NL1001", Show(Text, network.Allow!.Span));
        Assert.Equal("linear(width * 2 + 1, bias: false) > relu * 3 > (dense(10) > gelu) * 2", Show(Text, network.Body.Span));

        var linear = Assert.IsType<LayerCallSyntax>(network.Body.Elements[0]);
        Assert.Equal("linear(width * 2 + 1, bias: false)", Show(Text, linear.Span));
        Assert.Equal("width * 2 + 1", Show(Text, linear.Arguments!.Arguments[0].Span));
        Assert.Equal("bias: false", Show(Text, linear.Arguments.Arguments[1].Span));

        var repeat = Assert.IsType<RepeatSyntax>(network.Body.Elements[1]);
        Assert.Equal("relu * 3", Show(Text, repeat.Span));

        var group = Assert.IsType<RepeatSyntax>(network.Body.Elements[2]);
        Assert.Equal("(dense(10) > gelu) * 2", Show(Text, group.Span));
        Assert.Equal("(dense(10) > gelu)", Show(Text, Assert.IsType<GroupSyntax>(group.Element).Span));
    }

    [Fact]
    public void Multiplication_binds_tighter_than_addition()
    {
        // width * 2 + 1 is (width * 2) + 1
        var value = FirstArgument("network N(input: 784, width: 8) { linear(width * 2 + 1) }");
        var sum = Assert.IsType<BinaryExpressionSyntax>(value);
        Assert.Equal(TokenKind.Plus, sum.Operator.Kind);
        var product = Assert.IsType<BinaryExpressionSyntax>(sum.Left);
        Assert.Equal(TokenKind.Star, product.Operator.Kind);
        Assert.Equal("width", Assert.IsType<NameExpressionSyntax>(product.Left).Name);
        Assert.Equal(1L, Assert.IsType<LiteralExpressionSyntax>(sum.Right).Token.Value);

        // 1 + width * 2 is 1 + (width * 2)
        var other = Assert.IsType<BinaryExpressionSyntax>(FirstArgument("network N(input: 784, width: 8) { linear(1 + width * 2) }"));
        Assert.Equal(TokenKind.Plus, other.Operator.Kind);
        Assert.Equal(TokenKind.Star, Assert.IsType<BinaryExpressionSyntax>(other.Right).Operator.Kind);
    }

    [Fact]
    public void Operators_of_one_precedence_associate_to_the_left()
    {
        // 64 / 4 / 2 is (64 / 4) / 2 = 8, not 64 / (4 / 2) = 32; 10 - 3 - 2 is 5
        var division = Assert.IsType<BinaryExpressionSyntax>(FirstArgument("network N(input: 784) { linear(64 / 4 / 2) }"));
        Assert.IsType<BinaryExpressionSyntax>(division.Left);
        Assert.IsType<LiteralExpressionSyntax>(division.Right);
        Assert.Equal(8, OutFeatures("linear(64 / 4 / 2)"));
        Assert.Equal(5, OutFeatures("linear(10 - 3 - 2)"));
    }

    [Theory]
    // (width * 2) + 1 = 17 with width 8
    [InlineData("linear(width * 2 + 1)", 17)]
    [InlineData("linear(1 + width * 2)", 17)]
    // parentheses first: 8 * (2 + 1) = 24
    [InlineData("linear(width * (2 + 1))", 24)]
    [InlineData("linear((width + 2) * 2)", 20)]
    // unary minus binds tighter than *: -2 * -4 = 8
    [InlineData("linear(-2 * -4)", 8)]
    [InlineData("linear(+width)", 8)]
    // integer division that comes out whole stays an integer: 8 / 2 = 4
    [InlineData("linear(8 / 2)", 4)]
    [InlineData("linear(width / 2)", 4)]
    // a float that is whole still counts as a float only when a float took part: 2.0 is not an integer
    public void Arithmetic_follows_the_usual_precedence(string layer, int features) => Assert.Equal(features, OutFeatures(layer));

    [Theory]
    // 7 / 2 = 3.5 is not a channel count
    [InlineData("conv3x3([|7 / 2|])", "'out' of 'conv3x3' must be a whole number, got 3.5")]
    // a float operand makes the result a float, even when it is whole: 2.0 * 4 = 8.0
    [InlineData("conv3x3([|2.0 * 4|])", "'out' of 'conv3x3' must be a whole number, got 8")]
    [InlineData("conv3x3([|width * 0.5|])", "'out' of 'conv3x3' must be a whole number, got 4")]
    public void Float_arithmetic_is_not_a_whole_number(string layer, string message)
    {
        var result = DiagnosticAssert.Reports($"network N(input: 1x28x28, width: 8) {{ {layer} > relu > flatten > linear(10) }}", "NL0003", Dsl.Diagnostics.DiagnosticSeverity.Error);
        Assert.Equal(message, result.Diagnostics[0].Message);
    }

    [Fact]
    public void Float_arithmetic_works_where_a_number_is_expected()
    {
        // p = 1 / 4 = 0.25; slope = 0.1 * 2 = 0.2
        var network = NormLabCompiler.Check("network N(input: 784) { linear(10) > leakyrelu(0.1 * 2) > dropout(1 / 4) > linear(10) }").Networks[0];
        Assert.Equal(0.2, network.Layers[1].Scalar, 12);
        Assert.Equal(0.25, network.Layers[2].P);
    }

    [Fact]
    public void Repetition_repeats_a_layer_a_block_call_or_a_parenthesised_pipeline()
    {
        var network = Check(
            "block CBR(c) = conv3x3(c) > bn > relu\n" +
            "network N(input: 1x28x28, depth: 2) { CBR(8) * depth > (conv3x3(8) > relu) * (depth + 1) > maxpool > gelu * 1 > flatten > linear(10) }");
        Assert.Equal(
            ["conv1", "bn1", "relu1", "conv2", "bn2", "relu2", "conv3", "relu3", "conv4", "relu4", "conv5", "relu5", "maxpool1", "gelu1", "flatten1", "linear1"],
            network.Layers.Select(l => l.Name));
    }

    [Fact]
    public void Repetition_binds_to_the_element_before_it_not_to_the_pipeline()
    {
        // conv3x3(8) > relu * 2 is conv3x3(8) > relu > relu
        var network = NormLabCompiler.Check("network N(input: 1x28x28) { conv3x3(8) > relu * 2 > flatten > linear(10) }").Networks[0];
        Assert.Equal(["conv1", "relu1", "relu2", "flatten1", "linear1"], network.Layers.Select(l => l.Name));
    }

    [Fact]
    public void Named_and_positional_arguments_bind_to_the_same_parameters()
    {
        var positional = Check("network N(input: 3x32x32) { conv(16, 5, 2, valid, 1, 1, false) > relu > flatten > linear(10) }").Layers[0];
        var named = Check("network N(input: 3x32x32) { conv(16, kernel: 5, stride: 2, padding: valid, dilation: 1, groups: 1, bias: false) > relu > flatten > linear(10) }").Layers[0];
        var reordered = Check("network N(input: 3x32x32) { conv(bias: false, padding: valid, stride: 2, kernel: 5, out: 16) > relu > flatten > linear(10) }").Layers[0];
        foreach (var layer in new[] { positional, named, reordered })
        {
            Assert.Equal((16, 5, 2, 0, false), (layer.OutFeatures, layer.Kernel, layer.Stride, layer.Padding, layer.Bias));

            // out = floor((32 + 0 - 1*(5-1) - 1)/2) + 1 = floor(27/2) + 1 = 14
            Assert.Equal("16x14x14", layer.OutputShape.ToString());
        }
    }

    [Fact]
    public void Blocks_take_layers_as_parameters()
    {
        var network = Check(
            "block Unit(c, act = relu) = conv3x3(c) > bn > act\n" +
            "network N(input: 1x28x28) { Unit(8) > Unit(8, act: leakyrelu(0.2)) > Unit(8, gelu) > Unit(act: leakyrelu(slope: 0.3), c: 8) > flatten > linear(10) }");
        var activations = network.Layers.Where(l => l.Category == Dsl.Layers.LayerCategory.Activation).ToArray();
        Assert.Equal(["relu", "leakyrelu", "gelu", "leakyrelu"], activations.Select(l => l.WrittenName));
        Assert.Equal(0.2, activations[1].Scalar);
        Assert.Equal(0.3, activations[3].Scalar);
        Assert.Equal(["relu1", "leakyrelu1", "gelu1", "leakyrelu2"], activations.Select(l => l.Name));
    }

    [Fact]
    public void A_block_without_parameters_is_declared_and_called_without_parentheses()
    {
        var network = Check("block Stem = conv3x3(16) > bn > relu\nnetwork N(input: 1x28x28) { Stem > Stem > gap > linear(10) }");
        Assert.Equal(["conv1", "bn1", "relu1", "conv2", "bn2", "relu2", "gap1", "linear1"], network.Layers.Select(l => l.Name));
        Assert.Equal(["Stem"], network.Layers[0].BlockPath);
    }

    [Fact]
    public void Blocks_may_call_blocks_and_layers_remember_the_blocks_they_came_from()
    {
        var network = Check(
            "block Inner(c) = conv3x3(c) > bn > relu\nblock Outer(c) = Inner(c) > Inner(c * 2)\n" +
            "network N(input: 1x28x28) { Outer(8) > gap > linear(10) }");
        Assert.Equal(16, network.Layers[3].OutFeatures);
        Assert.Equal(["Outer", "Inner"], network.Layers[3].BlockPath);
        Assert.Empty(network.Layers[^1].BlockPath);
    }

    [Fact]
    public void Block_parameter_defaults_may_use_earlier_parameters()
    {
        var network = Check("block Unit(c, d = c * 2) = conv3x3(c) > relu > conv3x3(d) > relu\nnetwork N(input: 1x28x28) { Unit(8) > gap > linear(10) }");
        Assert.Equal([8, 16], network.Layers.Where(l => l.Kind == Dsl.Layers.LayerKind.Conv).Select(l => l.OutFeatures));
    }

    [Fact]
    public void The_namespace_is_read_or_defaulted()
    {
        Assert.Equal("Study.Ordering", NormLabCompiler.Check("namespace Study.Ordering;\nnetwork N(input: 784) { linear(10) }").Networks[0].Namespace);
        var options = new CheckOptions { DefaultNamespace = "MyProject" };
        Assert.Equal("MyProject", NormLabCompiler.Check("network N(input: 784) { linear(10) }", options: options).Networks[0].Namespace);
        Assert.Equal(string.Empty, NormLabCompiler.Check("network N(input: 784) { linear(10) }").Networks[0].Namespace);
    }

    [Fact]
    public void Parse_returns_the_tree_and_only_syntax_errors()
    {
        var (syntax, diagnostics) = NormLabCompiler.Parse(SourceText.From("network N(input: 784) { linear(10) > rleu > > relu }"));
        Assert.Single(syntax.Members);
        Assert.Equal(["NL0001"], diagnostics.Select(d => d.Id));
    }

    private static Dsl.Model.NetworkModel Check(string text)
    {
        var result = NormLabCompiler.Check(text);
        Assert.False(result.HasErrors, DiagnosticAssert.Describe(result));
        return Assert.Single(result.Networks);
    }

    private static int OutFeatures(string layer) =>
        Check($"network N(input: 784, width: 8) {{ {layer} }}").Layers[0].OutFeatures;

    private static ExpressionSyntax FirstArgument(string text)
    {
        var network = (NetworkDeclarationSyntax)NormLabCompiler.Check(text).Syntax.Members[0];
        return ((LayerCallSyntax)network.Body.Elements[0]).Arguments!.Arguments[0].Value;
    }

    private static string Show(string text, TextSpan span) => text.Substring(span.Start, span.Length);
}
