using NormLab.LanguageServer;
using NormLab.LanguageServer.Formatting;
using NormLab.Dsl.Text;
using NormLab.LanguageServer.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NormLab.LanguageServer.Tests;

public sealed class FormatterTests
{
    private readonly ITestOutputHelper _output;

    public FormatterTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> Inputs()
    {
        var data = new TheoryData<string>();
        foreach (var file in TestPaths.ExampleFiles())
        {
            data.Add(File.ReadAllText(file));
        }

        data.Add(Messy);
        data.Add(Documents.Large(120));
        data.Add("namespace A.B;\nblock Stem=conv7x7(16,stride:2)>bn>relu\nblock Wrap( inner = leakyrelu( 0.2 ) ) = ( inner > inner ) * 2\n"
                 + "network X(input:3x32x32,classes:10,rate:-1e-5 , depth : 2)allow NL1001,NL4001{Stem>Wrap>Wrap(inner:relu)*depth>residual(project){conv3x3(32 ,stride:2)>bn}\n>gap>linear(classes-0)}");
        return data;
    }

    private const string Messy = "// a messy network\nnetwork  Messy( input:1x28x28 ,classes:10 ){conv3x3( 32 )>bn>relu   // first\n\n\n\n>flatten>linear( classes )}";

    [Fact]
    public void TheCanonicalLayout()
    {
        var result = Formatter.Format(Messy);
        Assert.Null(result.Refusal);
        Assert.Equal(
            "// a messy network\nnetwork Messy(input: 1x28x28, classes: 10) {\n    conv3x3(32) > bn > relu   // first\n\n    > flatten > linear(classes)\n}\n",
            result.Text);
    }

    [Fact]
    public void BlockPipelinesOnSeveralLinesAreIndentedOnce()
    {
        var result = Formatter.Format("block B =\nconv3x3(8)\n  > bn>relu\n\n\nnetwork N(input:1x8x8){B > gap > linear(2)}\n");
        Assert.Equal("block B =\n    conv3x3(8)\n    > bn > relu\n\nnetwork N(input: 1x8x8) {\n    B > gap > linear(2)\n}\n", result.Text);
    }

    [Fact]
    public void OperatorsSignsResidualsAndComments()
    {
        var result = Formatter.Format(
            "network N(input:1x8x8,w:8){\n  conv(w*2,padding:valid)>leakyrelu(slope:-0.2)>residual{conv3x3(w*2)>bn}>(relu>identity)*2/* twice */>gap>linear(-(-2)+w/4)\n}\n");
        Assert.Equal(
            "network N(input: 1x8x8, w: 8) {\n    conv(w * 2, padding: valid) > leakyrelu(slope: -0.2) > residual { conv3x3(w * 2) > bn } > (relu > identity) * 2 /* twice */ > gap > linear(-(-2) + w / 4)\n}\n",
            result.Text);
    }

