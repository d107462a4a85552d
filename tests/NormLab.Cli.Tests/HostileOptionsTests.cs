namespace NormLab.Cli.Tests;

/// <summary>
/// Every command with hostile option values: not numbers, fractions, huge, negative, empty, NaN, out of range, and
/// output folders that are files, read-only or empty. Each mistake must end before any work with exit code 2 and
/// exactly one line on stderr that names the option, and never with a stack trace.
/// </summary>
public sealed class HostileOptionsTests
{
    private const string Networks = """
        network Tiny(input: 1x28x28, classes: 10, width: 8) {
            flatten > linear(width) > relu > linear(classes)
        }
        """;

    public static TheoryData<string, string[]> BadValues()
    {
        var data = new TheoryData<string, string[]>();
        void Add(string option, params string[] args) => data.Add(option, args);

        string[] train = { "train", "nets.normlab", "-n", "Tiny" };
        string[] study = { "study", "nets.normlab" };
        foreach (var value in new[] { "abc", "1.5", "99999999999", "-5", "0", "", "NaN", "1e39", " " })
        {
            foreach (var option in new[] { "--epochs", "--batch-size", "--threads", "--eval-every" })
                Add(option, [.. train, option, value]);
            foreach (var option in new[] { "--seeds", "--epochs", "--batch-size", "--threads", "--limit-train", "--limit-test" })
                Add(option, [.. study, option, value]);
        }

        foreach (var value in new[] { "abc", "1.5", "99999999999999999999", "" })
            Add("--seed", [.. train, "--seed", value]);
        foreach (var value in new[] { "abc", "0", "-1", "", "NaN", "Infinity", "-Infinity", "1e39", "1e7" })
        {
            Add("--lr", [.. train, "--lr", value]);
            Add("--lr", [.. study, "--lr", value]);
        }

        // the options of early stopping, validation and parallel runs (issue 14), checked like the others
        foreach (var value in new[] { "abc", "0", "-1", "1.5", "99999999999", "" })
            Add("--patience", [.. train, "--patience", value]);
        foreach (var value in new[] { "abc", "0", "-1", "NaN", "Infinity", "1e39", "" })
        {
            Add("--min-delta", [.. train, "--min-delta", value]);
            Add("--validation", [.. train, "--validation", value]);
        }

        Add("--validation", [.. train, "--validation", "1.5"]);
        foreach (var value in new[] { "xyz", "", "val_loss" })
            Add("--monitor", [.. train, "--monitor", value]);
        foreach (var value in new[] { "abc", "0", "-1", "1.5", "100000", "" })
            Add("--jobs", [.. study, "--jobs", value]);

        Add("--threads", [.. train, "--threads", "100000"]);
        Add("--threads", [.. study, "--threads", "100000"]);
        foreach (var (option, value) in new[] { ("--optimizer", "rmsprop"), ("--optimizer", ""), ("--device", "tpu"), ("--schedule", ""), ("--data", ""), ("--out", ""), ("--out", " ") })
            Add(option, [.. train, option, value]);
        Add("--network", "train", "nets.normlab", "--network", "");
        foreach (var (option, value) in new[] { ("--optimizer", ""), ("--device", ""), ("--schedule", "x"), ("--data", ""), ("--networks", ""), ("--out", ""), ("--shard", ""), ("--name", ""), ("--name", "../up"), ("--name", ".."), ("--baseline", "") })
            Add(option, [.. study, option, value]);
        // the shard's own message names it as "shard i/n: ..."
        Add("shard", [.. study, "--shard", "x"]);
        Add("shard", [.. study, "--shard", "3/2"]);
        foreach (var value in new[] { "width=8,8", "width=1,2,1", "width=", "width=NaN", "=8", "" })
            Add("--param", [.. study, "--param", value]);
        Add("--param", [.. study, "--param", "width=8", "--param", "width=16"]);
        Add("--out", "study", "merge", ".", "--out", "");
        foreach (var value in new[] { "", "xml", "TEXT" })
        {
            Add("--format", "check", "nets.normlab", "--format", value);
            Add("--format", "summary", "nets.normlab", "--format", value);
        }

        Add("--network", "summary", "nets.normlab", "--network", "");
        string[] export = { "export", "nets.normlab", "-n", "Tiny", "-o", "tiny.onnx" };
        foreach (var value in new[] { "abc", "1.5", "99999999999999999999", "" })
            Add("--seed", [.. export, "--seed", value]);
        foreach (var (option, value) in new[] { ("--format", ""), ("--format", "ONNX"), ("--weights", ""), ("--weights", " ") })
            Add(option, [.. export, option, value]);
        foreach (var value in new[] { "", " " })
            Add("--out", "export", "nets.normlab", "-n", "Tiny", "--out", value);
        Add("--network", "export", "nets.normlab", "--network", "", "-o", "tiny.onnx");
        Add("--clientProcessId", "lsp", "--clientProcessId", "abc");
        Add("--clientProcessId", "lsp", "--clientProcessId", "-1");
        return data;
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_bad_value_is_one_line_that_names_the_option(string option, string[] args)
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);

        var result = Cli.RunIn(folder.Path, args);

