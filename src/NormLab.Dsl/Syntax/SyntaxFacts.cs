namespace NormLab.Dsl.Syntax;

/// <summary>Facts about tokens: keywords and how to show a kind in a message.</summary>
public static class SyntaxFacts
{
    public static TokenKind KeywordKind(string text) => text switch
    {
        "namespace" => TokenKind.NamespaceKeyword,
        "block" => TokenKind.BlockKeyword,
        "network" => TokenKind.NetworkKeyword,
        "allow" => TokenKind.AllowKeyword,
        "residual" => TokenKind.ResidualKeyword,
        "concat" => TokenKind.ConcatKeyword,
        "scale" => TokenKind.ScaleKeyword,
        "as" => TokenKind.AsKeyword,
        _ => TokenKind.Identifier,
    };

    public static bool IsKeyword(TokenKind kind) => kind >= TokenKind.NamespaceKeyword;

    /// <summary>The keywords that open a layer with branches: <c>residual</c>, <c>concat</c>, <c>scale</c>.</summary>
    public static bool IsBranchKeyword(TokenKind kind) => kind is TokenKind.ResidualKeyword or TokenKind.ConcatKeyword or TokenKind.ScaleKeyword;

    /// <summary>The words that type an input shape: <c>input: signal 12x1000</c>, <c>image 3x32x32</c>, <c>features 784</c>.</summary>
    public static bool IsShapeKind(string text) => text is "signal" or "image" or "features";

    /// <summary>How a kind reads in "expected X" messages.</summary>
    public static string Describe(TokenKind kind) => kind switch
    {
        TokenKind.BadToken => "a bad character",
        TokenKind.EndOfFile => "end of file",
        TokenKind.Identifier => "a name",
        TokenKind.IntegerLiteral => "an integer",
        TokenKind.FloatLiteral => "a number",
        TokenKind.DimensionsLiteral => "a shape such as 1x28x28",
        TokenKind.OpenParen => "'('",
        TokenKind.CloseParen => "')'",
        TokenKind.OpenBrace => "'{'",
        TokenKind.CloseBrace => "'}'",
        TokenKind.Comma => "','",
        TokenKind.Colon => "':'",
        TokenKind.Semicolon => "';'",
        TokenKind.Equals => "'='",
        TokenKind.Greater => "'>'",
        TokenKind.Plus => "'+'",
        TokenKind.Minus => "'-'",
        TokenKind.Star => "'*'",
        TokenKind.Slash => "'/'",
        TokenKind.Dot => "'.'",
        TokenKind.Pipe => "'|'",
        TokenKind.NamespaceKeyword => "'namespace'",
        TokenKind.BlockKeyword => "'block'",
        TokenKind.NetworkKeyword => "'network'",
        TokenKind.AllowKeyword => "'allow'",
        TokenKind.ResidualKeyword => "'residual'",
        TokenKind.ConcatKeyword => "'concat'",
        TokenKind.ScaleKeyword => "'scale'",
        TokenKind.AsKeyword => "'as'",
        _ => kind.ToString(),
    };

    /// <summary>How a found token reads in messages: its kind and, for names and numbers, its text.</summary>
    public static string DescribeFound(SyntaxToken token)
    {
        switch (token.Kind)
        {
            case TokenKind.Identifier:
            case TokenKind.IntegerLiteral:
            case TokenKind.FloatLiteral:
            case TokenKind.DimensionsLiteral:
                return "'" + Shorten(token.Text) + "'";
            case TokenKind.BadToken:
                return "the character '" + Shorten(token.Text) + "'";
            default:
                return Describe(token.Kind);
        }
    }

    private static string Shorten(string text) => text.Length > 24 ? text.Substring(0, 24) + "…" : text;
}
