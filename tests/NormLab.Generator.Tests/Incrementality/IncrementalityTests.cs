using System.Reflection;
using Microsoft.CodeAnalysis;
using NormLab.Generator.Model;
using NormLab.Generator.Tests.Infrastructure;

namespace NormLab.Generator.Tests.Incrementality;

/// <summary>
/// The generator's caching, tested as dotnet/runtime tests its generators: the same input gives equal
/// models; an unrelated edit leaves every tracked step cached and regenerates nothing; a real edit
/// re-runs only the file or record it touches.
/// </summary>
public sealed class IncrementalityTests
{
    private const string FileAPath = GeneratorHarness.ProjectDirectory + "networks/a.normlab";
    private const string FileBPath = GeneratorHarness.ProjectDirectory + "networks/b.normlab";

    private const string FileA = """
        network NetA(input: 1x28x28, classes: 10, width: 16) {
            conv3x3(width) > bn > relu > maxpool > flatten > linear(classes)
        }
        """;

    private const string FileB = """
        namespace Other

        network NetB(input: 784, classes: 10) {
            linear(64) > relu > linear(classes)
        }
        """;

    private const string RecordOne = """
        using NormLab;

        namespace Consumer;

        [Network("conv3x3(Width) > bn > relu > gap > linear(10)", Input = "3x32x32", Classes = 10)]
        public partial record RecordOne(int Width = 32);
        """;

    private const string RecordTwo = """
        using NormLab;

        namespace Consumer;

        [Network(Input = "784", Classes = 10)]
        [Linear(32), ReLU, Linear(10)]
        public partial record RecordTwo;
        """;

    private static readonly IncrementalStepRunReason[] Reused = { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged };

    /// <summary>Every tracked step of the generator, read from <see cref="StepNames"/> so that a new step is covered.</summary>
    public static TheoryData<string> StepNameData()
    {
        var data = new TheoryData<string>();
        foreach (var name in AllStepNames())
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void EveryStepName_IsTracked()
    {
        var run = RunAll();
        foreach (var name in AllStepNames())
        {
            Assert.True(run.Single.TrackedSteps.ContainsKey(name), $"step '{name}' was not tracked; tracked: {string.Join(", ", run.Single.TrackedSteps.Keys)}");
        }
    }

    [Theory]
    [MemberData(nameof(StepNameData))]
    public void SameInputTwice_GivesEqualModels(string step)
    {
        // two drivers on two compilations parsed separately: equal values, not shared instances
        var first = Values(RunAll(), step);
        var second = Values(RunAll(), step);

        Assert.NotEmpty(first);
        Assert.Equal(first, second);
        Assert.All(first.Zip(second), pair =>
        {
            Assert.Equal(pair.First.GetHashCode(), pair.Second.GetHashCode());
            if (pair.First is not ValueType)
            {
                Assert.NotSame(pair.First, pair.Second);
            }
        });
    }

    [Fact]
    public void ReadFile_SameInputTwice_GivesEqualSpecs()
    {
        var project = new ProjectInfo("Consumer", GeneratorHarness.ProjectDirectory);
        var first = NetworkGenerator.ReadFile(new NormlabFile(FileAPath, FileA), project, CancellationToken.None);
        var second = NetworkGenerator.ReadFile(new NormlabFile(FileAPath, new string(FileA.ToCharArray())), project, CancellationToken.None);

        Assert.NotNull(first);
        Assert.Single(first!.Networks);
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second!.GetHashCode());
    }

    [Fact]
    public void UnrelatedCSharpFile_ReRunsNothing()
    {
        var run = RunAll();
        var edited = run.Input.AddSyntaxTrees(GeneratorHarness.Tree("namespace Consumer; internal sealed class Unrelated { public int Value => 42; }", GeneratorHarness.ProjectDirectory + "Unrelated.cs"));

        var rerun = run.Driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertEveryStepReused(rerun);
        AssertNothingRegenerated(rerun);

        // Roslyn reads every [Network] record again after any edit (RecordInputs: Unchanged); the checks,
        // where the time goes, must not run at all
        AssertNotRun(rerun, StepNames.FileSpecs);
        AssertNotRun(rerun, StepNames.RecordSpecs);
    }

