using System;

namespace NormLab.Dsl.Text;

/// <summary>A range of characters in a source text: start offset and length.</summary>
public readonly struct TextSpan : IEquatable<TextSpan>
{
    public TextSpan(int start, int length)
    {
        Start = start;
        Length = length < 0 ? 0 : length;
    }

    public int Start { get; }

    public int Length { get; }

    public int End => Start + Length;

    public static TextSpan FromBounds(int start, int end) => new(start, end - start);

    public bool Contains(TextSpan other) => other.Start >= Start && other.End <= End;

    public bool Equals(TextSpan other) => Start == other.Start && Length == other.Length;

    public override bool Equals(object? obj) => obj is TextSpan other && Equals(other);

    public override int GetHashCode() => (Start * 397) ^ Length;

    public static bool operator ==(TextSpan left, TextSpan right) => left.Equals(right);

    public static bool operator !=(TextSpan left, TextSpan right) => !left.Equals(right);

    public override string ToString() => $"[{Start}..{End})";
}
