using System.Collections.Generic;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Syntax;

/// <summary>A node of the syntax tree. Every node knows its exact span in the source.</summary>
public abstract class SyntaxNode
{
    public abstract TextSpan Span { get; }

    /// <summary>The node's children, nodes and tokens, in text order (absent optional parts left out).</summary>
    public abstract IEnumerable<SyntaxNodeOrToken> GetChildren();

    /// <summary>The child nodes, in text order.</summary>
    public IEnumerable<SyntaxNode> ChildNodes()
    {
        foreach (var child in GetChildren())
        {
            if (child.Node is not null)
            {
                yield return child.Node;
            }
        }
    }

    /// <summary>This node and every node below it: parents before children, in text order.</summary>
    public IEnumerable<SyntaxNode> DescendantNodesAndSelf()
    {
        var stack = new Stack<SyntaxNode>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            yield return node;
            var children = new List<SyntaxNode>(node.ChildNodes());
            for (var i = children.Count - 1; i >= 0; i--)
            {
                stack.Push(children[i]);
            }
        }
    }

    /// <summary>The children named, in order: nodes, tokens and lists of them; nulls (absent optional parts) are left out.</summary>
    protected static IEnumerable<SyntaxNodeOrToken> Children(params object?[] parts)
    {
        foreach (var part in parts)
        {
            switch (part)
            {
                case SyntaxNode node:
                    yield return node;
                    break;
                case SyntaxToken token:
                    yield return token;
                    break;
                case IEnumerable<SyntaxNode> nodes:
                    foreach (var node in nodes)
                    {
                        yield return node;
                    }

                    break;
                case IEnumerable<SyntaxToken> tokens:
                    foreach (var token in tokens)
                    {
                        yield return token;
                    }

                    break;
            }
        }
    }

    protected static TextSpan Cover(SyntaxToken first, SyntaxToken last) => Cover(first.Span, last.Span);

    protected static TextSpan Cover(TextSpan first, TextSpan last)
    {
        // a missing token at the end has zero width at the position of the next token; keep spans ordered
        var end = last.End < first.End ? first.End : last.End;
        return TextSpan.FromBounds(first.Start, end);
    }
}

/// <summary>The whole file: an optional namespace and the block and network declarations.</summary>
public sealed class CompilationUnitSyntax : SyntaxNode
{
    public CompilationUnitSyntax(NamespaceDeclarationSyntax? @namespace, IReadOnlyList<MemberSyntax> members, SyntaxToken endOfFile)
    {
        Namespace = @namespace;
        Members = members;
        EndOfFile = endOfFile;
    }

    public NamespaceDeclarationSyntax? Namespace { get; }

    public IReadOnlyList<MemberSyntax> Members { get; }

    public SyntaxToken EndOfFile { get; }

    public override TextSpan Span => TextSpan.FromBounds(0, EndOfFile.Span.End);

    public override IEnumerable<SyntaxNodeOrToken> GetChildren() => Children(Namespace, Members, EndOfFile);
}

/// <summary><c>namespace A.B</c></summary>
public sealed class NamespaceDeclarationSyntax : SyntaxNode
{
    public NamespaceDeclarationSyntax(SyntaxToken keyword, IReadOnlyList<SyntaxToken> nameParts, TextSpan nameSpan)
    {
        Keyword = keyword;
        NameParts = nameParts;
        NameSpan = nameSpan;
    }

    public SyntaxToken Keyword { get; }

    public IReadOnlyList<SyntaxToken> NameParts { get; }

    public TextSpan NameSpan { get; }

    public string Name => string.Join(".", System.Linq.Enumerable.Select(NameParts, p => p.Text));

    public override TextSpan Span => Cover(Keyword.Span, NameSpan);

    public override IEnumerable<SyntaxNodeOrToken> GetChildren() => Children(Keyword, NameParts);
}

/// <summary>A block or network declaration.</summary>
public abstract class MemberSyntax : SyntaxNode
{
    protected MemberSyntax(SyntaxToken keyword, SyntaxToken identifier, ParameterListSyntax? parameters, PipelineSyntax body)
    {
        Keyword = keyword;
        Identifier = identifier;
        Parameters = parameters;
        Body = body;
    }

    public SyntaxToken Keyword { get; }

    public SyntaxToken Identifier { get; }

    public string Name => Identifier.Text;

    public ParameterListSyntax? Parameters { get; }

    public PipelineSyntax Body { get; }
}

/// <summary><c>block Name(params) = pipeline</c></summary>
public sealed class BlockDeclarationSyntax : MemberSyntax
{
    public BlockDeclarationSyntax(SyntaxToken keyword, SyntaxToken identifier, ParameterListSyntax? parameters, SyntaxToken equalsToken, PipelineSyntax body)
        : base(keyword, identifier, parameters, body)
    {
        EqualsToken = equalsToken;
    }