    [Fact]
    public void UnrelatedEditInsideARecordFile_ReRunsNoRecordOutput()
    {
        // a member added after the record, on a new line: the record's spec is recomputed but equal
        var run = RunAll();
        var tree = run.Input.SyntaxTrees.Single(t => t.FilePath.EndsWith("RecordOne.cs", StringComparison.Ordinal));
        var edited = run.Input.ReplaceSyntaxTree(tree, GeneratorHarness.Tree(RecordOne + "\ninternal static class Helper { }\n", tree.FilePath));

        var rerun = run.Driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.All(Reasons(rerun, StepNames.RecordInputs), reason => Assert.Contains(reason, Reused));
        AssertNotRun(rerun, StepNames.RecordSpecs);
        AssertNothingRegenerated(rerun);
    }

    [Fact]
    public void EditingOneNormlabFile_RegeneratesOnlyThatFile()
    {
        var fileA = GeneratorHarness.File(FileAPath, FileA);
        var fileB = GeneratorHarness.File(FileBPath, FileB);
        var run = GeneratorHarness.Run(new[] { fileA, fileB }, RecordOne);
        var before = run.Sources;

        var driver = run.Driver.ReplaceAdditionalText(fileA, GeneratorHarness.File(FileAPath, FileA.Replace("width: 16", "width: 24", StringComparison.Ordinal)));
        var rerun = driver.RunGenerators(run.Input).GetRunResult().Results.Single();

        var fileSpecs = Outputs(rerun, StepNames.FileSpecs).ToDictionary(o => ((SourceSpec)o.Value).SourcePath, o => o.Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, fileSpecs["networks/a.normlab"]);
        Assert.Equal(IncrementalStepRunReason.Cached, fileSpecs["networks/b.normlab"]);
        AssertNotRun(rerun, StepNames.RecordSpecs);
        Assert.All(Reasons(rerun, StepNames.ProjectInfo), reason => Assert.Contains(reason, Reused));

        // only a.normlab's output changed
        var after = rerun.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        var changed = before.Keys.Where(k => before[k] != after[k]).ToList();
        var hint = Assert.Single(changed);
        Assert.StartsWith("networks_a.normlab.", hint, StringComparison.Ordinal);
        Assert.Contains("int Width = 24", after[hint], StringComparison.Ordinal);
    }

    [Fact]
    public void ReplacingANormlabFileWithTheSameText_ReRunsNothing()
    {
        var fileA = GeneratorHarness.File(FileAPath, FileA);
        var run = GeneratorHarness.Run(new[] { fileA, GeneratorHarness.File(FileBPath, FileB) });

        var driver = run.Driver.ReplaceAdditionalText(fileA, GeneratorHarness.File(FileAPath, FileA));
        var rerun = driver.RunGenerators(run.Input).GetRunResult().Results.Single();

        Assert.All(Reasons(rerun, StepNames.NormlabFiles), reason => Assert.Contains(reason, Reused));
        AssertNotRun(rerun, StepNames.FileSpecs);
        AssertNothingRegenerated(rerun);
    }

