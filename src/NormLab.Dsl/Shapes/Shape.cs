using System;
using System.Collections.Generic;
using System.Linq;

namespace NormLab.Dsl.Shapes;

/// <summary>A tensor shape without the batch dimension: <c>C×H×W</c> (spatial) or <c>F</c> (features).</summary>
public sealed class Shape : IEquatable<Shape>
{
    private readonly int[] _dimensions;

    public Shape(params int[] dimensions) => _dimensions = (int[])dimensions.Clone();

    public static Shape Image(int channels, int height, int width) => new(channels, height, width);

    public static Shape Features(int count) => new(count);

    public IReadOnlyList<int> Dimensions => _dimensions;

    public int Rank => _dimensions.Length;

    /// <summary>True for <c>C×H×W</c>.</summary>
    public bool IsSpatial => Rank == 3;

    public int Channels => _dimensions[0];

    public int Height => IsSpatial ? _dimensions[1] : 1;

    public int Width => IsSpatial ? _dimensions[2] : 1;

    /// <summary>The number of elements per sample.</summary>
    public long ElementCount
    {
        get
        {
            var count = 1L;
            foreach (var d in _dimensions)
            {
                count = Model.Saturating.Multiply(count, d); // long.MaxValue, not a wrapped number, for absurd shapes
            }

            return count;
        }
    }

    public bool Equals(Shape? other) => other is not null && _dimensions.SequenceEqual(other._dimensions);

    public override bool Equals(object? obj) => Equals(obj as Shape);

    public override int GetHashCode() => _dimensions.Aggregate(17, (h, d) => (h * 31) + d);

    /// <summary><c>32x28x28</c> or <c>10</c>.</summary>
    public override string ToString() => string.Join("x", _dimensions);
}
