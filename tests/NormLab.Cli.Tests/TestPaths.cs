namespace NormLab.Cli.Tests;

/// <summary>Where things are, found from the test assembly (never from the current directory).</summary>
internal static class TestPaths
{
    /// <summary>The folder holding <c>NormLab.sln</c>.</summary>
    public static string RepositoryRoot => NormLab.Testing.TestPaths.RepositoryRoot;

    /// <summary>This project's source folder (where <c>Inputs/</c> and <c>Approved/</c> live).</summary>
    public static string ProjectFolder => NormLab.Testing.TestPaths.ProjectFolder("NormLab.Cli.Tests");

    public static string Inputs => Path.Combine(ProjectFolder, "Inputs");

    public static string Approved => Path.Combine(ProjectFolder, "Approved");

    /// <summary>The golden input, as a path relative to the repository root (forward slashes).</summary>
    public const string GoldenInput = "tests/NormLab.Cli.Tests/Inputs/diagnostics.normlab";

    public const string OrderingExample = "examples/networks/ordering.normlab";
}
