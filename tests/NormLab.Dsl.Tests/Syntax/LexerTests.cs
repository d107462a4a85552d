using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Tests.Infrastructure;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Tests.Syntax;

public class LexerTests
{
    /// <summary>Every token kind with texts that lex to exactly one token of that kind.</summary>
    private static readonly (TokenKind Kind, string Text)[] Samples =
    [
        (TokenKind.Identifier, "relu"),
        (TokenKind.Identifier, "conv3x3"),
        (TokenKind.Identifier, "ConvBlock"),
        (TokenKind.Identifier, "_x1"),
        (TokenKind.Identifier, "NL1001"),
        (TokenKind.Identifier, "x"),
        (TokenKind.Identifier, "é"),
        (TokenKind.IntegerLiteral, "0"),
        (TokenKind.IntegerLiteral, "42"),
        (TokenKind.IntegerLiteral, "9007199254740993"),
        (TokenKind.FloatLiteral, "0.5"),
        (TokenKind.FloatLiteral, ".5"),
        (TokenKind.FloatLiteral, "1."),
        (TokenKind.FloatLiteral, "1e-5"),
        (TokenKind.FloatLiteral, "1E+3"),
        (TokenKind.FloatLiteral, "2e3"),
        (TokenKind.FloatLiteral, "1.5e-3"),
        (TokenKind.DimensionsLiteral, "1x28x28"),
        (TokenKind.DimensionsLiteral, "28x28"),
        (TokenKind.DimensionsLiteral, "3X32X32"),
        (TokenKind.DimensionsLiteral, "1x2x3x4"),
        (TokenKind.OpenParen, "("),
        (TokenKind.CloseParen, ")"),
        (TokenKind.OpenBrace, "{"),
        (TokenKind.CloseBrace, "}"),
        (TokenKind.Comma, ","),
        (TokenKind.Colon, ":"),
        (TokenKind.Semicolon, ";"),
        (TokenKind.Equals, "="),
        (TokenKind.Greater, ">"),
        (TokenKind.Plus, "+"),
        (TokenKind.Minus, "-"),
        (TokenKind.Star, "*"),
        (TokenKind.Slash, "/"),
        (TokenKind.Dot, "."),
        (TokenKind.Pipe, "|"),
        (TokenKind.NamespaceKeyword, "namespace"),
        (TokenKind.BlockKeyword, "block"),
        (TokenKind.NetworkKeyword, "network"),
        (TokenKind.AllowKeyword, "allow"),
        (TokenKind.ResidualKeyword, "residual"),
        (TokenKind.ConcatKeyword, "concat"),
        (TokenKind.ScaleKeyword, "scale"),
        (TokenKind.AsKeyword, "as"),
    ];

