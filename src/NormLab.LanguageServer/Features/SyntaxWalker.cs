using System.Collections.Generic;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.LanguageServer.Features;

/// <summary>Walks a syntax tree: every node, parents before children, in text order.</summary>
internal static class SyntaxWalker
{
    public static IEnumerable<SyntaxNode> DescendantsAndSelf(SyntaxNode root) => root.DescendantNodesAndSelf();

    /// <summary>The innermost node of type <typeparamref name="T"/> whose span holds the position (its end included).</summary>
    public static T? FindInnermost<T>(SyntaxNode root, int position)
        where T : SyntaxNode
    {
        T? found = null;
        foreach (var node in DescendantsAndSelf(root))
        {
            if (node is T match && node.Span.Start <= position && position <= node.Span.End
                && (found is null || match.Span.Length <= found.Span.Length))
            {
                found = match;
            }
        }

        return found;
    }

    /// <summary>The identifier token of a name-bearing node, when the position lies on it (its end included).</summary>
    public static SyntaxToken? NameAt(SyntaxNode root, int position)
    {
        foreach (var node in DescendantsAndSelf(root))
        {
            var token = node switch
            {
                LayerCallSyntax call => call.Identifier,
                NameExpressionSyntax name => name.Identifier,
                CallExpressionSyntax call => call.Identifier,
                MemberSyntax member => member.Identifier,
                ParameterSyntax parameter => parameter.Identifier,
                ArgumentSyntax { NameToken: { } argumentName } => argumentName,
                _ => null,
            };
            if (token is { IsMissing: false } && Holds(token.Span, position))
            {
                return token;
            }
        }

        return null;
    }

    public static bool Holds(TextSpan span, int position) => span.Start <= position && position <= span.End;
}
