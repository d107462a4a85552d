using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NormLab.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NormLab.Generator.Tests.Robustness;

/// <summary>
/// The generator and the analyzer never throw into the compiler: random pipelines, empty files and broken C#
/// give no exception, no generator diagnostic and no generated code that fails to compile; a network with
/// errors generates nothing while its valid neighbours still generate.
/// </summary>
public sealed class GarbageInputTests(ITestOutputHelper output)
{
    private static readonly string[] Tokens =
    {
        "conv3x3(8)", "conv(4, kernel: 3, stride: 2)", "conv(4, padding: valid)", "conv1x1(0)", "conv7x7(2, groups: 3)", "bn", "ln", "in", "gn(2)", "gn(0)",
        "relu", "leakyrelu(0.2)", "softmax", "maxout(3)", "maxpool", "avgpool(kernel: 5)", "gap", "gmp", "flatten", "identity",
        "linear(10)", "dense(1)", "linear(-1)", "dropout(0.5)", "dropout(1.5)", "dropout2d", "residual {", "residual(project) {", "residual",
        "{", "}", "(", ")", "* 2", "* 0", "* 999", ">", ">", ">", ">", ",", ":", "Width", "Width * 2", "1e999", "-1", "0", "0.5", "1/0",
        "\"", "\\", "\n", "\r\n", "\t", "/*", "*/", "//", "ü", "\u0000", "\uFFFF", "\uD83D", "@", "#", "$", "network", "block", "input", "classes",
        "allow NL1001", "namespace", "x", "28x28", "3x32x32",
    };

    private static readonly string[] Inputs = { "3x32x32", "1x28x28", "784", "8", "28x28", "0", "0x0x0", "x", "", "99999x99999", "1x1x1" };

    [Fact]
    public async Task RandomInlinePipelines()
    {
        var random = new Random(20240611);
        var source = new StringBuilder("using NormLab;\nnamespace Garbage;\n");
        for (var i = 0; i < 120; i++)
        {
            var pipeline = RandomText(random, random.Next(0, 14));
            var input = Inputs[random.Next(Inputs.Length)];
            source.Append($"[Network({SymbolDisplay.FormatLiteral(pipeline, quote: true)}, Input = {SymbolDisplay.FormatLiteral(input, quote: true)}, Classes = {random.Next(0, 12)})]\n");
            source.Append($"public partial record R{i}(int Width = {random.Next(-2, 40)}, double Rate = 0.{random.Next(0, 9)});\n");
        }

        await AssertSurvives(Array.Empty<AdditionalText>(), source.ToString());
    }

    [Fact]
    public async Task RandomLayerAttributes()
    {
        var attributes = new[]
        {
            "Conv3x3(8)", "Conv3x3(-1)", "Conv(4, 0)", "Conv(4, 3, Stride = 0)", "Conv(4, Padding = \"weird\")", "Conv(4, Padding = \"\")", "Conv1x1(2, Groups = 3)",
            "BatchNorm", "BatchNorm(Eps = -1)", "BatchNorm(Momentum = double.NaN)", "LayerNorm", "InstanceNorm(Affine = true)", "GroupNorm(0)", "GroupNorm(3)",
            "ReLU", "LeakyReLU(double.PositiveInfinity)", "ELU(-1)", "Softplus(0)", "Softmax", "Maxout(0)", "Maxout(5)",
            "MaxPool", "MaxPool(0)", "AvgPool(9, Stride = 0, Padding = 7)", "GlobalAvgPool", "GlobalMaxPool", "Flatten",
            "Linear(10)", "Linear(0)", "Dense(int.MaxValue)", "Dropout(2.0)", "Dropout(-0.1)", "Dropout2d", "Identity",
        };
        var random = new Random(7);
        var source = new StringBuilder("using NormLab;\nnamespace Garbage;\n");
        for (var i = 0; i < 80; i++)
        {
            source.Append($"[Network(Input = {SymbolDisplay.FormatLiteral(Inputs[random.Next(Inputs.Length)], quote: true)})]\n");
            for (var list = random.Next(0, 4); list > 0; list--)
            {
                source.Append('[').Append(string.Join(", ", Enumerable.Range(0, random.Next(1, 4)).Select(_ => attributes[random.Next(attributes.Length)]))).Append("]\n");
            }

            source.Append($"public partial record A{i};\n");
        }

        await AssertSurvives(Array.Empty<AdditionalText>(), source.ToString());
    }

