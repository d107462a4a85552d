using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace NormLab.Generator.Parsing;

/// <summary>
/// Maps each character of a string literal's value to its position in the C# source, for regular,
/// verbatim and raw literals, so that a diagnostic inside the pipeline underlines the exact text.
/// </summary>
internal sealed class StringLiteralMap
{
    private readonly int[] _positions;

    private StringLiteralMap(int[] positions, int end)
    {
        _positions = positions;
        End = end;
    }

    /// <summary>The source position just after the last value character (before the closing quote).</summary>
    public int End { get; }

    public int Length => _positions.Length;

    public static StringLiteralMap? Create(SyntaxToken token)
    {
        var map = CreateUnchecked(token);
        return map is not null && map.Length == token.ValueText.Length ? map : null;
    }

    private static StringLiteralMap? CreateUnchecked(SyntaxToken token)
    {
        var text = token.Text;
        var start = token.SpanStart;
        var positions = new List<int>(text.Length);
        switch (token.Kind())
        {
            case SyntaxKind.StringLiteralToken when text.StartsWith("@", System.StringComparison.Ordinal):
            {
                var i = 2;
                while (i < text.Length - 1)
                {
                    positions.Add(start + i);
                    i += text[i] == '"' && i + 1 < text.Length - 1 && text[i + 1] == '"' ? 2 : 1;
                }

                return new StringLiteralMap(positions.ToArray(), start + text.Length - 1);
            }

            case SyntaxKind.StringLiteralToken:
            {
                var i = 1;
                while (i < text.Length - 1)
                {
                    var length = EscapeLength(text, i, out var chars);
                    for (var c = 0; c < chars; c++)
                    {
                        positions.Add(start + i);
                    }

                    i += length;
                }

                return new StringLiteralMap(positions.ToArray(), start + text.Length - 1);
            }

            case SyntaxKind.SingleLineRawStringLiteralToken:
            {
                var quotes = CountQuotes(text, 0);
                for (var i = quotes; i < text.Length - quotes; i++)
                {
                    positions.Add(start + i);
                }

                return new StringLiteralMap(positions.ToArray(), start + text.Length - quotes);
            }

            case SyntaxKind.MultiLineRawStringLiteralToken:
                return MultiLineRaw(token, text, start);
            default:
                return null;
        }
    }

    /// <summary>Maps a span of the value to a span of the source.</summary>
    public TextSpan Map(int start, int length)
    {
        if (_positions.Length == 0)
        {
            return new TextSpan(End, 0);
        }

        var first = start >= _positions.Length ? End : _positions[System.Math.Max(0, start)];
        if (length <= 0)
        {
            return new TextSpan(first, 0);
        }

        var lastIndex = start + length - 1;
        var last = lastIndex >= _positions.Length ? End : _positions[lastIndex] + 1;
        return TextSpan.FromBounds(first, System.Math.Max(first, last));
    }

    private static StringLiteralMap? MultiLineRaw(SyntaxToken token, string text, int start)
    {
        var quotes = CountQuotes(text, 0);
        var closingStart = text.Length - quotes;
        // the whitespace before the closing quotes on their line is removed from every content line
        var lineStart = text.LastIndexOf('\n', closingStart - 1) + 1;
        var indentation = closingStart - lineStart;
        var firstLine = text.IndexOf('\n', quotes) + 1;
        if (firstLine <= 0)
        {
            return null;
        }

        var positions = new List<int>();
        var i = firstLine;
        var contentEnd = lineStart - 1; // the newline before the closing line is not part of the value
        if (contentEnd > 0 && text[contentEnd - 1] == '\r')
        {
            contentEnd--;
        }

        var firstContentLine = true;
        while (i < contentEnd)
        {
            var end = text.IndexOf('\n', i);
            if (end < 0 || end > contentEnd)
            {
                end = contentEnd;
            }

            if (!firstContentLine)
            {
                // the newline between lines belongs to the value
                positions.Add(start + i - 1);
            }

            firstContentLine = false;
            var contentStart = System.Math.Min(i + indentation, end);
            for (var c = contentStart; c < end; c++)
            {
                if (text[c] == '\r' && c + 1 < text.Length && text[c + 1] == '\n')
                {
                    positions.Add(start + c);
                    continue;
                }

                positions.Add(start + c);
            }

            i = end + 1;
        }

        return token.ValueText.Length == positions.Count ? new StringLiteralMap(positions.ToArray(), start + System.Math.Max(firstLine, contentEnd)) : null;
    }

    private static int CountQuotes(string text, int from)
    {
        var count = 0;
        while (from + count < text.Length && text[from + count] == '"')
        {
            count++;
        }

        return count;
    }

    private static int EscapeLength(string text, int i, out int chars)
    {
        chars = 1;
        if (text[i] != '\\' || i + 1 >= text.Length)
        {
            return 1;
        }

        switch (text[i + 1])
        {
            case 'u':
                return 6;
            case 'U':
                if (i + 10 <= text.Length && uint.TryParse(text.Substring(i + 2, 8), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0xFFFF)
                {
                    chars = 2;
                }

                return 10;
            case 'x':
            {
                var n = 0;
                while (n < 4 && i + 2 + n < text.Length - 1 && Uri.IsHexDigit(text[i + 2 + n]))
                {
                    n++;
                }

                return 2 + n;
            }

            default:
                return 2;
        }
    }

    private static class Uri
    {
        public static bool IsHexDigit(char c) => (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
