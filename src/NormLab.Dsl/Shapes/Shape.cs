using System;
using System.Collections.Generic;
using System.Linq;

namespace NormLab.Dsl.Shapes;

/// <summary>
/// A tensor shape without the batch dimension, of any rank: features <c>F</c> (rank 1), a signal
/// <c>C×L</c> (rank 2) or an image <c>C×H×W</c> (rank 3). The first dimension is the channels (or
/// features); the others are spatial.
/// </summary>
public sealed class Shape : IEquatable<Shape>
{
    private readonly int[] _dimensions;

    public Shape(params int[] dimensions) => _dimensions = (int[])dimensions.Clone();

    /// <summary>Takes <paramref name="dimensions"/> as they are (the caller made them and lets go of them).</summary>
    private Shape(int[] dimensions, bool owned) => _dimensions = dimensions;

    public static Shape Image(int channels, int height, int width) => new(channels, height, width);

    public static Shape Features(int count) => new(count);

    public IReadOnlyList<int> Dimensions => _dimensions;

    public int Rank => _dimensions.Length;

    /// <summary>True when the shape has spatial dimensions (<c>C×L</c>, <c>C×H×W</c>).</summary>
    public bool IsSpatial => Rank > 1;

    /// <summary>The number of spatial dimensions: 0 for features, 1 for a signal, 2 for an image.</summary>
    public int SpatialRank => Rank - 1;

    public int Channels => _dimensions[0];

    /// <summary>Spatial dimension <paramref name="index"/> (0: height or length, 1: width).</summary>
    public int Spatial(int index) => _dimensions[index + 1];

    public int Height => Rank == 3 ? _dimensions[1] : 1;

    public int Width => Rank == 3 ? _dimensions[2] : 1;

    /// <summary>The spatial dimensions alone: <c>28x28</c>.</summary>
    public string SpatialText => string.Join("x", _dimensions.Skip(1));

    /// <summary>The same spatial dimensions with another channel count.</summary>
    public Shape WithChannels(int channels)
    {
        var dimensions = (int[])_dimensions.Clone();
        dimensions[0] = channels;
        return new Shape(dimensions, owned: true);
    }

    /// <summary><paramref name="channels"/> over the given spatial dimensions.</summary>
    public static Shape Of(int channels, int[] spatial)
    {
        var dimensions = new int[spatial.Length + 1];
        dimensions[0] = channels;
        spatial.CopyTo(dimensions, 1);
        return new Shape(dimensions, owned: true);
    }

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
