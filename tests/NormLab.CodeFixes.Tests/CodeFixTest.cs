using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using NormLab.Generator;

namespace NormLab.CodeFixes.Tests;

/// <summary>
/// Roslyn's code-fix harness with NormLab's analyzer and fixes. References come from Basic.Reference.Assemblies
/// (.NET 10) plus NormLab.Abstractions (the attributes), NormLab.Runtime and TorchSharp (<see cref="TestCompilation"/>), never from a download; the generator does
/// not run, so a [Network] record compiles on its own.
/// </summary>
internal sealed class CodeFixTest : CSharpCodeFixTest<NetworkAnalyzer, NetworkCodeFixProvider, DefaultVerifier>
{
    internal static ImmutableArray<MetadataReference> References => TestCompilation.References;

    public CodeFixTest()
    {
        // a framework with no package: nothing is resolved through NuGet
        ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        TestState.AdditionalReferences.AddRange(References);
        FixedState.AdditionalReferences.AddRange(References);
    }

    /// <summary>Checks that <paramref name="source"/> has the marked diagnostics and that the fixes give <paramref name="fixedSource"/>.</summary>
    public static Task VerifyAsync(string source, string fixedSource, int? iterations = null)
    {
        var test = new CodeFixTest { TestCode = source, FixedCode = fixedSource };
        if (iterations is int n)
        {
            test.NumberOfIncrementalIterations = n;
            test.NumberOfFixAllIterations = n;
        }

        return test.RunAsync();
    }
}
