namespace NormLab.Dsl.Syntax;

/// <summary>Token kinds of the NormLab language.</summary>
public enum TokenKind
{
    BadToken,
    EndOfFile,
    Identifier,
    IntegerLiteral,
    FloatLiteral,

    /// <summary>A shape such as <c>1x28x28</c> or <c>28x28</c>.</summary>
    DimensionsLiteral,
    OpenParen,
    CloseParen,
    OpenBrace,
    CloseBrace,
    Comma,
    Colon,
    Semicolon,
    Equals,
    Greater,
    Plus,
    Minus,
    Star,
    Slash,
    Dot,
    Pipe,

    // keywords
    NamespaceKeyword,
    BlockKeyword,
    NetworkKeyword,
    AllowKeyword,
    ResidualKeyword,
    ConcatKeyword,
    ScaleKeyword,
    AsKeyword,
}
