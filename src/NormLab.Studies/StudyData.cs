using System;
using System.Globalization;
using System.IO;
using NormLab.Runtime.Data;

namespace NormLab.Studies;

/// <summary>
/// The data of a study: the embedded MNIST sample or a data set folder (<see cref="DataSets"/>), optionally cut down to
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

    /// <summary>
    /// Loads <paramref name="data"/> (<see cref="Sample"/>, a full data set's name that <see cref="DataCatalog"/>
    /// resolves and verifies, such as <c>mnist</c> or <c>fashion-mnist</c>, or a folder path), keeping at most
    /// <paramref name="limitTrain"/> train and <paramref name="limitTest"/> test images.
    /// </summary>
    public static DataSplit Load(string data, int? limitTrain = null, int? limitTest = null)
    {
        if (limitTrain is < 1 || limitTest is < 1)
            throw new ArgumentOutOfRangeException(nameof(limitTrain), "limits must be at least 1");
        if (data == Sample)
        {
            if (limitTrain is null && limitTest is null)
                return DataSets.MnistSample();
            (IdxImages images, byte[] labels) = DataSets.SampleBytes();
            (int[] train, int[] test) = StratifiedSplit.Indices(labels, DataSets.SampleTestCount, StratifiedSplit.DefaultSeed);
            return Cut(Sample, images, labels, train, images, labels, test, Normalization.Mnist, limitTrain, limitTest);
        }

        string? title = null;
        if (DataCatalog.Find(data) is { } known)
        {
            title = known.Name;
            data = DataCatalog.Resolve(known);
        }
        DataSplit full = DataSets.FromFolder(data, title: title);
        if (limitTrain is null && limitTest is null)
            return full;
        Normalization normalization;
        int classes;
        using (full)
        {
            normalization = full.Train.Normalization;
            classes = full.Train.ClassCount;
        }
        (IdxImages trainImages, byte[] trainLabels) = IdxReader.ReadPair(Find(data, DataSets.FolderFiles[0]), Find(data, DataSets.FolderFiles[1]));
        (IdxImages testImages, byte[] testLabels) = IdxReader.ReadPair(Find(data, DataSets.FolderFiles[2]), Find(data, DataSets.FolderFiles[3]));
        title ??= Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(data)));
        return Cut(title, trainImages, trainLabels, All(trainLabels.Length), testImages, testLabels, All(testLabels.Length), normalization,
            limitTrain, limitTest, classes);
    }

    private static int[] All(int count)
    {
        int[] all = new int[count];
        for (int i = 0; i < count; i++)
            all[i] = i;
        return all;
    }

    private static string Find(string folder, string name)
    {
        string raw = Path.Combine(folder, name);
        return File.Exists(raw) ? raw : raw + ".gz";
    }

    private static DataSplit Cut(string title, IdxImages trainImages, byte[] trainLabels, int[] train, IdxImages testImages, byte[] testLabels, int[] test,
        Normalization normalization, int? limitTrain, int? limitTest, int classes = 10)
    {
        DataSet trainSet = Subset(title + "/train", trainImages, trainLabels, Spread(train, limitTrain), normalization, classes);
        try
        {
            return new DataSplit(trainSet, Subset(title + "/test", testImages, testLabels, Spread(test, limitTest), normalization, classes));
        }
        catch
        {
            trainSet.Dispose();
            throw;
        }
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

    private static DataSet Subset(string name, IdxImages images, byte[] labels, int[] indices, Normalization normalization, int classes)
    {
        int size = images.PixelsPerImage;
        byte[] pixels = new byte[indices.Length * size];
        byte[] subsetLabels = new byte[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            Array.Copy(images.Pixels, indices[i] * size, pixels, i * size, size);
            subsetLabels[i] = labels[indices[i]];
        }
        return DataSet.FromBytes(name, pixels, images.Rows, images.Columns, subsetLabels, normalization, classes);
    }
}
