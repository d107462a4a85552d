using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace NormLab.Runtime.Tests.Agreement;

/// <summary>
/// Tests that seed libtorch's global generator and rely on the draws that follow (same seed, same weights)
/// run alone: a test of another class drawing random numbers in parallel would shift them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchState
{
    public const string Name = "libtorch's global random generator";
}

/// <summary>The repository's <c>.normlab</c> files.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    /// <summary>Every <c>examples/**/*.normlab</c> and <c>tests/**/*.normlab</c> outside build outputs, sorted.</summary>
    public static IReadOnlyList<string> NormLabFiles() =>
        new[] { "examples", "tests" }
            .Select(folder => Path.Combine(Root, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.normlab", SearchOption.AllDirectories))
            .Where(path => !Path.GetRelativePath(Root, path).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .OrderBy(path => path, StringComparer.Ordinal)
            .ToArray();

    public static string Relative(string path) => Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/');

    private static string FindRoot()
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
