using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Runtime.Data;

/// <summary>
/// One batch: <see cref="Images"/> float32 [B, 1, H, W] (normalized) and <see cref="Labels"/> int64 [B].
/// The caller owns both tensors: dispose the batch (<c>using var batch = ...</c>), or move it into a dispose scope
/// (<see cref="MoveTo"/>), or let a dispose scope that was open while the batch was produced take it.
/// </summary>
public readonly record struct Batch(Tensor Images, Tensor Labels) : IDisposable
{
    public long Count => Labels.shape[0];

    /// <summary>Hands both tensors to <paramref name="scope"/>, which disposes them when it ends.</summary>
    public Batch MoveTo(DisposeScope scope)
    {
        scope.Attach(Images);
        scope.Attach(Labels);
        return this;
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}

/// <summary>
/// A labelled image set held as two tensors: <see cref="Images"/> float32 [N, C, H, W] (C = 1 grayscale, 3 colour), normalized with
/// <see cref="Normalization"/>, and <see cref="Labels"/> int64 [N]. The data set owns these two tensors and
/// disposes them in <see cref="Dispose"/>; every tensor a batch method returns is a fresh one owned by the caller.
/// </summary>
public sealed class DataSet : IDisposable
{
    private readonly byte[] labelBytes;
    private bool disposed;

    private DataSet(string name, Tensor images, Tensor labels, byte[] labelBytes, int channels, int height, int width, int classCount,
        IReadOnlyList<Normalization> normalizations)
    {
        Name = name;
        Images = images;
        Labels = labels;
        this.labelBytes = labelBytes;
        Channels = channels;
        Height = height;
        Width = width;
        ClassCount = classCount;
        ChannelNormalizations = normalizations.ToArray();
        ClassCounts = Enumerable.Range(0, classCount).Select(c => labelBytes.Count(l => l == c)).ToArray();
    }

    /// <summary>
    /// Builds a data set from raw bytes: <paramref name="pixels"/> holds <c>labels.Length</c> images of
    /// <paramref name="height"/> × <paramref name="width"/> bytes, row-major; each label is below
    /// <paramref name="classCount"/>. The tensors are created on the CPU, outside any dispose scope.
    /// </summary>
    public static DataSet FromBytes(string name, ReadOnlySpan<byte> pixels, int height, int width, ReadOnlySpan<byte> labels,
        Normalization normalization, int classCount = 10) =>
        FromBytes(name, pixels, 1, height, width, labels, new[] { normalization }, classCount);

    /// <summary>
    /// Builds a data set of <paramref name="channels"/>-channel images: <paramref name="pixels"/> holds, for each image,
    /// its channels one after the other (channel-major, as CIFAR-10 stores them), each <paramref name="height"/> ×
    /// <paramref name="width"/> bytes, row-major. Channel c is normalized with <paramref name="normalizations"/>[c].
    /// </summary>
    public static DataSet FromBytes(string name, ReadOnlySpan<byte> pixels, int channels, int height, int width, ReadOnlySpan<byte> labels,
        IReadOnlyList<Normalization> normalizations, int classCount = 10)
    {
        if (height <= 0 || width <= 0 || channels <= 0)
            throw new ArgumentOutOfRangeException(nameof(height), $"image size {channels}×{height}×{width} is not positive");
        if (normalizations.Count != channels)
            throw new ArgumentException($"{normalizations.Count} normalizations for {channels} channels", nameof(normalizations));
        if (labels.IsEmpty)
            throw new ArgumentException("a data set needs at least one example", nameof(labels));
        if (pixels.Length != (long)labels.Length * channels * height * width)
            throw new ArgumentException($"{pixels.Length} pixel bytes for {labels.Length} images of {channels}×{height}×{width}", nameof(pixels));
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classCount)
                throw new ArgumentException($"label {labels[i]} at index {i} is outside 0..{classCount - 1}", nameof(labels));
        }

        float[][] tables = normalizations.Select(n => n.Table()).ToArray();
        float[] values = new float[pixels.Length];
        int plane = height * width;
        for (int i = 0; i < pixels.Length; i++)
            values[i] = tables[i / plane % channels][pixels[i]];
        long[] targets = new long[labels.Length];
        for (int i = 0; i < labels.Length; i++)
            targets[i] = labels[i];

        using (NewDisposeScope())
        {
            Tensor images = tensor(values, new long[] { labels.Length, channels, height, width }, dtype: ScalarType.Float32);
            Tensor labelTensor = tensor(targets, new long[] { labels.Length }, dtype: ScalarType.Int64);
            images.DetachFromDisposeScope();
            labelTensor.DetachFromDisposeScope();
            return new DataSet(name, images, labelTensor, labels.ToArray(), channels, height, width, classCount, normalizations);
        }
    }

    public string Name { get; }

    /// <summary>float32 [N, 1, H, W], normalized. Owned by this data set.</summary>
    public Tensor Images { get; }

    /// <summary>int64 [N], each below <see cref="ClassCount"/>. Owned by this data set.</summary>
    public Tensor Labels { get; }

    public int Count => labelBytes.Length;

    /// <summary>1 for grayscale images, 3 for colour (RGB).</summary>
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int ClassCount { get; }

    /// <summary>The normalization of the first channel (the only one of a grayscale set).</summary>
    public Normalization Normalization => ChannelNormalizations[0];

    /// <summary>One normalization per channel.</summary>
    public IReadOnlyList<Normalization> ChannelNormalizations { get; }

    /// <summary>Examples per class, indexed by label.</summary>
    public IReadOnlyList<int> ClassCounts { get; }

    /// <summary>The label of example <paramref name="index"/>, without touching the tensor.</summary>
    public int LabelAt(int index) => labelBytes[index];

    /// <summary>
    /// A new data set of the examples at <paramref name="indices"/> (in that order), with the same image size, class
    /// count and normalization; it owns fresh copies of the tensors, so disposing this set does not affect it.
    /// </summary>
    public DataSet Subset(string name, ReadOnlySpan<int> indices)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (indices.IsEmpty)
            throw new ArgumentException("a subset needs at least one example", nameof(indices));
        long[] index = new long[indices.Length];
        byte[] labels = new byte[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"index outside 0..{Count - 1}");
            index[i] = indices[i];
            labels[i] = labelBytes[indices[i]];
        }

        using (NewDisposeScope())
        {
            using Tensor indexTensor = tensor(index, dtype: ScalarType.Int64);
            Tensor images = Images.index_select(0, indexTensor);
            Tensor labelTensor = Labels.index_select(0, indexTensor);
            images.DetachFromDisposeScope();
            labelTensor.DetachFromDisposeScope();
            return new DataSet(name, images, labelTensor, labels, Channels, Height, Width, ClassCount, ChannelNormalizations);
        }
    }

    /// <summary>The labels of every example, in order (a copy).</summary>
    public byte[] LabelBytes() => (byte[])labelBytes.Clone();

    /// <summary>Number of batches per epoch.</summary>
    public int BatchCount(int batchSize, bool dropLast = false)
    {
        CheckBatchSize(batchSize);
        return dropLast ? Count / batchSize : (Count + batchSize - 1) / batchSize;
    }

    /// <summary>
    /// The order of one epoch: a permutation of 0..N-1 from <paramref name="seed"/> (the run's seed) and
    /// <paramref name="epoch"/>. The same seed and epoch give the same order on every machine.
    /// </summary>
    public int[] Permutation(long seed, int epoch = 0) => SplitMix64.For(seed, epoch).Permutation(Count);

    /// <summary>
    /// Shuffled batches for one epoch, in the order of <see cref="Permutation"/>: each batch is
    /// <c>index_select</c> of the data set's tensors, so a fresh pair of tensors owned by the caller (see
    /// <see cref="Batch"/>). Pass a different <paramref name="epoch"/> each epoch for a new order. The last batch is
    /// smaller unless <paramref name="dropLast"/>. With a <paramref name="device"/>, batches are moved there.
    /// </summary>
    public IEnumerable<Batch> Batches(long seed, int batchSize, int epoch = 0, bool dropLast = false, Device? device = null)
    {
        CheckBatchSize(batchSize);
        ObjectDisposedException.ThrowIf(disposed, this);
        return Enumerate(Permutation(seed, epoch), batchSize, dropLast, device);
    }

    /// <summary>Batches in the data set's own order (for evaluation); ownership as in <see cref="Batches"/>.</summary>
    public IEnumerable<Batch> InOrder(int batchSize, Device? device = null)
    {
        CheckBatchSize(batchSize);
        ObjectDisposedException.ThrowIf(disposed, this);
        return Enumerate(Enumerable.Range(0, Count).ToArray(), batchSize, dropLast: false, device);
    }

    /// <summary>The examples at <paramref name="indices"/> as one batch (for example a fixed batch for health sampling).</summary>
    public Batch Select(ReadOnlySpan<int> indices, Device? device = null)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        long[] index = new long[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"index outside 0..{Count - 1}");
            index[i] = indices[i];
        }
        return Gather(index, device);
    }

    private IEnumerable<Batch> Enumerate(int[] order, int batchSize, bool dropLast, Device? device)
    {
        for (int start = 0; start < order.Length; start += batchSize)
        {
            int size = Math.Min(batchSize, order.Length - start);
            if (size < batchSize && dropLast)
                yield break;
            ObjectDisposedException.ThrowIf(disposed, this);
            long[] index = new long[size];
            for (int i = 0; i < size; i++)
                index[i] = order[start + i];
            yield return Gather(index, device);
        }
    }

    private Batch Gather(long[] index, Device? device)
    {
        using Tensor indexTensor = tensor(index, dtype: ScalarType.Int64);
        Tensor images = Images.index_select(0, indexTensor);
        Tensor labels = Labels.index_select(0, indexTensor);
        if (device is not null && (device.type != images.device_type || (device.index >= 0 && device.index != images.device_index)))
        {
            Tensor movedImages = images.to(device);
            Tensor movedLabels = labels.to(device);
            images.Dispose();
            labels.Dispose();
            (images, labels) = (movedImages, movedLabels);
        }
        return new Batch(images, labels);
    }

    private static void CheckBatchSize(int batchSize)
    {
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "the batch size must be positive");
    }

    public void Dispose()
    {
        if (disposed)
            return;
        disposed = true;
        Images.Dispose();
        Labels.Dispose();
    }

    public override string ToString() => Channels == 1
        ? $"{Name}: {Count} images of {Height}×{Width}, {ClassCount} classes, {Normalization}"
        : $"{Name}: {Count} images of {Channels}×{Height}×{Width}, {ClassCount} classes, {string.Join("; ", ChannelNormalizations)}";
}

