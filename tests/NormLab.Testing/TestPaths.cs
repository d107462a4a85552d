namespace NormLab.Testing;

/// <summary>Where things are, found from the test assembly's folder (never from the current directory).</summary>
public static class TestPaths
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    /// <summary>The folder holding <c>NormLab.sln</c>.</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>A test project's source folder, <c>tests/{name}</c> (where its <c>Approved/</c> and <c>Inputs/</c> live).</summary>
    public static string ProjectFolder(string testProject) => Path.Combine(RepositoryRoot, "tests", testProject);

    /// <summary><c>examples/</c>.</summary>
    public static string Examples => Path.Combine(RepositoryRoot, "examples");

    /// <summary>The example of language.md, <c>examples/networks/ordering.normlab</c>.</summary>
    public static string OrderingExample => Path.Combine(Examples, "networks", "ordering.normlab");

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NormLab.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("NormLab.sln not found above " + AppContext.BaseDirectory);
    }
}
