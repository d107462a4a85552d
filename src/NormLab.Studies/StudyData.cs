using System;
using System.Globalization;
using System.IO;
using NormLab.Dsl.Model;
using NormLab.Runtime.Data;

namespace NormLab.Studies;

/// <summary>
/// The data of a study: whatever <c>normlab train --data</c> takes (<see cref="DataSets.Load"/>), optionally cut down to
/// a few train and test images for a quick smoke study. A cut keeps images evenly spaced over each set (index
/// i · N / n), so every class stays in it, and keeps the full set's normalization.
/// </summary>
public static class StudyData
{
    /// <summary>The embedded sample's name.</summary>
    public const string Sample = "mnist-sample";

    /// <summary>
    /// The name a study records: <c>mnist-sample</c>, the folder as given, and with limits
    /// <c>mnist-sample (200 train / 100 test)</c>.
    /// </summary>
    public static string Name(string data, int? limitTrain = null, int? limitTest = null)
    {
        if (limitTrain is null && limitTest is null)
            return data;
        return string.Create(CultureInfo.InvariantCulture,
            $"{data} ({(limitTrain is int t ? t.ToString(CultureInfo.InvariantCulture) : "all")} train / {(limitTest is int s ? s.ToString(CultureInfo.InvariantCulture) : "all")} test)");
    }

    /// <summary>The data set of a name <see cref="Name"/> wrote, without its limits: <c>mnist-sample (200 train / 100 test)</c> → <c>mnist-sample</c>.</summary>
    public static string WithoutLimits(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var match = System.Text.RegularExpressions.Regex.Match(name, @"^(.*) \((?:[0-9]+|all) train / (?:[0-9]+|all) test\)$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        return match.Success ? match.Groups[1].Value : name;
    }

    /// <summary>
    /// Loads <paramref name="data"/> as <c>normlab train</c> does (<see cref="DataSets.Load"/>: <see cref="Sample"/>, a
    /// full data set's name such as <c>mnist</c>, or a folder of IDX files, CIFAR-10 binary files or class folders of
    /// images, read as <paramref name="network"/>'s input takes them), keeping at most <paramref name="limitTrain"/> train
    /// and <paramref name="limitTest"/> test images, evenly spaced, with the full set's normalization.
    /// </summary>
    public static DataSplit Load(string data, int? limitTrain = null, int? limitTest = null, NetworkModel? network = null)
    {
        if (limitTrain is < 1 || limitTest is < 1)
            throw new ArgumentOutOfRangeException(nameof(limitTrain), "limits must be at least 1");
        DataSplit full = DataSets.Load(data, network);
        if (limitTrain is null && limitTest is null)
            return full;
        using (full)
        {
            DataSet train = Cut(full.Train, limitTrain);
            try
            {
                return new DataSplit(train, Cut(full.Test, limitTest));
            }
            catch
            {
                train.Dispose();
                throw;
            }
        }
    }

    /// <summary>A copy of <paramref name="set"/> cut to at most <paramref name="limit"/> examples, evenly spaced.</summary>
    private static DataSet Cut(DataSet set, int? limit)
    {
        int[] all = new int[set.Count];
        for (int i = 0; i < all.Length; i++)
            all[i] = i;
        return set.Subset(set.Name, Spread(all, limit));
    }

    /// <summary>At most <paramref name="limit"/> of <paramref name="indices"/>, evenly spaced.</summary>
    private static int[] Spread(int[] indices, int? limit)
    {
        if (limit is not int n || n >= indices.Length)
            return indices;
        int[] kept = new int[n];
        for (int i = 0; i < n; i++)
            kept[i] = indices[(int)((long)i * indices.Length / n)];
        return kept;
    }
}
