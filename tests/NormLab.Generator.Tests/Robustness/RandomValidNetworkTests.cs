using System.Text;
using Microsoft.CodeAnalysis;
using NormLab.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NormLab.Generator.Tests.Robustness;

/// <summary>
/// Random networks built to be valid (shapes tracked while they are drawn): every one must be generated, in
/// both forms, and the generated code must compile without a warning. Garbage tests show that nothing throws;
/// these show that many combinations of layers, residuals, repetitions and blocks generate working code.
/// </summary>
public sealed class RandomValidNetworkTests(ITestOutputHelper output)
{
    private static readonly string[] Activations =
        { "relu", "gelu", "swish", "silu", "leakyrelu(0.1)", "elu", "mish", "selu", "relu6", "tanh", "sigmoid", "prelu", "softplus(beta: 2)" };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task RandomValidNetworks_InAFile_AllGenerate_AndCompile(int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder("namespace Random.Valid\n\nblock Unit(c, act = relu) = conv3x3(c) > bn > act\n\n");
        const int count = 30;
        for (var i = 0; i < count; i++)
        {
            text.Append($"network N{i}(input: 3x16x16, classes: 10) {{\n    {Pipeline(random, allowBlocks: true)}\n}}\n\n");
        }

        var file = GeneratorHarness.File(GeneratorHarness.ProjectDirectory + "random.normlab", text.ToString());
        var run = GeneratorHarness.Run(new[] { file });

        await AssertAllGenerated(run, new[] { file }, count);
        var generated = Assert.Single(run.Sources.Values);
        Assert.All(Enumerable.Range(0, count), i => Assert.Contains($"partial record N{i}(", generated, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public async Task RandomValidNetworks_AsRecords_AllGenerate_AndCompile(int seed)
    {
        var random = new Random(seed);
        var source = new StringBuilder("using NormLab;\nnamespace Random.Records;\n");
        const int count = 30;
        for (var i = 0; i < count; i++)
        {
            var pipeline = Pipeline(random, allowBlocks: false).Replace("\n", "\n    ", StringComparison.Ordinal);
            source.Append($"[Network(\"\"\"\n    {pipeline}\n    \"\"\", Input = \"3x16x16\", Classes = 10)]\npublic partial record R{i};\n\n");
        }

        var run = GeneratorHarness.Run(Array.Empty<AdditionalText>(), source.ToString());

        await AssertAllGenerated(run, Array.Empty<AdditionalText>(), count);
        Assert.Equal(count, run.Single.GeneratedSources.Length);
    }

    private async Task AssertAllGenerated(GeneratorRun run, AdditionalText[] files, int count)
    {
        Assert.Null(run.Single.Exception);
        var diagnostics = await GeneratorHarness.AnalyzeAsync(run.Input, files);
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.DefaultSeverity == DiagnosticSeverity.Error).ToList();
        foreach (var error in errors.Take(10))
        {
            output.WriteLine(error.ToString());
        }

        Assert.Empty(errors);
        var problems = GeneratorHarness.Problems(run.Output);
        foreach (var problem in problems.Take(10))
        {
            output.WriteLine(problem.ToString());
        }

        Assert.Empty(problems);
        Assert.Equal(count, run.Sources.Values.Sum(s => CountOf(s, "Module : global::TorchSharp.torch.nn.Module")));
    }

    /// <summary>A valid pipeline on a 3x16x16 input that ends with 10 features.</summary>
    private static string Pipeline(Random random, bool allowBlocks)
    {
        var parts = new List<string>();
        var channels = 3;
        var size = 16;
        for (var n = random.Next(1, 7); n > 0; n--)
        {
            var width = new[] { 4, 8, 16 }[random.Next(3)];
            var act = Activations[random.Next(Activations.Length)];
            switch (random.Next(allowBlocks ? 10 : 9))
            {
                case 0:
                    parts.Add($"conv3x3({width}) > bn > {act}");
                    channels = width;
                    break;
                case 1:
                    parts.Add($"conv({width}, kernel: 5, padding: 2, bias: false) > bn > {act}");
                    channels = width;
                    break;
                case 2:
                    parts.Add($"conv1x1({width}) > in(affine: true) > {act}");
                    channels = width;
                    break;
                case 3 when size >= 4:
                    parts.Add(random.Next(2) == 0 ? "maxpool" : "avgpool(kernel: 3, stride: 2, padding: 1)");
                    size /= 2;
                    break;
                case 4 when channels > 3:
                    parts.Add($"residual {{ conv3x3({channels}) > bn > {act} > conv3x3({channels}) > bn }} > {act}");
                    break;
                case 5 when size >= 4:
                    parts.Add($"residual(project) {{ conv3x3({width}, stride: 2) > bn > {act} > conv3x3({width}) > bn }} > {act}");
                    channels = width;
                    size /= 2;
                    break;
                case 6:
                    parts.Add($"(conv3x3({width}) > bn > {act}) * {random.Next(1, 4)}");
                    channels = width;
                    break;
                case 7 when channels % 2 == 0:
                    parts.Add(new[] { "dropout2d(0.1)", "identity", "gn(2)", "ln", "dropout(0.2)", "maxout(2)" }[random.Next(6)]);
                    if (parts[^1] == "maxout(2)")
                    {
                        channels /= 2;
                    }

                    break;
                case 8:
                    parts.Add($"conv7x7({width}, stride: 2, padding: 3) > bn > {act}");
                    channels = width;
                    size = (size + 6 - 7) / 2 + 1;
                    break;
                case 9:
                    parts.Add(random.Next(2) == 0 ? $"Unit({width})" : $"Unit({width}, act: {act}) * 2");
                    channels = width;
                    break;
                default:
                    parts.Add($"conv3x3({width}) > {act}");
                    channels = width;
                    break;
            }
        }

        parts.Add(new[] { "gap", "gmp", "flatten" }[random.Next(3)]);
        for (var n = random.Next(0, 3); n > 0; n--)
        {
            var features = new[] { 16, 32 }[random.Next(2)];
            parts.Add(random.Next(3) switch
            {
                0 => $"linear({features}) > bn > {Activations[random.Next(Activations.Length)]}",
                1 => $"dense({features}) > ln > {Activations[random.Next(Activations.Length)]} > dropout(0.25)",
                _ => $"linear({features}) > maxout(2)",
            });
        }

        parts.Add("linear(10)");
        return string.Join("\n> ", parts);
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
