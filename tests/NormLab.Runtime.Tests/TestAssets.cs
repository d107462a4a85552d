using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Xunit;

namespace NormLab.Runtime.Tests;

internal static class TestAssets
{
    /// <summary>The unpatched libLibTorchSharp.so in the NuGet package cache (read, never written).</summary>
    public static string PristineLibTorchSharp()
    {
        string torchSharp = Path.Combine(Metadata("NuGetPackageRoot"), "torchsharp");
        string? path = Directory.EnumerateDirectories(torchSharp)
            .Select(version => Path.Combine(version, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"))
            .Where(File.Exists)
            .OrderBy(p => p, StringComparer.Ordinal)
            .LastOrDefault();
        Assert.True(path is not null, $"no libLibTorchSharp.so under {torchSharp}");
        return path!;
    }

    /// <summary>src/NormLab.Runtime/buildTransitive/NormLab.Runtime.targets.</summary>
    public static string RuntimeTargets() => Metadata("NormLabRuntimeTargets");

    public static string CopyTo(string path, string folder, string? name = null)
    {
        string copy = Path.Combine(folder, name ?? Path.GetFileName(path));
        File.Copy(path, copy);
        return copy;
    }

    private static string Metadata(string key) =>
        typeof(TestAssets).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
