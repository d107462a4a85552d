using System.Collections.Generic;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Syntax;

/// <summary>
/// A hand-written recursive-descent parser. It never throws: a missing token becomes a zero-width
/// token and one NL0001; after an error, further syntax errors are held back until a token is
/// matched again, so one typo gives one diagnostic.
/// </summary>
internal sealed class Parser
{
    /// <summary>Deeper nesting than this is reported, not followed (no stack overflow on hostile input).</summary>
    public const int MaxDepth = 128;

    /// <summary>More operators than this in one expression are reported, not parsed.</summary>
    public const int MaxOperators = 512;

    private readonly SourceText _source;
    private readonly DiagnosticBag _diagnostics;
    private readonly List<SyntaxToken> _tokens;
    private int _position;
    private int _depth;
    private bool _recovering;
    private bool _depthReported;
    private int _expressionNesting;
    private int _operators;

    public Parser(SourceText source, DiagnosticBag diagnostics)
    {
        _source = source;
        _diagnostics = diagnostics;
        _tokens = Lexer.Tokenize(source, diagnostics);
    }

    private SyntaxToken Current => Peek(0);

    private SyntaxToken Peek(int offset)
    {
        var index = _position + offset;
        return index < _tokens.Count ? _tokens[index] : _tokens[_tokens.Count - 1];
    }

    public CompilationUnitSyntax ParseCompilationUnit()
    {
        NamespaceDeclarationSyntax? ns = null;
        var members = new List<MemberSyntax>();
        while (Current.Kind != TokenKind.EndOfFile)
        {
            var start = _position;
            switch (Current.Kind)
            {
                case TokenKind.NamespaceKeyword:
                    var declaration = ParseNamespace();
                    if (ns is null && members.Count == 0)
                    {
                        ns = declaration;
                    }
                    else
                    {
                        if (BeginReport())
                        {
                            _diagnostics.ReportSecondNamespace(declaration.Span);
                        }
                    }

                    break;
                case TokenKind.BlockKeyword:
                    members.Add(ParseBlock());
                    break;
                case TokenKind.NetworkKeyword:
                    members.Add(ParseNetwork());
                    break;
                default:
                    ReportUnexpected("'network', 'block' or 'namespace'");
                    SkipToMember();
                    break;
            }

            if (_position == start)
            {
                NextToken();
            }
        }

        return new CompilationUnitSyntax(ns, members, Current);
    }

    private NamespaceDeclarationSyntax ParseNamespace()
    {
        var keyword = NextToken();
        var parts = new List<SyntaxToken> { MatchToken(TokenKind.Identifier) };
        while (Current.Kind == TokenKind.Dot)
        {
            NextToken();
            parts.Add(MatchToken(TokenKind.Identifier));
        }

        var span = TextSpan.FromBounds(parts[0].Span.Start, parts[parts.Count - 1].Span.End);
        if (Current.Kind == TokenKind.Semicolon)
        {
            NextToken();
        }

        return new NamespaceDeclarationSyntax(keyword, parts, span);
    }

    private BlockDeclarationSyntax ParseBlock()
    {
        var keyword = NextToken();
        var identifier = MatchToken(TokenKind.Identifier);
        var parameters = Current.Kind == TokenKind.OpenParen ? ParseParameterList() : null;
        var equals = MatchToken(TokenKind.Equals);
        var body = ParsePipeline();
        return new BlockDeclarationSyntax(keyword, identifier, parameters, equals, body);
    }

    private NetworkDeclarationSyntax ParseNetwork()
    {
        var keyword = NextToken();
        var identifier = MatchToken(TokenKind.Identifier);
        var parameters = Current.Kind == TokenKind.OpenParen ? ParseParameterList() : null;
        AllowClauseSyntax? allow = null;
        if (Current.Kind == TokenKind.AllowKeyword)
        {
            allow = ParseAllow();
        }

        var open = MatchToken(TokenKind.OpenBrace);
        var body = ParsePipeline();
        var close = MatchToken(TokenKind.CloseBrace);
        if (close.IsMissing)
        {
            SkipToMember();
        }

        return new NetworkDeclarationSyntax(keyword, identifier, parameters, allow, open, body, close);
    }

    private AllowClauseSyntax ParseAllow()
    {
        var keyword = NextToken();
        var ids = new List<SyntaxToken> { MatchToken(TokenKind.Identifier) };
        while (Current.Kind == TokenKind.Comma)
        {
            NextToken();
            ids.Add(MatchToken(TokenKind.Identifier));
        }

        return new AllowClauseSyntax(keyword, ids);
    }

