using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using NormLab.LanguageServer.Analysis;
using NormLab.Dsl;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.LanguageServer.Formatting;

/// <summary>The outcome of formatting: the new text, or why the text was left alone.</summary>
internal sealed record FormatResult(string Text, bool Changed, string? Refusal);

/// <summary>
/// The canonical layout of a <c>.normlab</c> file. It changes only white space, and keeps the
/// author's line breaks (at most one blank line in a row):
/// <list type="bullet">
/// <item>single spaces around <c>&gt;</c>, <c>=</c>, <c>|</c> and binary operators (<c>a &gt; b &gt; c</c>, <c>width * 2</c>);
/// none inside parentheses, before <c>,</c> or <c>:</c>, or between a name and its <c>(</c>; one after <c>,</c> and <c>:</c>;</item>
/// <item>four spaces of indentation per open brace or parenthesis, and for the continuation lines of a block's pipeline;</item>
/// <item>a network's body on lines of its own; comments kept, trailing white space removed, one line break at the end.</item>
/// </list>
/// The result is checked before it is offered: the same tokens and comments, and the same networks,
/// layers and diagnostics when checked again. Otherwise the text is left as it is.
/// </summary>
internal static class Formatter
{
    public const int IndentSize = 4;

    public static FormatResult Format(string text)
    {
        string formatted;
        try
        {
            formatted = Layout(text);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            return new FormatResult(text, false, "the layout failed: " + e.Message);
        }

        if (formatted == text)
        {
            return new FormatResult(text, false, null);
        }

        var difference = MeaningComparer.Compare(text, formatted);
        return difference is null
            ? new FormatResult(formatted, true, null)
            : new FormatResult(text, false, "formatting would change the file's meaning (" + difference + "); left as it is");
    }

    /// <summary>The canonical layout, without the meaning check.</summary>
    internal static string Layout(string text)
    {
        var newline = DetectNewline(text);
        var tokens = Pieces.Of(text);
        var (networkOpens, networkCloses) = NetworkBraces(text);

        var output = new StringBuilder(text.Length + 64);
        var line = new StringBuilder();
        var open = new Stack<char>();
        var blankLines = 0;
        var lineCount = 0;
        ScanToken? previous = null;
        ScanToken? previousSignificant = null;
        ScanToken? beforePreviousSignificant = null;
        var inBlockBody = false;
        var pendingNewlines = 0;
        var gap = string.Empty;

        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind == ScanKind.WhiteSpace)
            {
                pendingNewlines += CountNewlines(text, token);
                gap = text.Substring(token.Start, token.Length);
                continue;
            }

            var tokenText = text.Substring(token.Start, token.Length);
            if (token.Kind == ScanKind.LineComment)
            {
                tokenText = tokenText.TrimEnd();
            }

            // a network's body goes on lines of its own
            if (pendingNewlines == 0 && previous is { } p)
            {
                if (networkOpens.Contains(p.Start) && token.Kind != ScanKind.LineComment)
                {
                    pendingNewlines = 1;
                }
                else if (networkCloses.Contains(token.Start) && !networkOpens.Contains(p.Start))
                {
                    pendingNewlines = 1;
                }
            }

            var isCloser = token.Kind == ScanKind.Symbol && text[token.Start] is ')' or '}';
            if (previous is null || pendingNewlines > 0)
            {
                if (previous is not null)
                {
                    Flush(output, line, newline);
                    lineCount++;
                    blankLines = Math.Min(pendingNewlines - 1, 1);
                    for (var b = 0; b < blankLines; b++)
                    {
                        output.Append(newline);
                    }
                }

                // a declaration keyword at the top level ends a block's pipeline
                if (open.Count == 0 && token.Kind == ScanKind.Word && IsDeclarationKeyword(text, token))
                {
                    inBlockBody = false;
                }

                var level = open.Count - (isCloser && open.Count > 0 ? 1 : 0);
                if (open.Count == 0 && inBlockBody && !token.IsComment)
                {
                    level++;
                }

                line.Append(' ', level * IndentSize);
            }
            else
            {
                line.Append(Separator(text, previous.Value, beforePreviousSignificant, token, gap));
            }

            line.Append(tokenText);
            pendingNewlines = 0;
            gap = string.Empty;

            if (token.Kind == ScanKind.Symbol)
            {
                var c = text[token.Start];
                if (c is '(' or '{')
                {
                    open.Push(c);
                }
                else if (c is ')' or '}' && open.Count > 0)
                {
                    open.Pop();
                }
                else if (c == '=' && open.Count == 0 && IsBlockEquals(tokens, i, text))
                {
                    inBlockBody = true;
                }
            }
            else if (token.Kind == ScanKind.Word && open.Count == 0 && IsDeclarationKeyword(text, token))
            {
                inBlockBody = false;
            }

