using System.Collections.Generic;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Syntax;

/// <summary>What a piece of trivia is.</summary>
public enum TriviaKind
{
    /// <summary>Spaces, tabs and other white space on one line (one run).</summary>
    WhiteSpace,

    /// <summary>One line break: <c>\n</c>, <c>\r\n</c> or <c>\r</c>.</summary>
    EndOfLine,

    /// <summary><c>// …</c> up to the end of the line.</summary>
    LineComment,

    /// <summary><c>/* … */</c>, or up to the end of the text when it is not closed.</summary>
    BlockComment,
}

/// <summary>
/// Text between tokens that carries no meaning: white space, line breaks and comments. A token's
/// trivia is not stored piece by piece (the parser never needs it): the token keeps its full span,
/// and <see cref="SyntaxToken.LeadingTrivia"/> and <see cref="SyntaxToken.TrailingTrivia"/> split it
/// on demand with the lexer's own rules.
/// </summary>
public readonly struct SyntaxTrivia
{
    public SyntaxTrivia(TriviaKind kind, TextSpan span)
    {
        Kind = kind;
        Span = span;
    }

    public TriviaKind Kind { get; }

    public TextSpan Span { get; }

    public bool IsComment => Kind is TriviaKind.LineComment or TriviaKind.BlockComment;

    public override string ToString() => $"{Kind} {Span}";

    /// <summary>The trivia pieces of <paramref name="text"/> in [start, end), which must hold trivia only.</summary>
    public static IReadOnlyList<SyntaxTrivia> Split(string text, int start, int end)
    {
        if (start >= end)
        {
            return System.Array.Empty<SyntaxTrivia>();
        }

        var pieces = new List<SyntaxTrivia>(2);
        var position = start;
        while (position < end)
        {
            var next = Lexer.ScanTrivia(text, position, out var kind);
            if (next == position)
            {
                break; // not trivia: the range was not a token's trivia
            }

            next = next > end ? end : next;
            pieces.Add(new SyntaxTrivia(kind, TextSpan.FromBounds(position, next)));
            position = next;
        }

        return pieces;
    }
}
