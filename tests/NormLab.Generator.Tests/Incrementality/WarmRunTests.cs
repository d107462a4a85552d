using Microsoft.CodeAnalysis;
using NormLab.Generator.Model;
using NormLab.Generator.Parsing;
using NormLab.Generator.Tests.Infrastructure;

namespace NormLab.Generator.Tests.Incrementality;

/// <summary>
/// What a warm run after an edit does, on a project of many networks, as the bench measures it. Roslyn runs the
/// [Network] transform (RecordInputs) for every record again on each new compilation; by design that transform
/// reads the attribute data Roslyn has already bound and the declaration's syntax, and goes to the record's
/// symbols (which makes Roslyn build all its members) only for hyper-parameters the syntax does not decide, such
/// as a default that names a constant. Everything after it must come from the cache.
/// </summary>
public sealed class WarmRunTests
{
    private const int RecordFiles = 4;
    private const int RecordsPerFile = 4;
    private const int NormlabFiles = 3;

    private static readonly IncrementalStepRunReason[] Reused = { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged };

    [Fact]
    public void UnrelatedEdit_ReadsNoRecordFromSymbols_AndReRunsNothingAfterTheTransform()
    {
        var run = RunProject();

        var before = AttributeReader.SymbolReads;
        var rerun = run.Driver.RunGenerators(run.Input.AddSyntaxTrees(GeneratorHarness.Tree("namespace Consumer.App; internal static class Unrelated { public static int Value => 42; }", GeneratorHarness.ProjectDirectory + "Unrelated.cs")))
            .GetRunResult().Results.Single();

        Assert.Equal(0, AttributeReader.SymbolReads - before);
        var inputs = Outputs(rerun, StepNames.RecordInputs).ToList();
        Assert.Equal(RecordFiles * RecordsPerFile, inputs.Count(o => o.Value is RecordInput));
        Assert.All(inputs, o => Assert.Equal(IncrementalStepRunReason.Unchanged, o.Reason));
        foreach (var step in IncrementalityTests.AllStepNames().Where(s => s != StepNames.RecordInputs))
        {
            Assert.All(Outputs(rerun, step), o => Assert.True(Reused.Contains(o.Reason), $"step '{step}' ran again: {o.Reason}"));
        }

        Assert.All(rerun.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Contains(o.Reason, Reused));
    }

    [Fact]
    public void EditingOneRecordAmongMany_RegeneratesOnlyThatRecord()
    {
        var run = RunProject();
        var tree = run.Input.SyntaxTrees.Single(t => t.FilePath.EndsWith("Records2.cs", StringComparison.Ordinal));
        var text = tree.GetText().ToString();
        var edited = run.Input.ReplaceSyntaxTree(tree, GeneratorHarness.Tree(text.Replace("int Width = 41", "int Width = 57", StringComparison.Ordinal), tree.FilePath));
        Assert.NotEqual(text, edited.SyntaxTrees.Single(t => t.FilePath == tree.FilePath).GetText().ToString());

        var rerun = run.Driver.RunGenerators(edited).GetRunResult().Results.Single();

        // the other records of the edited file are read again (their tree changed) but equal; only one is checked again
        var specs = Outputs(rerun, StepNames.RecordSpecs).Where(o => o.Value is SourceSpec).ToList();
        Assert.Equal("Rec9", Assert.Single(specs, o => o.Reason == IncrementalStepRunReason.Modified).Value is SourceSpec spec ? spec.Networks.Single().TypeName : null);
        Assert.All(specs.Where(o => o.Reason != IncrementalStepRunReason.Modified), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        Assert.All(Outputs(rerun, StepNames.FileSpecs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));

        var outputs = rerun.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        Assert.Single(outputs, o => o.Reason == IncrementalStepRunReason.Modified);
        var after = rerun.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal);
        var changed = Assert.Single(run.Sources.Keys, k => run.Sources[k] != after[k]);
        Assert.Equal("Consumer.Records2.Rec9.g.cs", changed);
        Assert.Contains("Width: 57", after[changed], StringComparison.Ordinal);
    }

