using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using NormLab.Generator;
using Xunit;

namespace NormLab.Runtime.Tests.Equivalence;

/// <summary>
/// The generator's output for a <c>.normlab</c> text, compiled in memory with Roslyn (as
/// tests/NormLab.Generator.Tests' harness does) and loaded into its own load context; its
/// references (TorchSharp, NormLab.Runtime, NormLab.Dsl) resolve to the assemblies this process already uses.
/// </summary>
internal static class GeneratedCode
{
    private static readonly ConcurrentDictionary<string, Assembly> Cache = new(StringComparer.Ordinal);

    private static ImmutableArray<MetadataReference> References => Testing.TestCompilation.References;

    /// <summary>The compiled assembly for the networks of <paramref name="text"/> (compiled once per text).</summary>
    public static Assembly Compile(string path, string text) => Cache.GetOrAdd(path + "\n" + text, _ => CompileNow(path, text));

    /// <summary>The generated record <paramref name="typeName"/> with its defaults, overridden by <paramref name="values"/> (C# property names).</summary>
    public static object Record(Assembly assembly, string typeName, IReadOnlyDictionary<string, object>? values = null)
    {
        var type = assembly.GetType(typeName) ?? throw new InvalidOperationException($"no type {typeName} in [{string.Join(", ", assembly.GetTypes().Select(t => t.FullName))}]");
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var arguments = constructor.GetParameters()
            .Select(p => values is not null && values.TryGetValue(p.Name!, out var value) ? value : p.DefaultValue)
            .ToArray();
        return constructor.Invoke(arguments);
    }

    /// <summary>Calls <c>Build()</c> on a generated record; rethrows what Build throws.</summary>
    public static TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> Build(object record)
    {
        var build = record.GetType().GetMethod("Build") ?? throw new InvalidOperationException(record.GetType() + " has no Build method");
        try
        {
            return (TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>)build.Invoke(record, new object?[] { null })!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    private static Assembly CompileNow(string path, string text)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var name = "Generated" + Guid.NewGuid().ToString("N");
        var compilation = CSharpCompilation.Create(
            name,
            Array.Empty<SyntaxTree>(),
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                // as the SDK does (NoWarn 1701;1702): TorchSharp is built against an older System.Runtime
                specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress }));
        var driver = CSharpGeneratorDriver.Create(
            new[] { new NetworkGenerator().AsSourceGenerator() },
            new AdditionalText[] { new InMemoryText(path, text) },
            parse,
            new Options());
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var generated = output.SyntaxTrees.Count();
        Assert.True(generated > 0, "the generator produced nothing for " + path);

        using var stream = new MemoryStream();
        var emitted = output.Emit(stream);
        var errors = generatorDiagnostics.Concat(emitted.Diagnostics).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(emitted.Success && errors.Count == 0, "the generated code does not compile:" + Environment.NewLine +
            string.Join(Environment.NewLine, errors) + Environment.NewLine + string.Join(Environment.NewLine, output.SyntaxTrees.Select(t => t.ToString())));
        stream.Position = 0;
        return new AssemblyLoadContext(name).LoadFromStream(stream);
    }

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    /// <summary>What the SDK passes a generator: a root namespace and a project folder.</summary>
    private sealed class Options : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Global(new Dictionary<string, string>
        {
            ["build_property.RootNamespace"] = "Consumer",
            ["build_property.ProjectDir"] = "/project/",
        });

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Global.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Global.Empty;

        private sealed class Global(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptions
        {
            public static readonly Global Empty = new(new Dictionary<string, string>());

            public override bool TryGetValue(string key, out string value)
            {
                var found = values.TryGetValue(key, out var text);
                value = text ?? string.Empty;
                return found;
            }
        }
    }
}