        AssertOneUsageLine(result, option);
        Assert.Equal(new[] { "nets.normlab" }, Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName).ToArray());
    }

    [Theory]
    [InlineData("train", "nets.normlab", "-n", "Tiny", "--epochs", "1", "--threads", "1", "--out")]
    [InlineData("study", "nets.normlab", "--seeds", "1", "--epochs", "1", "--threads", "1", "--out")]
    [InlineData("study", "merge", ".", "--out")]
    public void An_output_folder_that_is_a_file_is_refused_before_any_work(params string[] args)
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);
        folder.Write("taken", "a file, not a folder");

        var result = Cli.RunIn(folder.Path, [.. args, "taken"]);

        AssertOneUsageLine(result, "--out");
        Assert.Contains("taken is a file", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("a file, not a folder", File.ReadAllText(Path.Combine(folder.Path, "taken")));
    }

    [Theory]
    [InlineData("train", "nets.normlab", "-n", "Tiny", "--epochs", "1", "--threads", "1", "--out")]
    [InlineData("study", "nets.normlab", "--seeds", "1", "--epochs", "1", "--threads", "1", "--out")]
    public void A_read_only_output_folder_is_refused_before_any_work(params string[] args)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no Unix modes; Windows' read-only attribute does not stop writes into a folder
        }

        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);
        var readOnly = Path.Combine(folder.Path, "locked");
        Directory.CreateDirectory(readOnly);
        // read-only for everyone: as root the command runs without the capabilities that bypass permissions (setpriv)
        File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var asNobody = Platform.IsRoot && Platform.SetPriv is not null;
        CliResult Run(string[] arguments) => asNobody ? Platform.RunAsNobody(folder.Path, arguments) : Cli.RunIn(folder.Path, arguments);
        try
        {
            if (!asNobody && CanWrite(readOnly))
            {
                // running as root without setpriv: permissions do not stop writes, so a read-only folder cannot be made
                // here; the probe must then agree that the folder is writable, and nothing is refused
                Assert.NotNull(OutputFolder.Prepare("locked", "unused", "--out", new CliContext(TextWriter.Null, TextWriter.Null, folder.Path, useColor: false)));
                Assert.Empty(Directory.GetFileSystemEntries(readOnly));
                return;
            }

            var result = Run([.. args, "locked"]);

            AssertOneUsageLine(result, "--out");
            Assert.Contains("cannot write to locked", result.Stderr, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(readOnly));

            // a folder to create inside it is refused too, and nothing is left behind
            var nested = Run([.. args, "locked/sub/dir"]);
            AssertOneUsageLine(nested, "--out");
            Assert.Empty(Directory.GetFileSystemEntries(readOnly));
        }
        finally
        {
            File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void The_probe_creates_a_missing_folder_leaves_no_file_and_can_take_it_away_again()
    {
        using var folder = new TempFolder();
        var context = new CliContext(TextWriter.Null, TextWriter.Null, folder.Path, useColor: false);

        var prepared = OutputFolder.Prepare("a/b/c", "unused", "--out", context);

        Assert.NotNull(prepared);
        Assert.True(prepared.Created);
        Assert.Empty(Directory.GetFileSystemEntries(prepared.FullPath));
        prepared.RemoveIfCreatedAndEmpty();
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void An_empty_path_is_refused_not_taken_for_the_current_folder()
    {
        using var folder = new TempFolder();
        using var error = new StringWriter();
        var context = new CliContext(TextWriter.Null, error, folder.Path, useColor: false);

        Assert.Null(OutputFolder.Prepare("", "unused", "--out", context));
        Assert.Equal("normlab: error: --out expects a folder, not ''.", error.ToString().TrimEnd());
    }

    [Fact]
    public void Control_characters_in_values_are_escaped_in_the_error_line()
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);

        var result = Cli.RunIn(folder.Path, "train", "nets.normlab", "-n", "Tiny", "--epochs", "1\u001b[2J\n2\u202e");

        AssertOneUsageLine(result, "--epochs");
        Assert.Contains(@"'1\u001b[2J\u000a2\u202e'", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("check", "text")]
    [InlineData("check", "json")]
    [InlineData("check", "sarif")]
    [InlineData("summary", "text")]
    [InlineData("summary", "json")]
    public void Control_characters_from_a_file_never_reach_the_terminal(string command, string format)
    {
        using var folder = new TempFolder();
        folder.Write("evil\u001b]0;title\u0007.normlab", "network Tiny(input: 1x28x28, classes: 10) {\n    flatten > linear(classes) \u001b[2J\u009b\u202e\u2066 > bogus\u007f\r\n}\n");

        var result = Cli.RunIn(folder.Path, command, ".", "--format", format);
        if (command == "summary")
        {
            result = Cli.RunIn(folder.Path, command, Directory.GetFiles(folder.Path).Single(), "--format", format);
        }

        Assert.NotEqual(0, result.ExitCode);
        foreach (var text in new[] { result.Stdout, result.Stderr })
        {
            Assert.DoesNotContain(text, c => c == '\u001b' || c == '\u0007' || c == '\u009b' || c == '\u007f' || c == '\u202e' || c == '\u2066' || c == '\r');
        }
    }

    private static void AssertOneUsageLine(CliResult result, string option)
    {
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("normlab: error: ", line, StringComparison.Ordinal);
        Assert.Contains(option, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", result.Stderr, StringComparison.Ordinal);
    }

    private static bool CanWrite(string folder)
    {
        try
        {
            var probe = Path.Combine(folder, "probe");
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