    public SyntaxToken EqualsToken { get; }

    // an empty body sits where a pipeline was expected (after white space): the declaration reaches it, so children nest
    public override TextSpan Span => Cover(Keyword.Span, Body.Span.End > EqualsToken.Span.End ? Body.Span : EqualsToken.Span);

    public override IEnumerable<SyntaxNodeOrToken> GetChildren() => Children(Keyword, Identifier, Parameters, EqualsToken, Body);
}

/// <summary><c>network Name(params) allow IDs { pipeline }</c></summary>
public sealed class NetworkDeclarationSyntax : MemberSyntax
{
    public NetworkDeclarationSyntax(
        SyntaxToken keyword,
        SyntaxToken identifier,
        ParameterListSyntax? parameters,
        AllowClauseSyntax? allow,
        SyntaxToken openBrace,
        PipelineSyntax body,
        SyntaxToken closeBrace)
        : base(keyword, identifier, parameters, body)
    {
        Allow = allow;
        OpenBrace = openBrace;
        CloseBrace = closeBrace;
    }

    public AllowClauseSyntax? Allow { get; }

    public SyntaxToken OpenBrace { get; }

    public SyntaxToken CloseBrace { get; }

    public override TextSpan Span => Cover(Keyword, CloseBrace);

    public override IEnumerable<SyntaxNodeOrToken> GetChildren() => Children(Keyword, Identifier, Parameters, Allow, OpenBrace, Body, CloseBrace);
}

/// <summary><c>(a: 1, b = relu)</c></summary>
public sealed class ParameterListSyntax : SyntaxNode
{
    public ParameterListSyntax(SyntaxToken open, IReadOnlyList<ParameterSyntax> parameters, SyntaxToken close)
    {
        Open = open;
        Parameters = parameters;
        Close = close;
    }

    public SyntaxToken Open { get; }

    public IReadOnlyList<ParameterSyntax> Parameters { get; }

    public SyntaxToken Close { get; }

    public override TextSpan Span => Cover(Open, Close);

    public override IEnumerable<SyntaxNodeOrToken> GetChildren() => Children(Open, Parameters, Close);
}

/// <summary><c>name</c>, <c>name: value</c> or <c>name = value</c>.</summary>
public sealed class ParameterSyntax : SyntaxNode
{
    public ParameterSyntax(SyntaxToken identifier, SyntaxToken? separator, ExpressionSyntax? defaultValue)
    {
        Identifier = identifier;
        Separator = separator;
        Default = defaultValue;
    }

    public SyntaxToken Identifier { get; }

    public string Name => Identifier.Text;

    public SyntaxToken? Separator { get; }

    public ExpressionSyntax? Default { get; }

    public override TextSpan Span => Default is null ? Identifier.Span : Cover(Identifier.Span, Default.Span);

    public override IEnumerable<SyntaxNodeOrToken> GetChildren() => Children(Identifier, Separator, Default);
}

/// <summary><c>allow NL1001, NL1003</c></summary>
public sealed class AllowClauseSyntax : SyntaxNode
{
    public AllowClauseSyntax(SyntaxToken keyword, IReadOnlyList<SyntaxToken> ids)
    {
        Keyword = keyword;
        Ids = ids;
    }

    public SyntaxToken Keyword { get; }

    public IReadOnlyList<SyntaxToken> Ids { get; }

    public override TextSpan Span => Ids.Count == 0 ? Keyword.Span : Cover(Keyword, Ids[Ids.Count - 1]);

    public override IEnumerable<SyntaxNodeOrToken> GetChildren() => Children(Keyword, Ids);
}

/// <summary>Elements joined by <c>&gt;</c>.</summary>
public sealed class PipelineSyntax : SyntaxNode
{
    public PipelineSyntax(IReadOnlyList<ElementSyntax> elements, int position)
    {
        Elements = elements;
        Position = position;
    }

    public IReadOnlyList<ElementSyntax> Elements { get; }

    /// <summary>Where the pipeline starts (for an empty pipeline: where one was expected).</summary>
    public int Position { get; }

    public override TextSpan Span => Elements.Count == 0
        ? new TextSpan(Position, 0)
        : Cover(Elements[0].Span, Elements[Elements.Count - 1].Span);

    public override IEnumerable<SyntaxNodeOrToken> GetChildren() => Children(Elements);
}

/// <summary>One stage of a pipeline.</summary>
public abstract class ElementSyntax : SyntaxNode
{
}

/// <summary>A layer or block reference: <c>relu</c>, <c>conv(64, kernel: 5)</c>, <c>ConvBlock(width)</c>.</summary>
public sealed class LayerCallSyntax : ElementSyntax
{
    public LayerCallSyntax(SyntaxToken identifier, ArgumentListSyntax? arguments)
    {
        Identifier = identifier;
        Arguments = arguments;
    }

