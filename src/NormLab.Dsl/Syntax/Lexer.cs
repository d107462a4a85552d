using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Syntax;

/// <summary>Turns text into tokens. Never throws: a bad character becomes a bad token and one NL0001.</summary>
internal sealed class Lexer
{
    private readonly SourceText _source;
    private readonly string _text;
    private readonly DiagnosticBag _diagnostics;
    private int _position;

    /// <summary>Recently seen names and numbers: a file repeats them (relu, conv3x3, 64), so one string serves every token.</summary>
    private readonly string?[] _recent = new string?[512];

    private static readonly string[] Ascii = Enumerable.Range(0, 128).Select(c => ((char)c).ToString()).ToArray();

    public Lexer(SourceText source, DiagnosticBag diagnostics)
    {
        _source = source;
        _text = source.Text;
        _diagnostics = diagnostics;
    }

    /// <summary>A lexer that starts at <paramref name="start"/>: a token's start in the whole text's tokenization gives the same tokens from there on.</summary>
    public Lexer(SourceText source, DiagnosticBag diagnostics, int start)
        : this(source, diagnostics) => _position = System.Math.Max(0, System.Math.Min(start, source.Length));

    public static List<SyntaxToken> Tokenize(SourceText source, DiagnosticBag diagnostics)
    {
        var lexer = new Lexer(source, diagnostics);
        var tokens = new List<SyntaxToken>((source.Length / 4) + 1);
        SyntaxToken token;
        do
        {
            token = lexer.Next();
            tokens.Add(token);
        }
        while (token.Kind != TokenKind.EndOfFile);

        return tokens;
    }

    private char Current => _position < _text.Length ? _text[_position] : '\0';

    private char Peek(int offset) => _position + offset < _text.Length ? _text[_position + offset] : '\0';

    /// <summary>The next token with its trivia: all of it before the token, and after it up to and including the line break.</summary>
    public SyntaxToken Next()
    {
        var fullStart = _position;
        SkipTrivia(trailing: false);
        var token = NextToken();
        SkipTrivia(trailing: true);
        token.SetFullSpan(fullStart, _position);
        return token;
    }

    private SyntaxToken NextToken()
    {
        var start = _position;
        if (_position >= _text.Length)
        {
            return new SyntaxToken(TokenKind.EndOfFile, new TextSpan(_text.Length, 0), string.Empty);
        }

        var c = Current;
        if (IsDigit(c) || (c == '.' && IsDigit(Peek(1))))
        {
            return LexNumber();
        }

        if (IsIdentifierStart(c))
        {
            while (IsIdentifierPart(Current))
            {
                _position++;
            }

            var text = Share(start, _position - start);
            return new SyntaxToken(SyntaxFacts.KeywordKind(text), new TextSpan(start, text.Length), text);
        }

        var kind = c switch
        {
            '(' => TokenKind.OpenParen,
            ')' => TokenKind.CloseParen,
            '{' => TokenKind.OpenBrace,
            '}' => TokenKind.CloseBrace,
            ',' => TokenKind.Comma,
            ':' => TokenKind.Colon,
            ';' => TokenKind.Semicolon,
            '=' => TokenKind.Equals,
            '>' => TokenKind.Greater,
            '+' => TokenKind.Plus,
            '-' => TokenKind.Minus,
            '*' => TokenKind.Star,
            '/' => TokenKind.Slash,
            '.' => TokenKind.Dot,
            '|' => TokenKind.Pipe,
            _ => TokenKind.BadToken,
        };

        var length = char.IsHighSurrogate(c) && char.IsLowSurrogate(Peek(1)) ? 2 : 1;
        _position += length;
        if (kind == TokenKind.BadToken)
        {
            return LexBadRun(start, length);
        }

        var tokenText = length == 1 && c < 128 ? Ascii[c] : _text.Substring(start, length);
        return new SyntaxToken(kind, new TextSpan(start, length), tokenText);
    }

    /// <summary>
    /// A bad character and the bad characters that follow it, with only white space (line breaks too) between them:
    /// one bad token and one NL0001, so that a text of nothing but bad characters (<c>@\n@\n…</c>) costs one token,
    /// not one per character.
    /// </summary>
    private SyntaxToken LexBadRun(int start, int firstLength)
    {
        var end = _position;
        var more = 0;
        while (true)
        {
            var next = end;
            while (next < _text.Length && IsWhiteSpace(_text[next]))
            {
                next++;
            }

            if (next >= _text.Length || !IsBad(_text[next]))
            {
                break;
            }

            end = next + (char.IsHighSurrogate(_text[next]) && next + 1 < _text.Length && char.IsLowSurrogate(_text[next + 1]) ? 2 : 1);
            more++;
        }

        _position = end;
        var first = firstLength == 1 && _text[start] < 128 ? Ascii[_text[start]] : _text.Substring(start, firstLength);
        var token = new SyntaxToken(TokenKind.BadToken, TextSpan.FromBounds(start, end), more == 0 ? first : _text.Substring(start, end - start));
        _diagnostics.ReportBadCharacter(token.Span, first, more);
        return token;
    }

    /// <summary>True when no token or trivia starts with <paramref name="c"/>.</summary>
    private static bool IsBad(char c) =>
        !(IsDigit(c) || IsIdentifierStart(c) || IsWhiteSpace(c) || c is '(' or ')' or '{' or '}' or ',' or ':' or ';' or '=' or '>' or '+' or '-' or '*' or '/' or '.' or '|');