    [Fact]
    public async Task RandomNormlabFiles()
    {
        var random = new Random(42);
        var files = new List<AdditionalText>();
        for (var i = 0; i < 60; i++)
        {
            var text = (i % 3) switch
            {
                0 => RandomText(random, random.Next(0, 40)),
                1 => $"network N{i}(input: {Inputs[random.Next(Inputs.Length)]}, classes: {random.Next(0, 12)}, width: {random.Next(-1, 20)}) {{ {RandomText(random, random.Next(0, 14))} }}",
                _ => $"block B(c, act = relu) = {RandomText(random, random.Next(0, 6))}\nnetwork N{i}(input: 3x16x16) {{ B({random.Next(-1, 9)}) > {RandomText(random, random.Next(0, 8))} > gap > linear(10) }}",
            };
            files.Add(GeneratorHarness.File($"{GeneratorHarness.ProjectDirectory}random/f{i}.normlab", text));
        }

        await AssertSurvives(files, "namespace Consumer { internal static class Anchor { } }");
    }

    [Fact]
    public async Task EmptyAndDegenerateFiles()
    {
        var files = new[]
        {
            string.Empty, " ", "\n\n\n", "// only a comment", "/* unterminated", "\uFEFFnetwork", "namespace", "namespace A.B", "network", "network N",
            "network N(", "network N(input: 8) {", "network N(input: 8) { }", "network N(input: 8) { > }", "block", "block B =", "}}}}", new string('(', 2000),
            string.Concat(Enumerable.Repeat("relu > ", 3000)), "network N(input: 8) { " + string.Concat(Enumerable.Repeat("residual { ", 300)) + "relu" + new string('}', 300) + " }",
        }.Select((text, i) => GeneratorHarness.File($"{GeneratorHarness.ProjectDirectory}degenerate/d{i}.normlab", text)).ToList();
        files.Add(GeneratorHarness.File(GeneratorHarness.ProjectDirectory + "notes.txt", "network N(input: 8) { relu"));

        await AssertSurvives(files, "namespace Consumer { internal static class Anchor { } }");
    }

    [Fact]
    public async Task BrokenCSharp()
    {
        var sources = new[]
        {
            "using NormLab;\n[Network(\"linear(10)\", Input = \"8\")]\npublic partial record Broken(int Width = ) {",
            "using NormLab;\n[Network(42)]\npublic partial record WrongType;",
            "using NormLab;\n[Network(\"linear(10)\", Input = 5)]\npublic partial record WrongInputType;",
            "using NormLab;\n[Network(null, Input = \"8\")]\npublic partial record NullPipeline;",
            "using NormLab;\n[Network(\"linear(10)\", Input = null)]\npublic partial record NullInput;",
            "using NormLab;\n[Network(Input = \"8\")]\n[Conv3x3]\npublic partial record MissingArgument;",
            "using NormLab;\n[Network(\"relu\", Input = \"8\")]\npublic partial struct OnAStruct { }",
            "using NormLab;\n[Network(\"relu\", Input = \"8\")]\npublic partial interface IOnAnInterface { }",
            "using NormLab;\n[Network(\"relu\", Input = \"8\")]\npublic static partial class OnAStaticClass { }",
            "using NormLab;\n[Network(\"relu\", Input = \"8\")]\n[Network(\"relu\", Input = \"8\")]\npublic partial record Twice;",
            "using NormLab;\n[Network(\"relu > linear(2)\", Input = \"8\")]\npublic partial record Split;\npublic partial record Split { public int Width { get; } = 3; }",
            "using NormLab;\n[Network(\"linear(Width)\", Input = \"8\")]\npublic partial record Recursive(Recursive? Width = null);",
            "using NormLab;\n[Network(\"linear(Width)\", Input = \"8\")]\npublic partial record Big(long Width = 9999999999);",
            "using NormLab;\n[Network(\"linear(Width)\", Input = \"8\")]\npublic partial record Neg(int Width = -4);",
            "using NormLab;\n[Network(\"linear(10)\", Input = \"8\", Allow = \"NL1001,, ;x-y\")]\npublic partial record BadAllow;",
            "[NormLab.Network(\"linear(10)\"",
            "using NormLab;\nnamespace A { [Network(\"linear(10)\", Input = \"8\")] public partial record N; }\nnamespace A { [Network(\"linear(10)\", Input = \"8\")] public partial record N; }",
            "using NormLab;\n[Network(\"relu\", Input = \"8\")]\npublic partial record @class;",
        };

        await AssertSurvives(Array.Empty<AdditionalText>(), sources);
    }

