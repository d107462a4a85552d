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
    public void TheExtensionFindsTheServerOrSaysWhatToDo()
    {
        var result = Node.Test("server.test.mjs");
        _output.WriteLine(result.Output);
        Assert.True(result.ExitCode == 0, result.Describe());
    }

    /// <summary>
    /// The extension as a registry takes it: <c>vsce ls</c> lists what goes into the .vsix (the code, its production
    /// dependencies, licence, changelog, icon; not the tests), and <c>vsce package</c> writes a .vsix whose manifest
    /// has a publisher, a licence, an icon and the engine.
    /// </summary>
    [Fact]
    public void TheExtensionPackagesWithVsce()
    {
        Node.EnsureExtensionPackages();
        var vsce = Path.Combine(TestPaths.Extension, "node_modules", "@vscode", "vsce", "vsce");
        var ls = Node.Run("node", new[] { vsce, "ls" }, TestPaths.Extension, TimeSpan.FromMinutes(3));
        _output.WriteLine(ls.Output);
        Assert.True(ls.ExitCode == 0, ls.Describe());
        var files = ls.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        string[] required =
        {
            "package.json", "extension.js", "server.js", "README.md", "CHANGELOG.md", "LICENSE", "images/icon.png",
            "language-configuration.json", "syntaxes/normlab.tmLanguage.json", "snippets/normlab.json",
            "node_modules/vscode-languageclient/package.json",
        };
        Assert.True(required.All(files.Contains), "vsce ls lacks: " + string.Join(", ", required.Where(r => !files.Contains(r))));
        var unwanted = files.Where(f => f.StartsWith("test/", StringComparison.Ordinal) || f.StartsWith("node_modules/@vscode/", StringComparison.Ordinal) || f.EndsWith(".vsix", StringComparison.Ordinal)).ToList();
        Assert.True(unwanted.Count == 0, "vsce ls includes: " + string.Join(", ", unwanted.Take(10)));

        var folder = Directory.CreateTempSubdirectory("normlab-vsix-").FullName;
        try
        {
            var vsix = Path.Combine(folder, "normlab.vsix");
            var package = Node.Run("node", new[] { vsce, "package", "--out", vsix }, TestPaths.Extension, TimeSpan.FromMinutes(3));
            _output.WriteLine(package.Output);
            Assert.True(package.ExitCode == 0 && File.Exists(vsix), package.Describe());

            using var archive = System.IO.Compression.ZipFile.OpenRead(vsix);
            var entries = archive.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            foreach (var entry in new[] { "extension/package.json", "extension/server.js", "extension/images/icon.png", "extension/LICENSE.txt", "extension/changelog.md", "extension/readme.md", "extension.vsixmanifest" })
            {
                Assert.True(entries.Contains(entry), $"{entry} is not in the .vsix");
            }

            using var manifestStream = archive.GetEntry("extension/package.json")!.Open();
            using var manifest = System.Text.Json.JsonDocument.Parse(manifestStream);
            var root = manifest.RootElement;
            Assert.False(root.TryGetProperty("private", out _), "a private package cannot be published");
            Assert.Equal("normlab", root.GetProperty("publisher").GetString());
            Assert.Equal("MIT", root.GetProperty("license").GetString());
            Assert.Equal("images/icon.png", root.GetProperty("icon").GetString());
            Assert.StartsWith("^1.", root.GetProperty("engines").GetProperty("vscode").GetString(), StringComparison.Ordinal);
            using var icon = archive.GetEntry("extension/images/icon.png")!.Open();
            var signature = new byte[8];
            icon.ReadExactly(signature);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, signature);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
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
