namespace NormLab.Dsl.Tests.Infrastructure;

/// <summary>Files of the repository that tests read.</summary>
public static class TestFiles
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The example of language.md.</summary>
    public static string OrderingExample => Path.Combine(RepositoryRoot, "examples", "networks", "ordering.normlab");

    private static string FindRoot()
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
