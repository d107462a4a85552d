using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Model;
using NormLab.Dsl.Tests.Infrastructure;
using static NormLab.Dsl.Diagnostics.DiagnosticSeverity;

namespace NormLab.Dsl.Tests.Model;

/// <summary>Field names, block expansions, hyper-parameter overrides and the language.md example.</summary>
public class NetworkModelTests
{
    // ---- field names ----

    [Fact]
    public void Layers_are_named_by_kind_and_counted_per_kind_in_execution_order()
    {
        var network = Check(
            "network N(input: 3x32x32) { conv3x3(16) > bn > relu > conv(32, kernel: 5) > batchnorm > relu > maxpool > " +
            "residual { conv3x3(32) > bn > relu > conv3x3(32) > bn } > relu > residual(project) { conv3x3(64, stride: 2) > bn } > " +
            "gap > dense(64) > relu > dropout > linear(10) }");
        Assert.Equal(
            [
                "conv1", "bn1", "relu1", "conv2", "bn2", "relu2", "maxpool1",
                "residual1", "conv3", "bn3", "relu3", "conv4", "bn4", "relu4",
                "residual2", "conv5", "bn5", "residual2_proj", "residual2_projbn",
                "gap1", "linear1", "relu5", "dropout1", "linear2",
            ],
            network.AllLayers().Select(l => l.Name));

        // the name as written is kept beside the canonical kind (aliases included)
        var layers = network.AllLayers().ToDictionary(l => l.Name);
        Assert.Equal(("conv3x3", "conv"), (layers["conv1"].WrittenName, layers["conv1"].KindName));
        Assert.Equal(("conv", "conv"), (layers["conv2"].WrittenName, layers["conv2"].KindName));
        Assert.Equal(("batchnorm", "bn"), (layers["bn2"].WrittenName, layers["bn2"].KindName));
        Assert.Equal(("dense", "linear"), (layers["linear1"].WrittenName, layers["linear1"].KindName));
        Assert.Equal(("conv1x1", "conv"), (layers["residual2_proj"].WrittenName, layers["residual2_proj"].KindName));
    }

    [Fact]
    public void Names_do_not_change_when_another_network_of_the_file_changes()
    {
        const string B = "network B(input: 1x28x28) { conv3x3(8) > bn > relu > maxpool > conv3x3(16) > bn > relu > gap > linear(10) }";
        var before = NormLabCompiler.Check("network A(input: 784) { linear(10) }\n" + B).FindNetwork("B")!;
        var after = NormLabCompiler.Check(
            "network A(input: 1x28x28) { conv3x3(4) > bn > relu > conv3x3(4) > bn > relu > flatten > linear(32) > relu > linear(10) }\n" + B).FindNetwork("B")!;
        Assert.Equal(["conv1", "bn1", "relu1", "maxpool1", "conv2", "bn2", "relu2", "gap1", "linear1"], before.Layers.Select(l => l.Name));
        Assert.Equal(before.Layers.Select(l => l.Name), after.Layers.Select(l => l.Name));
        Assert.Equal(before.ParameterCount, after.ParameterCount);
    }

    [Fact]
    public void Names_are_the_same_for_a_block_call_and_its_expansion_written_out()
    {
        var viaBlock = Check("block Unit(c) = conv3x3(c) > bn > relu\nnetwork N(input: 1x28x28) { Unit(8) * 2 > gap > linear(10) }");
        var written = Check("network N(input: 1x28x28) { conv3x3(8) > bn > relu > conv3x3(8) > bn > relu > gap > linear(10) }");
        Assert.Equal(written.Layers.Select(l => l.Name), viaBlock.Layers.Select(l => l.Name));
        Assert.Equal(written.ParameterCount, viaBlock.ParameterCount);
    }

    // ---- diagnostics from block expansions point at the call in the network ----

