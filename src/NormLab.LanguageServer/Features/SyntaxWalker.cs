using System.Collections.Generic;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.LanguageServer.Features;

/// <summary>Walks a syntax tree: every node, parents before children, in text order.</summary>
internal static class SyntaxWalker
{
    public static IEnumerable<SyntaxNode> DescendantsAndSelf(SyntaxNode root)
    {
        var stack = new Stack<SyntaxNode>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            yield return node;
            var children = Children(node);
            for (var i = children.Count - 1; i >= 0; i--)
            {
                stack.Push(children[i]);
            }
        }
    }

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

    public static IReadOnlyList<SyntaxNode> Children(SyntaxNode node)
    {
        var children = new List<SyntaxNode>();
        switch (node)
        {
            case CompilationUnitSyntax unit:
                if (unit.Namespace is not null)
                {
                    children.Add(unit.Namespace);
                }

                children.AddRange(unit.Members);
                break;
            case NetworkDeclarationSyntax network:
                Add(children, network.Parameters);
                Add(children, network.Allow);
                children.Add(network.Body);
                break;
            case BlockDeclarationSyntax block:
                Add(children, block.Parameters);
                children.Add(block.Body);
                break;
            case ParameterListSyntax list:
                children.AddRange(list.Parameters);
                break;
            case ParameterSyntax parameter:
                Add(children, parameter.Default);
                break;
            case PipelineSyntax pipeline:
                children.AddRange(pipeline.Elements);
                break;
            case LayerCallSyntax call:
                Add(children, call.Arguments);
                break;
            case GroupSyntax group:
                children.Add(group.Pipeline);
                break;
            case RepeatSyntax repeat:
                children.Add(repeat.Element);
                children.Add(repeat.Count);
                break;
            case BranchSyntax branch:
                Add(children, branch.Arguments);
                children.AddRange(branch.Branches);
                break;
            case ArgumentListSyntax arguments:
                children.AddRange(arguments.Arguments);
                break;
            case ArgumentSyntax argument:
                children.Add(argument.Value);
                break;
            case CallExpressionSyntax call:
                children.Add(call.Arguments);
                break;
            case UnaryExpressionSyntax unary:
                children.Add(unary.Operand);
                break;
            case BinaryExpressionSyntax binary:
                children.Add(binary.Left);
                children.Add(binary.Right);
                break;
            case ParenthesizedExpressionSyntax parenthesized:
                children.Add(parenthesized.Expression);
                break;
        }

        return children;
    }

    private static void Add(List<SyntaxNode> children, SyntaxNode? node)
    {
        if (node is not null)
        {
            children.Add(node);
        }
    }
}
