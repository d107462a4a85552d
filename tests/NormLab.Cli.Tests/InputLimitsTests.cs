using System.Diagnostics;
using System.Text;
using NormLab.Dsl;

namespace NormLab.Cli.Tests;

/// <summary>Hostile and careless input: huge files, endless devices, folders with loops, FIFOs and holes.</summary>
public sealed class InputLimitsTests
{
    private const string Clean = "network Clean(input: 4) {\n    linear(2)\n}\n";

    [Fact]
    public void A_file_over_the_size_limit_is_refused_with_one_line()
    {
        using var folder = new TempFolder();
        var path = System.IO.Path.Combine(folder.Path, "big.normlab");
        using (var stream = File.Create(path))
        {
            stream.SetLength(InputFiles.MaxFileBytes + 1L); // sparse: no disk, no time
        }

        var result = Cli.RunIn(folder.Path, "check", "big.normlab");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal(new[] { "normlab: error: cannot read big.normlab: larger than 16 MiB, the limit of a .normlab file" }, result.StderrLines);
    }

    [Fact]
    public void A_file_of_exactly_the_limit_is_read()
    {
        using var folder = new TempFolder();
        var path = folder.Write("edge.normlab", Clean);
        using (var stream = new FileStream(path, FileMode.Append))
        {
            stream.SetLength(InputFiles.MaxFileBytes); // the rest is NUL characters: errors, but read
        }

        var result = Cli.RunIn(folder.Path, "check", "edge.normlab");

        Assert.Equal(1, result.ExitCode);
        Assert.DoesNotContain("larger than", result.Stderr, StringComparison.Ordinal);
    }

    [UnixFact]
    public void Summary_of_an_endless_device_stops_at_the_limit()
    {
        var result = Cli.Run("summary", "/dev/zero");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(new[] { "normlab: error: cannot read /dev/zero: larger than 16 MiB, the limit of a .normlab file" }, result.StderrLines);
    }

    [Fact]
    public void A_file_of_many_bad_characters_lists_the_limit_and_one_line_for_the_rest()
    {
        using var folder = new TempFolder();
        folder.Write("noise.normlab", new StringBuilder().Insert(0, "@\n", 5000).ToString());

        var result = Cli.RunIn(folder.Path, "check", "noise.normlab");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(NormLabCompiler.MaxDiagnostics + 2, result.StdoutLines.Length); // the kept ones, NL0031, the count line
        Assert.Equal(
            "noise.normlab(1001,1): error NL0031: Too many diagnostics: 4,000 more are not shown (a file lists at most 1,000); fix the ones above first",
            result.StdoutLines[^2]);
    }

    [Fact]
    public void Summary_of_many_networks_with_warnings_takes_linear_time()
    {
        // every network has a warning (NL1001): validity used to be checked against every diagnostic of the file
        using var folder = new TempFolder();
        var text = new StringBuilder();
        for (var i = 0; i < 20000; i++)
        {
            text.Append("network N").Append(i).Append("(input: 16, classes: 4) {\n    linear(8) > relu > bn > linear(classes)\n}\n");
        }

        folder.Write("many.normlab", text.ToString());

        var watch = Stopwatch.StartNew();
        var result = Cli.RunIn(folder.Path, "summary", "many.normlab", "--network", "N19999");
        watch.Stop();

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Network: N19999", result.Stdout, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }
}
