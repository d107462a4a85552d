namespace NormLab.Generator.Tests.Infrastructure;

/// <summary>Folders of the test project's sources (found from the output folder, not from compile-time paths).</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> ProjectDirectoryValue = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NormLab.Generator.Tests.csproj")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("NormLab.Generator.Tests.csproj was not found above " + AppContext.BaseDirectory);
    });

    public static string ProjectDirectory => ProjectDirectoryValue.Value;

    public static string Approved => Path.Combine(ProjectDirectory, "Approved");

    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(ProjectDirectory, "..", ".."));
}
