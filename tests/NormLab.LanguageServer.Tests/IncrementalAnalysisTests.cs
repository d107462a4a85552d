using System.Diagnostics;
using NormLab.LanguageServer.Analysis;
using NormLab.LanguageServer.Formatting;
using NormLab.Dsl;
using NormLab.Dsl.Model;
using NormLab.Dsl.Text;
using NormLab.LanguageServer.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NormLab.LanguageServer.Tests;

/// <summary>The incremental analysis gives what a check of the whole text gives, and a keystroke costs little.</summary>
public sealed class IncrementalAnalysisTests
{
    private readonly ITestOutputHelper _output;

    public IncrementalAnalysisTests(ITestOutputHelper output) => _output = output;

    private static readonly string[] Pieces =
    {
        " ", "\n", ">", "(", ")", "{", "}", ",", ":", "=", "*", "//", "/*", "*/", "relu", "bn", "conv3x3(8)", "linear(2)",
        "network ", "block ", "namespace X ", "N", "B", "ConvBlock", "1x8x8", "2", "0.5", "allow NL1001", "residual { bn }", "@", "input: 1x8x8",
    };

    private const int States = 150;

    /// <summary>The share of analyzed states that must take the incremental path.</summary>
    private const double MinimumIncrementalShare = 0.8;

