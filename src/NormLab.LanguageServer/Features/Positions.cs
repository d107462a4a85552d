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

    public static int ToOffset(SourceText source, Position position) =>
        position.Line >= source.LineCount
            ? source.Length
            : source.GetPosition(new LinePosition(Math.Max(0, position.Line), Math.Max(0, position.Character)));

    public static TextSpan ToSpan(SourceText source, Range range)
    {
        var start = ToOffset(source, range.Start);
        return TextSpan.FromBounds(start, Math.Max(start, ToOffset(source, range.End)));
    }

    /// <summary>True when the spans overlap, or touch (an empty range at a span's edge asks about that span).</summary>
    public static bool Touches(TextSpan a, TextSpan b) => a.Start <= b.End && b.Start <= a.End;
}
