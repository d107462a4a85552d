using System.Text;
using System.Text.Json.Nodes;
using NormLab.Dsl.Binding;
using NormLab.LanguageServer.Tests.Infrastructure;

namespace NormLab.LanguageServer.Tests;

/// <summary>The TextMate grammar knows the language: the catalog's layer names and the keywords.</summary>
public sealed class GrammarCatalogTests
{
    /// <summary>
    /// The grammar's layer list is <see cref="LayerCatalog.Names"/>. When the catalog changes, this
    /// writes the grammar with the new list as <c>normlab.tmLanguage.received.json</c> beside it: review it
    /// and rename it over the grammar.
    /// </summary>
    [Fact]
    public void TheGrammarsLayerListIsTheCatalog()
    {
        var grammar = JsonNode.Parse(File.ReadAllText(TestPaths.Grammar))!;
        var layers = grammar["repository"]!["layers"]!;
        var expected = @"\b(?:" + string.Join("|", LayerCatalog.Names) + @")\b";
        if (layers["match"]!.GetValue<string>() == expected)
        {
            return;
        }

        layers["match"] = expected;
        var received = Path.ChangeExtension(TestPaths.Grammar, ".received.json");
        File.WriteAllText(received, grammar.ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }) + "\n", new UTF8Encoding(false));
        Assert.Fail($"The grammar's layer list is not LayerCatalog.Names; the grammar with the catalog's list is in {received}: review it and rename it over {TestPaths.Grammar}.");
    }

    [Theory]
    [InlineData("namespace", "keyword.control.namespace.normlab")]
    [InlineData("block", "storage.type.$1.normlab")]
    [InlineData("network", "storage.type.$1.normlab")]
    [InlineData("allow", "keyword.control.allow.normlab")]
    [InlineData("residual", "keyword.control.residual.normlab")]
    [InlineData("concat", "keyword.control.branch.normlab")]
    [InlineData("scale", "keyword.control.branch.normlab")]
    [InlineData("as", "keyword.other.as.normlab")]
    public void EveryKeywordHasAScope(string keyword, string scope)
    {
        Assert.NotEqual(NormLab.Dsl.Syntax.TokenKind.Identifier, NormLab.Dsl.Syntax.SyntaxFacts.KeywordKind(keyword));
        var keywords = JsonNode.Parse(File.ReadAllText(TestPaths.Grammar))!["repository"]!["keywords"]!["patterns"]!.AsArray();
        Assert.Contains(keywords, p => p!["name"]!.GetValue<string>() == scope && p["match"]!.GetValue<string>().Contains(keyword, StringComparison.Ordinal));
    }

    [Fact]
    public void TheExtensionContributesTheLanguageGrammarAndSnippets()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.Extension, "package.json")))!;
        Assert.Equal("onLanguage:normlab", manifest["activationEvents"]![0]!.GetValue<string>());
        var language = manifest["contributes"]!["languages"]![0]!;
        Assert.Equal("normlab", language["id"]!.GetValue<string>());
        Assert.Equal(".normlab", language["extensions"]![0]!.GetValue<string>());
        foreach (var relative in new[]
        {
            language["configuration"]!.GetValue<string>(),
            manifest["contributes"]!["grammars"]![0]!["path"]!.GetValue<string>(),
            manifest["contributes"]!["snippets"]![0]!["path"]!.GetValue<string>(),
            manifest["main"]!.GetValue<string>(),
        })
        {
            var path = Path.Combine(TestPaths.Extension, relative);
            Assert.True(File.Exists(path), path + " is missing");
            if (path.EndsWith(".json", StringComparison.Ordinal))
            {
                Assert.NotNull(JsonNode.Parse(File.ReadAllText(path)));
            }
        }
    }
}
