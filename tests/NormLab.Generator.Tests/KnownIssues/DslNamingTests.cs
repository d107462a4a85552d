using Microsoft.CodeAnalysis;
using NormLab.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NormLab.Generator.Tests.KnownIssues;

/// <summary>
/// Names that NormLab.Dsl once handed the generator and that made the generated code fail to compile
/// (fixed in LayerNamer and Binder.CheckTypeName); these tests keep them fixed.
/// </summary>
public sealed class DslNamingTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("Build")]
    [InlineData("Summary")]
    [InlineData("InputShape")]
    [InlineData("OutputShape")]
    [InlineData("ParameterCount")]
    public async Task ANetworkNamedLikeAGeneratedMember_IsNL0006_NotBrokenCode(string name)
    {
        // the record gets members of these names; C# forbids a member named like its type (CS0542)
        var file = GeneratorHarness.File("/project/names.normlab", $"network {name}(input: 8, classes: 2) {{ linear(4) > relu > linear(classes) }}");

        var run = GeneratorHarness.Run(new[] { file });
        var diagnostics = await GeneratorHarness.AnalyzeAsync(run.Input, new[] { file });

        foreach (var problem in GeneratorHarness.Problems(run.Output))
        {
            output.WriteLine(problem.ToString());
        }

        Assert.Empty(GeneratorHarness.Problems(run.Output));
        Assert.Contains(diagnostics, d => d.Id == "NL0006");
    }

    [Fact]
    public void FieldNames_AreUnique_WithSixtyOneReLUsAndAReLU6()
    {
        // LayerNamer: kind + counter, so the 61st 'relu' and the first 'relu6' are both 'relu61'
        var file = GeneratorHarness.File("/project/deep.normlab", "network Deep(input: 8, classes: 2) { (linear(8) > relu) * 61 > linear(8) > relu6 > linear(classes) }");

        var run = GeneratorHarness.Run(new[] { file });

        foreach (var problem in GeneratorHarness.Problems(run.Output).Take(5))
        {
            output.WriteLine(problem.ToString());
        }

        Assert.Single(run.Single.GeneratedSources);
        Assert.Empty(GeneratorHarness.Problems(run.Output));
    }
}
