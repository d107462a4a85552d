using System;

namespace NormLab.Dsl.Text;

/// <summary>A zero-based line and character position, as Roslyn and LSP use.</summary>
public readonly struct LinePosition : IEquatable<LinePosition>
{
    public LinePosition(int line, int character)
    {
        Line = line;
        Character = character;
    }

    public int Line { get; }

    public int Character { get; }

    public bool Equals(LinePosition other) => Line == other.Line && Character == other.Character;

    public override bool Equals(object? obj) => obj is LinePosition other && Equals(other);

    public override int GetHashCode() => (Line * 397) ^ Character;

    public override string ToString() => $"({Line + 1},{Character + 1})";
}

/// <summary>A zero-based start and end line position.</summary>
public readonly struct LinePositionSpan : IEquatable<LinePositionSpan>
{
    public LinePositionSpan(LinePosition start, LinePosition end)
    {
        Start = start;
        End = end;
    }

    public LinePosition Start { get; }

    public LinePosition End { get; }

    public bool Equals(LinePositionSpan other) => Start.Equals(other.Start) && End.Equals(other.End);

    public override bool Equals(object? obj) => obj is LinePositionSpan other && Equals(other);

    public override int GetHashCode() => (Start.GetHashCode() * 397) ^ End.GetHashCode();
}
