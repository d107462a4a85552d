using System.Text.Json;
using NormLab.LanguageServer.Analysis;
using NormLab.LanguageServer.Features;
using NormLab.LanguageServer.Protocol;
using NormLab.Dsl.Text;
using NormLab.LanguageServer.Tests.Infrastructure;

namespace NormLab.LanguageServer.Tests;

/// <summary>The published diagnostics' JSON, made once per diagnostic and kept while it does not move, is the JSON of the diagnostics.</summary>
public sealed class PublishedJsonTests
{
    [Fact]
    public void KeptJsonIsTheJsonOfTheDiagnosticsAfterEveryEdit()
    {
        var text = Documents.Large(200) + "network Bad(input: 4) { reul > linear(2) }\n";
        var analyzer = new DocumentAnalyzer();
        var cache = new DiagnosticFeature.JsonCache();
        var random = new Random(5);
        var reused = 0;
        for (var i = 0; i < 40; i++)
        {
            var analysis = analyzer.Analyze(SourceText.From(text));
            var before = new HashSet<byte[]>(cache.Previous.Values, ReferenceEqualityComparer.Instance);
            var raw = DiagnosticFeature.ToJson(analysis, cache);
            reused += raw.Items.Count(before.Contains);
            Assert.Equal(
                JsonSerializer.Serialize(DiagnosticFeature.ToLsp(analysis), LspJson.Options),
                JsonSerializer.Serialize(raw, LspJson.Options));

            // a digit, a line break or a space typed somewhere in the file
            var at = random.Next(text.Length);
            text = text.Insert(at, new[] { "1", "\n", " " }[random.Next(3)]);
        }

        Assert.True(reused > 0, "no diagnostic's JSON was kept from one version to the next");
    }
}
