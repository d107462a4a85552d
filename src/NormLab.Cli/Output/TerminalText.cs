using System.Text;

namespace NormLab.Cli.Output;

/// <summary>
/// Text from users' files and command lines, made safe for a terminal: control characters (C0 but the tab, DEL and
/// C1) and the bidirectional overrides and isolates (U+202A to U+202E, U+2066 to U+2069) are written as C#-style
/// escapes, <c>\u001b</c>, so a file can neither send escape sequences to the terminal, nor break a one-line message
/// into several, nor reorder what is shown. JSON and SARIF need none of this: their writer escapes these characters.
/// </summary>
internal static class TerminalText
{
    /// <summary>True for a character that <see cref="Escape"/> replaces.</summary>
    public static bool NeedsEscape(char c) =>
        (c < 0x20 && c != '\t') || (c >= 0x7F && c <= 0x9F) || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');

    /// <summary>The text with every character of <see cref="NeedsEscape"/> written as <c>\uXXXX</c> (lower-case hex).</summary>
    public static string Escape(string? text) => Escape(text, keepNewLines: false);

    /// <summary>As <see cref="Escape(string?)"/>; with <paramref name="keepNewLines"/>, <c>\n</c> stays a line break (for whole documents).</summary>
    public static string Escape(string? text, bool keepNewLines)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var first = IndexOfEscape(text, keepNewLines);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        builder.Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (NeedsEscape(c) && !(keepNewLines && c == '\n'))
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static int IndexOfEscape(string text, bool keepNewLines)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (NeedsEscape(text[i]) && !(keepNewLines && text[i] == '\n'))
            {
                return i;
            }
        }

        return -1;
    }
}
