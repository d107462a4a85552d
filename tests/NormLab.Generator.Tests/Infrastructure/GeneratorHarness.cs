using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace NormLab.Generator.Tests.Infrastructure;

/// <summary>Runs the generator and the analyzer on an in-memory project: C# sources and .normlab files.</summary>
internal static class GeneratorHarness
{
    public const string ProjectDirectory = "/project/";

    /// <summary>.NET 10, NormLab.Abstractions, NormLab.Dsl, NormLab.Runtime and TorchSharp (shared with the other test projects).</summary>
    private static ImmutableArray<MetadataReference> References => TestCompilation.References;

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    /// <summary>Nullable on, every warning an error, as the repository builds (CS1701/CS1702 off, as the SDK does).</summary>
    public static CSharpCompilationOptions CompilationOptions { get; } = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        generalDiagnosticOption: ReportDiagnostic.Error,
        // TorchSharp is built against an older System.Runtime
        specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress });

    /// <summary>Sources named <c>/project/Source0.cs</c>, <c>/project/Source1.cs</c>, …</summary>
    public static CSharpCompilation Compilation(params string[] sources) =>
        Compilation(sources.Select((s, i) => ($"{ProjectDirectory}Source{i}.cs", s)));

    public static CSharpCompilation Compilation(IEnumerable<(string Path, string Text)> sources, CSharpCompilationOptions? options = null) =>
        CSharpCompilation.Create(
            "Consumer",
            sources.Select(s => Tree(s.Text, s.Path)),
            References,
            options ?? CompilationOptions);

    public static SyntaxTree Tree(string text, string path) => CSharpSyntaxTree.ParseText(text, ParseOptions, path: path);

    public static GeneratorDriver Driver(IEnumerable<AdditionalText> files, string rootNamespace = "Consumer", bool trackSteps = true) =>
        CSharpGeneratorDriver.Create(
            new[] { new NetworkGenerator().AsSourceGenerator() },
            files,
            ParseOptions,
            new Options(rootNamespace),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    public static GeneratorRun Run(IEnumerable<AdditionalText> files, params string[] sources) =>
        RunInProject("Consumer", files, sources);

    /// <summary>Runs the generator in a project whose RootNamespace is <paramref name="rootNamespace"/>.</summary>
    public static GeneratorRun RunInProject(string rootNamespace, IEnumerable<AdditionalText> files, params string[] sources)
    {
        var input = Compilation(sources);
        var driver = Driver(files, rootNamespace).RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);
        return new GeneratorRun(driver, driver.GetRunResult(), input, output, generatorDiagnostics);
    }

    public static Task<ImmutableArray<Diagnostic>> AnalyzeAsync(IEnumerable<AdditionalText> files, params string[] sources) =>
        AnalyzeAsync(Compilation(sources), files);

    /// <summary>
    /// The analyzer's diagnostics (effective severities applied, suppressed ones dropped unless
    /// <paramref name="reportSuppressed"/>). An exception thrown by the analyzer fails the test.
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation, IEnumerable<AdditionalText> files, bool reportSuppressed = false, AnalyzerConfigOptionsProvider? options = null)
    {
        var exceptions = new List<Exception>();
        var analyzerOptions = new AnalyzerOptions(files.ToImmutableArray(), options ?? new Options("Consumer"));
        var withAnalyzers = compilation.WithAnalyzers(
            ImmutableArray.Create<DiagnosticAnalyzer>(new NetworkAnalyzer()),
            new CompilationWithAnalyzersOptions(analyzerOptions, (exception, _, _) => exceptions.Add(exception), concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: reportSuppressed));
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        Assert.Empty(exceptions);
        return diagnostics;
    }

    /// <summary>Diagnostics of a compilation at warning level or above (with warnings as errors: everything that fails a build).</summary>
    public static IReadOnlyList<Diagnostic> Problems(Compilation compilation) =>
        compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();

    public static AdditionalText File(string path, string text) => new InMemoryText(path, text);

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    /// <summary>What MSBuild passes: RootNamespace and ProjectDir as global options; optional per-file options (.editorconfig).</summary>
    internal sealed class Options(string rootNamespace, IReadOnlyDictionary<string, string>? fileOptions = null) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Values(new Dictionary<string, string>
        {
            ["build_property.RootNamespace"] = rootNamespace,
            ["build_property.ProjectDir"] = ProjectDirectory,
        });

        private Values FileOptions { get; } = new(fileOptions ?? new Dictionary<string, string>());

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => FileOptions;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => FileOptions;

        private sealed class Values(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, out string value)
            {
                value = values.TryGetValue(key, out var found) ? found : null!;
                return value is not null && value.Length > 0;
            }
        }
    }
}

/// <summary>One generator run: the driver (for incremental reruns), its result and the compilations before and after.</summary>
internal sealed record GeneratorRun(GeneratorDriver Driver, GeneratorDriverRunResult Result, Compilation Input, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    public GeneratorRunResult Single => Assert.Single(Result.Results);

    /// <summary>The generated sources by hint name.</summary>
    public IReadOnlyDictionary<string, string> Sources =>
        Single.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal);
}
