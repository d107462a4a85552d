using System;

namespace NormLab.Runtime.Data;

/// <summary>
/// A small, fully specified pseudo-random generator (SplitMix64, Steele, Lea and Flood 2014) for shuffles that must
/// give the same order on every machine and every .NET version (System.Random's seeded sequence is an
/// implementation detail; torch's generator depends on the native build).
/// </summary>
internal struct SplitMix64
{
    private ulong state;

    public SplitMix64(ulong seed) => state = seed;

    /// <summary>A generator for a run seed and a stream (for example the epoch), mixed so nearby seeds give unrelated orders.</summary>
    public static SplitMix64 For(long seed, long stream)
    {
        var mixer = new SplitMix64((ulong)seed);
        ulong a = mixer.Next();
        var second = new SplitMix64(a ^ (ulong)stream * 0xD1B54A32D192ED03UL);
        return new SplitMix64(second.Next());
    }

    public ulong Next()
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, <paramref name="bound"/>), without modulo bias.</summary>
    public int NextInt(int bound)
    {
        if (bound <= 0)
            throw new ArgumentOutOfRangeException(nameof(bound));
        ulong b = (ulong)bound;
        ulong threshold = (0UL - b) % b;
        while (true)
        {
            ulong r = Next();
            if (r >= threshold)
                return (int)(r % b);
        }
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A random permutation of 0..<paramref name="count"/>-1.</summary>
    public int[] Permutation(int count)
    {
        int[] order = new int[count];
        for (int i = 0; i < count; i++)
            order[i] = i;
        Shuffle<int>(order);
        return order;
    }
}
