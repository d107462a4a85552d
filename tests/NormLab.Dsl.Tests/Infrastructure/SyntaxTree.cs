using System.Collections;
using System.Reflection;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Tests.Infrastructure;

/// <summary>Walks a syntax tree by reflection, so a new node type or property is covered without editing the tests.</summary>
public static class SyntaxTree
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    /// <summary>The direct children of a node: nodes and tokens, in property order (lists flattened).</summary>
    public static IEnumerable<object> Children(SyntaxNode node)
    {
        var properties = Properties.GetOrAdd(node.GetType(), type => type
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .ToArray());
        foreach (var property in properties)
        {
            var value = property.GetValue(node);
            switch (value)
            {
                case SyntaxNode child:
                    yield return child;
                    break;
                case SyntaxToken token:
                    yield return token;
                    break;
                case IEnumerable list and not string:
                    foreach (var item in list)
                    {
                        if (item is SyntaxNode or SyntaxToken)
                        {
                            yield return item;
                        }
                    }

                    break;
            }
        }
    }

    public static IEnumerable<SyntaxNode> Descendants(SyntaxNode node)
    {
        yield return node;
        foreach (var child in Children(node).OfType<SyntaxNode>())
        {
            foreach (var descendant in Descendants(child))
            {
                yield return descendant;
            }
        }
    }

    /// <summary>Asserts that every node's and token's span lies within its parent's and within the text.</summary>
    public static void AssertSpansNest(SyntaxNode root, int textLength)
    {
        if (root.Span.Start != 0 || root.Span.End > textLength)
        {
            Assert.Fail($"the root {root.Span} is outside the text (length {textLength})");
        }

        Visit(root);

        void Visit(SyntaxNode parent)
        {
            foreach (var child in Children(parent))
            {
                var span = child is SyntaxNode node ? node.Span : ((SyntaxToken)child).Span;
                if (!parent.Span.Contains(span) && !IsTrailingEndOfFile(parent, child, span))
                {
                    Assert.Fail($"{Describe(child)} {span} is not inside its parent {parent.GetType().Name} {parent.Span}");
                }

                if (child is SyntaxNode childNode)
                {
                    Visit(childNode);
                }
            }
        }
    }

    public static string Describe(object element) => element switch
    {
        SyntaxToken token => $"token {token.Kind} '{token.Text}'",
        _ => element.GetType().Name,
    };

    private static bool IsTrailingEndOfFile(SyntaxNode parent, object child, TextSpan span) =>
        parent is CompilationUnitSyntax && child is SyntaxToken { Kind: TokenKind.EndOfFile } && span.Start == parent.Span.End;
}
