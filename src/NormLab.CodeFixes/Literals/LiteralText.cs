using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace NormLab.CodeFixes.Literals;

/// <summary>An edit of a text: replace <see cref="Length"/> characters at <see cref="Start"/> with <see cref="Text"/>.</summary>
internal readonly struct Edit
{
    public Edit(int start, int length, string text)
    {
        Start = start;
        Length = length;
        Text = text;
    }

    public int Start { get; }

    public int Length { get; }

    public int End => Start + Length;

    public string Text { get; }

    /// <summary>Two edits conflict when they overlap, or an insertion falls at or inside the other (not at its end).</summary>
    public bool Overlaps(Edit other) =>
        (Start < other.End && other.Start < End) || Inside(this, other) || Inside(other, this);

    private static bool Inside(Edit insertion, Edit other) =>
        insertion.Length == 0 && insertion.Start >= other.Start && (insertion.Start < other.End || (other.Length == 0 && insertion.Start == other.Start));

    /// <summary>Applies non-overlapping edits to <paramref name="text"/>.</summary>
    public static string Apply(string text, IEnumerable<Edit> edits, int offset = 0)
    {
        var builder = new StringBuilder(text);
        foreach (var edit in edits.OrderByDescending(e => e.Start).ThenByDescending(e => e.Length))
        {
            builder.Remove(edit.Start - offset, edit.Length).Insert(edit.Start - offset, edit.Text);
        }

        return builder.ToString();
    }
}

/// <summary>
/// Turns edits of a literal's value into edits of its source text, keeping the literal's kind (regular,
/// verbatim, raw) and everything the edits do not touch; where that cannot be done, rebuilds the literal
/// of the same kind from the new value. Either result is checked by lexing it again.
/// </summary>
internal static class LiteralText
{
    /// <summary>The source changes that give the literal the value with <paramref name="valueEdits"/> applied, or null.</summary>
    public static IReadOnlyList<TextChange>? Changes(PipelineLiteral literal, IReadOnlyList<Edit> valueEdits)
    {
        var token = literal.Token;
        var newValue = Edit.Apply(literal.Value, valueEdits);

        // minimal: each value edit becomes an edit of the source between the mapped positions
        var sourceEdits = valueEdits
            .Select(e =>
            {
                var start = literal.SourcePosition(e.Start);
                var end = e.Length == 0 ? start : literal.SourcePosition(e.End);
                return new Edit(start, end - start, Encode(literal, e.Text));
            })
            .ToList();
        if (sourceEdits.All(e => e.Length >= 0 && e.Start > token.SpanStart && e.End < token.Span.End))
        {
            var text = Edit.Apply(token.Text, sourceEdits, token.SpanStart);
            if (Lexes(text, token, newValue))
            {
                return sourceEdits.Select(e => new TextChange(new TextSpan(e.Start, e.Length), e.Text)).ToList();
            }
        }

        // otherwise: a new literal of the same kind
        var rebuilt = Build(literal.Kind, newValue, token);
        return rebuilt is not null && Lexes(rebuilt, token, newValue)
            ? new[] { new TextChange(token.Span, rebuilt) }
            : null;
    }

    /// <summary>A value fragment written as it must appear inside a literal of the given kind.</summary>
    public static string Encode(PipelineLiteral literal, string value) => literal.Kind switch
    {
        LiteralKind.Regular => Unquote(SymbolDisplay.FormatLiteral(value, quote: true)),
        LiteralKind.Verbatim => value.Replace("\"", "\"\""),
        LiteralKind.MultiLineRaw => value.Replace("\n", "\n" + Indentation(literal.Token.Text)),
        _ => value,
    };

    /// <summary>A literal of <paramref name="kind"/> whose value is <paramref name="value"/>, shaped like <paramref name="original"/>.</summary>
    public static string? Build(LiteralKind kind, string value, SyntaxToken original)
    {
        switch (kind)
        {
            case LiteralKind.Regular:
                return SymbolDisplay.FormatLiteral(value, quote: true);
            case LiteralKind.Verbatim:
                return "@\"" + value.Replace("\"", "\"\"") + "\"";
            case LiteralKind.SingleLineRaw when value.IndexOfAny(new[] { '\r', '\n' }) < 0 && !value.StartsWith("\"", StringComparison.Ordinal) && !value.EndsWith("\"", StringComparison.Ordinal) && value.Length > 0:
            {
                var quotes = new string('"', Math.Max(Quotes(original.Text), LongestQuoteRun(value) + 1));
                return quotes + value + quotes;
            }

            case LiteralKind.SingleLineRaw:
            case LiteralKind.MultiLineRaw:
            {
                var quotes = new string('"', Math.Max(Math.Max(3, Quotes(original.Text)), LongestQuoteRun(value) + 1));
                var newline = original.Text.Contains("\r\n") ? "\r\n" : "\n";
                var indentation = kind == LiteralKind.MultiLineRaw ? Indentation(original.Text) : string.Empty;
                var lines = value.Split(new[] { "\r\n", "\n" }, StringSplitOptions.None)
                    .Select(line => line.Length == 0 ? line : indentation + line);
                return quotes + newline + string.Join(newline, lines) + newline + indentation + quotes;
            }

            default:
                return null;
        }
    }

    private static bool Lexes(string text, SyntaxToken original, string expectedValue)
    {
        var token = SyntaxFactory.ParseToken(text);
        return (PipelineLiteral.KindOf(token) == PipelineLiteral.KindOf(original) || (IsRaw(token) && IsRaw(original)))
            && token.FullSpan.Length == text.Length
            && token.ValueText == expectedValue
            && !token.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error);
    }

    private static bool IsRaw(SyntaxToken token) => PipelineLiteral.KindOf(token) is LiteralKind.SingleLineRaw or LiteralKind.MultiLineRaw;

    private static string Unquote(string quoted) => quoted.Substring(1, quoted.Length - 2);

    /// <summary>The white space before the closing quotes of a multi-line raw literal.</summary>
    private static string Indentation(string tokenText)
    {
        var closing = tokenText.Length - TrailingQuotes(tokenText);
        var lineStart = tokenText.LastIndexOf('\n', Math.Max(0, closing - 1)) + 1;
        return tokenText.Substring(lineStart, closing - lineStart);
    }

    private static int Quotes(string tokenText)
    {
        var count = 0;
        while (count < tokenText.Length && tokenText[count] == '"')
        {
            count++;
        }

        return count;
    }

    private static int TrailingQuotes(string tokenText)
    {
        var count = 0;
        while (count < tokenText.Length && tokenText[tokenText.Length - 1 - count] == '"')
        {
            count++;
        }

        return count;
    }

    private static int LongestQuoteRun(string value)
    {
        int longest = 0, run = 0;
        foreach (var c in value)
        {
            run = c == '"' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest;
    }
}
