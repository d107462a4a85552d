using NormLab.Dsl.Text;

namespace NormLab.Dsl.Syntax;

/// <summary>A child of a syntax node: a node or a token (exactly one of the two is set).</summary>
public readonly struct SyntaxNodeOrToken
{
    public SyntaxNodeOrToken(SyntaxNode node)
    {
        Node = node;
        Token = null;
    }

    public SyntaxNodeOrToken(SyntaxToken token)
    {
        Node = null;
        Token = token;
    }

    public SyntaxNode? Node { get; }

    public SyntaxToken? Token { get; }

    public bool IsNode => Node is not null;

    public TextSpan Span => Node?.Span ?? Token!.Span;

    public static implicit operator SyntaxNodeOrToken(SyntaxNode node) => new(node);

    public static implicit operator SyntaxNodeOrToken(SyntaxToken token) => new(token);

    public override string ToString() => Node?.ToString() ?? Token!.ToString();
}