    [Fact]
    public async Task AFileListedTwiceInAdditionalFiles_IsGeneratedOnce()
    {
        // the package adds *.normlab to AdditionalFiles; a project that adds them too lists each file twice
        const string text = "network Twice(input: 8, classes: 2) { linear(4) > relu > linear(classes) }";
        var files = new[] { GeneratorHarness.File("/project/twice.normlab", text), GeneratorHarness.File("/project/twice.normlab", text) };

        await AssertSurvives(files, "namespace Consumer { internal static class Anchor { } }");
        var run = GeneratorHarness.Run(files);
        Assert.Single(run.Single.GeneratedSources);
        Assert.Empty(GeneratorHarness.Problems(run.Output));
    }

    [Fact]
    public void NonAsciiNamespaces_ThatSanitizeAlike_GetTheirOwnSources()
    {
        // a network's name must be ASCII (NL0006), its namespace need not: 'Modèles' and 'Mod_les' both sanitize to 'Mod_les'
        var run = GeneratorHarness.Run(Array.Empty<AdditionalText>(), """
            using NormLab;
            namespace Modèles
            {
                [Network("linear(4) > relu > linear(2)", Input = "8")]
                public partial record Net;
            }

            namespace Mod_les
            {
                [Network("linear(4) > relu > linear(2)", Input = "8")]
                public partial record Net;
            }
            """);

        Assert.Null(run.Single.Exception);
        Assert.Equal(2, run.Single.GeneratedSources.Length);
        Assert.Contains("Mod_les.Net.g.cs", run.Sources.Keys);
        Assert.Single(run.Sources.Keys, k => k.StartsWith("Mod_les.Net.", StringComparison.Ordinal) && k != "Mod_les.Net.g.cs");
        Assert.Empty(GeneratorHarness.Problems(run.Output));
    }

