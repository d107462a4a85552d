using NormLab.LanguageServer.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NormLab.LanguageServer.Tests;

/// <summary>
/// The node tests under editors/vscode/test, run with Node.js: the built server driven by
/// vscode-languageserver-protocol (what VS Code's client is built on), and the TextMate grammar
/// tokenized by vscode-textmate with the Oniguruma engine.
/// </summary>
public sealed class NodeClientTests
{
    private readonly ITestOutputHelper _output;

    public NodeClientTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void TheLanguageServerAnswersANodeLanguageClient()
    {
        Node.EnsurePackages();
        var dll = TestPaths.NormLabDll;
        Assert.True(File.Exists(dll), $"the built normlab.dll is missing: {dll}");
        var result = Node.Test("lsp.test.mjs", new Dictionary<string, string> { ["NORMLAB_DLL"] = dll });
        _output.WriteLine(result.Output);
        Assert.True(result.ExitCode == 0, result.Describe());
    }

    [Fact]
    public void TheExtensionScriptIsValidJavaScript()
    {
        var result = Node.Run("node", new[] { "--check", Path.Combine(TestPaths.Extension, "extension.js") }, TestPaths.Extension, TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, result.Describe());
    }

    [Fact]
    public void TheGrammarScopesTheExamples()
    {
        Node.EnsurePackages();
        var result = Node.Test("grammar.test.mjs");
        _output.WriteLine(result.Output);
        Assert.True(result.ExitCode == 0, result.Describe());
    }
}
