namespace NormLab.Cli.Tests;

/// <summary>Where things are, found from the test assembly (never from the current directory).</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    /// <summary>The folder holding <c>NormLab.sln</c>.</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>This project's source folder (where <c>Inputs/</c> and <c>Approved/</c> live).</summary>
    public static string ProjectFolder => Path.Combine(RepositoryRoot, "tests", "NormLab.Cli.Tests");

    public static string Inputs => Path.Combine(ProjectFolder, "Inputs");

    public static string Approved => Path.Combine(ProjectFolder, "Approved");

    /// <summary>The golden input, as a path relative to the repository root (forward slashes).</summary>
    public const string GoldenInput = "tests/NormLab.Cli.Tests/Inputs/diagnostics.normlab";

    public const string OrderingExample = "examples/networks/ordering.normlab";

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "NormLab.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("NormLab.sln not found above " + AppContext.BaseDirectory);
    }
}
