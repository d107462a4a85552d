using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Model;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Tests.Infrastructure;

/// <summary>Assertions on the diagnostics of annotated text (see <see cref="AnnotatedText"/>).</summary>
public static class DiagnosticAssert
{
    /// <summary>
    /// Checks the text and asserts that diagnostic <paramref name="id"/> is reported exactly at the marked
    /// spans (once each, in order) with <paramref name="severity"/>, and that no other diagnostic ID is
    /// reported than <paramref name="id"/> and <paramref name="alsoExpected"/>.
    /// </summary>
    public static CheckResult Reports(string annotated, string id, DiagnosticSeverity severity, params string[] alsoExpected) =>
        Reports(annotated, id, severity, options: null, alsoExpected);

    public static CheckResult Reports(string annotated, string id, DiagnosticSeverity severity, CheckOptions? options, params string[] alsoExpected)
    {
        var input = AnnotatedText.Parse(annotated);
        Assert.True(input.Spans.Count > 0, "the test text marks no span with [|...|]");
        var result = NormLabCompiler.Check(input.Text, "test.normlab", options);
        var reported = result.Diagnostics.Where(d => d.Id == id).ToArray();
        Assert.True(
            input.Spans.Count == reported.Length,
            $"expected {input.Spans.Count} {id} but got {reported.Length}:{Environment.NewLine}{Describe(result)}");
        for (var i = 0; i < reported.Length; i++)
        {
            AssertSpan(result, input.Spans[i], reported[i]);
            Assert.Equal(severity, reported[i].Severity);
            Assert.Equal(severity, reported[i].Descriptor.DefaultSeverity);
            Assert.False(string.IsNullOrWhiteSpace(reported[i].Message));
        }

        var expectedIds = new SortedSet<string>(alsoExpected.Append(id), StringComparer.Ordinal);
        var actualIds = new SortedSet<string>(result.Diagnostics.Select(d => d.Id), StringComparer.Ordinal);
        Assert.True(expectedIds.SetEquals(actualIds),
            $"expected the IDs {string.Join(", ", expectedIds)} but got:{Environment.NewLine}{Describe(result)}");
        return result;
    }

    /// <summary>Asserts the whole list of diagnostics: one (ID, severity) per marked span, in span order.</summary>
    public static CheckResult Exactly(string annotated, params (string Id, DiagnosticSeverity Severity)[] expected)
    {
        var input = AnnotatedText.Parse(annotated);
        Assert.Equal(expected.Length, input.Spans.Count);
        var result = NormLabCompiler.Check(input.Text, "test.normlab");
        Assert.True(expected.Length == result.Diagnostics.Count,
            $"expected {expected.Length} diagnostics but got {result.Diagnostics.Count}:{Environment.NewLine}{Describe(result)}");
        for (var i = 0; i < expected.Length; i++)
        {
            var diagnostic = result.Diagnostics[i];
            Assert.Equal(expected[i].Id, diagnostic.Id);
            Assert.Equal(expected[i].Severity, diagnostic.Severity);
            AssertSpan(result, input.Spans[i], diagnostic);
        }

        return result;
    }

    /// <summary>Asserts that <paramref name="id"/> is not reported and that the text has no error at all (so the rule really ran).</summary>
    public static CheckResult DoesNotReport(string text, string id, CheckOptions? options = null)
    {
        var result = NormLabCompiler.Check(text, "test.normlab", options);
        Assert.True(result.Diagnostics.All(d => d.Id != id), $"{id} was reported:{Environment.NewLine}{Describe(result)}");
        Assert.True(!result.HasErrors, $"the near miss has errors, so it proves nothing:{Environment.NewLine}{Describe(result)}");
        Assert.All(result.Networks, n => Assert.NotNull(n.Output));
        return result;
    }

    /// <summary>Asserts a text without any diagnostic.</summary>
    public static CheckResult Clean(string text, CheckOptions? options = null)
    {
        var result = NormLabCompiler.Check(text, "test.normlab", options);
        Assert.True(result.Diagnostics.Count == 0, $"expected no diagnostics:{Environment.NewLine}{Describe(result)}");
        return result;
    }

    public static string Describe(CheckResult result) => result.Diagnostics.Count == 0
        ? "  (none)"
        : string.Join(Environment.NewLine, result.Diagnostics.Select(d => $"  {d.Id} {d.Severity} {d.Span} '{result.Source.ToString(d.Span)}': {d.Message}"));

    private static void AssertSpan(CheckResult result, TextSpan expected, Diagnostic actual)
    {
        Assert.True(
            expected == actual.Span,
            $"{actual.Id}: expected the span {expected} '{result.Source.ToString(expected)}' but got {actual.Span} '{result.Source.ToString(actual.Span)}'");
        Assert.Equal(result.Source.GetLinePositionSpan(expected), actual.LineSpan);
    }
}