    [Fact]
    public void LinkedFilesOfOneName_FromTwoFolders_GetTheirOwnSources()
    {
        // <AdditionalFiles Include="../shared/**/*.normlab" />: outside the project folder
        var files = new[]
        {
            GeneratorHarness.File("/shared/vision/nets.normlab", "namespace Vision\nnetwork Cnn(input: 1x8x8, classes: 2) { conv3x3(4) > bn > relu > gap > linear(classes) }"),
            GeneratorHarness.File("/shared/text/nets.normlab", "namespace Text\nnetwork Mlp(input: 16, classes: 2) { linear(8) > relu > linear(classes) }"),
        };

        var run = GeneratorHarness.Run(files);

        Assert.Null(run.Single.Exception);
        Assert.Equal(2, run.Single.GeneratedSources.Length);
        Assert.Empty(GeneratorHarness.Problems(run.Output));
        Assert.Contains(run.Sources.Values, s => s.Contains("from ../shared/vision/nets.normlab.", StringComparison.Ordinal));
        Assert.Contains(run.Sources.Values, s => s.Contains("from ../shared/text/nets.normlab.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/project/nets.normlab", "/project/", "nets.normlab")]
    [InlineData("/project/a/b/nets.normlab", "/project", "a/b/nets.normlab")]
    [InlineData("/PROJECT/nets.normlab", "/project/", "nets.normlab")]
    [InlineData("/shared/nets.normlab", "/project/", "../shared/nets.normlab")]
    [InlineData("/repo/shared/nets.normlab", "/repo/src/app/", "../../shared/nets.normlab")]
    [InlineData(@"C:\repo\src\app\nets.normlab", @"C:\repo\src\app\", "nets.normlab")]
    [InlineData(@"C:\repo\shared\nets.normlab", @"C:\repo\src\app\", "../../shared/nets.normlab")]
    [InlineData(@"D:\shared\nets.normlab", @"C:\repo\", "D:/shared/nets.normlab")]
    [InlineData("/anywhere/nets.normlab", "", "nets.normlab")]
    public void RelativePath_IsRelativeToTheProjectFolder(string path, string projectDirectory, string expected) =>
        Assert.Equal(expected, NetworkGenerator.RelativePath(path, projectDirectory));

    [Fact]
    public void NetworkAttributeOnTwoPartsOfOneRecord_GeneratesOnce()
    {
        var run = GeneratorHarness.Run(Array.Empty<AdditionalText>(), """
            using NormLab;
            namespace Consumer;
            [Network("linear(4) > relu > linear(2)", Input = "8")]
            public partial record Twice;

            [Network("linear(4) > relu > linear(2)", Input = "8")]
            public partial record Twice;
            """);

        Assert.Null(run.Single.Exception);
        Assert.Single(run.Single.GeneratedSources);
        Assert.Contains(run.Output.GetDiagnostics(), d => d.Id == "CS0579"); // the user's own error, reported by C#
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void ANetworkWithErrors_GeneratesNothing_ItsValidNeighboursStillGenerate()
    {
        var file = GeneratorHarness.File(GeneratorHarness.ProjectDirectory + "mixed.normlab", """
            namespace Mixed

            network Good(input: 8, classes: 2) { linear(4) > relu > linear(classes) }

            network Bad(input: 8, classes: 2) { linear(4) > unknownlayer > linear(classes) }

            network WrongShape(input: 3x8x8, classes: 2) { conv3x3(4) > linear(classes) }

            network AlsoGood(input: 3x8x8, classes: 2) { conv3x3(4) > bn > relu > gap > linear(classes) }
            """);

        var run = GeneratorHarness.Run(new[] { file }, """
            using NormLab;
            namespace Mixed;
            [Network("linear(4) > relu > linear(2)", Input = "8")]
            public partial record GoodRecord;

            [Network("linear(4) > nonsense > linear(2)", Input = "8")]
            public partial record BadRecord;
            """);

        Assert.Null(run.Single.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(GeneratorHarness.Problems(run.Output));
        var generated = string.Join("\n", run.Sources.Values);
        Assert.Contains("partial record Good(", generated, StringComparison.Ordinal);
        Assert.Contains("partial record AlsoGood(", generated, StringComparison.Ordinal);
        Assert.Contains("partial record GoodRecord", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("record Bad", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("BadModule", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("record WrongShape", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("WrongShapeModule", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("BadRecord", generated, StringComparison.Ordinal);
        Assert.Equal(2, run.Sources.Count); // the file and GoodRecord
    }

    private async Task AssertSurvives(IReadOnlyList<AdditionalText> files, params string[] sources)
    {
        var run = GeneratorHarness.Run(files, sources);
        Assert.Null(run.Single.Exception);
        Assert.Empty(run.GeneratorDiagnostics);

        // whatever the generator emitted compiles: no diagnostic in generated code, none added to the user's
        var generatedTrees = run.Output.SyntaxTrees.Except(run.Input.SyntaxTrees).ToHashSet();
        var inGenerated = run.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && generatedTrees.Contains(tree)).ToList();
        foreach (var diagnostic in inGenerated.Take(20))
        {
            output.WriteLine(diagnostic.ToString());
            output.WriteLine(diagnostic.Location.SourceTree!.GetText().Lines[diagnostic.Location.GetLineSpan().StartLinePosition.Line].ToString());
        }

        Assert.Empty(inGenerated);
        var before = run.Input.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToHashSet();
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && !generatedTrees.Contains(d.Location.SourceTree!) && !before.Contains(d.ToString())));
        output.WriteLine($"{run.Single.GeneratedSources.Length} sources generated");

        // the analyzer: no exception (the harness fails on one), no internal error
        var diagnostics = await GeneratorHarness.AnalyzeAsync(run.Input, files);
        Assert.DoesNotContain(diagnostics, d => d.Id is "NL0000" or "AD0001");
        output.WriteLine($"{diagnostics.Length} analyzer diagnostics");
    }

    private static string RandomText(Random random, int tokens)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < tokens; i++)
        {
            builder.Append(random.Next(8) == 0 ? ((char)random.Next(0x20, 0x7f)).ToString() : Tokens[random.Next(Tokens.Length)]).Append(' ');
        }

        return builder.ToString();
    }
}