    [Fact]
    public void An_ordering_rule_inside_a_block_points_at_the_block_call()
    {
        DiagnosticAssert.Reports(
            "block Bad(c) = conv3x3(c) > relu > bn\nnetwork N(input: 1x28x28) { conv3x3(8) > bn > relu > [|Bad(16)|] > gap > linear(10) }",
            "NL1001", Warning);
    }

    [Fact]
    public void A_rule_across_two_block_calls_points_at_the_call_of_the_second_layer()
    {
        // relu ends the first call, bn starts the second
        DiagnosticAssert.Reports(
            "block A = conv3x3(8) > relu\nblock B = bn > conv3x3(8) > relu\nnetwork N(input: 1x28x28) { A > [|B|] > gap > linear(10) }",
            "NL1001", Warning);
    }

    [Fact]
    public void A_bad_argument_inside_a_block_points_at_the_block_call()
    {
        DiagnosticAssert.Reports(
            "block Unit(c) = conv3x3(c) > bn > relu\nnetwork N(input: 1x28x28) { Unit(8) > [|Unit(0)|] > gap > linear(10) }", "NL0003", Error);
    }

    [Fact]
    public void A_shape_error_inside_a_nested_block_points_at_the_outermost_call()
    {
        DiagnosticAssert.Reports(
            "block Down = conv3x3(8) > relu > avgpool\nblock Stage = Down > Down\nnetwork N(input: 1x4x4) { Stage > [|Stage|] > flatten > linear(10) }",
            "NL2001", Error);
    }

    [Fact]
    public void A_layer_value_from_the_network_points_at_its_argument()
    {
        // the activation was chosen in the network: the network's own text is the best place to point at
        DiagnosticAssert.Reports(
            "block Head(c, act = relu) = conv3x3(c) > bn > relu > gap > linear(10) > act\nnetwork N(input: 1x28x28) { Head(8, act: [|softmax|]) }",
            "NL1007", Warning);
    }

    [Fact]
    public void Layers_keep_both_the_call_span_and_their_own_syntax_span()
    {
        const string Text = "block Unit(c) = conv3x3(c) > bn > relu\nnetwork N(input: 1x28x28) { Unit(8) > gap > linear(10) }";
        var network = Check(Text);
        var conv = network.Layers[0];
        Assert.Equal("Unit(8)", Text.Substring(conv.Span.Start, conv.Span.Length));
        Assert.Equal("conv3x3(c)", Text.Substring(conv.SyntaxSpan.Start, conv.SyntaxSpan.Length));
    }

    // ---- hyper-parameters and overrides (CheckOptions.HyperParameters, used by Build at run time) ----

    private const string Scalable = "network Cnn(input: 1x28x28, classes: 10, width: 32, drop: 0.5) { conv3x3(width) > bn > relu > maxpool > conv3x3(width * 2) > bn > relu > gap > dropout(drop) > linear(classes) }";

    [Fact]
    public void Hyper_parameters_keep_their_defaults()
    {
        var network = Check(Scalable);
        Assert.Equal(["width", "drop"], network.HyperParameters.Select(p => p.Name));
        Assert.Equal(["32", "0.5"], network.HyperParameters.Select(p => p.ToString()));
        Assert.Equal([true, false], network.HyperParameters.Select(p => p.IsInteger));
        Assert.Equal(10, network.Classes);

        // Conv2d(1, 32, 3, bias=False): 32*1*3*3 = 288
        Assert.Equal(288, network.Layers[0].Parameters);
    }

    [Fact]
    public void An_override_replaces_the_default()
    {
        var network = Check(Scalable, Overrides(("width", 16), ("drop", 0.25)));

        // Conv2d(1, 16, 3, bias=False): 16*1*3*3 = 144; Conv2d(16, 32, 3, bias=False): 32*16*9 = 4608
        Assert.Equal(144, network.Layers[0].Parameters);
        Assert.Equal(4608, network.Layers[4].Parameters);
        Assert.Equal(0.25, network.Layers[8].P);
        Assert.Equal(["16", "0.25"], network.HyperParameters.Select(p => p.ToString()));

        // 144 + 32 (bn1) + 4608 + 64 (bn2) + Linear(32, 10) 330 = 5178
        Assert.Equal(144 + 32 + 4608 + 64 + 330, network.ParameterCount);
    }

