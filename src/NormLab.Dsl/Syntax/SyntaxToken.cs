using NormLab.Dsl.Text;

namespace NormLab.Dsl.Syntax;

/// <summary>A token: its kind, span, text and (for literals) value. A missing token has zero width.</summary>
public sealed class SyntaxToken
{
    public SyntaxToken(TokenKind kind, TextSpan span, string text, object? value = null, bool isMissing = false)
    {
        Kind = kind;
        Span = span;
        Text = text;
        Value = value;
        IsMissing = isMissing;
    }

    public TokenKind Kind { get; }

    public TextSpan Span { get; }

    public string Text { get; }

    /// <summary>A <see cref="long"/> or <see cref="double"/> for numbers, an <c>int[]</c> for dimensions.</summary>
    public object? Value { get; }

    /// <summary>True for a token the parser inserted to keep the tree's shape after a syntax error.</summary>
    public bool IsMissing { get; }

    public override string ToString() => Text;
}