    private ParameterListSyntax ParseParameterList()
    {
        var open = NextToken();
        var parameters = new List<ParameterSyntax>();
        while (Current.Kind != TokenKind.CloseParen && !IsMemberBoundary(Current.Kind) && Current.Kind != TokenKind.OpenBrace)
        {
            var start = _position;
            parameters.Add(ParseParameter());
            if (Current.Kind == TokenKind.Comma)
            {
                NextToken();
            }
            else if (Current.Kind != TokenKind.CloseParen)
            {
                ReportUnexpected("',' or ')'");
                if (Current.Kind != TokenKind.Identifier)
                {
                    break;
                }
            }

            if (_position == start)
            {
                SkipToken();
            }
        }

        var close = MatchToken(TokenKind.CloseParen);
        return new ParameterListSyntax(open, parameters, close);
    }

    private ParameterSyntax ParseParameter()
    {
        var identifier = MatchToken(TokenKind.Identifier);
        if (Current.Kind == TokenKind.Colon || Current.Kind == TokenKind.Equals)
        {
            var separator = NextToken();
            return new ParameterSyntax(identifier, separator, ParseExpression());
        }

        return new ParameterSyntax(identifier, null, null);
    }

    private PipelineSyntax ParsePipeline()
    {
        var position = Current.Span.Start;
        var elements = new List<ElementSyntax>();
        if (IsPipelineEnd(Current.Kind))
        {
            // an empty pipeline is a binding error (NL0008), not a syntax error
            return new PipelineSyntax(elements, position);
        }

        while (true)
        {
            var start = _position;
            elements.Add(ParseRepeat());
            if (Current.Kind == TokenKind.Greater)
            {
                NextToken();
                continue;
            }

            if (IsElementStart(Current.Kind))
            {
                ReportUnexpected("'>'");
                continue;
            }

            if (IsPipelineEnd(Current.Kind))
            {
                break;
            }

            // a stray token inside a pipeline: report it, skip it, and go on if a pipeline follows
            ReportUnexpected("'>'");
            SkipToken();
            if (_position == start)
            {
                break;
            }

            if (Current.Kind == TokenKind.Greater)
            {
                NextToken();
            }
            else if (!IsElementStart(Current.Kind))
            {
                break;
            }
        }

        return new PipelineSyntax(elements, position);
    }

    private ElementSyntax ParseRepeat()
    {
        var element = ParseElement();
        if (Current.Kind == TokenKind.Star)
        {
            var star = NextToken();
            var count = ParseExpression();
            if (Current.Kind == TokenKind.AsKeyword)
            {
                var asKeyword = NextToken();
                var index = MatchToken(TokenKind.Identifier);
                return new RepeatSyntax(element, star, count, asKeyword, index);
            }

            return new RepeatSyntax(element, star, count);
        }

        return element;
    }

    private ElementSyntax ParseElement()
    {
        switch (Current.Kind)
        {
            case TokenKind.Identifier:
            {
                var identifier = NextToken();
                var arguments = Current.Kind == TokenKind.OpenParen ? ParseArgumentList() : null;
                return new LayerCallSyntax(identifier, arguments);
            }

            case TokenKind.OpenParen:
            {
                if (!Enter())
                {
                    return SkipNested();
                }

                var open = NextToken();
                var pipeline = ParsePipeline();
                if (pipeline.Elements.Count == 0)
                {
                    ReportUnexpected("a layer");
                }

                var close = MatchToken(TokenKind.CloseParen);
                _depth--;
                return new GroupSyntax(open, pipeline, close);
            }

            case TokenKind.ResidualKeyword:
            case TokenKind.ConcatKeyword:
            case TokenKind.ScaleKeyword:
            {
                if (!Enter())
                {
                    return SkipNested();
                }

                var keyword = NextToken();
                var arguments = Current.Kind == TokenKind.OpenParen ? ParseArgumentList() : null;
                var open = MatchToken(TokenKind.OpenBrace);
                var branches = new List<PipelineSyntax> { ParsePipeline() };
                var separators = new List<SyntaxToken>();
                while (Current.Kind == TokenKind.Pipe && !open.IsMissing)
                {
                    if (keyword.Kind != TokenKind.ConcatKeyword)
                    {
                        // only concat joins several branches; a '|' elsewhere is reported, and its branch still checked
                        ReportUnexpected("'}' (only 'concat' takes several branches separated by '|')");
                    }

                    separators.Add(NextToken());
                    branches.Add(ParsePipeline());
                }

                var close = MatchToken(TokenKind.CloseBrace);
                _depth--;
                return new BranchSyntax(keyword, arguments, open, branches, close, separators);
            }

            default:
            {
                ReportUnexpected("a layer");
                var missing = new SyntaxToken(TokenKind.Identifier, new TextSpan(Current.Span.Start, 0), string.Empty, isMissing: true);
                if (!IsPipelineEnd(Current.Kind) && Current.Kind != TokenKind.Greater && Current.Kind != TokenKind.Star)
                {
                    SkipToken();
                }

                return new LayerCallSyntax(missing, null);
            }
        }
    }

