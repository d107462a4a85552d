using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NormLab.Generator.Tests.Infrastructure;

namespace NormLab.Generator.Tests.Analyzer;

/// <summary>
/// A network name declared in two .normlab files of one project (same namespace), or in a file and by a
/// [Network] record: NL0004 at each declaration, nothing generated for them, and no duplicate C# type.
/// </summary>
public sealed class CrossFileDuplicateTests
{
    private const string PathA = GeneratorHarness.ProjectDirectory + "nets/a.normlab";
    private const string PathB = GeneratorHarness.ProjectDirectory + "nets/b.normlab";

    private const string NetA = "network Net(input: 784, classes: 10) {\n    linear(64) > relu > linear(classes)\n}\n\nnetwork OnlyA(input: 784, classes: 10) {\n    linear(10)\n}\n";
    private const string NetB = "network Net(input: 784, classes: 10) {\n    linear(32) > relu > linear(classes)\n}\n";

    [Fact]
    public async Task Two_files_with_one_network_name_get_NL0004_at_both()
    {
        var files = new[] { GeneratorHarness.File(PathA, NetA), GeneratorHarness.File(PathB, NetB) };

        var diagnostics = await GeneratorHarness.AnalyzeAsync(files);

        var duplicates = diagnostics.Where(d => d.Id == "NL0004").OrderBy(d => d.Location.GetLineSpan().Path, StringComparer.Ordinal).ToArray();
        Assert.Equal(2, duplicates.Length);
        Assert.Equal(PathA, duplicates[0].Location.GetLineSpan().Path);
        Assert.Equal(new LinePosition(0, 8), duplicates[0].Location.GetLineSpan().StartLinePosition);
        Assert.Equal(PathB, duplicates[1].Location.GetLineSpan().Path);
        Assert.Equal(DiagnosticSeverity.Error, duplicates[0].Severity);
        Assert.Equal(
            "Network 'Net' has the name of the network declared in nets/b.normlab on line 1 in namespace 'Consumer'; each network becomes a C# type, rename one of them",
            duplicates[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(
            "Network 'Net' has the name of the network declared in nets/a.normlab on line 1 in namespace 'Consumer'; each network becomes a C# type, rename one of them",
            duplicates[1].GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Two_files_with_one_network_name_generate_neither_and_compile()
    {
        var run = GeneratorHarness.Run(new[] { GeneratorHarness.File(PathA, NetA), GeneratorHarness.File(PathB, NetB) });

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain(run.Sources.Values, s => s.Contains("record Net(", StringComparison.Ordinal) || s.Contains("record Net ", StringComparison.Ordinal));
        Assert.Contains(run.Sources.Values, s => s.Contains("OnlyA", StringComparison.Ordinal)); // the rest of the file is still generated
        Assert.Empty(GeneratorHarness.Problems(run.Output));
    }

    [Fact]
    public async Task Two_namespaces_may_share_a_network_name()
    {
        var files = new[] { GeneratorHarness.File(PathA, NetA), GeneratorHarness.File(PathB, "namespace Other\n\n" + NetB) };

        var diagnostics = await GeneratorHarness.AnalyzeAsync(files);
        var run = GeneratorHarness.Run(files);

        Assert.DoesNotContain(diagnostics, d => d.Id == "NL0004");
        Assert.Equal(2, run.Sources.Values.Count(s => s.Contains("partial record Net", StringComparison.Ordinal) || s.Contains("record Net(", StringComparison.Ordinal) || s.Contains("record Net ", StringComparison.Ordinal)));
        Assert.Empty(GeneratorHarness.Problems(run.Output));
    }

    [Fact]
    public async Task A_record_and_a_file_network_of_one_name_get_NL0004_at_both()
    {
        const string record = """
            using NormLab;

            namespace Consumer;

            [Network("linear(64) > relu > linear(10)", Input = "784", Classes = 10)]
            public partial record Net;
            """;
        var files = new[] { GeneratorHarness.File(PathB, NetB) };

        var diagnostics = await GeneratorHarness.AnalyzeAsync(files, record);
        var run = GeneratorHarness.Run(files, record);

        var duplicates = diagnostics.Where(d => d.Id == "NL0004").ToArray();
        Assert.Equal(2, duplicates.Length);
        Assert.Contains(duplicates, d => d.Location.GetLineSpan().Path == PathB);
        Assert.Contains(duplicates, d => d.Location.IsInSource);
        Assert.Empty(run.Sources);
        Assert.Empty(run.GeneratorDiagnostics);
    }

    [Fact]
    public void Editing_a_network_without_renaming_keeps_the_duplicate_check_cached()
    {
        var fileA = GeneratorHarness.File(PathA, NetA);
        var run = GeneratorHarness.Run(new[] { fileA, GeneratorHarness.File(PathB, "namespace Other\n\n" + NetB) });

        var driver = run.Driver.ReplaceAdditionalText(fileA, GeneratorHarness.File(PathA, NetA.Replace("linear(64)", "linear(96)", StringComparison.Ordinal)));
        var rerun = driver.RunGenerators(run.Input).GetRunResult().Results.Single();

        var reasons = rerun.TrackedSteps[StepNames.DuplicateNames].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.Contains(r, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
    }
}
