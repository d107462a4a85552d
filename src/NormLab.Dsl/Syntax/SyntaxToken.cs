using System.Collections.Generic;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Syntax;

/// <summary>
/// A token: its kind, span, text and (for literals) value, and the trivia around it as one full span.
/// Leading trivia is everything before the token since the previous token's trailing trivia; trailing
/// trivia is what follows the token on its line, up to and including the line break. So the full spans
/// of the lexer's tokens tile the text: concatenated, they give it back. A missing token has zero width
/// and no trivia.
/// </summary>
public sealed class SyntaxToken
{
    public SyntaxToken(TokenKind kind, TextSpan span, string text, object? value = null, bool isMissing = false)
        : this(kind, span, text, value, isMissing, span.Start, span.End)
    {
    }

    internal SyntaxToken(TokenKind kind, TextSpan span, string text, object? value, bool isMissing, int fullStart, int fullEnd)
    {
        Kind = kind;
        Span = span;
        Text = text;
        Value = value;
        IsMissing = isMissing;
        _fullStart = fullStart;
        _fullEnd = fullEnd;
    }

    private int _fullStart;
    private int _fullEnd;

    /// <summary>Set once, by the lexer, when it has read the token's trailing trivia.</summary>
    internal void SetFullSpan(int fullStart, int fullEnd)
    {
        _fullStart = fullStart;
        _fullEnd = fullEnd;
    }

    /// <summary>The token with its leading and trailing trivia.</summary>
    public TextSpan FullSpan => TextSpan.FromBounds(_fullStart, _fullEnd);

    public bool HasLeadingTrivia => _fullStart < Span.Start;

    public bool HasTrailingTrivia => _fullEnd > Span.End;

    /// <summary>The white space, line breaks and comments before the token (<paramref name="text"/>: the text it was lexed from).</summary>
    public IReadOnlyList<SyntaxTrivia> LeadingTrivia(string text) => SyntaxTrivia.Split(text, _fullStart, Span.Start);

    /// <summary>The white space and comments after the token on its line, and the line break.</summary>
    public IReadOnlyList<SyntaxTrivia> TrailingTrivia(string text) => SyntaxTrivia.Split(text, Span.End, _fullEnd);

    public TokenKind Kind { get; }

    public TextSpan Span { get; }

    public string Text { get; }

    /// <summary>A <see cref="long"/> or <see cref="double"/> for numbers, an <c>int[]</c> for dimensions.</summary>
    public object? Value { get; }

    /// <summary>True for a token the parser inserted to keep the tree's shape after a syntax error.</summary>
    public bool IsMissing { get; }

    public override string ToString() => Text;
}
