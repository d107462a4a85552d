using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using NormLab.Generator.Parsing;

namespace NormLab.CodeFixes.Literals;

/// <summary>The four kinds of C# string literal a pipeline can be written in.</summary>
internal enum LiteralKind
{
    Regular,
    Verbatim,
    SingleLineRaw,
    MultiLineRaw,
}

/// <summary>
/// A pipeline string literal that holds a diagnostic: its token, its value, and where each character of the
/// value is in the source (the analyzer's own <see cref="StringLiteralMap"/>, so fixes and spans agree).
/// </summary>
internal sealed class PipelineLiteral
{
    private readonly int[] _positions;
    private readonly int _end;

    private PipelineLiteral(SyntaxToken token, LiteralKind kind, int[] positions, int end)
    {
        Token = token;
        Kind = kind;
        _positions = positions;
        _end = end;
    }

    public SyntaxToken Token { get; }

    public LiteralKind Kind { get; }

    public string Value => Token.ValueText;

    /// <summary>The literal whose value holds <paramref name="span"/> (strictly inside its quotes), or null.</summary>
    public static PipelineLiteral? At(SyntaxNode root, TextSpan span)
    {
        var token = root.FindToken(span.Start);
        if (KindOf(token) is not LiteralKind kind || span.Start <= token.SpanStart || span.End >= token.Span.End)
        {
            return null;
        }

        var map = StringLiteralMap.Create(token);
        if (map is null)
        {
            return null;
        }

        var positions = new int[map.Length];
        for (var i = 0; i < positions.Length; i++)
        {
            positions[i] = map.Map(i, 1).Start;
        }

        return new PipelineLiteral(token, kind, positions, map.End);
    }

    public static LiteralKind? KindOf(SyntaxToken token) => token.Kind() switch
    {
        SyntaxKind.StringLiteralToken => token.Text.StartsWith("@", System.StringComparison.Ordinal) ? LiteralKind.Verbatim : LiteralKind.Regular,
        SyntaxKind.SingleLineRawStringLiteralToken => LiteralKind.SingleLineRaw,
        SyntaxKind.MultiLineRawStringLiteralToken => LiteralKind.MultiLineRaw,
        _ => null,
    };

    /// <summary>The characters of the value whose source text lies in <paramref name="span"/>.</summary>
    public bool TryGetValueSpan(TextSpan span, out int start, out int length)
    {
        start = -1;
        var end = -1;
        for (var i = 0; i < _positions.Length; i++)
        {
            if (_positions[i] >= span.Start && _positions[i] < span.End)
            {
                if (start < 0)
                {
                    start = i;
                }

                end = i + 1;
            }
        }

        length = end - start;
        return start >= 0;
    }

    /// <summary>The source position of the value character at <paramref name="index"/> (the value's end for its length).</summary>
    public int SourcePosition(int index) => index < _positions.Length ? _positions[index] : _end;
}
