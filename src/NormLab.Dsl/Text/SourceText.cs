using System;
using System.Collections.Generic;

namespace NormLab.Dsl.Text;

/// <summary>The text of one source (a <c>.normlab</c> file or a C# string literal) with its line map.</summary>
public sealed class SourceText
{
    private readonly int[] _lineStarts;

    private SourceText(string text, string path)
    {
        Text = text;
        Path = path;
        _lineStarts = ComputeLineStarts(text);
    }

    public string Text { get; }

    /// <summary>The file path used in diagnostics (may be empty).</summary>
    public string Path { get; }

    public int Length => Text.Length;

    public char this[int index] => Text[index];

    public int LineCount => _lineStarts.Length;

    public static SourceText From(string text, string? path = null) =>
        new(text ?? throw new ArgumentNullException(nameof(text)), path ?? string.Empty);

    public string ToString(TextSpan span)
    {
        var start = Clamp(span.Start);
        var end = Clamp(span.End);
        return Text.Substring(start, end - start);
    }

    public override string ToString() => Text;

    /// <summary>The zero-based line index that holds <paramref name="position"/>.</summary>
    public int GetLineIndex(int position)
    {
        position = Clamp(position);
        var index = Array.BinarySearch(_lineStarts, position);
        return index >= 0 ? index : ~index - 1;
    }

    public LinePosition GetLinePosition(int position)
    {
        position = Clamp(position);
        var line = GetLineIndex(position);
        return new LinePosition(line, position - _lineStarts[line]);
    }

    public LinePositionSpan GetLinePositionSpan(TextSpan span) =>
        new(GetLinePosition(span.Start), GetLinePosition(span.End));

    public int GetLineStart(int line) => _lineStarts[Math.Max(0, Math.Min(line, _lineStarts.Length - 1))];

    /// <summary>The offset of a zero-based line/character position (clamped to the text).</summary>
    public int GetPosition(LinePosition position)
    {
        var start = GetLineStart(position.Line);
        var lineEnd = position.Line + 1 < _lineStarts.Length ? _lineStarts[position.Line + 1] : Text.Length;
        return Math.Min(start + Math.Max(0, position.Character), lineEnd);
    }

    private int Clamp(int position) => position < 0 ? 0 : position > Text.Length ? Text.Length : position;

    private static int[] ComputeLineStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                starts.Add(i + 1);
            }
            else if (c == '\n')
            {
                starts.Add(i + 1);
            }
        }

        return starts.ToArray();
    }
}