/// <summary>
/// A train set, a test set and, optionally, a validation set carved from the training data
/// (<see cref="CarveValidation"/>). Disposing the split disposes all of them.
/// </summary>
/// <remarks>
/// The test set is only ever reported; choices made during training (keeping the best weights, stopping early) look
/// at the validation set.
/// </remarks>
public sealed class DataSplit : IDisposable
{
    public DataSplit(DataSet train, DataSet test, DataSet? validation = null)
    {
        Train = train;
        Test = test;
        Validation = validation;
    }

    public DataSet Train { get; private set; }

    public DataSet Test { get; }

    /// <summary>Null until <see cref="CarveValidation"/> (or the constructor) gives one.</summary>
    public DataSet? Validation { get; private set; }

    /// <summary>
    /// Moves <paramref name="count"/> training examples into <see cref="Validation"/>: a stratified split of the train
    /// set (each class gives its share, chosen by a shuffle seeded with <paramref name="seed"/>; see
    /// <see cref="StratifiedSplit"/>). The split depends only on the train labels and <paramref name="seed"/>, never on
    /// a run's seed, so every run of a study validates on the same examples. The remaining examples keep their order.
    /// Throws <see cref="ArgumentOutOfRangeException"/> when the count is not between 1 and the train count minus 1,
    /// and <see cref="InvalidOperationException"/> when the split already has a validation set.
    /// </summary>
    public void CarveValidation(int count, long seed = StratifiedSplit.DefaultValidationSeed)
    {
        if (Validation is not null)
            throw new InvalidOperationException("the split already has a validation set");
        DataSet train = Train;
        if (count < 1 || count >= train.Count)
            throw new ArgumentOutOfRangeException(nameof(count), count,
                $"the validation set must hold between 1 and {train.Count - 1} of the {train.Count} training examples");
        (int[] rest, int[] validation) = StratifiedSplit.Indices(train.LabelBytes(), count, seed);
        string stem = train.Name.EndsWith("/train", StringComparison.Ordinal) ? train.Name[..^"/train".Length] : train.Name;
        DataSet validationSet = train.Subset(stem + "/validation", validation);
        try
        {
            Train = train.Subset(train.Name, rest);
        }
        catch
        {
            validationSet.Dispose();
            throw;
        }
        Validation = validationSet;
        train.Dispose();
    }

    /// <summary>
    /// The number of validation examples that <paramref name="size"/> asks for out of <paramref name="trainCount"/>: a
    /// fraction in (0, 1) (rounded to the nearest example), or a whole number of examples (1 or more).
    /// </summary>
    public static int ValidationCount(double size, int trainCount)
    {
        if (!double.IsFinite(size) || size <= 0)
            throw new ArgumentOutOfRangeException(nameof(size), size, "the validation size must be a fraction in (0, 1) or a number of examples");
        if (size < 1)
            return (int)Math.Max(1, Math.Round(size * trainCount, MidpointRounding.AwayFromZero));
        if (size != Math.Floor(size))
            throw new ArgumentOutOfRangeException(nameof(size), size, "a validation size of 1 or more is a whole number of examples");
        return (int)Math.Min(size, int.MaxValue);
    }

    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
        Validation?.Dispose();
    }
}
