using System;
using System.Globalization;
using System.Text.Json.Serialization;

namespace NormLab.Studies;

/// <summary>
/// One shard of a study's grid: shard <see cref="Index"/> of <see cref="Count"/> (0-based, as Slurm's
/// <c>SLURM_ARRAY_TASK_ID</c> with <c>--array=0-(n-1)</c> and Kubernetes' <c>JOB_COMPLETION_INDEX</c> count). The grid's
/// cells are numbered network-major, seed-minor (cell c is network c / seeds, seed c % seeds + 1) and cell c belongs
/// to shard c mod n, so every shard gets a share of every network.
/// </summary>
public sealed record Shard
{
    public Shard(int index, int count)
    {
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(count), count, "a study has at least 1 shard");
        if (index < 0 || index >= count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"shard index must lie in 0..{count - 1}");
        Index = index;
        Count = count;
    }

    [JsonPropertyName("index")] public int Index { get; }

    [JsonPropertyName("count")] public int Count { get; }

    /// <summary>Whether grid cell <paramref name="cell"/> belongs to this shard.</summary>
    public bool Owns(int cell) => cell % Count == Index;

    /// <summary>Parses <c>i/n</c> (0 ≤ i &lt; n); false with a message when the text is not one.</summary>
    public static bool TryParse(string? text, out Shard? shard, out string error)
    {
        shard = null;
        error = string.Empty;
        string[] parts = (text ?? string.Empty).Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int count))
        {
            error = $"a shard is written i/n, for example 0/4 (got '{text}')";
            return false;
        }
        if (count < 1 || index >= count)
        {
            error = $"shard {text}: n must be at least 1 and i must lie in 0..n-1 (shards are numbered from 0)";
            return false;
        }
        shard = new Shard(index, count);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