    [Fact]
    public void EditingOneRecord_ReRunsOnlyThatRecord()
    {
        var run = RunAll();
        var tree = run.Input.SyntaxTrees.Single(t => t.FilePath.EndsWith("RecordOne.cs", StringComparison.Ordinal));
        var edited = run.Input.ReplaceSyntaxTree(tree, GeneratorHarness.Tree(RecordOne.Replace("int Width = 32", "int Width = 48", StringComparison.Ordinal), tree.FilePath));

        var rerun = run.Driver.RunGenerators(edited).GetRunResult().Results.Single();

        var records = Outputs(rerun, StepNames.RecordSpecs)
            .Where(o => o.Value is SourceSpec)
            .ToDictionary(o => ((SourceSpec)o.Value).Networks.Single().TypeName, o => o.Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, records["RecordOne"]);
        Assert.Equal(IncrementalStepRunReason.Cached, records["RecordTwo"]);
        AssertNotRun(rerun, StepNames.FileSpecs);

        // one output ran again, and only RecordOne's source changed
        var outputs = rerun.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        Assert.Single(outputs, o => o.Reason == IncrementalStepRunReason.Modified);
        var before = run.Sources;
        var after = rerun.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal);
        Assert.Equal("Consumer.RecordOne.g.cs", Assert.Single(before.Keys, k => before[k] != after[k]));
    }

    [Fact]
    public void ChangingTheRootNamespace_ReRunsTheFiles()
    {
        var run = RunAll();
        var driver = run.Driver.WithUpdatedAnalyzerConfigOptions(new GeneratorHarness.Options("Elsewhere"));

        var rerun = driver.RunGenerators(run.Input).GetRunResult().Results.Single();

        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(rerun, StepNames.ProjectInfo));
        var fileSpecs = Outputs(rerun, StepNames.FileSpecs).ToDictionary(o => ((SourceSpec)o.Value).SourcePath, o => (SourceSpec)o.Value);
        Assert.Equal("Elsewhere", fileSpecs["networks/a.normlab"].Networks.Single().Namespace);
        Assert.Equal("Other", fileSpecs["networks/b.normlab"].Networks.Single().Namespace);
        Assert.All(Reasons(rerun, StepNames.RecordSpecs), reason => Assert.Contains(reason, Reused));
    }

    [Fact]
    public void HintNames_ComeFromPathsAndTypeNames()
    {
        var hints = RunAll().Sources.Keys.Order(StringComparer.Ordinal).ToList();

        Assert.Equal(4, hints.Count);
        Assert.Contains("Consumer.RecordOne.g.cs", hints);
        Assert.Contains("Consumer.RecordTwo.g.cs", hints);
        Assert.Single(hints, h => h.StartsWith("networks_a.normlab.", StringComparison.Ordinal) && h.EndsWith(".g.cs", StringComparison.Ordinal));
        Assert.Single(hints, h => h.StartsWith("networks_b.normlab.", StringComparison.Ordinal) && h.EndsWith(".g.cs", StringComparison.Ordinal));
    }

    private static GeneratorRun RunAll()
    {
        var files = new[] { GeneratorHarness.File(FileAPath, FileA), GeneratorHarness.File(FileBPath, FileB) };
        var input = GeneratorHarness.Compilation(new[]
        {
            (GeneratorHarness.ProjectDirectory + "RecordOne.cs", RecordOne),
            (GeneratorHarness.ProjectDirectory + "RecordTwo.cs", RecordTwo),
        });
        var driver = GeneratorHarness.Driver(files).RunGeneratorsAndUpdateCompilation(input, out var output, out var diagnostics);
        var run = new GeneratorRun(driver, driver.GetRunResult(), input, output, diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        return run;
    }

    internal static IEnumerable<string> AllStepNames() =>
        typeof(StepNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!);

    private static List<object> Values(GeneratorRun run, string step) =>
        Outputs(run.Single, step).Select(o => o.Value).ToList();

    private static IEnumerable<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs);

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string step) =>
        Outputs(result, step).Select(o => o.Reason);

    private static void AssertEveryStepReused(GeneratorRunResult result)
    {
        foreach (var step in AllStepNames())
        {
            var reasons = Reasons(result, step).ToList();
            Assert.NotEmpty(reasons);
            Assert.All(reasons, reason => Assert.True(Reused.Contains(reason), $"step '{step}' ran again: {reason}"));
        }
    }

    /// <summary>The step's transform did not run: every output came from the cache.</summary>
    private static void AssertNotRun(GeneratorRunResult result, string step)
    {
        var reasons = Reasons(result, step).ToList();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, reason => Assert.True(reason == IncrementalStepRunReason.Cached, $"step '{step}' ran again: {reason}"));
    }

    private static void AssertNothingRegenerated(GeneratorRunResult result)
    {
        var outputs = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, output => Assert.True(Reused.Contains(output.Reason), $"an output was regenerated: {output.Reason} {output.Value}"));
    }
}
