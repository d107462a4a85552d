using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NormLab.Dsl;
using NormLab.Generator;
using DslDescriptors = NormLab.Dsl.Diagnostics.DiagnosticDescriptors;

namespace NormLab.CodeFixes.Tests;

/// <summary>
/// docs/diagnostics: every help link resolves to a page; each page's title is the descriptor's; its bad
/// example really produces its ID (a ```normlab block through <see cref="NormLabCompiler.Check(string, string?, CheckOptions?)"/>,
/// a ```csharp block, for the NL3xxx binding rules, through the analyzer) and its good example does not; the
/// messages a page quotes are the ones the checker gives, at the positions it gives.
/// </summary>
public sealed class DiagnosticDocsTests
{
    private static readonly Lazy<string> RepositoryRootValue = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NormLab.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("NormLab.sln was not found above " + AppContext.BaseDirectory);
    });

    private static string DocsDirectory => Path.Combine(RepositoryRootValue.Value, "docs", "diagnostics");

    /// <summary>Every ID with a page: the catalog and NL0000 (the analyzer's internal error).</summary>
    public static TheoryData<string> Ids { get; } = new(new NetworkAnalyzer().SupportedDiagnostics.Select(d => d.Id));

    /// <summary>The IDs whose bad example can be checked (NL0000 has none: no input should produce it).</summary>
    public static TheoryData<string> IdsWithExamples { get; } = new(DslDescriptors.All.Select(d => d.Id));

    [Fact]
    public void EveryDescriptor_HasAHelpLink_ToAnExistingPage()
    {
        Assert.NotEmpty(DslDescriptors.All);
        foreach (var descriptor in DslDescriptors.All)
        {
            Assert.Equal(DslDescriptors.HelpLinkBase + descriptor.Id + ".md", descriptor.HelpLink);
            Assert.True(File.Exists(PagePath(descriptor.Id)), $"{descriptor.Id}: {descriptor.HelpLink} has no page at {PagePath(descriptor.Id)}");
        }
    }

    [Fact]
    public void EveryAnalyzerDiagnostic_HasAHelpLink_ToAnExistingPage()
    {
        foreach (var descriptor in new NetworkAnalyzer().SupportedDiagnostics)
        {
            Assert.Equal(DslDescriptors.HelpLinkBase + descriptor.Id + ".md", descriptor.HelpLinkUri);
            Assert.True(File.Exists(PagePath(descriptor.Id)), $"{descriptor.Id}: no page for {descriptor.HelpLinkUri}");
        }
    }

    [Fact]
    public void EveryPage_IsADiagnostic_AndTheIndexLinksIt()
    {
        var ids = new NetworkAnalyzer().SupportedDiagnostics.Select(d => d.Id).ToHashSet();
        var pages = Directory.GetFiles(DocsDirectory, "NL*.md").Select(Path.GetFileNameWithoutExtension).ToList();
        Assert.Equal(ids.OrderBy(i => i, StringComparer.Ordinal), pages.OrderBy(p => p, StringComparer.Ordinal));

        var index = File.ReadAllText(Path.Combine(DocsDirectory, "README.md"));
        foreach (var id in ids)
        {
            Assert.Contains($"[{id}]({id}.md)", index);
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Page_IsTitledWithTheIdAndTitle(string id)
    {
        var descriptor = new NetworkAnalyzer().SupportedDiagnostics.Single(d => d.Id == id);
        var firstLine = File.ReadLines(PagePath(id)).First();
        Assert.Equal($"# {id}: {descriptor.Title}", firstLine);
        var text = File.ReadAllText(PagePath(id));
        Assert.Contains("## How to silence it", text);
        Assert.Contains("[All diagnostics](README.md)", text);
    }

    [Theory]
    [MemberData(nameof(IdsWithExamples))]
    public async Task BadExample_ProducesTheId_AndTheQuotedMessages(string id)
    {
        var page = File.ReadAllText(PagePath(id));
        var (language, bad) = FirstBlock(page, "## Bad example");
        var reported = language switch
        {
            "normlab" => CheckNormlab(bad),
            "csharp" => await CheckCSharpAsync(bad),
            _ => throw new Xunit.Sdk.XunitException($"{id}: the bad example is a ```{language} block"),
        };
        if (language == "normlab")
        {
            // the rule pages show the checker's own examples: the first ```normlab block is the bad one
            Assert.Equal(bad, FirstNormlabBlock(page));
        }

        Assert.Contains(reported, line => line.Contains($" {id}: ", StringComparison.Ordinal));

        // what the page says the checker reports is what it reports (every quoted line, verbatim)
        var (_, quoted) = FirstBlock(page, "```text", fromFence: true);
        foreach (var line in quoted.Split('\n'))
        {
            Assert.Contains(line, reported);
        }
    }

    [Theory]
    [MemberData(nameof(IdsWithExamples))]
    public async Task GoodExample_DoesNotProduceTheId(string id)
    {
        var (language, good) = FirstBlock(File.ReadAllText(PagePath(id)), "## Good example");
        var reported = language == "csharp" ? await CheckCSharpAsync(good) : CheckNormlab(good);
        Assert.DoesNotContain(reported, line => line.Contains($" {id}: ", StringComparison.Ordinal));
        Assert.DoesNotContain(reported, line => line.Contains(": error ", StringComparison.Ordinal));
    }

    private static string PagePath(string id) => Path.Combine(DocsDirectory, id + ".md");

    /// <summary>The checker's diagnostics in the command line's form (hidden ones included, as <c>--all</c>).</summary>
    private static IReadOnlyList<string> CheckNormlab(string text) =>
        NormLabCompiler.Check(text, "net.normlab").Diagnostics.Select(d => d.ToString()).ToList();

    /// <summary>The build's diagnostics (compiler errors and the analyzer's) in the compiler's form, for <c>Net.cs</c>.</summary>
    private static async Task<IReadOnlyList<string>> CheckCSharpAsync(string text)
    {
        var compilation = CSharpCompilation.Create(
            "Consumer",
            new[] { CSharpSyntaxTree.ParseText(text, new CSharpParseOptions(LanguageVersion.Latest), path: "Net.cs") },
            CodeFixTest.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var analyzerDiagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NetworkAnalyzer()))
            .GetAnalyzerDiagnosticsAsync();
        return compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)
            .Concat(analyzerDiagnostics)
            .Select(d =>
            {
                var start = d.Location.GetLineSpan().StartLinePosition;
                var severity = d.Severity switch
                {
                    DiagnosticSeverity.Error => "error",
                    DiagnosticSeverity.Warning => "warning",
                    DiagnosticSeverity.Info => "info",
                    _ => "hidden",
                };
                return $"Net.cs({start.Line + 1},{start.Character + 1}): {severity} {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
            })
            .ToList();
    }

    private static string FirstNormlabBlock(string page)
    {
        var match = Regex.Match(page, "```normlab\n(.*?)\n```", RegexOptions.Singleline);
        Assert.True(match.Success, "no ```normlab block");
        return match.Groups[1].Value;
    }

    /// <summary>The first fenced block after <paramref name="marker"/>: its language and its text.</summary>
    private static (string Language, string Text) FirstBlock(string page, string marker, bool fromFence = false)
    {
        var at = page.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"no '{marker}' in the page");
        var match = new Regex("```([a-z]*)\n(.*?)\n```", RegexOptions.Singleline).Match(page, fromFence ? at : at + marker.Length);
        Assert.True(match.Success, $"no fenced block after '{marker}'");
        return (match.Groups[1].Value, match.Groups[2].Value);
    }
}