    public static TheoryData<TokenKind, string> Tokens()
    {
        var data = new TheoryData<TokenKind, string>();
        foreach (var (kind, text) in Samples)
        {
            data.Add(kind, text);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Tokens))]
    public void Lexes_one_token(TokenKind kind, string text)
    {
        var (tokens, diagnostics) = Lex(text);
        Assert.Empty(diagnostics);
        Assert.Equal(2, tokens.Count);
        Assert.Equal(kind, tokens[0].Kind);
        Assert.Equal(text, tokens[0].Text);
        Assert.Equal(new TextSpan(0, text.Length), tokens[0].Span);
        Assert.False(tokens[0].IsMissing);
        Assert.Equal(TokenKind.EndOfFile, tokens[1].Kind);
        Assert.Equal(new TextSpan(text.Length, 0), tokens[1].Span);
    }

    [Fact]
    public void Lexes_every_token_pair()
    {
        // one fact over all pairs (41 x 41) rather than 1681 theory cases: the same coverage in a fraction of the time
        var failures = new List<string>();
        foreach (var (kind1, text1) in Samples)
        {
            foreach (var (kind2, text2) in Samples)
            {
                var separator = RequiresSeparator(text1, kind1, text2, kind2) ? " " : string.Empty;
                var (tokens, diagnostics) = Lex(text1 + separator + text2);
                var ok = diagnostics.Count == 0 && tokens.Count == 3 &&
                    tokens[0].Kind == kind1 && tokens[0].Text == text1 &&
                    tokens[1].Kind == kind2 && tokens[1].Text == text2 && tokens[1].Span.Start == text1.Length + separator.Length;
                if (!ok)
                {
                    failures.Add($"'{text1}{separator}{text2}' lexes as {string.Join(" ", tokens.Select(t => $"{t.Kind}'{t.Text}'"))}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void Every_token_kind_has_a_lexer_test()
    {
        var tested = Samples.Select(s => s.Kind).Append(TokenKind.BadToken).Append(TokenKind.EndOfFile).ToHashSet();
        var untested = Enum.GetValues<TokenKind>().Where(k => !tested.Contains(k)).ToArray();
        Assert.True(untested.Length == 0, "token kinds without a lexer test: " + string.Join(", ", untested));
    }

    [Theory]
    [InlineData("42", 42L)]
    [InlineData("0", 0L)]
    public void Integers_carry_their_value(string text, long value) => Assert.Equal(value, Lex(text).Tokens[0].Value);

    [Theory]
    [InlineData("0.5", 0.5)]
    [InlineData(".5", 0.5)]
    [InlineData("1.", 1.0)]
    [InlineData("1e-5", 1e-5)]
    [InlineData("1E+3", 1000.0)]
    [InlineData("1.5e-3", 0.0015)]
    public void Floats_carry_their_value_under_the_invariant_culture(string text, double value)
    {
        var culture = Thread.CurrentThread.CurrentCulture;
        try
        {
            // a decimal comma must not change how '0.5' reads
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.Equal(value, Lex(text).Tokens[0].Value);
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = culture;
        }
    }

    [Theory]
    [InlineData("1x28x28", new[] { 1, 28, 28 })]
    [InlineData("28x28", new[] { 28, 28 })]
    [InlineData("3X32x32", new[] { 3, 32, 32 })]
    public void Dimensions_carry_their_sizes(string text, int[] dimensions) => Assert.Equal(dimensions, Lex(text).Tokens[0].Value);

    [Theory]
    // "3x" is not a shape: the x is a name
    [InlineData("3x", new[] { TokenKind.IntegerLiteral, TokenKind.Identifier })]
    // "1.x": a member-access-like text is left to the parser
    [InlineData("1.x", new[] { TokenKind.IntegerLiteral, TokenKind.Dot, TokenKind.Identifier })]
    // "2e" is an integer and a name; "2e-" too
    [InlineData("2e", new[] { TokenKind.IntegerLiteral, TokenKind.Identifier })]
    [InlineData("2e-", new[] { TokenKind.IntegerLiteral, TokenKind.Identifier, TokenKind.Minus })]
    // a shape does not take a fraction
    [InlineData("1.5x2", new[] { TokenKind.FloatLiteral, TokenKind.Identifier })]
    [InlineData("width*2", new[] { TokenKind.Identifier, TokenKind.Star, TokenKind.IntegerLiteral })]
    [InlineData("a>b", new[] { TokenKind.Identifier, TokenKind.Greater, TokenKind.Identifier })]
    [InlineData("-1", new[] { TokenKind.Minus, TokenKind.IntegerLiteral })]
    public void Splits_texts_that_are_not_one_token(string text, TokenKind[] kinds)
    {
        var (tokens, diagnostics) = Lex(text);
        Assert.Empty(diagnostics);
        Assert.Equal(kinds.Append(TokenKind.EndOfFile), tokens.Select(t => t.Kind));
        Assert.Equal(text.Replace(" ", string.Empty, StringComparison.Ordinal), string.Concat(tokens.Select(t => t.Text)));
    }

    [Theory]
    [InlineData("relu // a comment > bn\n> gelu", new[] { "relu", ">", "gelu" })]
    [InlineData("relu // to the end of the file", new[] { "relu" })]
    [InlineData("relu /* > bn \n > tanh */ > gelu", new[] { "relu", ">", "gelu" })]
    [InlineData("relu/**/>/* */gelu", new[] { "relu", ">", "gelu" })]
    [InlineData("relu /* // */ > gelu", new[] { "relu", ">", "gelu" })]
    [InlineData("\uFEFF\t relu\r\n>\rgelu  ", new[] { "relu", ">", "gelu" })]
    [InlineData("a / b", new[] { "a", "/", "b" })]
    public void Skips_white_space_and_comments(string text, string[] expected)
    {
        var (tokens, diagnostics) = Lex(text);
        Assert.Empty(diagnostics);
        Assert.Equal(expected, tokens.Where(t => t.Kind != TokenKind.EndOfFile).Select(t => t.Text));
        Assert.All(tokens, t => Assert.Equal(t.Text, text.Substring(t.Span.Start, t.Span.Length)));
    }

    [Fact]
    public void An_unterminated_comment_is_one_NL0001_at_its_opening()
    {
        var (tokens, diagnostics) = Lex("relu > /* never closed > bn");
        var error = Assert.Single(diagnostics);
        Assert.Equal("NL0001", error.Id);
        Assert.Equal(new TextSpan(7, 2), error.Span);
        Assert.Equal("Comment is not closed: add '*/'", error.Message);
        Assert.Equal([TokenKind.Identifier, TokenKind.Greater, TokenKind.EndOfFile], tokens.Select(t => t.Kind));
    }

    [Theory]
    [InlineData("@", "@")]
    [InlineData("#", "#")]
    [InlineData("€", "€")]
    [InlineData("\U0001F600", "\U0001F600")] // a surrogate pair is one bad token, not two
    public void A_bad_character_is_a_bad_token_and_one_NL0001(string text, string tokenText)
    {
        var (tokens, diagnostics) = Lex("relu " + text + " gelu");
        Assert.Equal([TokenKind.Identifier, TokenKind.BadToken, TokenKind.Identifier, TokenKind.EndOfFile], tokens.Select(t => t.Kind));
        Assert.Equal(tokenText, tokens[1].Text);
        var error = Assert.Single(diagnostics);
        Assert.Equal("NL0001", error.Id);
        Assert.Equal(tokens[1].Span, error.Span);
        Assert.Equal($"Unexpected character '{tokenText}'", error.Message);
    }

    [Fact]
    public void A_run_of_bad_characters_with_white_space_between_is_one_bad_token_and_one_NL0001()
    {
        var (tokens, diagnostics) = Lex("relu @\n@ # \U0001F600\r\n$ gelu @");
        Assert.Equal([TokenKind.Identifier, TokenKind.BadToken, TokenKind.Identifier, TokenKind.BadToken, TokenKind.EndOfFile], tokens.Select(t => t.Kind));
        Assert.Equal("@\n@ # \U0001F600\r\n$", tokens[1].Text);
        Assert.Equal("@", tokens[3].Text);
        Assert.Equal(2, diagnostics.Count);
        Assert.Equal("Unexpected character '@' and 4 more after it", diagnostics[0].Message);
        Assert.Equal(tokens[1].Span, diagnostics[0].Span);
        Assert.Equal("Unexpected character '@'", diagnostics[1].Message);
    }

    [Fact]
    public void A_text_of_nothing_but_bad_characters_costs_memory_in_proportion_to_the_text_not_per_character()
    {
        // 2 million bad characters on as many lines: one token, not two million (which took about 680 MB for 16 MiB)
        var text = string.Concat(Enumerable.Repeat("@\n", 2_000_000));
        var source = SourceText.From(text);
        var bag = new DiagnosticBag(source);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var tokens = Lexer.Tokenize(source, bag);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal([TokenKind.BadToken, TokenKind.EndOfFile], tokens.Select(t => t.Kind));
        Assert.Single(bag);
        Assert.True(allocated < 8L * text.Length, $"lexing {text.Length:N0} chars allocated {allocated:N0} bytes");
    }

    [Theory]
    [InlineData("1e999", "The number '1e999' is too large")]
    [InlineData("99999999999x28", "The shape '99999999999x28' has a dimension that is too large")]
    public void Numbers_out_of_range_are_reported(string text, string message)
    {
        var (tokens, diagnostics) = Lex(text);
        var error = Assert.Single(diagnostics);
        Assert.Equal(message, error.Message);
        Assert.Equal(new TextSpan(0, text.Length), error.Span);
        Assert.Equal(2, tokens.Count);
    }

    [Fact]
    public void Keywords_are_case_sensitive_and_only_whole_words()
    {
        var (tokens, _) = Lex("Network networks residual_ allow");
        Assert.Equal(
            [TokenKind.Identifier, TokenKind.Identifier, TokenKind.Identifier, TokenKind.AllowKeyword, TokenKind.EndOfFile],
            tokens.Select(t => t.Kind));
    }

    [Fact]
    public void The_text_round_trips_through_the_tokens_and_the_trivia_between_them()
    {
        var text = File.ReadAllText(TestPaths.OrderingExample);
        var (tokens, diagnostics) = Lex(text);
        Assert.Empty(diagnostics);
        var end = 0;
        foreach (var token in tokens)
        {
            Assert.True(token.Span.Start >= end, $"token '{token.Text}' overlaps the previous one");
            var trivia = text.Substring(end, token.Span.Start - end);
            Assert.True(trivia.Trim().Length == 0 || trivia.TrimStart().StartsWith("//", StringComparison.Ordinal), $"unexpected skipped text '{trivia}'");
            Assert.Equal(token.Text, text.Substring(token.Span.Start, token.Span.Length));
            end = token.Span.End;
        }

        Assert.Equal(text.Length, end);
    }

    private static (List<SyntaxToken> Tokens, List<Diagnostic> Diagnostics) Lex(string text)
    {
        var source = SourceText.From(text);
        var diagnostics = new DiagnosticBag(source);
        var tokens = Lexer.Tokenize(source, diagnostics);
        return (tokens, diagnostics.ToList());
    }

    private static bool RequiresSeparator(string text1, TokenKind kind1, string text2, TokenKind kind2)
    {
        static bool IsWord(TokenKind kind) => kind is TokenKind.Identifier or TokenKind.IntegerLiteral or TokenKind.FloatLiteral
            or TokenKind.DimensionsLiteral || SyntaxFacts.IsKeyword(kind);

        if (IsWord(kind1) && IsWord(kind2))
        {
            return true; // "relu" "gelu", "1" "2", "a" "1x2" merge
        }

        if (kind1 == TokenKind.Slash && (text2[0] == '/' || text2[0] == '*'))
        {
            return true; // "//" and "/*" start comments
        }

        if (char.IsDigit(text1[^1]) && text2[0] == '.')
        {
            return true; // "1" "." is "1."; "1" ".5" is "1.5"
        }

        if (text1[^1] == '.' && char.IsDigit(text2[0]))
        {
            return true; // "." "5" is ".5"
        }

        return char.IsDigit(text1[^1]) && text2[0] is 'x' or 'X' or 'e' or 'E' && kind1 is TokenKind.IntegerLiteral or TokenKind.FloatLiteral;
    }
}