    public SyntaxToken Identifier { get; }

    public string Name => Identifier.Text;

    public ArgumentListSyntax? Arguments { get; }

    public override TextSpan Span => Arguments is null ? Identifier.Span : Cover(Identifier.Span, Arguments.Span);

    public override IEnumerable<SyntaxNodeOrToken> GetChildren() => Children(Identifier, Arguments);
}

/// <summary><c>( pipeline )</c></summary>
public sealed class GroupSyntax : ElementSyntax
{
    public GroupSyntax(SyntaxToken open, PipelineSyntax pipeline, SyntaxToken close)
    {
        Open = open;
        Pipeline = pipeline;
        Close = close;
    }

    public SyntaxToken Open { get; }

    public PipelineSyntax Pipeline { get; }

    public SyntaxToken Close { get; }

    public override TextSpan Span => Cover(Open, Close);

    public override IEnumerable<SyntaxNodeOrToken> GetChildren() => Children(Open, Pipeline, Close);
}

/// <summary><c>element * count</c>, or <c>element * count as i</c> (binds <c>i</c> = 0 … count − 1 inside the element).</summary>
public sealed class RepeatSyntax : ElementSyntax
{
    public RepeatSyntax(ElementSyntax element, SyntaxToken star, ExpressionSyntax count, SyntaxToken? asKeyword = null, SyntaxToken? index = null)
    {
        Element = element;
        Star = star;
        Count = count;
        AsKeyword = asKeyword;
        Index = index;
    }

    public ElementSyntax Element { get; }

    public SyntaxToken Star { get; }

    public ExpressionSyntax Count { get; }

    public SyntaxToken? AsKeyword { get; }

    /// <summary>The index variable of <c>as i</c>; null without <c>as</c>.</summary>
    public SyntaxToken? Index { get; }

    public override TextSpan Span => Index is not null ? Cover(Element.Span, Index.Span) : Cover(Element.Span, Count.Span);

    public override IEnumerable<SyntaxNodeOrToken> GetChildren() => Children(Element, Star, Count, AsKeyword, Index);
}

/// <summary>
/// A layer with branches: <c>residual { … }</c>, <c>residual(project) { … }</c>, <c>scale { … }</c> and
/// <c>concat { a | b | c }</c> (several branches separated by <c>|</c>).
/// </summary>
public sealed class BranchSyntax : ElementSyntax
{
    public BranchSyntax(SyntaxToken keyword, ArgumentListSyntax? arguments, SyntaxToken open, IReadOnlyList<PipelineSyntax> branches, SyntaxToken close, IReadOnlyList<SyntaxToken>? separators = null)
    {
        Keyword = keyword;
        Arguments = arguments;
        Open = open;
        Branches = branches;
        Close = close;
        Separators = separators ?? System.Array.Empty<SyntaxToken>();
    }

    public SyntaxToken Keyword { get; }

    public ArgumentListSyntax? Arguments { get; }

    public SyntaxToken Open { get; }

    public IReadOnlyList<PipelineSyntax> Branches { get; }

    /// <summary>The <c>|</c> between branches (one fewer than the branches).</summary>
    public IReadOnlyList<SyntaxToken> Separators { get; }

    public SyntaxToken Close { get; }

    public override TextSpan Span => Cover(Keyword, Close);

    public override IEnumerable<SyntaxNodeOrToken> GetChildren()
    {
        foreach (var child in Children(Keyword, Arguments, Open))
        {
            yield return child;
        }

        for (var i = 0; i < Branches.Count; i++)
        {
            if (i > 0 && i - 1 < Separators.Count)
            {
                yield return Separators[i - 1];
            }

            yield return Branches[i];
        }

        yield return Close;
    }
}

/// <summary><c>( arg, name: arg )</c></summary>
public sealed class ArgumentListSyntax : SyntaxNode
{
    public ArgumentListSyntax(SyntaxToken open, IReadOnlyList<ArgumentSyntax> arguments, SyntaxToken close)
    {
        Open = open;
        Arguments = arguments;
        Close = close;
    }

    public SyntaxToken Open { get; }

    public IReadOnlyList<ArgumentSyntax> Arguments { get; }

    public SyntaxToken Close { get; }

    public override TextSpan Span => Cover(Open, Close);

    public override IEnumerable<SyntaxNodeOrToken> GetChildren() => Children(Open, Arguments, Close);
}

/// <summary>A positional or named argument.</summary>
public sealed class ArgumentSyntax : SyntaxNode
{
    public ArgumentSyntax(SyntaxToken? name, SyntaxToken? colon, ExpressionSyntax value)
    {
        NameToken = name;
        Colon = colon;
        Value = value;
    }

