using NormLab.LanguageServer;
using NormLab.LanguageServer.Formatting;
using NormLab.Dsl.Text;
using NormLab.LanguageServer.Tests.Infrastructure;

namespace NormLab.LanguageServer.Tests;

public sealed class FormatterTests
{
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
        Assert.Null(MeaningComparer.Compare(text, once.Text));
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

    [Fact]
    public void BrokenTextIsFormattedOnlyWhenItsMeaningStays()
    {
        // mutations of a valid file: the formatter never throws, and what it returns means the same
        var random = new Random(20240611);
        var pieces = new[] { " ", "\n", ">", "(", ")", "{", "}", ",", ":", "=", "-", "*", "/", "//", "/*", "*/", "relu", "network", "block", "1x8x8", "2", "0.5", "@" };
        var text = Documents.Example("ordering.normlab");
        for (var i = 0; i < 300; i++)
        {
            var position = random.Next(text.Length + 1);
            text = random.Next(3) == 0 && text.Length > 0
                ? text.Remove(Math.Min(position, text.Length - 1), 1)
                : text.Insert(position, pieces[random.Next(pieces.Length)]);
            var result = Formatter.Format(text);
            if (result.Changed)
            {
                Assert.Null(MeaningComparer.Compare(text, result.Text));
            }
        }
    }

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