    [Fact]
    public void An_override_applies_to_its_network_only()
    {
        var result = NormLabCompiler.Check(Scalable + "\n" + Scalable.Replace("network Cnn", "network Other", StringComparison.Ordinal), options: Overrides(("width", 16)));
        Assert.Equal(144, result.FindNetwork("Cnn")!.Layers[0].Parameters);
        Assert.Equal(288, result.FindNetwork("Other")!.Layers[0].Parameters);
    }

    [Fact]
    public void An_override_that_breaks_the_network_gives_the_same_IDs_as_the_text()
    {
        // width 0 through an override, and written in the text
        var overridden = NormLabCompiler.Check(Scalable, options: Overrides(("width", 0)));
        var written = NormLabCompiler.Check(Scalable.Replace("width: 32", "width: 0", StringComparison.Ordinal));
        Assert.Equal(Summary(written), Summary(overridden));
        Assert.Contains(overridden.Diagnostics, d => d.Id == "NL0003");
        Assert.False(overridden.Networks[0].IsValid);

        // a fractional width is not a channel count
        var fractional = NormLabCompiler.Check(Scalable, options: Overrides(("width", 7.5)));
        var writtenFractional = NormLabCompiler.Check(Scalable.Replace("width: 32", "width: 7.5", StringComparison.Ordinal));
        Assert.Equal(Summary(writtenFractional), Summary(fractional));
        Assert.Contains(fractional.Diagnostics, d => d.Id == "NL0003");

        // a dropout out of range
        var drop = NormLabCompiler.Check(Scalable, options: Overrides(("drop", 1.0)));
        Assert.Equal(["NL0003"], drop.Diagnostics.Select(d => d.Id));
    }

    [Fact]
    public void An_override_that_shrinks_the_input_below_a_kernel_gives_a_shape_error()
    {
        const string Deep = "network Deep(input: 1x28x28, depth: 2) { (conv3x3(8) > relu > avgpool) * depth > flatten > linear(10) }";
        Assert.True(Check(Deep).IsValid);

        // 28 -> 14 -> 7 -> 3 -> 1 -> a 2x2 window no longer fits
        var result = NormLabCompiler.Check(Deep, options: new CheckOptions
        {
            HyperParameters = new Dictionary<string, IReadOnlyDictionary<string, double>> { ["Deep"] = new Dictionary<string, double> { ["depth"] = 5 } },
        });
        Assert.Equal(["NL2001"], result.Diagnostics.Where(d => d.IsError).Select(d => d.Id));
        Assert.False(result.Networks[0].IsValid);
    }

    [Fact]
    public void An_override_of_an_unknown_hyper_parameter_is_reported_with_a_suggestion()
    {
        var result = DiagnosticAssert.Reports(
            "network [|Cnn|](input: 1x28x28, classes: 10, width: 32, drop: 0.5) { conv3x3(width) > bn > relu > gap > dropout(drop) > linear(classes) }",
            "NL0005", Error, Overrides(("widht", 16)));
        Assert.Equal("'widht' is not a parameter of network 'Cnn'; did you mean 'width'?", result.Diagnostics[0].Message);
    }

    // ---- the example of language.md ----

