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
        // each '@' apart from the next ('x' between): a run of bad characters would be one diagnostic
        folder.Write("noise.normlab", new StringBuilder().Insert(0, "@x\n", 5000).ToString());

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

/// <summary><c>normlab check</c> across the files it is given: a network name declared in two of them.</summary>
public sealed class CrossFileCheckTests
{
    private const string Net = "network Net(input: 784, classes: 10) {\n    linear(64) > relu > linear(classes)\n}\n";

    [Fact]
    public void A_network_declared_in_two_files_is_an_error_at_both()
    {
        using var folder = new TempFolder();
        folder.Write("a.normlab", Net);
        folder.Write("b.normlab", "\n" + Net);

        var result = Cli.RunIn(folder.Path, "check", "a.normlab", "b.normlab");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            new[]
            {
                "a.normlab(1,9): error NL0004: Network 'Net' has the name of the network declared in b.normlab on line 2 in namespace '(default)'; each network becomes a C# type, rename one of them",
                "b.normlab(2,9): error NL0004: Network 'Net' has the name of the network declared in a.normlab on line 1 in namespace '(default)'; each network becomes a C# type, rename one of them",
                "2 files: 2 errors, 0 warnings, 0 infos",
            },
            result.StdoutLines);
    }

    [Fact]
    public void Networks_of_two_namespaces_may_share_a_name()
    {
        using var folder = new TempFolder();
        folder.Write("a.normlab", "namespace A\n\n" + Net);
        folder.Write("b.normlab", "namespace B\n\n" + Net);

        var result = Cli.RunIn(folder.Path, "check", ".");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(new[] { "2 files: 0 errors, 0 warnings, 0 infos" }, result.StdoutLines);
    }
}
