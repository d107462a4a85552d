using System;

namespace NormLab.Runtime.Data;

/// <summary>
/// Pixel normalization: a byte <c>b</c> becomes <c>(b / 255 - Mean) / Std</c>. <see cref="Mnist"/> holds the
/// customary MNIST constants; <see cref="FromPixels"/> computes them from a set of pixels (a train split, never
/// a test split).
/// </summary>
public readonly record struct Normalization(double Mean, double Std)
{
    /// <summary>The usual MNIST constants (mean and standard deviation of the 60,000 training images, in 0..1).</summary>
    public static Normalization Mnist { get; } = new(0.1307, 0.3081);

    /// <summary>Mean and (population) standard deviation of <paramref name="pixels"/> scaled to 0..1.</summary>
    public static Normalization FromPixels(ReadOnlySpan<byte> pixels)
    {
        if (pixels.IsEmpty)
            throw new ArgumentException("no pixels to compute a normalization from", nameof(pixels));
        Span<long> histogram = stackalloc long[256];
        foreach (byte b in pixels)
            histogram[b]++;
        double n = pixels.Length, sum = 0, sumSquares = 0;
        for (int b = 0; b < 256; b++)
        {
            double v = b / 255.0;
            sum += histogram[b] * v;
            sumSquares += histogram[b] * v * v;
        }
        double mean = sum / n;
        double variance = Math.Max(0, sumSquares / n - mean * mean);
        // A constant image set would divide by zero; keep it finite.
        return new Normalization(mean, variance > 0 ? Math.Sqrt(variance) : 1.0);
    }

    /// <summary>
    /// Per-channel mean and standard deviation of channel-major images (<paramref name="channels"/> planes of
    /// <paramref name="planeSize"/> bytes per image, as CIFAR-10 stores them).
    /// </summary>
    public static Normalization[] PerChannel(ReadOnlySpan<byte> pixels, int channels, int planeSize)
    {
        if (channels < 1 || planeSize < 1 || pixels.IsEmpty || pixels.Length % (channels * planeSize) != 0)
            throw new ArgumentException($"{pixels.Length} bytes are not whole images of {channels} planes of {planeSize} bytes", nameof(pixels));
        var result = new Normalization[channels];
        int images = pixels.Length / (channels * planeSize);
        for (int c = 0; c < channels; c++)
        {
            var histogram = new long[256];
            for (int i = 0; i < images; i++)
            {
                foreach (byte b in pixels.Slice((i * channels + c) * planeSize, planeSize))
                    histogram[b]++;
            }
            result[c] = FromHistogram(histogram);
        }
        return result;
    }

    private static Normalization FromHistogram(ReadOnlySpan<long> histogram)
    {
        double n = 0, sum = 0, sumSquares = 0;
        for (int b = 0; b < 256; b++)
        {
            double v = b / 255.0;
            n += histogram[b];
            sum += histogram[b] * v;
            sumSquares += histogram[b] * v * v;
        }
        double mean = sum / n;
        double variance = Math.Max(0, sumSquares / n - mean * mean);
        return new Normalization(mean, variance > 0 ? Math.Sqrt(variance) : 1.0);
    }

    /// <summary>The normalized value of every byte 0..255.</summary>
    internal float[] Table()
    {
        if (!(Std > 0) || !double.IsFinite(Mean))
            throw new ArgumentException($"invalid normalization: mean {Mean}, std {Std}");
        float[] table = new float[256];
        for (int b = 0; b < 256; b++)
            table[b] = (float)((b / 255.0 - Mean) / Std);
        return table;
    }

    public override string ToString() => $"mean {Mean:0.####}, std {Std:0.####}";
}
