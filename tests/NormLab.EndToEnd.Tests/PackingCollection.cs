using Xunit.Abstractions;

namespace NormLab.EndToEnd.Tests;

/// <summary>
/// The tests that pack (the NormLab package, the normlab tool) run one after the other, never at once (two packs of
/// libtorch-sized outputs in parallel on 2 cores took past their time limits), and build into one artifacts folder:
/// they pass a unique <c>PackageVersion</c> and leave the assemblies' version alone, so the second pack reuses the
/// Release builds of NormLab.Dsl, NormLab.Runtime and NormLab.Studies that the first one made.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PackingCollection : ICollectionFixture<SharedBuild>
{
    public const string Name = "packing";
}

/// <summary>The artifacts folder (<c>-p:ArtifactsPath</c>) the packing tests share; deleted after them.</summary>
public sealed class SharedBuild : IDisposable
{
    public string ArtifactsPath { get; } = Directory.CreateTempSubdirectory("normlab-e2e-build-").FullName + Path.DirectorySeparatorChar;

    public void Dispose()
    {
        try
        {
            Directory.Delete(ArtifactsPath, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a leftover temporary folder is not a test failure
        }
    }
}