    public static TheoryData<string, int> Seeds()
    {
        var data = new TheoryData<string, int>();
        foreach (var file in TestPaths.ExampleFiles())
        {
            var name = Path.GetRelativePath(TestPaths.Examples, file).Replace('\\', '/');
            data.Add(name, 1);
            data.Add(name, 2);
        }

        data.Add("large", 3);
        data.Add("duplicates", 4);
        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void EditsGiveWhatTheWholeTextGives(string name, int seed)
    {
        var text = name switch
        {
            "large" => Documents.Large(200),
            "duplicates" => "network A(input: 4) { linear(2) }\nblock A = relu\nnetwork A(input: 8) { linear(3) }\nnetwork AModule(input: 4) { linear(2) }\nnetwork class(input: 4) { linear(2) }\n"
                            + "block R = R\nblock Q(x) = conv3x3(x) > Q(x)\nnetwork UsesQ(input: 1x8x8) { Q(2) > R }\n",
            _ => File.ReadAllText(Path.Combine(TestPaths.Examples, name)),
        };
        var random = new Random(seed);
        var analyzer = new DocumentAnalyzer();
        var incremental = 0;
        var wholeChunks = 0;
        var undone = 0;
        var lastIncremental = (string?)null;
        for (var i = 0; i < States; i++)
        {
            var analysis = analyzer.Analyze(SourceText.From(text));
            Compare(analysis, text);
            if (analysis.Incremental)
            {
                incremental++;
                wholeChunks += analysis.ParsedChunks == analysis.Chunks.Count ? 1 : 0;
                lastIncremental = text;
            }
            else if (lastIncremental is not null && random.Next(4) != 0)
            {
                // an edit that makes the file order-dependent (a late namespace, a block named like a network)
                // forces a check of the whole text; like a typo, it is usually undone soon
                text = lastIncremental;
                undone++;
                continue;
            }

            var position = random.Next(text.Length + 1);
            text = random.Next(3) == 0 && text.Length > 0
                ? text.Remove(Math.Min(position, text.Length - 1), Math.Min(random.Next(1, 12), text.Length - Math.Min(position, text.Length - 1)))
                : text.Insert(position, Pieces[random.Next(Pieces.Length)]);
        }

        // when the analyzer falls back to the whole text, the comparison above compares that check with itself:
        // most states must have taken the incremental path for this test to test it
        _output.WriteLine($"{name}, seed {seed}: {incremental} of {States} states took the incremental path ({wholeChunks} of them reparsed every piece), {undone} order-dependent edits undone");
        Assert.True(incremental >= States * MinimumIncrementalShare,
            $"only {incremental} of {States} states took the incremental path (at least {MinimumIncrementalShare:P0} must)");
    }

    private static void Compare(DocumentAnalysis analysis, string text)
    {
        // the pieces found around the edit are the pieces of a split of the whole text
        Assert.Equal(
            Chunk.Split(text).Select(p => (p.Kind, p.Start, text.Substring(p.Start, p.End - p.Start))),
            analysis.Chunks.Select(c => (c.Kind, c.Start, c.Text)));
        var whole = NormLabCompiler.Check(text);
        Assert.Equal(
            whole.Diagnostics.Select(d => $"{d.Id} {d.Severity} {d.Span} {d.LineSpan.Start} {d.Message}"),
            analysis.Diagnostics.Select(d => $"{d.Id} {d.Severity} {d.Span} {d.LineSpan.Start} {d.Message}"));
        Assert.Equal(whole.Networks.Select(n => n.Name), analysis.Networks.Select(n => n.Model.Name));
        Assert.Equal(whole.Namespace, analysis.Namespace);
        for (var i = 0; i < whole.Networks.Count; i++)
        {
            var expected = whole.Networks[i];
            var entry = analysis.Networks[i];
            Assert.Equal(MeaningComparer.Describe(expected), MeaningComparer.Describe(entry.Model));
            Assert.Equal(expected.Span, entry.Span);
            Assert.Equal(expected.NameSpan, entry.NameSpan);
            Assert.Equal(
                expected.AllLayers().Select(l => (l.Span, l.SyntaxSpan)),
                entry.Model.AllLayers().Select(l => (entry.ToDocument(l.Span), entry.ToDocument(l.SyntaxSpan))));
        }
    }

    [Fact]
    public void AKeystrokeInANetworkReparsesAndRechecksOnlyThatNetwork()
    {
        var text = Documents.Large(1000);
        var analyzer = new DocumentAnalyzer();
        var first = analyzer.Analyze(SourceText.From(text));
        Assert.True(first.Incremental);
        Assert.Equal(first.Chunks.Count, first.ParsedChunks);

        var at = Documents.OffsetOf(text, "linear(128)", occurrence: 60);
        var edited = text.Insert(at, " ");
        var second = analyzer.Analyze(SourceText.From(edited));
        Assert.Equal(1, second.ParsedChunks);
        Assert.Equal(1, second.CheckedNetworks);
        // the lexer reads the edited network and the one before it, not the file
        Assert.InRange(analyzer.ScannedChars, 1, 1_000);
        Compare(second, edited);

        // a line break typed into a network moves every later line: still one network checked, the lexer reads little
        var third = analyzer.Analyze(SourceText.From(edited.Insert(at, "\n")));
        Assert.Equal(1, third.CheckedNetworks);
        Assert.InRange(analyzer.ScannedChars, 1, 1_000);
        Compare(third, edited.Insert(at, "\n"));

        // an edit that opens a comment reads on to the end of the text: the pieces after it change
        var commented = edited.Insert(at, "/*");
        var fourth = analyzer.Analyze(SourceText.From(commented));
        Assert.True(analyzer.ScannedChars > commented.Length - at - 10);
        Compare(fourth, commented);
    }

    /// <summary>
    /// The time to re-check a 1,000-line file after a keystroke, against a check of the whole text. The
    /// bound is generous (shared CI machines); the numbers are in the test output.
    /// </summary>
    [Fact]
    public void ReCheckingA1000LineFileAfterAKeystrokeTakesMilliseconds()
    {
        var text = Documents.Large(1000);
        var lines = SourceText.From(text).LineCount;
        var analyzer = new DocumentAnalyzer();
        analyzer.Analyze(SourceText.From(text));

        // warm up both paths, then type 60 characters into networks spread over the file
        var whole = new DocumentAnalyzer { AlwaysCheckWholeText = true };
        whole.Analyze(SourceText.From(text));
        var times = new List<double>();
        var random = new Random(7);
        var original = text;
        for (var i = 0; i < 60; i++)
        {
            // a digit typed into a network's dropout rate, then deleted again
            var at = Documents.OffsetOf(original, "dropout(0.5)", "dropout(0.".Length, random.Next(100));
            foreach (var version in new[] { original.Insert(at, "2"), original })
            {
                text = version;
                var stopwatch = Stopwatch.StartNew();
                var analysis = analyzer.Analyze(SourceText.From(text));
                times.Add(stopwatch.Elapsed.TotalMilliseconds);
                Assert.True(analysis.Incremental);
                if (i % 10 == 0)
                {
                    _output.WriteLine($"{stopwatch.Elapsed.TotalMilliseconds:F2} ms: " + string.Join(", ", analyzer.PhaseTimes.Select(p => $"{p.Key} {p.Value:F2}")));
                }
            }
        }

        var wholeTimes = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            whole.Analyze(SourceText.From(text));
            wholeTimes.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        _output.WriteLine("phases of the last re-check (ms): " + string.Join(", ", analyzer.PhaseTimes.Select(p => $"{p.Key} {p.Value:F2}")));
        times.Sort();
        wholeTimes.Sort();
        var median = times[times.Count / 2];
        _output.WriteLine($"{lines} lines, {Documents.Large(1000).Split("network ").Length - 1} networks: re-check after a keystroke: median {median:F2} ms, 90th percentile {times[(int)(times.Count * 0.9)]:F2} ms, max {times[^1]:F2} ms; whole text: median {wholeTimes[wholeTimes.Count / 2]:F2} ms");
        Assert.True(median < 200, $"a keystroke's re-check took {median:F1} ms (median)");
    }

    [Fact]
    public void ACancelledAnalysisStopsAndTheNextOneIsComplete()
    {
        var text = Documents.Large(200);
        var analyzer = new DocumentAnalyzer();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => analyzer.Analyze(SourceText.From(text), cancelled.Token));
        Compare(analyzer.Analyze(SourceText.From(text)), text);
    }

    [Fact]
    public void OrderDependentFilesAreCheckedWhole()
    {
        var analyzer = new DocumentAnalyzer();
        Assert.False(analyzer.Analyze(SourceText.From("network N(input: 4) { linear(2) }\nnamespace Late\n")).Incremental);
        Assert.False(analyzer.Analyze(SourceText.From("network A(input: 4) { linear(2) }\nblock A = relu\n")).Incremental);
        Assert.True(analyzer.Analyze(SourceText.From("namespace First\nnetwork N(input: 4) { linear(2) }\n")).Incremental);
    }

    [Fact]
    public void ABlockCommentLeftOpenAfterTheNetworksDoesNotSwallowThem()
    {
        // checked on its own after the blocks, a network would sit inside the last block's open comment
        const string text = "block B = relu\nnetwork N(input: 4) { linear(2) > B }\nblock C = relu /* open\n";
        var analyzer = new DocumentAnalyzer();
        var analysis = analyzer.Analyze(SourceText.From(text));
        Compare(analysis, text);
        Assert.Equal(new[] { "N" }, analysis.Networks.Select(n => n.Model.Name));
    }
}
