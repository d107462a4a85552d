using System.Collections.Generic;

namespace NormLab.LanguageServer.Analysis;

/// <summary>What a scanned piece of text is.</summary>
internal enum ScanKind
{
    /// <summary>Spaces, tabs and line breaks (one run).</summary>
    WhiteSpace,
    LineComment,
    BlockComment,

    /// <summary>A name or a keyword.</summary>
    Word,

    /// <summary>An integer, a float or a shape such as <c>1x28x28</c>.</summary>
    Number,

    /// <summary>One character of punctuation or an operator (or a character the language does not know).</summary>
    Symbol,
}

/// <summary>A piece of text: its kind, start and length.</summary>
internal readonly record struct ScanToken(ScanKind Kind, int Start, int Length)
{
    public int End => Start + Length;

    public bool IsTrivia => Kind is ScanKind.WhiteSpace or ScanKind.LineComment or ScanKind.BlockComment;

    public bool IsComment => Kind is ScanKind.LineComment or ScanKind.BlockComment;
}

/// <summary>
/// Splits text into tokens and trivia (white space and comments, which the language's own lexer drops)
/// with the lexer's rules for where one token ends and the next begins. The language server uses it
/// where it needs the trivia (formatting) or a cheap look at the text (member boundaries, completion
/// contexts); meaning always comes from NormLab.Dsl.
/// </summary>
internal static class Scanner
{
    public static List<ScanToken> Scan(string text, bool includeTrivia = true)
    {
        var tokens = new List<ScanToken>((text.Length / 3) + 1);
        var position = 0;
        while (position < text.Length)
        {
            var token = Next(text, position);
            if (includeTrivia || !token.IsTrivia)
            {
                tokens.Add(token);
            }

            position = token.End;
        }

        return tokens;
    }

    /// <summary>The token or trivia that starts at <paramref name="position"/>.</summary>
    public static ScanToken Next(string text, int position)
    {
        var start = position;
        var c = text[position];
        if (IsWhiteSpace(c))
        {
            while (position < text.Length && IsWhiteSpace(text[position]))
            {
                position++;
            }

            return new ScanToken(ScanKind.WhiteSpace, start, position - start);
        }

        if (c == '/' && At(text, position + 1) == '/')
        {
            while (position < text.Length && text[position] != '\n' && text[position] != '\r')
            {
                position++;
            }

            return new ScanToken(ScanKind.LineComment, start, position - start);
        }

        if (c == '/' && At(text, position + 1) == '*')
        {
            position += 2;
            while (position < text.Length && !(text[position] == '*' && At(text, position + 1) == '/'))
            {
                position++;
            }

            position = position < text.Length ? position + 2 : text.Length;
            return new ScanToken(ScanKind.BlockComment, start, position - start);
        }

        if (IsDigit(c) || (c == '.' && IsDigit(At(text, position + 1))))
        {
            return new ScanToken(ScanKind.Number, start, ScanNumber(text, position) - start);
        }

        if (IsIdentifierStart(c))
        {
            while (position < text.Length && IsIdentifierPart(text[position]))
            {
                position++;
            }

            return new ScanToken(ScanKind.Word, start, position - start);
        }

        var length = char.IsHighSurrogate(c) && char.IsLowSurrogate(At(text, position + 1)) ? 2 : 1;
        return new ScanToken(ScanKind.Symbol, start, length);
    }

    /// <summary>True when the token's text is <paramref name="word"/>.</summary>
    public static bool Is(string text, ScanToken token, string word) =>
        token.Length == word.Length && string.CompareOrdinal(text, token.Start, word, 0, word.Length) == 0;

    public static bool IsWhiteSpace(char c) => char.IsWhiteSpace(c) || c == '\uFEFF';

    public static bool IsIdentifierStart(char c) => c == '_' || char.IsLetter(c);

    public static bool IsIdentifierPart(char c) => c == '_' || char.IsLetterOrDigit(c);

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private static char At(string text, int index) => index < text.Length ? text[index] : '\0';

    /// <summary>The end of a number, with the lexer's rules (<c>1.</c>, <c>.5</c>, <c>1e-5</c>, <c>1x28x28</c>).</summary>
    private static int ScanNumber(string text, int position)
    {
        position = Digits(text, position);
        var isFloat = false;
        if (At(text, position) == '.' && IsDigit(At(text, position + 1)))
        {
            isFloat = true;
            position = Digits(text, position + 1);
        }
        else if (At(text, position) == '.' && !IsIdentifierStart(At(text, position + 1)))
        {
            isFloat = true;
            position++;
        }

        var e = At(text, position);
        if ((e == 'e' || e == 'E') &&
            (IsDigit(At(text, position + 1)) || ((At(text, position + 1) == '+' || At(text, position + 1) == '-') && IsDigit(At(text, position + 2)))))
        {
            isFloat = true;
            position = Digits(text, position + 2);
        }

        if (!isFloat)
        {
            while ((At(text, position) == 'x' || At(text, position) == 'X') && IsDigit(At(text, position + 1)))
            {
                position = Digits(text, position + 1);
            }
        }

        return position;
    }

    private static int Digits(string text, int position)
    {
        while (position < text.Length && IsDigit(text[position]))
        {
            position++;
        }

        return position;
    }
}
