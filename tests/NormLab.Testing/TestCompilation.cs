using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace NormLab.Testing;

/// <summary>
/// The references of an in-memory Roslyn compilation of a NormLab consumer: .NET 10's reference assemblies
/// (Basic.Reference.Assemblies, never a download) plus NormLab.Abstractions (the attributes), NormLab.Dsl,
/// NormLab.Runtime (what generated code calls) and TorchSharp, as the test process has loaded them. A test project
/// that compiles generated code references NormLab.Runtime; one that does not gets the attributes and the Dsl only.
/// </summary>
public static class TestCompilation
{
    private static readonly string[] NormLabAssemblies = ["NormLab.Abstractions", "NormLab.Dsl", "NormLab.Runtime", "TorchSharp"];

    private static readonly Lazy<ImmutableArray<MetadataReference>> Lazy = new(() =>
    {
        var references = Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>().ToList();
        foreach (var name in NormLabAssemblies)
        {
            if (TryLoad(name) is { } assembly)
            {
                references.Add(MetadataReference.CreateFromFile(assembly.Location));
            }
        }

        return references.ToImmutableArray();
    });

    /// <summary>The references, built once per test process.</summary>
    public static ImmutableArray<MetadataReference> References => Lazy.Value;

    private static Assembly? TryLoad(string name)
    {
        try
        {
            return Assembly.Load(new AssemblyName(name));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
