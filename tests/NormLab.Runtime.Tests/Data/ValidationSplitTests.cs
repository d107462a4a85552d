using System;
using System.Collections.Generic;
using System.Linq;
using NormLab.Runtime.Data;
using Xunit;
using static TorchSharp.torch;

namespace NormLab.Runtime.Tests.Data;

/// <summary>The validation set carved from the training data: stratified, seeded, disjoint from what is left to train on.</summary>
public sealed class ValidationSplitTests
{
    /// <summary>
    /// 1,000 "images" of 1×2 pixels that spell their own index (high byte, low byte), labelled 0..3 with unequal
    /// class sizes (400, 300, 200, 100), so a subset's images say which examples it holds.
    /// </summary>
    private static DataSplit Indexed(int count = 1000)
    {
        byte[] pixels = new byte[count * 2];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            pixels[2 * i] = (byte)(i / 256);
            pixels[2 * i + 1] = (byte)(i % 256);
            labels[i] = (byte)(i < 400 ? 0 : i < 700 ? 1 : i < 900 ? 2 : 3);
        }
        var norm = new Normalization(0, 1);
        return new DataSplit(
            DataSet.FromBytes("indexed/train", pixels, 1, 2, labels, norm, classCount: 4),
            DataSet.FromBytes("indexed/test", pixels.AsSpan(0, 20).ToArray(), 1, 2, labels.AsSpan(0, 10).ToArray(), norm, classCount: 4));
    }

    private static int[] IndicesOf(DataSet set)
    {
        float[] values = set.Images.data<float>().ToArray();
        return Enumerable.Range(0, set.Count).Select(i => (int)Math.Round(values[2 * i] * 255) * 256 + (int)Math.Round(values[2 * i + 1] * 255)).ToArray();
    }

    [Fact]
    public void Carving_moves_a_stratified_disjoint_share_of_the_train_set_into_validation()
    {
        using var split = Indexed();
        split.CarveValidation(100);

        var validation = split.Validation!;
        Assert.Equal(100, validation.Count);
        Assert.Equal(900, split.Train.Count);
        Assert.Equal("indexed/validation", validation.Name);
        Assert.Equal("indexed/train", split.Train.Name);
        Assert.Equal(new[] { 40, 30, 20, 10 }, validation.ClassCounts);
        Assert.Equal(new[] { 360, 270, 180, 90 }, split.Train.ClassCounts);

        int[] kept = IndicesOf(split.Train), held = IndicesOf(validation);
        Assert.Empty(kept.Intersect(held));
        Assert.Equal(Enumerable.Range(0, 1000), kept.Concat(held).Order());
        // the remaining train examples keep their order, and each label still belongs to its image
        Assert.Equal(kept.Order(), kept);
        for (int i = 0; i < held.Length; i++)
            Assert.Equal(held[i] < 400 ? 0 : held[i] < 700 ? 1 : held[i] < 900 ? 2 : 3, validation.LabelAt(i));
        Assert.Equal(10, split.Test.Count);
    }

    [Fact]
    public void The_same_seed_picks_the_same_examples_and_another_seed_others()
    {
        int[] Pick(long seed)
        {
            using var split = Indexed();
            split.CarveValidation(100, seed);
            return IndicesOf(split.Validation!);
        }

        Assert.Equal(Pick(7), Pick(7));
        Assert.NotEqual(Pick(7), Pick(8));
        Assert.Equal(Pick(StratifiedSplit.DefaultValidationSeed), Pick(StratifiedSplit.DefaultValidationSeed));
    }

    [Theory]
    [InlineData(0.1, 1000, 100)]
    [InlineData(0.25, 10, 3)]
    [InlineData(0.0001, 1000, 1)]
    [InlineData(5000, 60000, 5000)]
    [InlineData(1, 10, 1)]
    public void A_size_is_a_fraction_or_a_count(double size, int train, int expected) =>
        Assert.Equal(expected, DataSplit.ValidationCount(size, train));

    [Theory]
    [InlineData(0)]
    [InlineData(-0.5)]
    [InlineData(2.5)]
    [InlineData(double.NaN)]
    public void A_size_that_is_neither_is_refused(double size) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplit.ValidationCount(size, 100));

    [Fact]
    public void A_validation_set_as_large_as_the_train_set_or_a_second_one_is_refused()
    {
        using var split = Indexed(20);
        Assert.Throws<ArgumentOutOfRangeException>(() => split.CarveValidation(20));
        Assert.Null(split.Validation);
        Assert.Equal(20, split.Train.Count);
        split.CarveValidation(5);
        Assert.Throws<InvalidOperationException>(() => split.CarveValidation(5));
    }
}
