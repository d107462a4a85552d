using System.Text.Json;
using System.Text.RegularExpressions;

namespace NormLab.Cli.Tests;

public sealed class CheckCommandTests
{
    private static readonly Regex DiagnosticLine = new(
        @"^(?<path>[^()]+)\((?<line>\d+),(?<column>\d+)\): (?<severity>error|warning|info|hidden) (?<id>NL\d{4}): (?<message>.+)$");

    private static readonly Regex CountLine = new(
        @"^\d+ files?: \d+ errors?, \d+ warnings?, \d+ infos?(, \d+ hidden)?$");

    private const string ReluBeforeMaxPool =
        "network Hint(input: 1x28x28, classes: 10) {\n    conv3x3(8) > bn > relu > maxpool > flatten > linear(10)\n}\n";

    [Fact]
    public void A_clean_file_exits_0_with_only_the_count_line()
    {
        var result = Cli.Run("check", TestPaths.OrderingExample);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(new[] { "1 file: 0 errors, 0 warnings, 0 infos" }, result.StdoutLines);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public void A_file_with_errors_exits_1()
    {
        var result = Cli.Run("check", TestPaths.GoldenInput);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("1 file: 3 errors, 2 warnings, 1 info", result.StdoutLines[^1]);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public void Warnings_alone_exit_0()
    {
        using var folder = new TempFolder();
        folder.Write("w.normlab", "network W(input: 1x28x28, classes: 10) {\n    conv3x3(8) > relu > bn > gap > linear(10)\n}\n");

        var result = Cli.RunIn(folder.Path, "check", "w.normlab");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("w.normlab(2,25): warning NL1001: ", result.StdoutLines[0], StringComparison.Ordinal);
        Assert.Equal("1 file: 0 errors, 1 warning, 0 infos", result.StdoutLines[^1]);
    }

    [Theory]
    [InlineData("nosuchfile.normlab")]
    [InlineData("no/such/folder")]
    public void A_missing_path_exits_2_with_one_line_and_no_stack_trace(string path)
    {
        var result = Cli.Run("check", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Equal("normlab: error: no such file or directory: " + path + "\n", result.Stderr);
        Assert.DoesNotContain(" at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_path_among_good_ones_stops_the_check()
    {
        var result = Cli.Run("check", TestPaths.OrderingExample, "missing.normlab");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Equal(new[] { "normlab: error: no such file or directory: missing.normlab" }, result.StderrLines);
    }

    [Fact]
    public void Folders_are_searched_recursively_in_ordinal_order()
    {
        using var folder = new TempFolder();
        const string clean = "network N(input: 4) {\n    linear(2)\n}\n";
        folder.Write("b.normlab", clean);
        folder.Write("a/z.normlab", "network Z(input: 4) {\n    linear(2) > nosuch\n}\n");
        folder.Write("a/deeper/still/y.normlab", "network Y(input: 4) {\n    linear(2) > nosuch\n}\n");
        folder.Write("B.normlab", "network Q(input: 4) {\n    linear(2) > nosuch\n}\n");
        folder.Write("notes.txt", "not a normlab file");

        var result = Cli.RunIn(folder.Path, "check", ".");

        Assert.Equal(1, result.ExitCode);
        var paths = result.StdoutLines[..^1].Select(l => DiagnosticLine.Match(l).Groups["path"].Value).ToArray();
        Assert.Equal(new[] { "B.normlab", "a/deeper/still/y.normlab", "a/z.normlab" }, paths);
        Assert.Equal("4 files: 3 errors, 0 warnings, 0 infos", result.StdoutLines[^1]);
    }

    [Fact]
    public void Paths_keep_the_folder_the_user_named()
    {
        using var folder = new TempFolder();
        folder.Write("models/sub/x.normlab", "network X(input: 4) {\n    linear(2) > nosuch\n}\n");

        var result = Cli.RunIn(folder.Path, "check", "models");

        Assert.StartsWith("models/sub/x.normlab(2,17): error NL0002: ", result.StdoutLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void An_absolute_path_inside_the_current_directory_is_shown_relative()
    {
        using var folder = new TempFolder();
        var full = folder.Write("m/x.normlab", "network X(input: 4) {\n    linear(2) > nosuch\n}\n");

        var result = Cli.RunIn(folder.Path, "check", full);

        Assert.StartsWith("m/x.normlab(2,17): ", result.StdoutLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void An_absolute_path_outside_the_current_directory_stays_absolute()
    {
        using var here = new TempFolder();
        using var elsewhere = new TempFolder();
        var full = elsewhere.Write("x.normlab", "network X(input: 4) {\n    linear(2) > nosuch\n}\n");

        var result = Cli.RunIn(here.Path, "check", full);

        Assert.StartsWith(full.Replace('\\', '/') + "(2,17): ", result.StdoutLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_named_twice_is_checked_once()
    {
        var result = Cli.Run("check", TestPaths.OrderingExample, "examples/networks", "./" + TestPaths.OrderingExample);

        Assert.Equal("1 file: 0 errors, 0 warnings, 0 infos", result.StdoutLines[^1]);
    }

    [Fact]
    public void A_folder_without_normlab_files_exits_2()
    {
        using var folder = new TempFolder();
        folder.Write("readme.txt", "nothing here");

        var result = Cli.RunIn(folder.Path, "check", ".");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(new[] { "normlab: error: no .normlab files found in: ." }, result.StderrLines);
    }

    [Fact]
    public void Hidden_diagnostics_are_listed_only_with_all()
    {
        using var folder = new TempFolder();
        folder.Write("hint.normlab", ReluBeforeMaxPool);

        var plain = Cli.RunIn(folder.Path, "check", "hint.normlab");
        var all = Cli.RunIn(folder.Path, "check", "hint.normlab", "--all");

        Assert.Equal(0, plain.ExitCode);
        Assert.Equal(new[] { "1 file: 0 errors, 0 warnings, 0 infos" }, plain.StdoutLines);
        Assert.Equal(0, all.ExitCode);
        Assert.Equal(2, all.StdoutLines.Length);
        Assert.StartsWith("hint.normlab(2,23): hidden NL1009: 'relu' is monotone", all.StdoutLines[0], StringComparison.Ordinal);
        Assert.Equal("1 file: 0 errors, 0 warnings, 0 infos, 1 hidden", all.StdoutLines[1]);
    }

    [Fact]
    public void Hidden_diagnostics_in_json_only_with_all()
    {
        using var folder = new TempFolder();
        folder.Write("hint.normlab", ReluBeforeMaxPool);

        using var plain = JsonDocument.Parse(Cli.RunIn(folder.Path, "check", "hint.normlab", "--format", "json").Stdout);
        using var all = JsonDocument.Parse(Cli.RunIn(folder.Path, "check", "hint.normlab", "--format", "json", "--all").Stdout);

        Assert.Equal(0, plain.RootElement.GetProperty("diagnostics").GetArrayLength());
        Assert.False(plain.RootElement.GetProperty("summary").TryGetProperty("hidden", out _));
        var hint = Assert.Single(all.RootElement.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("NL1009", hint.GetProperty("id").GetString());
        Assert.Equal("hidden", hint.GetProperty("severity").GetString());
        Assert.Equal(1, all.RootElement.GetProperty("summary").GetProperty("hidden").GetInt32());
    }

    [Fact]
    public void Text_lines_have_the_compiler_shape()
    {
        var result = Cli.Run("check", TestPaths.GoldenInput, "--all");

        Assert.Equal(8, result.StdoutLines.Length);
        foreach (var line in result.StdoutLines[..^1])
        {
            var match = DiagnosticLine.Match(line);
            Assert.True(match.Success, line);
            Assert.Equal(TestPaths.GoldenInput, match.Groups["path"].Value);
        }

        Assert.Matches(CountLine, result.StdoutLines[^1]);
        Assert.Contains("tests/NormLab.Cli.Tests/Inputs/diagnostics.normlab(15,31): error NL2002: 'linear' receives the spatial tensor 32x32x32; insert 'flatten' (or 'gap') before it", result.StdoutLines);
    }

    [Fact]
    public void Json_positions_are_one_based_with_an_exclusive_end()
    {
        using var folder = new TempFolder();
        // 'bn' starts at column 15 of line 3
        folder.Write("x.normlab", "network X(input: 1x28x28, classes: 10) {\n    conv3x3(8)\n    > relu6 > bn > gap > linear(10)\n}\n");

        var result = Cli.RunIn(folder.Path, "check", "x.normlab", "-f", "json");
        using var json = JsonDocument.Parse(result.Stdout);

        var diagnostic = Assert.Single(json.RootElement.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("NL1001", diagnostic.GetProperty("id").GetString());
        Assert.Equal("warning", diagnostic.GetProperty("severity").GetString());
        Assert.Equal("x.normlab", diagnostic.GetProperty("file").GetString());
        Assert.Equal(3, diagnostic.GetProperty("line").GetInt32());
        Assert.Equal(15, diagnostic.GetProperty("column").GetInt32());
        Assert.Equal(3, diagnostic.GetProperty("endLine").GetInt32());
        Assert.Equal(17, diagnostic.GetProperty("endColumn").GetInt32());
    }

    [Fact]
    public void Json_is_sorted_by_file_line_and_column()
    {
        using var folder = new TempFolder();
        folder.Write("b.normlab", "network B(input: 4) {\n    linear(2) > nosuch > alsonot\n}\n");
        folder.Write("a.normlab", "network A(input: 4) {\n    nosuch > linear(2)\n}\nnetwork A2(input: 4) {\n    linear(2) > nosuch\n}\n");

        var result = Cli.RunIn(folder.Path, "check", "b.normlab", "a.normlab", "--format", "json");
        using var json = JsonDocument.Parse(result.Stdout);

        var keys = json.RootElement.GetProperty("diagnostics").EnumerateArray()
            .Select(d => (d.GetProperty("file").GetString() ?? string.Empty, d.GetProperty("line").GetInt32(), d.GetProperty("column").GetInt32()))
            .ToArray();
        Assert.Equal(new[] { ("a.normlab", 2, 5), ("a.normlab", 5, 17), ("b.normlab", 2, 17), ("b.normlab", 2, 26) }, keys);
        Assert.Equal(2, json.RootElement.GetProperty("summary").GetProperty("files").GetInt32());
        Assert.Equal(4, json.RootElement.GetProperty("summary").GetProperty("errors").GetInt32());
    }

    [Fact]
    public void Sarif_results_point_at_their_rules()
    {
        var result = Cli.Run("check", TestPaths.GoldenInput, "--format", "sarif", "--all");
        using var sarif = JsonDocument.Parse(result.Stdout);

        Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
        var run = Assert.Single(sarif.RootElement.GetProperty("runs").EnumerateArray());
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToArray();
        Assert.Equal(NormLab.Dsl.Diagnostics.DiagnosticDescriptors.All.Count, rules.Length);
        var results = run.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(7, results.Length);
        foreach (var item in results)
        {
            var rule = rules[item.GetProperty("ruleIndex").GetInt32()];
            Assert.Equal(item.GetProperty("ruleId").GetString(), rule.GetProperty("id").GetString());
            var location = Assert.Single(item.GetProperty("locations").EnumerateArray()).GetProperty("physicalLocation");
            Assert.Equal(TestPaths.GoldenInput, location.GetProperty("artifactLocation").GetProperty("uri").GetString());
        }

        Assert.Equal(
            new[] { "warning", "note", "none", "warning", "error", "error", "error" },
            results.Select(r => r.GetProperty("level").GetString()).ToArray());
    }

    [Fact]
    public void Colours_only_when_asked_for_and_never_in_json()
    {
        using var coloredText = new StringWriter();
        using var coloredJson = new StringWriter();
        using var error = new StringWriter();

        Program.Run(new[] { "check", TestPaths.GoldenInput }, coloredText, error, TestPaths.RepositoryRoot, useColor: true);
        Program.Run(new[] { "check", TestPaths.GoldenInput, "--format", "json" }, coloredJson, error, TestPaths.RepositoryRoot, useColor: true);

        Assert.Contains("\u001b[1;31merror\u001b[0m NL2002", coloredText.ToString(), StringComparison.Ordinal);
        Assert.Contains("\u001b[33mwarning\u001b[0m NL1001", coloredText.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', coloredJson.ToString());
        Assert.DoesNotContain('\u001b', Cli.Run("check", TestPaths.GoldenInput).Stdout);
    }

    [Theory]
    [InlineData("check")]
    [InlineData("check", "x.normlab", "--format", "xml")]
    [InlineData("check", "x.normlab", "--no-such-option")]
    [InlineData("nosuchcommand")]
    [InlineData]
    public void Bad_usage_exits_2(params string[] args)
    {
        var result = Cli.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.StartsWith("normlab: error: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--help' for usage.", result.Stderr, StringComparison.Ordinal);
    }
}