            previous = token;
            if (!token.IsTrivia)
            {
                beforePreviousSignificant = previousSignificant;
                previousSignificant = token;
            }
        }

        if (previous is { } last && last.Kind == ScanKind.BlockComment && last.End == text.Length
            && (last.Length < 4 || !text.EndsWith("*/", StringComparison.Ordinal)))
        {
            // a block comment left open runs to the end of the text: its white space and line breaks are its own
            output.Append(line);
        }
        else if (previous is not null)
        {
            Flush(output, line, newline);
        }

        return output.ToString();
    }

    private static void Flush(StringBuilder output, StringBuilder line, string newline)
    {
        var end = line.Length;
        while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t'))
        {
            end--;
        }

        output.Append(line.ToString(0, end)).Append(newline);
        line.Clear();
    }

    /// <summary>What goes between two tokens on one line.</summary>
    /// <param name="beforePrevious">The significant token before <paramref name="previous"/> (tells a unary sign from a binary one).</param>
    private static string Separator(string text, ScanToken previous, ScanToken? beforePrevious, ScanToken token, string gap)
    {
        if (token.Kind == ScanKind.LineComment)
        {
            // a trailing comment keeps its distance (aligned comments stay aligned)
            return gap.Length > 0 && !gap.Contains('\t') ? gap : " ";
        }

        if (token.Kind == ScanKind.BlockComment || previous.Kind == ScanKind.BlockComment)
        {
            return previous.Kind == ScanKind.Symbol && text[previous.Start] == '(' ? string.Empty
                : token.Kind == ScanKind.Symbol && text[token.Start] is ')' or ',' ? string.Empty
                : " ";
        }

        var a = previous.Kind == ScanKind.Symbol ? text[previous.Start] : '\0';
        var b = token.Kind == ScanKind.Symbol ? text[token.Start] : '\0';
        var word = (ScanToken t) => t.Kind is ScanKind.Word or ScanKind.Number;

        if (b is ',' or ':' or ';' or ')' || a is '(' || a == '.' || b == '.')
        {
            return string.Empty;
        }

        if (a is '+' or '-' && IsUnary(text, beforePrevious))
        {
            return string.Empty;
        }

        if (b == '(')
        {
            return previous.Kind == ScanKind.Word ? string.Empty : " ";
        }

        if (a is ',' or ':' or ';' or '>' or '=' or '|' or '*' or '/' or '+' or '-' or '{' or '}' or ')')
        {
            return " ";
        }

        if (b is '>' or '=' or '|' or '*' or '/' or '+' or '-' or '{' or '}')
        {
            return " ";
        }

        if (word(previous) && word(token))
        {
            return " ";
        }

        // anything else (characters the language does not know): as written, as one space at most
        return gap.Length > 0 ? " " : string.Empty;
    }

    /// <summary>A sign is unary after an operator, an opening parenthesis, a separator, or at the start.</summary>
    private static bool IsUnary(string text, ScanToken? before)
    {
        if (before is not { } b)
        {
            return true;
        }

        if (b.Kind is ScanKind.Word or ScanKind.Number)
        {
            return false;
        }

        return b.Kind == ScanKind.Symbol && text[b.Start] is not ')';
    }

    private static bool IsBlockEquals(List<ScanToken> tokens, int index, string text)
    {
        // block Name = …, or block Name(params) = …: the nearest declaration keyword before it is 'block'
        for (var i = index - 1; i >= 0; i--)
        {
            if (tokens[i].Kind == ScanKind.Word && IsDeclarationKeyword(text, tokens[i]))
            {
                return Pieces.Is(text, tokens[i], "block");
            }
        }

        return false;
    }

    private static bool IsDeclarationKeyword(string text, ScanToken token) =>
        Pieces.Is(text, token, "network") || Pieces.Is(text, token, "block") || Pieces.Is(text, token, "namespace");

    private static int CountNewlines(string text, ScanToken whiteSpace)
    {
        var count = 0;
        for (var i = whiteSpace.Start; i < whiteSpace.End; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                count++;
            }
        }

        return count;
    }

    private static string DetectNewline(string text)
    {
        var index = text.IndexOf('\n');
        return index > 0 && text[index - 1] == '\r' ? "\r\n" : "\n";
    }

    /// <summary>The positions of every network's own braces (not a residual's).</summary>
    private static (HashSet<int> Opens, HashSet<int> Closes) NetworkBraces(string text)
    {
        var opens = new HashSet<int>();
        var closes = new HashSet<int>();
        var (unit, _) = NormLabCompiler.Parse(SourceText.From(text));
        foreach (var network in unit.Members.OfType<NetworkDeclarationSyntax>())
        {
            if (!network.OpenBrace.IsMissing)
            {
                opens.Add(network.OpenBrace.Span.Start);
            }

            if (!network.CloseBrace.IsMissing)
            {
                closes.Add(network.CloseBrace.Span.Start);
            }
        }

        return (opens, closes);
    }
}
