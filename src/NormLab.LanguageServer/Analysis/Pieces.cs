using System.Collections.Generic;
using NormLab.Dsl;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.LanguageServer.Analysis;

/// <summary>What a piece of text is.</summary>
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
/// The language's own tokens and trivia (NormLab.Dsl's lexer), flattened into one list of pieces in text
/// order, each white-space run (line breaks included) as one piece. The formatter needs the trivia; the
/// member boundaries and completion contexts need a cheap look at the text. Meaning comes from the parse.
/// </summary>
internal static class Pieces
{
    public static List<ScanToken> Of(string text)
    {
        var pieces = new List<ScanToken>((text.Length / 3) + 1);
        foreach (var token in NormLabCompiler.Tokenize(SourceText.From(text)))
        {
            if (token.HasLeadingTrivia)
            {
                AddTrivia(pieces, token.LeadingTrivia(text));
            }

            if (token.Kind != TokenKind.EndOfFile)
            {
                pieces.Add(new ScanToken(KindOf(token.Kind), token.Span.Start, token.Span.Length));
            }

            if (token.HasTrailingTrivia)
            {
                AddTrivia(pieces, token.TrailingTrivia(text));
            }
        }

        return pieces;
    }

    /// <summary>True when the piece's text is <paramref name="word"/>.</summary>
    public static bool Is(string text, ScanToken token, string word) =>
        token.Length == word.Length && string.CompareOrdinal(text, token.Start, word, 0, word.Length) == 0;

    private static void AddTrivia(List<ScanToken> pieces, IReadOnlyList<SyntaxTrivia> trivia)
    {
        foreach (var piece in trivia)
        {
            var kind = piece.Kind switch
            {
                TriviaKind.LineComment => ScanKind.LineComment,
                TriviaKind.BlockComment => ScanKind.BlockComment,
                _ => ScanKind.WhiteSpace,
            };

            // a run of white space and line breaks is one piece
            if (kind == ScanKind.WhiteSpace && pieces.Count > 0 && pieces[^1] is { Kind: ScanKind.WhiteSpace } last && last.End == piece.Span.Start)
            {
                pieces[^1] = last with { Length = last.Length + piece.Span.Length };
            }
            else
            {
                pieces.Add(new ScanToken(kind, piece.Span.Start, piece.Span.Length));
            }
        }
    }

    private static ScanKind KindOf(TokenKind kind) => kind switch
    {
        TokenKind.Identifier => ScanKind.Word,
        TokenKind.IntegerLiteral or TokenKind.FloatLiteral or TokenKind.DimensionsLiteral => ScanKind.Number,
        _ when SyntaxFacts.IsKeyword(kind) => ScanKind.Word,
        _ => ScanKind.Symbol,
    };
}
