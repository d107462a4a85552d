using Microsoft.CodeAnalysis;
using NormLab.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NormLab.Generator.Tests;

public class SmokeGeneratorTests(ITestOutputHelper output)
{
    [Fact]
    public void GeneratesCompilingCode()
    {
        var file = GeneratorHarness.File("/project/networks/ordering.normlab", System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "../../../../../examples/networks/ordering.normlab")));
        var run = GeneratorHarness.Run(new[] { file },
            """
            using NormLab;
            namespace Consumer;
            [Network("conv3x3(Width) > bn > relu > maxpool > flatten > linear(Classes)", Input = "1x28x28")]
            public partial record SmallCnn(int Width = 32, int Classes = 10);

            [Network(Input = "1x28x28", Classes = 10)]
            [Conv3x3(32), BatchNorm, ReLU, MaxPool]
            [Flatten, Linear(10)]
            public partial record TinyCnn;
            """);
        var (result, compilation) = (run.Result, run.Output);
        foreach (var tree in result.GeneratedTrees) output.WriteLine(tree.FilePath + "\n" + tree.GetText());
        var errors = compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        foreach (var e in errors) output.WriteLine(e.ToString());
        Assert.Empty(errors);
        Assert.Equal(3, result.GeneratedTrees.Length);
    }
}