    [Fact]
    public void ADefaultThatNamesAConstant_IsReadFromSymbols_AndFollowsTheConstant()
    {
        // the constant lives in another file: only the symbols know its value, so this record is read from them
        // on every run, and an edit of the constant (not of the record) regenerates it
        const string record = """
            using NormLab;

            namespace Consumer;

            [Network("linear(Width) > relu > linear(10)", Input = "784")]
            public partial record Sized(int Width = Defaults.Width);
            """;
        var constants = "namespace Consumer; public static class Defaults { public const int Width = 24; }";
        var input = GeneratorHarness.Compilation(new[] { (GeneratorHarness.ProjectDirectory + "Sized.cs", record), (GeneratorHarness.ProjectDirectory + "Defaults.cs", constants) });
        var driver = GeneratorHarness.Driver(Array.Empty<AdditionalText>()).RunGenerators(input);
        Assert.Contains("Width: 24", Assert.Single(driver.GetRunResult().Results.Single().GeneratedSources).SourceText.ToString(), StringComparison.Ordinal);

        // an unrelated edit: read from symbols again, equal, nothing regenerated
        var before = AttributeReader.SymbolReads;
        var unrelated = driver.RunGenerators(input.AddSyntaxTrees(GeneratorHarness.Tree("class Unrelated { }", GeneratorHarness.ProjectDirectory + "Unrelated.cs"))).GetRunResult().Results.Single();
        Assert.Equal(1, AttributeReader.SymbolReads - before);
        Assert.All(Outputs(unrelated, StepNames.RecordInputs), o => Assert.Equal(IncrementalStepRunReason.Unchanged, o.Reason));
        Assert.All(Outputs(unrelated, StepNames.RecordSpecs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));

        // the constant edited: the record regenerates with the new value
        var tree = input.SyntaxTrees.Single(t => t.FilePath.EndsWith("Defaults.cs", StringComparison.Ordinal));
        var edited = input.ReplaceSyntaxTree(tree, GeneratorHarness.Tree(constants.Replace("24", "40", StringComparison.Ordinal), tree.FilePath));
        var rerun = driver.RunGenerators(edited).GetRunResult().Results.Single();
        Assert.Contains(IncrementalStepRunReason.Modified, Outputs(rerun, StepNames.RecordSpecs).Select(o => o.Reason));
        Assert.Contains("Width: 40", Assert.Single(rerun.GeneratedSources).SourceText.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("using Net = NormLab.NetworkAttribute;\n", "Net")]
    [InlineData("", "NormLab.Network")]
    [InlineData("", "global::NormLab.NetworkAttribute")]
    [InlineData("using NormLab;\n", "NetworkAttribute")]
    public void AnAliasedOrQualifiedAttribute_StillGenerates(string usings, string attribute)
    {
        var run = GeneratorHarness.Run(Array.Empty<AdditionalText>(), usings + $$"""
            namespace Consumer;

            [{{attribute}}("linear(Width) > relu > linear(10)", Input = "784")]
            public partial record Named(int Width = 12)
            {
                public double Rate { get; init; } = 0.5;
            }
            """);

        var source = Assert.Single(run.Sources).Value;
        Assert.Contains("network Named(input: 784, Width: 12, Rate: 0.5)", source, StringComparison.Ordinal);
        Assert.Empty(GeneratorHarness.Problems(run.Output));
    }

    [Fact]
    public void ANonNormLabNetworkAttribute_GeneratesNothing()
    {
        var run = GeneratorHarness.Run(Array.Empty<AdditionalText>(), """
            namespace Consumer;

            [System.AttributeUsage(System.AttributeTargets.Class)]
            public sealed class NetworkAttribute(string pipeline) : System.Attribute
            {
                public string Input { get; set; } = "";
            }

            [Network("linear(10)", Input = "784")]
            public partial record NotOurs(int Width = 12);
            """);

        Assert.Empty(run.Sources);
    }

    /// <summary>3 .normlab files and 16 records in 4 files, half inline pipelines with hyper-parameters, half layer attributes.</summary>
    private static GeneratorRun RunProject()
    {
        var files = Enumerable.Range(0, NormlabFiles).Select(i => GeneratorHarness.File($"{GeneratorHarness.ProjectDirectory}networks/set{i}.normlab", $$"""
            namespace Consumer.Set{{i}}

            network Mlp{{i}}(input: 784, classes: 10, hidden: {{64 + i}}) {
                linear(hidden) > relu > linear(classes)
            }
            """)).ToArray();
        var sources = Enumerable.Range(0, RecordFiles).Select(f => ($"{GeneratorHarness.ProjectDirectory}Records{f}.cs", RecordFile(f)));
        var input = GeneratorHarness.Compilation(sources);
        var driver = GeneratorHarness.Driver(files).RunGeneratorsAndUpdateCompilation(input, out var output, out var diagnostics);
        var run = new GeneratorRun(driver, driver.GetRunResult(), input, output, diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        Assert.Equal(NormlabFiles + (RecordFiles * RecordsPerFile), run.Sources.Count);
        return run;
    }

    private static string RecordFile(int file)
    {
        var text = new System.Text.StringBuilder($"using NormLab;\n\nnamespace Consumer.Records{file};\n\n");
        for (var k = 0; k < RecordsPerFile; k++)
        {
            var m = (file * RecordsPerFile) + k;
            text.Append(m % 2 == 1
                ? $"[Network(\"conv3x3(Width) > bn > relu > gap > linear(Classes)\", Input = \"3x32x32\")]\npublic partial record Rec{m}(int Width = {32 + m}, int Classes = 10)\n{{\n    public double Rate {{ get; init; }} = 0.25;\n}}\n\n"
                : $"[Network(Input = \"1x28x28\", Classes = 10)]\n[Conv3x3(16), BatchNorm, ReLU, MaxPool]\n[Flatten, Linear({64 + m}), ReLU, Linear(10)]\npublic partial record Rec{m};\n\n");
        }

        return text.ToString();
    }

    private static IEnumerable<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs);
}