    public SyntaxToken? NameToken { get; }

    public string? Name => NameToken?.Text;

    public SyntaxToken? Colon { get; }

    public ExpressionSyntax Value { get; }

    public override TextSpan Span => NameToken is null ? Value.Span : Cover(NameToken.Span, Value.Span);

    public override IEnumerable<SyntaxNodeOrToken> GetChildren() => Children(NameToken, Colon, Value);
}

/// <summary>An expression in an argument or a default value.</summary>
public abstract class ExpressionSyntax : SyntaxNode
{
}

/// <summary>A number or a shape literal.</summary>
public sealed class LiteralExpressionSyntax : ExpressionSyntax
{
    public LiteralExpressionSyntax(SyntaxToken token) => Token = token;

    public SyntaxToken Token { get; }

    public override TextSpan Span => Token.Span;

    public override IEnumerable<SyntaxNodeOrToken> GetChildren() => Children(Token);
}

/// <summary>A typed shape: <c>signal 12x1000</c>, <c>image 3x32x32</c>, <c>features 784</c>.</summary>
public sealed class ShapeExpressionSyntax : ExpressionSyntax
{
    public ShapeExpressionSyntax(SyntaxToken kind, SyntaxToken literal)
    {
        KindToken = kind;
        Literal = literal;
    }

    /// <summary><c>signal</c>, <c>image</c> or <c>features</c>.</summary>
    public SyntaxToken KindToken { get; }

    public SyntaxToken Literal { get; }

    public override TextSpan Span => Cover(KindToken, Literal);

    public override IEnumerable<SyntaxNodeOrToken> GetChildren() => Children(KindToken, Literal);
}

/// <summary>A parameter, a symbol (<c>same</c>, <c>true</c>) or a layer used as a value (<c>act = relu</c>).</summary>
public sealed class NameExpressionSyntax : ExpressionSyntax
{
    public NameExpressionSyntax(SyntaxToken identifier) => Identifier = identifier;

    public SyntaxToken Identifier { get; }

    public string Name => Identifier.Text;

    public override TextSpan Span => Identifier.Span;

    public override IEnumerable<SyntaxNodeOrToken> GetChildren() => Children(Identifier);
}

/// <summary>A layer with arguments used as a value: <c>act = leakyrelu(0.2)</c>.</summary>
public sealed class CallExpressionSyntax : ExpressionSyntax
{
    public CallExpressionSyntax(SyntaxToken identifier, ArgumentListSyntax arguments)
    {
        Identifier = identifier;
        Arguments = arguments;
    }

    public SyntaxToken Identifier { get; }

    public ArgumentListSyntax Arguments { get; }

    public override TextSpan Span => Cover(Identifier.Span, Arguments.Span);

    public override IEnumerable<SyntaxNodeOrToken> GetChildren() => Children(Identifier, Arguments);
}

/// <summary><c>-x</c> or <c>+x</c></summary>
public sealed class UnaryExpressionSyntax : ExpressionSyntax
{
    public UnaryExpressionSyntax(SyntaxToken op, ExpressionSyntax operand)
    {
        Operator = op;
        Operand = operand;
    }

    public SyntaxToken Operator { get; }

    public ExpressionSyntax Operand { get; }

    public override TextSpan Span => Cover(Operator.Span, Operand.Span);

    public override IEnumerable<SyntaxNodeOrToken> GetChildren() => Children(Operator, Operand);
}

/// <summary><c>a + b</c>, <c>a * b</c>, …</summary>
public sealed class BinaryExpressionSyntax : ExpressionSyntax
{
    public BinaryExpressionSyntax(ExpressionSyntax left, SyntaxToken op, ExpressionSyntax right)
    {
        Left = left;
        Operator = op;
        Right = right;
    }

    public ExpressionSyntax Left { get; }

    public SyntaxToken Operator { get; }

    public ExpressionSyntax Right { get; }

    public override TextSpan Span => Cover(Left.Span, Right.Span);

    public override IEnumerable<SyntaxNodeOrToken> GetChildren() => Children(Left, Operator, Right);
}

/// <summary><c>( expression )</c></summary>
public sealed class ParenthesizedExpressionSyntax : ExpressionSyntax
{
    public ParenthesizedExpressionSyntax(SyntaxToken open, ExpressionSyntax expression, SyntaxToken close)
    {
        Open = open;
        Expression = expression;
        Close = close;
    }

    public SyntaxToken Open { get; }

    public ExpressionSyntax Expression { get; }

    public SyntaxToken Close { get; }

    public override TextSpan Span => Cover(Open, Close);

    public override IEnumerable<SyntaxNodeOrToken> GetChildren() => Children(Open, Expression, Close);
}
