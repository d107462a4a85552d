using System.Diagnostics;
using NormLab.Dsl.Robustness;
using Xunit.Abstractions;

namespace NormLab.Dsl.Tests.Robustness;

/// <summary>
/// Thousands of random and mutated inputs with a fixed seed: the checker never throws, finishes each
/// input within <see cref="RobustnessHarness.DefaultBudget"/> on a 1 MiB stack, and keeps every span
/// inside the text; generated valid programs have no syntax error.
/// </summary>
public class RobustnessTests(ITestOutputHelper output)
{
    private const int Seed = 20_240_601;

    /// <summary>The extreme cases that <see cref="ExtremeInputTests"/> does not already check with assertions of its own.</summary>
    public static TheoryData<string> ExtremeCaseNames()
    {
        var covered = typeof(ExtremeInputTests).GetMethods()
            .SelectMany(m => m.GetCustomAttributes(typeof(InlineDataAttribute), inherit: false).Cast<InlineDataAttribute>()
                .SelectMany(a => a.GetData(m)))
            .Select(row => row[0] as string)
            .ToHashSet(StringComparer.Ordinal);
        var data = new TheoryData<string>();
        foreach (var (name, _) in InputGenerator.ExtremeCases())
        {
            if (!covered.Contains(name))
            {
                data.Add(name);
            }
        }

        return data;
    }

    [Fact]
    public void RandomAndMutatedInputs_NeverThrow_FinishInTime_KeepSpansInsideTheText()
    {
        var generator = new InputGenerator(Seed);
        using var runner = new IsolatedRunner();
        var failures = new List<string>();
        var kinds = new Dictionary<string, int>();
        var slowest = TimeSpan.Zero;
        var slowestKind = string.Empty;
        var total = Stopwatch.StartNew();
        for (var i = 0; i < 3000; i++)
        {
            var input = generator.Next();
            var kind = input.Kind.Split(':')[0];
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            var watch = Stopwatch.StartNew();
            var failure = RobustnessHarness.CheckOne(input, runner, RobustnessHarness.DefaultBudget);
            if (watch.Elapsed > slowest)
            {
                slowest = watch.Elapsed;
                slowestKind = input.Kind;
            }

            if (failure is not null)
            {
                failures.Add($"input #{i} ({input.Kind}, {input.Text.Length} chars): {failure}\n--- input ---\n{Shorten(input.Text)}\n---");
            }
        }

        output.WriteLine($"inputs: {string.Join(", ", kinds.Select(k => $"{k.Key} {k.Value}"))}; total {total.ElapsedMilliseconds} ms; slowest {slowest.TotalMilliseconds:0} ms ({slowestKind})");
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join("\n", failures.Take(5)));
    }

    [Fact]
    public void GeneratedValidPrograms_HaveNoSyntaxErrors()
    {
        var generator = new InputGenerator(Seed + 1);
        var withoutErrors = 0;
        for (var i = 0; i < 500; i++)
        {
            var text = generator.ValidProgram();
            var result = NormLabCompiler.Check(text, "valid.normlab");
            var syntax = result.Diagnostics.FirstOrDefault(d => d.Id == "NL0001");
            Assert.True(syntax is null, $"{syntax}\n--- program ---\n{text}");
            Assert.NotEmpty(result.Networks);
            withoutErrors += result.HasErrors ? 0 : 1;
        }

        // the generator tracks shapes: most of its programs are valid networks, so every stage is exercised
        output.WriteLine($"{withoutErrors} of 500 programs without errors");
        Assert.True(withoutErrors > 400, $"only {withoutErrors} of 500 generated programs check without errors");
    }

    [Theory]
    [MemberData(nameof(ExtremeCaseNames))]
    public void ExtremeCase_NeverThrows_FinishesInTime_KeepsSpansInsideTheText(string name)
    {
        var text = InputGenerator.ExtremeCases().Single(c => c.Name == name).Text;
        using var runner = new IsolatedRunner();
        var input = new GeneratedInput("extreme:" + name, text, expectNoSyntaxErrors: false);
        var failure = RobustnessHarness.CheckOne(input, runner, RobustnessHarness.DefaultBudget, out var outcome);
        output.WriteLine($"{name}: {text.Length} chars, {outcome.CpuTime?.TotalMilliseconds:0} ms CPU, {outcome.Elapsed.TotalMilliseconds:0} ms wall clock");
        Assert.True(failure is null, failure);
    }

    private static string Shorten(string text) => text.Length > 2000 ? text.Substring(0, 2000) + "…" : text;
}
