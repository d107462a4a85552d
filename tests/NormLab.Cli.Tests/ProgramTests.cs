using System.Diagnostics;

namespace NormLab.Cli.Tests;

public sealed class ProgramTests
{
    [Fact]
    public void Version_prints_the_version()
    {
        var result = Cli.Run("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(ToolInfo.Version + "\n", result.Stdout);
        Assert.Matches(@"^\d+\.\d+\.\d+", ToolInfo.Version);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("check", "--help")]
    [InlineData("summary", "--help")]
    [InlineData("train", "--help")]
    [InlineData("export", "--help")]
    [InlineData("lsp", "--help")]
    [InlineData("check", "-h")]
    public void Help_works_on_every_command(params string[] args)
    {
        var result = Cli.Run(args);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public void Check_summary_and_train_are_registered()
    {
        var root = Program.CreateRootCommand(new CliContext(TextWriter.Null, TextWriter.Null, TestPaths.RepositoryRoot, useColor: false));

        Assert.Equal(new[] { "check", "summary", "train", "export", "study", "lsp" }, root.Subcommands.Select(c => c.Name).ToArray());
    }

    /// <summary>The real executable, started as a process: Main's wiring, stderr, and the exit code.</summary>
    [Fact]
    public async Task The_executable_reports_a_missing_file_in_one_line()
    {
        var cli = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = TestPaths.RepositoryRoot,
        };
        start.ArgumentList.Add(cli);
        start.ArgumentList.Add("check");
        start.ArgumentList.Add("nosuchfile.normlab");

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Equal(string.Empty, await stdout);
        Assert.Equal("normlab: error: no such file or directory: nosuchfile.normlab", (await stderr).TrimEnd());
    }
}
