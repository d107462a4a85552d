using NormLab.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NormLab.Generator.Tests;

public class SmokeAnalyzerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Reports()
    {
        var diagnostics = await GeneratorHarness.AnalyzeAsync(Array.Empty<Microsoft.CodeAnalysis.AdditionalText>(),
            """
            using NormLab;
            namespace Consumer;
            [Network(Input = "1x28x28", Classes = 10)]
            [Conv3x3(32), BatchNorm, ReLU, MaxPool]
            [Flatten, Linear(10)]
            public partial record TinyCnn;
            """);
        foreach (var d in diagnostics) output.WriteLine(d.ToString());
        Assert.Empty(diagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
    }
}