    [Fact]
    public void WindowsLineEndsStay()
    {
        var result = Formatter.Format("network N(input:4){\r\nlinear(2)\r\n}\r\n");
        Assert.Equal("network N(input: 4) {\r\n    linear(2)\r\n}\r\n", result.Text);
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void FormattingIsIdempotentAndKeepsTheMeaning(string text)
    {
        var once = Formatter.Format(text);
        Assert.Null(once.Refusal);
        Assert.Null(IndependentMeaning.Difference(text, once.Text));
        var twice = Formatter.Format(once.Text);
        Assert.False(twice.Changed, "formatting a formatted text changes it again:\n" + once.Text);
        Assert.Equal(once.Text, twice.Text);
    }

    [Fact]
    public void TheExamplesAreAlreadyFormatted()
    {
        foreach (var file in TestPaths.ExampleFiles())
        {
            var text = File.ReadAllText(file);
            Assert.Equal(text, Formatter.Format(text).Text);
        }
    }

    /// <summary>At most this share of the mutated texts may be left unformatted.</summary>
    private const double MaximumRefusalRate = 0.05;

    [Fact]
    public void BrokenTextIsFormattedOnlyWhenItsMeaningStays()
    {
        // mutations of a valid file: the formatter never throws, what it returns means the same to a check from
        // scratch (not the formatter's own guard), and it refuses few of them: a guard that refused everything
        // would keep the meaning too
        var random = new Random(20240611);
        var pieces = new[] { " ", "\n", ">", "(", ")", "{", "}", ",", ":", "=", "-", "*", "/", "//", "/*", "*/", "relu", "network", "block", "1x8x8", "2", "0.5", "@" };
        var text = Documents.Example("ordering.normlab");
        const int Mutations = 300;
        var refusals = new List<string>();
        var changed = 0;
        for (var i = 0; i < Mutations; i++)
        {
            var position = random.Next(text.Length + 1);
            text = random.Next(3) == 0 && text.Length > 0
                ? text.Remove(Math.Min(position, text.Length - 1), 1)
                : text.Insert(position, pieces[random.Next(pieces.Length)]);
            var result = Formatter.Format(text);
            if (result.Refusal is { } refusal)
            {
                Assert.False(result.Changed);
                Assert.Equal(text, result.Text);
                refusals.Add($"mutation {i}: {refusal}");
            }
            else if (result.Changed)
            {
                changed++;
                var difference = IndependentMeaning.Difference(text, result.Text);
                Assert.True(difference is null, $"mutation {i} changed meaning: {difference}\n--- before:\n{text}\n--- after:\n{result.Text}");
            }
        }

        _output.WriteLine($"{Mutations} mutated texts: {changed} reformatted, {refusals.Count} refused");
        Assert.True(changed >= Mutations / 2, $"only {changed} of {Mutations} mutated texts were reformatted");
        Assert.True(refusals.Count <= Mutations * MaximumRefusalRate,
            $"{refusals.Count} of {Mutations} mutated texts were refused (at most {MaximumRefusalRate:P0} may be):\n" + string.Join("\n", refusals.Take(10)));
    }

    public static TheoryData<string, int> MessySeeds()
    {
        var data = new TheoryData<string, int>();
        foreach (var file in TestPaths.ExampleFiles())
        {
            var name = Path.GetRelativePath(TestPaths.Examples, file).Replace('\\', '/');
            for (var seed = 1; seed <= 3; seed++)
            {
                data.Add(name, seed);
            }
        }

        data.Add("large", 4);
        return data;
    }

    [Theory]
    [MemberData(nameof(MessySeeds))]
    public void MessyButValidFilesAreNeverRefused(string name, int seed)
    {
        var original = name == "large" ? Documents.Large(80) : File.ReadAllText(Path.Combine(TestPaths.Examples, name));
        var canonical = Formatter.Format(original);
        Assert.Null(canonical.Refusal);
        var random = new Random(seed);
        for (var round = 0; round < 10; round++)
        {
            // spaces and tabs only: the canonical layout is the same as the original's
            var horizontal = Untidy(original, random, lineBreaks: false);
            var result = Formatter.Format(horizontal);
            Assert.True(result.Refusal is null, $"{name}, round {round}: {result.Refusal}\n{horizontal}");
            Assert.Null(IndependentMeaning.Difference(horizontal, result.Text));
            Assert.Equal(canonical.Text, result.Text);

            // line breaks too: refused never, the meaning kept, and formatting again changes nothing
            var broken = Untidy(original, random, lineBreaks: true);
            result = Formatter.Format(broken);
            Assert.True(result.Refusal is null, $"{name}, round {round}: {result.Refusal}\n{broken}");
            var difference = IndependentMeaning.Difference(broken, result.Text);
            Assert.True(difference is null, $"{name}, round {round}: {difference}\n--- before:\n{broken}\n--- after:\n{result.Text}");
            Assert.Null(IndependentMeaning.Difference(original, result.Text));
            Assert.Equal(result.Text, Formatter.Format(result.Text).Text);
        }
    }

    /// <summary>
    /// <paramref name="text"/> with random white space around its punctuation, random indentation, trailing blanks
    /// and extra blank lines where it has one; with <paramref name="lineBreaks"/>, also line breaks after
    /// <c>&gt;</c>, <c>{</c> and <c>,</c>. Lines with comments are left alone.
    /// </summary>
    private static string Untidy(string text, Random random, bool lineBreaks)
    {
        string Blank() => random.Next(4) switch { 0 => string.Empty, 1 => " ", 2 => "\t", _ => new string(' ', random.Next(2, 5)) };
        var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var lines = text.Split(newline);
        var output = new System.Text.StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Contains("/*", StringComparison.Ordinal) || line.Contains("*/", StringComparison.Ordinal) || line.Contains("//", StringComparison.Ordinal))
            {
                // a trailing comment keeps its distance from the code: lines with comments stay as they are
                output.Append(line);
            }
            else
            {
                var messy = new System.Text.StringBuilder(Blank());
                var trimmed = line.Trim();
                for (var c = 0; c < trimmed.Length; c++)
                {
                    var ch = trimmed[c];
                    if (ch is ' ' or '\t')
                    {
                        // a gap between two words stays a gap; next to punctuation it may go
                        var next = trimmed[c + 1];
                        var previous = trimmed[c - 1];
                        var needed = IsWordChar(previous) && IsWordChar(next);
                        if (needed || random.Next(3) != 0)
                        {
                            messy.Append(needed ? " " + Blank() : Blank());
                        }

                        while (trimmed[c + 1] is ' ' or '\t')
                        {
                            c++;
                        }

                        continue;
                    }

                    if (ch is '>' or '(' or ')' or '{' or '}' or ',' or ':' or '=' or '*')
                    {
                        messy.Append(Blank()).Append(ch);
                        if (lineBreaks && ch is '>' or '{' or ',' && c + 1 < trimmed.Length && random.Next(4) == 0)
                        {
                            messy.Append(newline).Append(Blank());
                        }
                        else
                        {
                            messy.Append(Blank());
                        }

                        continue;
                    }

                    messy.Append(ch);
                }

                output.Append(messy).Append(Blank());
            }

            if (i < lines.Length - 1)
            {
                output.Append(newline);
                if (line.Trim().Length == 0 && random.Next(2) == 0)
                {
                    output.Append(Blank()).Append(newline);
                }
            }
        }

        return output.ToString();
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '.' or '-' or '+' or '@';

    [Fact]
    public void TheEditReplacesOnlyWhatDiffers()
    {
        var source = SourceText.From("network N(input: 4) {\n    linear(2)>relu\n}\n");
        var edit = Server.MinimalEdit(source, Formatter.Format(source.Text).Text);
        Assert.Equal(1, edit.Range.Start.Line);
        Assert.Equal(13, edit.Range.Start.Character);
        Assert.Equal(1, edit.Range.End.Line);
        Assert.Equal(14, edit.Range.End.Character);
        Assert.Equal(" > ", edit.NewText);
    }

    [Fact]
    public void AChangeOfMeaningIsRefused()
    {
        Assert.NotNull(MeaningComparer.Compare("network N(input: 4) { linear(2) }", "network N(input: 4) { linear(3) }"));
        Assert.NotNull(MeaningComparer.Compare("network N(input: 4) { linear(2) } // a", "network N(input: 4) { linear(2) } // b"));
        Assert.Null(MeaningComparer.Compare("network N(input: 4) { linear(2) }", "network N(input: 4) {\n    linear(2)\n}\n"));
    }
}
