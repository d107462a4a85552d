namespace NormLab.LanguageServer.Tests.Infrastructure;

/// <summary>Where things are, found from the test assembly (never from the current directory).</summary>
internal static class TestPaths
{
    /// <summary>The folder holding <c>NormLab.sln</c>.</summary>
    public static string RepositoryRoot => NormLab.Testing.TestPaths.RepositoryRoot;

    public static string ProjectFolder => Path.Combine(RepositoryRoot, "tests", "NormLab.LanguageServer.Tests");

    public static string Approved => Path.Combine(ProjectFolder, "Approved");

    public static string Extension => Path.Combine(RepositoryRoot, "editors", "vscode");

    /// <summary>The node tests and their package.json / package-lock.json.</summary>
    public static string NodeTests => Path.Combine(Extension, "test");

    public static string Grammar => Path.Combine(Extension, "syntaxes", "normlab.tmLanguage.json");

    public static string Examples => Path.Combine(RepositoryRoot, "examples");

    /// <summary>
    /// The normlab.dll that was built for these tests: the command line's own output folder in this
    /// configuration (Debug or Release, taken from this assembly's folder), else the copy beside the tests.
    /// </summary>
    public static string NormLabDll
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
            var framework = testOutput.Name;
            var configuration = testOutput.Parent?.Name ?? "Debug";
            var own = Path.Combine(RepositoryRoot, "src", "NormLab.Cli", "bin", configuration, framework, "normlab.dll");
            return File.Exists(own) ? own : Path.Combine(AppContext.BaseDirectory, "normlab.dll");
        }
    }

    public static IEnumerable<string> ExampleFiles() =>
        Directory.EnumerateFiles(Examples, "*.normlab", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal);
}