    private ArgumentListSyntax ParseArgumentList()
    {
        var open = NextToken();
        var arguments = new List<ArgumentSyntax>();
        if (!Enter())
        {
            SkipNested();
            return new ArgumentListSyntax(open, arguments, new SyntaxToken(TokenKind.CloseParen, new TextSpan(Current.Span.Start, 0), string.Empty, isMissing: true));
        }

        while (Current.Kind != TokenKind.CloseParen && !IsPipelineEnd(Current.Kind) && Current.Kind != TokenKind.Greater)
        {
            var start = _position;
            arguments.Add(ParseArgument());
            if (Current.Kind == TokenKind.Comma)
            {
                NextToken();
            }
            else if (Current.Kind != TokenKind.CloseParen)
            {
                break;
            }

            if (_position == start)
            {
                SkipToken();
            }
        }

        _depth--;
        var close = MatchToken(TokenKind.CloseParen);
        return new ArgumentListSyntax(open, arguments, close);
    }

    private ArgumentSyntax ParseArgument()
    {
        if (Current.Kind == TokenKind.Identifier && Peek(1).Kind == TokenKind.Colon)
        {
            var name = NextToken();
            var colon = NextToken();
            return new ArgumentSyntax(name, colon, ParseExpression());
        }

        return new ArgumentSyntax(null, null, ParseExpression());
    }

    private ExpressionSyntax ParseExpression()
    {
        // one operator budget for an expression and all that is nested in it (parentheses, call arguments):
        // long chains inside nested parentheses would otherwise build a tree too deep to walk recursively
        if (_expressionNesting++ == 0)
        {
            _operators = 0;
        }

        var expression = ParseBinary(0, ref _operators);
        _expressionNesting--;
        return expression;
    }

    private ExpressionSyntax ParseBinary(int parentPrecedence, ref int operators)
    {
        ExpressionSyntax left;
        var unaryPrecedence = UnaryPrecedence(Current.Kind);
        if (unaryPrecedence != 0 && unaryPrecedence >= parentPrecedence && Enter())
        {
            var op = NextToken();
            var operand = ParseBinary(unaryPrecedence, ref operators);
            _depth--;
            left = new UnaryExpressionSyntax(op, operand);
        }
        else
        {
            left = ParsePrimary();
        }

        while (true)
        {
            var precedence = BinaryPrecedence(Current.Kind);
            if (precedence == 0 || precedence <= parentPrecedence)
            {
                break;
            }

            if (++operators > MaxOperators)
            {
                if (BeginReport())
                {
                    _diagnostics.ReportTooManyOperators(Current.Span, MaxOperators);
                }

                while (BinaryPrecedence(Current.Kind) != 0 || IsOperand(Current.Kind))
                {
                    SkipToken();
                }

                break;
            }

            var op = NextToken();
            var right = ParseBinary(precedence, ref operators);
            left = new BinaryExpressionSyntax(left, op, right);
        }

        return left;
    }

    private ExpressionSyntax ParsePrimary()
    {
        switch (Current.Kind)
        {
            case TokenKind.IntegerLiteral:
            case TokenKind.FloatLiteral:
            case TokenKind.DimensionsLiteral:
                return new LiteralExpressionSyntax(NextToken());
            case TokenKind.Identifier:
            {
                var identifier = NextToken();
                if (Current.Kind == TokenKind.OpenParen)
                {
                    return new CallExpressionSyntax(identifier, ParseArgumentList());
                }

                if (SyntaxFacts.IsShapeKind(identifier.Text) && Current.Kind is TokenKind.DimensionsLiteral or TokenKind.IntegerLiteral)
                {
                    return new ShapeExpressionSyntax(identifier, NextToken());
                }

                return new NameExpressionSyntax(identifier);
            }

            case TokenKind.OpenParen:
            {
                if (!Enter())
                {
                    SkipNested();
                    return MissingValue();
                }

                var open = NextToken();
                var expression = ParseExpression();
                var close = MatchToken(TokenKind.CloseParen);
                _depth--;
                return new ParenthesizedExpressionSyntax(open, expression, close);
            }

            default:
                ReportUnexpected("a value");
                return MissingValue();
        }
    }