    /// <summary>Moves past trivia: all of it (leading), or up to and including the next line break (trailing).</summary>
    private void SkipTrivia(bool trailing)
    {
        while (_position < _text.Length)
        {
            var next = ScanTrivia(_text, _position, out var kind);
            if (next == _position)
            {
                return;
            }

            if (kind == TriviaKind.BlockComment && (next - _position < 4 || _text[next - 2] != '*' || _text[next - 1] != '/'))
            {
                _diagnostics.ReportSyntax(new TextSpan(_position, 2), "Comment is not closed: add '*/'");
            }

            _position = next;
            if (trailing && kind == TriviaKind.EndOfLine)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The end of the trivia piece at <paramref name="position"/> (white space on one line, one line break,
    /// a comment), or <paramref name="position"/> itself when a token starts there. The one definition of
    /// trivia: the lexer skips with it and <see cref="SyntaxTrivia.Split"/> lists with it.
    /// </summary>
    internal static int ScanTrivia(string text, int position, out TriviaKind kind)
    {
        var c = text[position];
        if (c == '\n')
        {
            kind = TriviaKind.EndOfLine;
            return position + 1;
        }

        if (c == '\r')
        {
            kind = TriviaKind.EndOfLine;
            return position + 1 < text.Length && text[position + 1] == '\n' ? position + 2 : position + 1;
        }

        if (IsWhiteSpace(c))
        {
            kind = TriviaKind.WhiteSpace;
            do
            {
                position++;
            }
            while (position < text.Length && IsWhiteSpace(text[position]) && text[position] != '\n' && text[position] != '\r');

            return position;
        }

        if (c == '/' && position + 1 < text.Length)
        {
            if (text[position + 1] == '/')
            {
                kind = TriviaKind.LineComment;
                while (position < text.Length && text[position] != '\n' && text[position] != '\r')
                {
                    position++;
                }

                return position;
            }

            if (text[position + 1] == '*')
            {
                kind = TriviaKind.BlockComment;
                var close = text.IndexOf("*/", position + 2, System.StringComparison.Ordinal);
                return close < 0 ? text.Length : close + 2;
            }
        }

        kind = TriviaKind.WhiteSpace;
        return position;
    }

    private static bool IsWhiteSpace(char c) => char.IsWhiteSpace(c) || c == '\uFEFF';

    private SyntaxToken LexNumber()
    {
        var start = _position;
        ScanDigits();
        var isFloat = false;
        if (Current == '.' && IsDigit(Peek(1)))
        {
            isFloat = true;
            _position++;
            ScanDigits();
        }
        else if (Current == '.' && !IsIdentifierStart(Peek(1)))
        {
            // "1." is a float; "1.x" is left to the parser
            isFloat = true;
            _position++;
        }

        if ((Current == 'e' || Current == 'E') &&
            (IsDigit(Peek(1)) || ((Peek(1) == '+' || Peek(1) == '-') && IsDigit(Peek(2)))))
        {
            isFloat = true;
            _position += 2;
            ScanDigits();
        }

        if (!isFloat && (Current == 'x' || Current == 'X') && IsDigit(Peek(1)))
        {
            return LexDimensions(start);
        }

        var text = Share(start, _position - start);
        var span = new TextSpan(start, text.Length);
        if (!isFloat && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var integer))
        {
            return new SyntaxToken(TokenKind.IntegerLiteral, span, text, integer);
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) ||
            double.IsInfinity(real))
        {
            _diagnostics.ReportSyntax(span, $"The number '{Shorten(text)}' is too large");
            real = 0;
        }

        return new SyntaxToken(TokenKind.FloatLiteral, span, text, real);
    }

    private SyntaxToken LexDimensions(int start)
    {
        var dims = new List<int>();
        var valid = true;
        var segmentStart = start;
        while (true)
        {
            var segment = _text.Substring(segmentStart, _position - segmentStart);
            if (!int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var d))
            {
                valid = false;
            }

            dims.Add(d);
            if ((Current == 'x' || Current == 'X') && IsDigit(Peek(1)))
            {
                _position++;
                segmentStart = _position;
                ScanDigits();
                continue;
            }

            break;
        }

        var text = _text.Substring(start, _position - start);
        var span = new TextSpan(start, text.Length);
        if (!valid)
        {
            _diagnostics.ReportSyntax(span, $"The shape '{Shorten(text)}' has a dimension that is too large");
        }

        return new SyntaxToken(TokenKind.DimensionsLiteral, span, text, dims.ToArray());
    }

    private void ScanDigits()
    {
        while (IsDigit(Current))
        {
            _position++;
        }
    }

    /// <summary>The text at start..start+length, the same string as last time when it recurs.</summary>
    private string Share(int start, int length)
    {
        if (length > 32)
        {
            return _text.Substring(start, length);
        }

        var hash = length;
        for (var i = start; i < start + length; i++)
        {
            hash = (hash * 31) + _text[i];
        }

        var slot = hash & (_recent.Length - 1);
        var recent = _recent[slot];
        if (recent is not null && recent.Length == length && string.CompareOrdinal(recent, 0, _text, start, length) == 0)
        {
            return recent;
        }

        return _recent[slot] = _text.Substring(start, length);
    }

    private static string Shorten(string text) => text.Length > 24 ? text.Substring(0, 24) + "…" : text;

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private static bool IsIdentifierStart(char c) => c == '_' || (c < 128 ? char.IsLetter(c) : char.IsLetter(c));

    private static bool IsIdentifierPart(char c) => c == '_' || char.IsLetterOrDigit(c);
}
