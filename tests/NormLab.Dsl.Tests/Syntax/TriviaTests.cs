using System.Text;
using NormLab.Dsl.Robustness;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Tests.Syntax;

/// <summary>The lexer keeps trivia: every character belongs to one token's full span, so the text round-trips.</summary>
public class TriviaTests
{
    private static string RoundTrip(string text)
    {
        var builder = new StringBuilder(text.Length);
        var expectedStart = 0;
        foreach (var token in NormLabCompiler.Tokenize(SourceText.From(text)))
        {
            Assert.Equal(expectedStart, token.FullSpan.Start);
            Assert.True(token.FullSpan.Contains(token.Span), $"{token.Kind} {token.Span} outside {token.FullSpan}");
            foreach (var trivia in token.LeadingTrivia(text))
            {
                builder.Append(text, trivia.Span.Start, trivia.Span.Length);
            }

            builder.Append(token.Text);
            foreach (var trivia in token.TrailingTrivia(text))
            {
                builder.Append(text, trivia.Span.Start, trivia.Span.Length);
            }

            expectedStart = token.FullSpan.End;
        }

        return builder.ToString();
    }

    [Theory]
    [InlineData("")]
    [InlineData("network N(input: 1x28x28) { conv3x3(8) > relu > gap > linear(10) }\n")]
    [InlineData("// leading\r\nblock B = relu  // trailing\n\n/* a\nblock */ network N(input: 1) {\n\tlinear(2) }")]
    [InlineData("\uFEFFnetwork ☃ § @@ 1.x 1e5 .5 1x28x28 \"' /* not closed")]
    [InlineData("a/\r\r\n/ /**/ /*/ x")]
    [InlineData("\u2028\u00a0 relu\t\t\r")]
    public void ConcatenatingEveryTokensFullTextGivesBackTheSource(string text) => Assert.Equal(text, RoundTrip(text));

    [Fact]
    public void GeneratedAndMutatedProgramsRoundTrip()
    {
        var generator = new InputGenerator(20240607);
        for (var i = 0; i < 200; i++)
        {
            var valid = generator.ValidProgram(3);
            Assert.Equal(valid, RoundTrip(valid));
            var garbage = generator.Mutate(valid);
            Assert.Equal(garbage, RoundTrip(garbage));
        }
    }

    [Fact]
    public void TrailingTriviaEndsAtTheLineBreakAndTheRestLeadsTheNextToken()
    {
        const string text = "relu // after\n\n  /* before */ bn";
        var tokens = NormLabCompiler.Tokenize(SourceText.From(text));
        Assert.Equal(
            new[] { TriviaKind.WhiteSpace, TriviaKind.LineComment, TriviaKind.EndOfLine },
            tokens[0].TrailingTrivia(text).Select(t => t.Kind));
        Assert.Equal(
            new[] { TriviaKind.EndOfLine, TriviaKind.WhiteSpace, TriviaKind.BlockComment, TriviaKind.WhiteSpace },
            tokens[1].LeadingTrivia(text).Select(t => t.Kind));
        Assert.Equal("bn", tokens[1].Text);
        Assert.Empty(tokens[1].TrailingTrivia(text));
        Assert.Equal(TokenKind.EndOfFile, tokens[2].Kind);
    }

    [Fact]
    public void AMissingTokenHasNoTrivia()
    {
        var token = new SyntaxToken(TokenKind.CloseBrace, new TextSpan(5, 0), string.Empty, isMissing: true);
        Assert.Equal(new TextSpan(5, 0), token.FullSpan);
        Assert.False(token.HasLeadingTrivia || token.HasTrailingTrivia);
    }
}
