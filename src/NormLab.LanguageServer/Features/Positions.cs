using System;
using NormLab.LanguageServer.Protocol;
using Range = NormLab.LanguageServer.Protocol.Range;
using NormLab.Dsl.Text;

namespace NormLab.LanguageServer.Features;

/// <summary>Offsets and spans to protocol positions and ranges (UTF-16 code units, as .NET strings count).</summary>
internal static class Positions
{
    public static Position ToPosition(SourceText source, int offset)
    {
        var position = source.GetLinePosition(offset);
        return new Position { Line = position.Line, Character = position.Character };
    }

    public static Range ToRange(SourceText source, TextSpan span) => new()
    {
        Start = ToPosition(source, span.Start),
        End = ToPosition(source, span.End),
    };

    /// <summary>
    /// The offset of a protocol position, clamped as the specification asks: a character past the end of its
    /// line is the line's end (before its line break), a line past the last is the end of the text, and a
    /// negative line or character is 0. Never throws, whatever the numbers.
    /// </summary>
    public static int ToOffset(SourceText source, Position position)
    {
        if (position.Line >= source.LineCount)
        {
            return source.Length;
        }

        var line = Math.Max(0, position.Line);
        var start = source.GetLineStart(line);
        var end = line + 1 < source.LineCount ? source.GetLineStart(line + 1) : source.Length;
        if (end > start && source[end - 1] == '\n')
        {
            end--;
        }

        if (end > start && source[end - 1] == '\r')
        {
            end--;
        }

        return start + Math.Clamp(position.Character, 0, end - start);
    }

    public static TextSpan ToSpan(SourceText source, Range range)
    {
        var start = ToOffset(source, range.Start);
        return TextSpan.FromBounds(start, Math.Max(start, ToOffset(source, range.End)));
    }

    /// <summary>True when the spans overlap, or touch (an empty range at a span's edge asks about that span).</summary>
    public static bool Touches(TextSpan a, TextSpan b) => a.Start <= b.End && b.Start <= a.End;
}
