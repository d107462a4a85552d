using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NormLab.Generator.Tests.Infrastructure;

namespace NormLab.Generator.Tests.Analyzer;

/// <summary>NormLab's IDs behave like any C# diagnostic: <c>.editorconfig</c> severities, <c>#pragma</c>, and NormLab's own <c>allow</c>.</summary>
public sealed class SeverityAndSuppressionTests
{
    private const string SourcePath = GeneratorHarness.ProjectDirectory + "Source0.cs";
    private const string NormlabPath = GeneratorHarness.ProjectDirectory + "networks/study.normlab";

    private const string ReluBnRecord = """
        using NormLab;
        [Network("conv3x3(32) > relu > bn > gap > linear(10)", Input = "3x32x32")]
        public partial record ReluBn;
        """;

    private const string ReluBnFile = """
        network ReluBnFile(input: 3x32x32, classes: 10) {
            conv3x3(32) > relu > bn > gap > linear(classes)
        }
        """;

    /// <summary>The repository's options without warnings-as-errors, so that default severities show.</summary>
    private static CSharpCompilationOptions Lenient => GeneratorHarness.CompilationOptions.WithGeneralDiagnosticOption(ReportDiagnostic.Default);

    [Fact]
    public async Task ByDefault_NL1001_IsAWarning()
    {
        var diagnostics = await Analyze(Lenient);

        Assert.Equal(2, diagnostics.Count(d => d.Id == "NL1001"));
        Assert.All(diagnostics.Where(d => d.Id == "NL1001"), d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
    }

    [Theory]
    [InlineData("error", DiagnosticSeverity.Error)]
    [InlineData("warning", DiagnosticSeverity.Warning)]
    [InlineData("suggestion", DiagnosticSeverity.Info)]
    [InlineData("silent", DiagnosticSeverity.Hidden)]
    public async Task CompilationDiagnosticOptions_ApplyToRecordsAndNormlabFiles(string severity, DiagnosticSeverity expected)
    {
        // what <WarningsAsErrors>, <NoWarn> and a global config become: the compilation's specific options
        var report = AnalyzerConfigSet.Create(ImmutableArray.Create(AnalyzerConfig.Parse($"is_global = true\ndotnet_diagnostic.NL1001.severity = {severity}\n", "/project/.globalconfig")))
            .GlobalConfigOptions.TreeOptions.Single().Value;
        var diagnostics = await Analyze(Lenient.WithSpecificDiagnosticOptions(Lenient.SpecificDiagnosticOptions.SetItem("NL1001", report)));

        var nl1001 = diagnostics.Where(d => d.Id == "NL1001").ToList();
        Assert.Equal(2, nl1001.Count);
        Assert.Contains(nl1001, d => d.Location.IsInSource);
        Assert.Contains(nl1001, d => d.Location.Kind == LocationKind.ExternalFile);
        Assert.All(nl1001, d => Assert.Equal(expected, d.Severity));
    }

    [Fact]
    public async Task EditorConfig_CsSection_AppliesToRecords_NotToNormlabFiles()
    {
        // an .editorconfig section configures the C# trees it matches; a .normlab file has no tree, so only
        // global settings reach its diagnostics (Roslyn's rule for diagnostics in additional files)
        var diagnostics = await Analyze(WithConfig("root = true\n\n[*]\ndotnet_diagnostic.NL1001.severity = error\n", "/project/.editorconfig"));

        var nl1001 = diagnostics.Where(d => d.Id == "NL1001").ToList();
        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(nl1001, d => d.Location.IsInSource).Severity);
        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(nl1001, d => d.Location.Kind == LocationKind.ExternalFile).Severity);
    }

    [Fact]
    public async Task GlobalConfig_AppliesToRecordsAndNormlabFiles()
    {
        var diagnostics = await Analyze(WithConfig("is_global = true\ndotnet_diagnostic.NL1001.severity = error\n", "/project/.globalconfig"));

        var nl1001 = diagnostics.Where(d => d.Id == "NL1001").ToList();
        Assert.Equal(2, nl1001.Count);
        Assert.All(nl1001, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
    }

    [Theory]
    [InlineData("root = true\n\n[*]\ndotnet_diagnostic.NL1001.severity = none\n", "/project/.editorconfig", true)]
    [InlineData("is_global = true\ndotnet_diagnostic.NL1001.severity = none\n", "/project/.globalconfig", false)]
    public async Task SeverityNone_RemovesTheDiagnostic(string config, string path, bool normlabFileKeepsIt)
    {
        var diagnostics = await Analyze(WithConfig(config, path));

        Assert.DoesNotContain(diagnostics, d => d.Id == "NL1001" && d.Location.IsInSource);
        Assert.Equal(normlabFileKeepsIt, diagnostics.Any(d => d.Id == "NL1001" && d.Location.Kind == LocationKind.ExternalFile));
    }

    [Fact]
    public async Task EditorConfig_RaisesAHiddenArchitectureHintToAWarning()
    {
        const string widening = """
            using NormLab;
            [Network("linear(32) > relu > linear(64) > relu > linear(10)", Input = "784")]
            public partial record Widening;
            """;

        var hidden = await GeneratorHarness.AnalyzeAsync(GeneratorHarness.Compilation(new[] { (SourcePath, widening) }, Lenient), Array.Empty<AdditionalText>());
        var raised = await GeneratorHarness.AnalyzeAsync(
            GeneratorHarness.Compilation(new[] { (SourcePath, widening) }, WithConfig("root = true\n\n[*.cs]\ndotnet_diagnostic.NL4001.severity = warning\n", "/project/.editorconfig")),
            Array.Empty<AdditionalText>());

        Assert.Equal(DiagnosticSeverity.Hidden, Assert.Single(hidden, d => d.Id == "NL4001").Severity);
        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(raised, d => d.Id == "NL4001").Severity);
    }

    [Fact]
    public async Task PragmaWarningDisable_SuppressesOnlyTheCoveredRecord()
    {
        var source = AnnotatedSource.Parse("""
            using NormLab;

            #pragma warning disable NL1001 // kept on purpose for a study
            [Network("conv3x3(32) > relu > bn > gap > linear(10)", Input = "3x32x32")]
            public partial record Quiet;
            #pragma warning restore NL1001

            [Network("conv3x3(32) > relu > [|bn|] > gap > linear(10)", Input = "3x32x32")]
            public partial record Loud;
            """);
        var compilation = GeneratorHarness.Compilation(new[] { (SourcePath, source.Text) }, Lenient);

        var reported = await GeneratorHarness.AnalyzeAsync(compilation, Array.Empty<AdditionalText>());
        var all = await GeneratorHarness.AnalyzeAsync(compilation, Array.Empty<AdditionalText>(), reportSuppressed: true);

        Assert.Equal(source.Span, Assert.Single(reported, d => d.Id == "NL1001").Location.SourceSpan);
        var both = all.Where(d => d.Id == "NL1001").ToList();
        Assert.Equal(2, both.Count);
        Assert.Single(both, d => d.IsSuppressed);
        Assert.Single(both, d => !d.IsSuppressed && d.Location.SourceSpan == source.Span);
    }

    [Fact]
    public async Task AllowInTheAttribute_SilencesTheIdForThatRecordOnly()
    {
        const string source = """
            using NormLab;
            [Network("conv3x3(32) > relu > bn > gap > linear(10)", Input = "3x32x32", Allow = "NL1001")]
            public partial record Allowed;

            [Network("conv3x3(32) > relu > bn > gap > linear(10)", Input = "3x32x32")]
            public partial record NotAllowed;
            """;

        var diagnostics = await GeneratorHarness.AnalyzeAsync(GeneratorHarness.Compilation(new[] { (SourcePath, source) }, Lenient), Array.Empty<AdditionalText>());

        var nl1001 = Assert.Single(diagnostics, d => d.Id == "NL1001");
        Assert.True(nl1001.Location.SourceSpan.Start > source.IndexOf("record Allowed;", StringComparison.Ordinal), "NL1001 belongs to NotAllowed");
    }

    [Fact]
    public async Task AllowInANormlabFile_SilencesTheIdForThatNetworkOnly()
    {
        var file = GeneratorHarness.File(NormlabPath, """
            network Allowed(input: 3x32x32, classes: 10) allow NL1001 {
                conv3x3(32) > relu > bn > gap > linear(classes)
            }

            network NotAllowed(input: 3x32x32, classes: 10) {
                conv3x3(32) > relu > bn > gap > linear(classes)
            }
            """);

        var diagnostics = await GeneratorHarness.AnalyzeAsync(GeneratorHarness.Compilation(Array.Empty<(string, string)>(), Lenient), new[] { file });

        var nl1001 = Assert.Single(diagnostics, d => d.Id == "NL1001");
        Assert.Equal(5, nl1001.Location.GetLineSpan().StartLinePosition.Line);
    }

    private static Task<ImmutableArray<Diagnostic>> Analyze(CSharpCompilationOptions options) =>
        GeneratorHarness.AnalyzeAsync(
            GeneratorHarness.Compilation(new[] { (SourcePath, ReluBnRecord) }, options),
            new[] { GeneratorHarness.File(NormlabPath, ReluBnFile) });

    /// <summary>
    /// Options that apply an <c>.editorconfig</c> or a global config as the compiler does: parsed by Roslyn's
    /// <see cref="AnalyzerConfigSet"/>, applied per tree through a <see cref="SyntaxTreeOptionsProvider"/>.
    /// </summary>
    private static CSharpCompilationOptions WithConfig(string text, string path) =>
        Lenient.WithSyntaxTreeOptionsProvider(new ConfigOptions(AnalyzerConfigSet.Create(ImmutableArray.Create(AnalyzerConfig.Parse(text, path)))));

    private sealed class ConfigOptions(AnalyzerConfigSet set) : SyntaxTreeOptionsProvider
    {
        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.Unknown;

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
            set.GetOptionsForSourcePath(tree.FilePath).TreeOptions.TryGetValue(diagnosticId, out severity);

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
            set.GlobalConfigOptions.TreeOptions.TryGetValue(diagnosticId, out severity);
    }
}
