using NormLab.Dsl.Text;
using NormLab.LanguageServer.Features;
using NormLab.LanguageServer.Protocol;
using Range = NormLab.LanguageServer.Protocol.Range;

namespace NormLab.LanguageServer.Tests;

/// <summary>
/// Positions past the end of a line or of the text, as the specification asks: "If the character value is
/// greater than the line length it defaults back to the line length"; a line past the last is the end of the text.
/// </summary>
public sealed class PositionClampingTests
{
    private static Position At(int line, int character) => new() { Line = line, Character = character };

    private static Range Span(int line, int character, int endLine, int endCharacter) => new() { Start = At(line, character), End = At(endLine, endCharacter) };

    [Theory]
    [InlineData("ab\ncd\n", 0, 2, 2)]
    [InlineData("ab\ncd\n", 0, 3, 2)] // past the end of the line: before its line break, not on the next line
    [InlineData("ab\ncd\n", 0, int.MaxValue, 2)]
    [InlineData("ab\r\ncd", 0, 7, 2)] // before both characters of \r\n
    [InlineData("ab\rcd", 0, 7, 2)]
    [InlineData("ab\ncd", 1, 99, 5)] // the last line has no break
    [InlineData("ab\ncd\n", 2, 5, 6)] // the empty last line
    [InlineData("ab\ncd\n", 3, 0, 6)] // past the last line: the end of the text
    [InlineData("ab\ncd\n", int.MaxValue, int.MaxValue, 6)]
    [InlineData("ab\ncd\n", -1, -1, 0)]
    [InlineData("", 0, 10, 0)]
    public void APositionIsClampedToItsLineAndTheText(string text, int line, int character, int offset) =>
        Assert.Equal(offset, Positions.ToOffset(SourceText.From(text), At(line, character)));

    [Fact]
    public void AnEditPastTheEndOfALineAppliesAtThatEnd()
    {
        var document = new TextDocument("file:///t.normlab", 1, "ab\ncd\n");
        document.Apply(2, new[] { new TextDocumentContentChangeEvent { Range = Span(0, int.MaxValue, 0, int.MaxValue), Text = "X" } });
        Assert.Equal("abX\ncd\n", document.Text);
        Assert.Equal(2, document.Version);
    }

    [Fact]
    public void EveryEditOfAChangeIsAppliedNoneDropped()
    {
        var document = new TextDocument("file:///t.normlab", 1, "ab\ncd");
        document.Apply(2, new[]
        {
            new TextDocumentContentChangeEvent { Range = Span(1, 1000, 1000, 1000), Text = "!" }, // past the end of the text: appended
            new TextDocumentContentChangeEvent { Range = Span(0, 1, 0, 50), Text = "Z" },         // to the end of line 0, its break kept
            new TextDocumentContentChangeEvent { Range = Span(-3, -3, 0, 0), Text = "<" },        // negative: the start
            new TextDocumentContentChangeEvent { Range = Span(int.MaxValue, 0, int.MaxValue, 0), Text = ">" },
        });
        Assert.Equal("<aZ\ncd!>", document.Text);
    }

    [Fact]
    public void AnEditThatEndsPastTheEndOfTheTextReplacesToTheEnd()
    {
        var document = new TextDocument("file:///t.normlab", 1, "ab\ncd\nef");
        document.Apply(2, new[] { new TextDocumentContentChangeEvent { Range = Span(1, 1, 40, 40), Text = "" } });
        Assert.Equal("ab\nc", document.Text);
    }
}
