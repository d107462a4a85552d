using System;
using System.Collections.Generic;
using System.Linq;

namespace NormLab.Runtime.Data;

/// <summary>
/// A fixed, stratified train/test split: each class gives the test set its share of <c>testCount</c>
/// (largest-remainder rounding, so the sizes add up to <c>testCount</c>; only a class of two or more examples that
/// would otherwise fall entirely on one side is nudged to keep one on each), chosen by a seeded shuffle within the
/// class (<see cref="SplitMix64"/>, so the same on every machine). The split depends only on the labels and the
/// split seed, never on a run's seed.
/// </summary>
public static class StratifiedSplit
{
    /// <summary>The split seed of the embedded MNIST sample's split.</summary>
    public const long DefaultSeed = 20_150_101;

    /// <summary>The split seed of validation sets carved from training data (<see cref="DataSplit.CarveValidation"/>).</summary>
    public const long DefaultValidationSeed = 20_260_101;

    /// <summary>
    /// Indices of the train and test examples, each in ascending order.
    /// </summary>
    public static (int[] Train, int[] Test) Indices(ReadOnlySpan<byte> labels, int testCount, long seed = DefaultSeed)
    {
        if (testCount <= 0 || testCount >= labels.Length)
            throw new ArgumentOutOfRangeException(nameof(testCount), testCount, $"the test set must hold between 1 and {labels.Length - 1} of {labels.Length} examples");

        var byClass = new SortedDictionary<byte, List<int>>();
        for (int i = 0; i < labels.Length; i++)
        {
            if (!byClass.TryGetValue(labels[i], out List<int>? members))
                byClass[labels[i]] = members = new List<int>();
            members.Add(i);
        }

        // Quotas: floor of each class's exact share, then the remaining places to the largest remainders (ties: lower class).
        double fraction = (double)testCount / labels.Length;
        var classes = byClass.Keys.ToArray();
        int[] quota = new int[classes.Length];
        double[] remainder = new double[classes.Length];
        for (int c = 0; c < classes.Length; c++)
        {
            double exact = byClass[classes[c]].Count * fraction;
            quota[c] = (int)Math.Floor(exact);
            remainder[c] = exact - quota[c];
        }
        int left = testCount - quota.Sum();
        foreach (int c in Enumerable.Range(0, classes.Length).OrderByDescending(c => remainder[c]).ThenBy(c => c).Take(left))
            quota[c]++;
        for (int c = 0; c < classes.Length; c++)
        {
            int size = byClass[classes[c]].Count;
            if (size >= 2)
                quota[c] = Math.Clamp(quota[c], 1, size - 1);
        }

        var test = new List<int>(testCount);
        var train = new List<int>(labels.Length - testCount);
        for (int c = 0; c < classes.Length; c++)
        {
            int[] members = byClass[classes[c]].ToArray();
            SplitMix64.For(seed, classes[c]).Shuffle<int>(members);
            test.AddRange(members.AsSpan(0, quota[c]).ToArray());
            train.AddRange(members.AsSpan(quota[c]).ToArray());
        }
        test.Sort();
        train.Sort();
        return (train.ToArray(), test.ToArray());
    }
}
