using System.Text.RegularExpressions;

namespace NormLab.Cli.Tests;

/// <summary>
/// The output formats of <c>normlab check</c> on <c>Inputs/diagnostics.normlab</c>, compared with the
/// reviewed files in <c>Approved/</c>. The tool's version is replaced by <c>&lt;version&gt;</c> so a
/// release does not change them.
/// </summary>
public sealed class GoldenTests
{
    private static readonly Regex DriverVersion = new("(\"name\": \"normlab\",\\s*\"version\": \")[^\"]*\"");

    [Fact]
    public void Check_text() => Approvals.Verify(Check("--format", "text"), "check", "txt");

    [Fact]
    public void Check_json() => Approvals.Verify(Check("--format", "json"), "check", "json");

    [Fact]
    public void Check_json_all() => Approvals.Verify(Check("--format", "json", "--all"), "check.all", "json");

    [Fact]
    public void Check_sarif() => Approvals.Verify(DriverVersion.Replace(Check("--format", "sarif"), "$1<version>\""), "check", "sarif");

    [Fact]
    public void The_approved_files_are_valid_json()
    {
        foreach (var file in Directory.EnumerateFiles(TestPaths.Approved, "*.approved.*").Where(f => !f.EndsWith(".txt", StringComparison.Ordinal)))
        {
            using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
        }
    }

    private static string Check(params string[] options)
    {
        var result = Cli.Run(new[] { "check", TestPaths.GoldenInput }.Concat(options).ToArray());
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stderr);
        return result.Stdout;
    }
}
