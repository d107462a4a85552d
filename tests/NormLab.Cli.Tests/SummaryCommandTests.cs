using System.Text.Json;

namespace NormLab.Cli.Tests;

public sealed class SummaryCommandTests
{
    [Fact]
    public void Text_table_of_the_ordering_example()
    {
        var result = Cli.Run("summary", TestPaths.OrderingExample);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Stderr);
        var lines = result.StdoutLines;
        Assert.Equal("Network: OrderingStudy.ConvBnRelu", lines[0]);
        Assert.Equal("Input: 1x28x28   Output: 10", lines[1]);
        Assert.Equal(new[] { "Layer", "Kind", "Output", "shape", "Parameters", "MACs" }, Cells(lines[2]));
        Assert.Equal(new[] { "conv1", "conv", "32x28x28", "288", "225,792" }, Cells(lines[4]));
        Assert.Equal(new[] { "relu1", "relu", "32x28x28", "--", "--" }, Cells(lines[6]));
        Assert.Contains("Total parameters: 421,738", lines);
        Assert.Contains("Total MACs:       4,241,152 (4.24 M) per sample", lines);
        Assert.Contains("Parameter memory: 1.61 MiB (float32)", lines);
        Assert.Contains("Network: OrderingStudy.ConvReluBn", lines);
        Assert.Contains("Network: OrderingStudy.Residual", lines);
    }

    [Fact]
    public void Residual_branches_are_indented_in_the_table()
    {
        var result = Cli.Run("summary", TestPaths.OrderingExample, "--network", "Residual");

        var lines = result.StdoutLines;
        Assert.Equal("Network: OrderingStudy.Residual", lines[0]);
        var residual = Array.FindIndex(lines, l => l.StartsWith("residual1 ", StringComparison.Ordinal));
        Assert.True(residual > 0);
        Assert.StartsWith("  conv2 ", lines[residual + 1], StringComparison.Ordinal);
        Assert.StartsWith("  bn3 ", lines[residual + 5], StringComparison.Ordinal);
        Assert.StartsWith("relu3 ", lines[residual + 6], StringComparison.Ordinal);
    }

    [Fact]
    public void Json_of_the_ordering_example()
    {
        var result = Cli.Run("summary", TestPaths.OrderingExample, "--format", "json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var networks = json.RootElement.GetProperty("networks").EnumerateArray().ToArray();
        Assert.Equal(new[] { "ConvBnRelu", "ConvReluBn", "Residual" }, networks.Select(n => n.GetProperty("name").GetString()).ToArray());

        var network = networks[0];
        Assert.Equal(new[] { 1, 28, 28 }, Ints(network.GetProperty("input")));
        Assert.Equal(new[] { 10 }, Ints(network.GetProperty("output")));
        Assert.Equal(421738, network.GetProperty("parameters").GetInt64());
        Assert.Equal(4241152, network.GetProperty("macs").GetInt64());

        var conv1 = network.GetProperty("layers")[0];
        Assert.Equal("conv1", conv1.GetProperty("name").GetString());
        Assert.Equal("conv", conv1.GetProperty("kind").GetString());
        Assert.Equal(new[] { 32, 28, 28 }, Ints(conv1.GetProperty("output")));
        Assert.Equal(288, conv1.GetProperty("parameters").GetInt64());
        Assert.Equal(225792, conv1.GetProperty("macs").GetInt64());
        Assert.Equal(new[] { "name", "kind", "output", "parameters", "macs" }, conv1.EnumerateObject().Select(p => p.Name).ToArray());

        var layers = network.GetProperty("layers").EnumerateArray().ToArray();
        Assert.Equal(421738, layers.Sum(l => l.GetProperty("parameters").GetInt64()));
        Assert.Equal(4241152, layers.Sum(l => l.GetProperty("macs").GetInt64()));
    }

    [Fact]
    public void Json_residuals_carry_their_branch_and_shortcut()
    {
        using var folder = new TempFolder();
        folder.Write("proj.normlab",
            "network Proj(input: 3x32x32, classes: 10) {\n" +
            "    conv3x3(16) > bn > relu\n" +
            "    > residual(project) { conv(32, stride: 2) > bn > relu > conv3x3(32) > bn } > relu\n" +
            "    > gap > linear(classes)\n" +
            "}\n");

        var result = Cli.RunIn(folder.Path, "summary", "proj.normlab", "-f", "json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var network = Assert.Single(json.RootElement.GetProperty("networks").EnumerateArray());
        var residual = network.GetProperty("layers").EnumerateArray().Single(l => l.GetProperty("kind").GetString() == "residual");
        Assert.Equal("residual1", residual.GetProperty("name").GetString());
        Assert.Equal(new[] { 32, 16, 16 }, Ints(residual.GetProperty("output")));
        Assert.Equal(new[] { "conv2", "bn2", "relu2", "conv3", "bn3" }, Names(residual.GetProperty("layers")));
        Assert.Equal(new[] { "residual1_proj", "residual1_projbn" }, Names(residual.GetProperty("shortcut")));
        var projection = residual.GetProperty("shortcut")[0];
        Assert.Equal(512, projection.GetProperty("parameters").GetInt64());
        Assert.Equal(131072, projection.GetProperty("macs").GetInt64());

        // every row holds its own numbers: the tree adds up to the totals
        Assert.Equal(network.GetProperty("parameters").GetInt64(), SumTree(network.GetProperty("layers"), "parameters"));
        Assert.Equal(network.GetProperty("macs").GetInt64(), SumTree(network.GetProperty("layers"), "macs"));
    }

    [Fact]
    public void An_identity_residual_has_an_empty_shortcut()
    {
        var result = Cli.Run("summary", TestPaths.OrderingExample, "--network", "Residual", "--format", "json");

        using var json = JsonDocument.Parse(result.Stdout);
        var network = Assert.Single(json.RootElement.GetProperty("networks").EnumerateArray());
        var residual = network.GetProperty("layers").EnumerateArray().Single(l => l.GetProperty("name").GetString() == "residual1");
        Assert.Equal(5, residual.GetProperty("layers").GetArrayLength());
        Assert.Equal(0, residual.GetProperty("shortcut").GetArrayLength());
        Assert.Equal(298826, network.GetProperty("parameters").GetInt64());
        Assert.Equal(298826, SumTree(network.GetProperty("layers"), "parameters"));
    }

    [Fact]
    public void An_unknown_network_exits_2_listing_the_networks()
    {
        var result = Cli.Run("summary", TestPaths.OrderingExample, "--network", "Nope");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Equal(
            new[] { "normlab: error: no network 'Nope' in examples/networks/ordering.normlab; its networks are: ConvBnRelu, ConvReluBn, Residual" },
            result.StderrLines);
    }

    [Fact]
    public void A_file_with_errors_exits_1_and_still_shows_the_valid_networks()
    {
        var result = Cli.Run("summary", TestPaths.GoldenInput, "--format", "json");

        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(new[] { "Mixed" }, Names(json.RootElement.GetProperty("networks")));
        Assert.Equal(
            new[]
            {
                "tests/NormLab.Cli.Tests/Inputs/diagnostics.normlab(15,31): error NL2002: 'linear' receives the spatial tensor 32x32x32; insert 'flatten' (or 'gap') before it",
                "tests/NormLab.Cli.Tests/Inputs/diagnostics.normlab(19,18): error NL0002: 'batchnrom' is not a layer or block; did you mean 'batchnorm'?",
                "tests/NormLab.Cli.Tests/Inputs/diagnostics.normlab(23,18): error NL0001: Expected a layer but found '>'",
                "normlab: left out because of errors: MissingFlatten, Typo, Syntax",
            },
            result.StderrLines);
    }

    [Fact]
    public void A_missing_file_exits_2_with_one_line()
    {
        var result = Cli.Run("summary", "nosuchfile.normlab");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("normlab: error: no such file or directory: nosuchfile.normlab\n", result.Stderr);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public void A_folder_is_not_a_file()
    {
        var result = Cli.Run("summary", "examples/networks");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(new[] { "normlab: error: expected a file, not a folder: examples/networks" }, result.StderrLines);
    }

    [Theory]
    [InlineData("summary")]
    [InlineData("summary", "a.normlab", "b.normlab")]
    [InlineData("summary", "a.normlab", "--netwrok", "X")]
    [InlineData("summary", "a.normlab", "--format", "sarif")]
    public void Bad_usage_exits_2(params string[] args)
    {
        var result = Cli.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("normlab: error: ", result.Stderr, StringComparison.Ordinal);
    }

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    private static string?[] Names(JsonElement array) => array.EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToArray();

    private static long SumTree(JsonElement layers, string property) => layers.EnumerateArray().Sum(layer =>
        layer.GetProperty(property).GetInt64()
        + (layer.TryGetProperty("layers", out var branch) ? SumTree(branch, property) : 0)
        + (layer.TryGetProperty("shortcut", out var shortcut) ? SumTree(shortcut, property) : 0));
}