    private LiteralExpressionSyntax MissingValue() =>
        new(new SyntaxToken(TokenKind.IntegerLiteral, new TextSpan(Current.Span.Start, 0), string.Empty, 0L, isMissing: true));

    private static int UnaryPrecedence(TokenKind kind) => kind is TokenKind.Plus or TokenKind.Minus ? 3 : 0;

    private static int BinaryPrecedence(TokenKind kind) => kind switch
    {
        TokenKind.Star or TokenKind.Slash => 2,
        TokenKind.Plus or TokenKind.Minus => 1,
        _ => 0,
    };

    private static bool IsOperand(TokenKind kind) =>
        kind is TokenKind.IntegerLiteral or TokenKind.FloatLiteral or TokenKind.Identifier or TokenKind.DimensionsLiteral;

    private static bool IsElementStart(TokenKind kind) =>
        kind is TokenKind.Identifier or TokenKind.OpenParen || SyntaxFacts.IsBranchKeyword(kind);

    private static bool IsMemberBoundary(TokenKind kind) =>
        kind is TokenKind.EndOfFile or TokenKind.NetworkKeyword or TokenKind.BlockKeyword or TokenKind.NamespaceKeyword;

    private static bool IsPipelineEnd(TokenKind kind) =>
        IsMemberBoundary(kind) || kind is TokenKind.CloseBrace or TokenKind.CloseParen or TokenKind.Pipe;

    private bool Enter()
    {
        if (_depth >= MaxDepth)
        {
            if (!_depthReported)
            {
                _depthReported = true;
                if (BeginReport())
                {
                    _diagnostics.ReportSyntaxNestingTooDeep(Current.Span, MaxDepth);
                }
            }

            return false;
        }

        _depth++;
        return true;
    }

    /// <summary>Skips a too-deeply nested region up to its matching close, without recursion.</summary>
    private ElementSyntax SkipNested()
    {
        var start = Current;
        var level = 0;
        do
        {
            var kind = Current.Kind;
            if (kind is TokenKind.OpenParen or TokenKind.OpenBrace)
            {
                level++;
            }
            else if (kind is TokenKind.CloseParen or TokenKind.CloseBrace)
            {
                level--;
            }

            if (kind == TokenKind.EndOfFile)
            {
                break;
            }

            SkipToken();
        }
        while (level > 0);

        var missing = new SyntaxToken(TokenKind.Identifier, new TextSpan(start.Span.Start, 0), string.Empty, isMissing: true);
        return new LayerCallSyntax(missing, null);
    }

    private void SkipToMember()
    {
        while (!IsMemberBoundary(Current.Kind))
        {
            SkipToken();
        }
    }

    private SyntaxToken NextToken()
    {
        var token = Current;
        if (token.Kind != TokenKind.EndOfFile)
        {
            _position++;
        }

        _recovering = false;
        return token;
    }

    private void SkipToken()
    {
        if (Current.Kind != TokenKind.EndOfFile)
        {
            _position++;
        }
    }

    private SyntaxToken MatchToken(TokenKind kind)
    {
        if (Current.Kind == kind)
        {
            return NextToken();
        }

        ReportUnexpected(SyntaxFacts.Describe(kind));
        return new SyntaxToken(kind, new TextSpan(Current.Span.Start, 0), string.Empty, isMissing: true);
    }

    private void ReportUnexpected(string expected)
    {
        var found = Current;
        if (found.Kind == TokenKind.BadToken)
        {
            // the lexer already reported the bad character
            _recovering = true;
            return;
        }

        if (BeginReport())
        {
            _diagnostics.ReportUnexpectedToken(found.Span, expected, SyntaxFacts.DescribeFound(found));
        }
    }

    /// <summary>True when an error may be reported: the first since the parser last recovered.</summary>
    private bool BeginReport()
    {
        if (_recovering)
        {
            return false;
        }

        _recovering = true;
        return true;
    }
}
