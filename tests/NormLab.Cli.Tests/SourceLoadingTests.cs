namespace NormLab.Cli.Tests;

/// <summary>
/// What <c>train</c>, <c>export</c> and <c>study</c> share before they start (CommandHelpers.ReadChecked and
/// LoadNetwork): the file read and checked, the network found, the file's errors printed, each with its exit code;
/// and a path option that is not a valid path (InputFiles.FullPathOrReport).
/// </summary>
public sealed class SourceLoadingTests
{
    private const string Broken = "network Good(input: 1x28x28, classes: 10) {\n    flatten > linear(classes)\n}\n\n" +
                                  "network Broken(input: 1x28x28, classes: 10) {\n    flatten > frobnicate > linear(classes)\n}\n";

    public static TheoryData<string[], string> FileWithErrors() => new()
    {
        { new[] { "train", "broken.normlab", "--network", "Good" }, "trained" },
        { new[] { "export", "broken.normlab", "--network", "Good", "-o", "out.onnx" }, "exported" },
        { new[] { "study", "broken.normlab", "--networks", "Good", "--epochs", "1" }, "trained" },
        { new[] { "study", "broken.normlab", "--epochs", "1" }, "trained" },
    };

    [Theory]
    [MemberData(nameof(FileWithErrors))]
    public void A_file_with_errors_prints_them_exits_1_and_does_nothing(string[] args, string nothingWas)
    {
        using var folder = new TempFolder();
        folder.Write("broken.normlab", Broken);

        var result = Cli.RunIn(folder.Path, args);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Equal(2, result.StderrLines.Length);
        Assert.StartsWith("broken.normlab(6,", result.StderrLines[0], StringComparison.Ordinal);
        Assert.Contains(": error NL", result.StderrLines[0], StringComparison.Ordinal);
        Assert.Equal($"normlab: error: broken.normlab has errors; nothing was {nothingWas}", result.StderrLines[1]);
        Assert.Equal(new[] { "broken.normlab" }, Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName));
    }

    public static TheoryData<string[]> UnknownNetwork() => new()
    {
        { new[] { "train", "broken.normlab", "--network", "Nope" } },
        { new[] { "export", "broken.normlab", "--network", "Nope", "-o", "out.onnx" } },
        { new[] { "study", "broken.normlab", "--networks", "Good,Nope", "--epochs", "1" } },
    };

    [Theory]
    [MemberData(nameof(UnknownNetwork))]
    public void An_unknown_network_is_one_line_and_exit_2_even_in_a_file_with_errors(string[] args)
    {
        using var folder = new TempFolder();
        folder.Write("broken.normlab", Broken);

        var result = Cli.RunIn(folder.Path, args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Equal(new[] { "normlab: error: no network 'Nope' in broken.normlab; its networks are: Good, Broken" }, result.StderrLines);
        Assert.Equal(new[] { "broken.normlab" }, Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("train", "--network")]
    [InlineData("export", "--network")]
    [InlineData("study", "--networks")]
    public void A_missing_file_is_one_line_and_exit_2(string command, string networkOption)
    {
        using var folder = new TempFolder();
        string[] args = command == "export"
            ? new[] { command, "nothere.normlab", networkOption, "Good", "-o", "out.onnx" }
            : new[] { command, "nothere.normlab", networkOption, "Good" };

        var result = Cli.RunIn(folder.Path, args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(new[] { "normlab: error: no such file or directory: nothere.normlab" }, result.StderrLines);
    }

    [Theory]
    [InlineData("export", "-o", "--out expects a file, and '")]
    [InlineData("export", "--weights", "--weights expects a weights file, and '")]
    [InlineData("train", "--data", "not a valid path: '")]
    [InlineData("train", "--out", "--out expects a folder, and '")]
    public void A_path_that_is_not_valid_is_one_line_and_exit_2(string command, string option, string start)
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", "network Good(input: 1x28x28, classes: 10) {\n    flatten > linear(classes)\n}\n");
        var args = new List<string> { command, "nets.normlab", "--network", "Good", option, "bad\0path" };
        if (command == "export" && option != "-o")
            args.AddRange(new[] { "-o", "out.onnx" });

        var result = Cli.RunIn(folder.Path, args.ToArray());

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("normlab: error: " + start + "bad", line, StringComparison.Ordinal);
        Assert.EndsWith("path'" + (start.StartsWith("not", StringComparison.Ordinal) ? string.Empty : " is not a valid path"), line, StringComparison.Ordinal);
        Assert.Equal(new[] { "nets.normlab" }, Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName));
    }
}