    [Fact]
    public void The_language_example_checks_with_the_expected_diagnostics_and_shapes()
    {
        var text = File.ReadAllText(TestPaths.OrderingExample);
        var result = NormLabCompiler.Check(text, "ordering.normlab");
        Assert.Equal("OrderingStudy", result.Namespace);
        Assert.Equal(["ConvBnRelu", "ConvReluBn", "Residual"], result.Networks.Select(n => n.Name));
        Assert.False(result.HasErrors);

        // the only diagnostics: ConvBlock ends with relu and maxpool follows it (NL1009, an IDE hint), at both calls
        Assert.Equal(
            [("NL1009", Hidden, "ConvBlock(width)"), ("NL1009", Hidden, "ConvBlock(width * 2)")],
            result.Diagnostics.Select(d => (d.Id, d.Severity, text.Substring(d.Span.Start, d.Span.Length))));

        var convBnRelu = result.Networks[0];
        Assert.Equal(
            [
                ("conv1", "32x28x28", 288L), // Conv2d(1, 32, 3, bias=False): 32*1*3*3 = 288
                ("bn1", "32x28x28", 64L), // BatchNorm2d(32): 2*32
                ("relu1", "32x28x28", 0L),
                ("maxpool1", "32x14x14", 0L), // floor((28 - 1 - 1)/2) + 1 = 14
                ("conv2", "64x14x14", 18432L), // Conv2d(32, 64, 3, bias=False): 64*32*9 = 18432
                ("bn2", "64x14x14", 128L),
                ("relu2", "64x14x14", 0L),
                ("maxpool2", "64x7x7", 0L), // floor((14 - 1 - 1)/2) + 1 = 7
                ("flatten1", "3136", 0L), // 64*7*7 = 3136
                ("linear1", "128", 401536L), // Linear(3136, 128): 3136*128 + 128 = 401536
                ("relu3", "128", 0L),
                ("dropout1", "128", 0L),
                ("linear2", "10", 1290L), // Linear(128, 10): 128*10 + 10 = 1290
            ],
            convBnRelu.Layers.Select(l => (l.Name, l.OutputShape.ToString(), l.Parameters)));

        // 288 + 64 + 18432 + 128 + 401536 + 1290 = 421738
        Assert.Equal(421738, convBnRelu.ParameterCount);
        Assert.Equal("1x28x28", convBnRelu.Input!.ToString());
        Assert.Equal("10", convBnRelu.Output!.ToString());
        Assert.True(convBnRelu.IsValid);

        // MACs: 32*28*28*9 + 64*14*14*32*9 + 3136*128 + 128*10 = 225792 + 3612672 + 401408 + 1280 = 4241152
        Assert.Equal(4241152, convBnRelu.Macs);

        // ConvReluBn keeps relu > bn on purpose: NL1001 is allowed for it
        var convReluBn = result.Networks[1];
        Assert.Equal(["NL1001"], convReluBn.Allowed);
        Assert.Empty(convReluBn.Diagnostics);

        // Conv2d(1, 32, 3) with bias (relu follows): 32*9 + 32 = 320; bn 64; Linear(32, 10) 330: 714
        Assert.Equal(714, convReluBn.ParameterCount);

        // Residual: stem 1728 + 128; branch 2 * (64*64*9 + 128) = 73984; ConvBlock(128) * 2: (128*64*9 + 256) + (128*128*9 + 256) = 221696;
        // Linear(128, 10) = 1290: 1856 + 73984 + 221696 + 1290 = 298826
        var residual = result.Networks[2];
        Assert.Equal(298826, residual.ParameterCount);
        Assert.Equal("64x32x32", residual.Layers[3].OutputShape.ToString());
        Assert.Equal(["conv1", "bn1", "relu1", "residual1", "relu3", "conv4", "bn4", "relu4", "conv5", "bn5", "relu5", "gap1", "linear1"], residual.Layers.Select(l => l.Name));
    }

    private static IEnumerable<(string Id, string Message, string At)> Summary(CheckResult result) =>
        result.Diagnostics.Select(d => (d.Id, d.Message, result.Source.ToString(d.Span)));

    private static CheckOptions Overrides(params (string Name, double Value)[] values) => new()
    {
        HyperParameters = new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            ["Cnn"] = values.ToDictionary(v => v.Name, v => v.Value),
        },
    };

    private static NetworkModel Check(string text, CheckOptions? options = null)
    {
        var result = NormLabCompiler.Check(text, options: options);
        Assert.False(result.HasErrors, DiagnosticAssert.Describe(result));
        return result.Networks[0];
    }
}
