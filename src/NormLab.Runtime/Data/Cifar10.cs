using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace NormLab.Runtime.Data;

/// <summary>
/// CIFAR-10's binary format (<c>cifar-10-binary.tar.gz</c>, unpacked: <c>cifar-10-batches-bin/</c>): files of 3,073-byte
/// records, one label byte (0–9) then 3,072 pixel bytes, the 1,024 red values of the 32×32 image row by row, then the
/// green ones, then the blue ones. Train is <c>data_batch_1.bin</c> … <c>data_batch_5.bin</c> (10,000 images each), test
/// <c>test_batch.bin</c>.
/// </summary>
public static class Cifar10
{
    public const int Side = 32;
    public const int Channels = 3;
    public const int RecordSize = 1 + Channels * Side * Side;

    /// <summary>The test file's name.</summary>
    public const string TestFile = "test_batch.bin";

    /// <summary>The class names, in label order (<c>batches.meta.txt</c>).</summary>
    public static IReadOnlyList<string> ClassNames { get; } = new[] { "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck" };

    /// <summary>Whether <paramref name="folder"/> (or its <c>cifar-10-batches-bin</c> subfolder) holds CIFAR-10 binary files.</summary>
    public static bool IsCifarFolder(string folder) => Resolve(folder) is not null;

    /// <summary>
    /// Reads one file: channel-major pixels (3 planes of 32×32 per image) and labels. Throws
    /// <see cref="DataSetException"/> naming the file for a size that is not whole records, no record, or a label above 9.
    /// </summary>
    public static (byte[] Pixels, byte[] Labels) Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataSetException(path, e.Message);
        }

        if (bytes.Length == 0 || bytes.Length % RecordSize != 0)
            throw new DataSetException(path, string.Create(CultureInfo.InvariantCulture,
                $"is {bytes.Length:N0} bytes, not a whole number of CIFAR-10 records of {RecordSize:N0} bytes (1 label byte + 3×32×32 pixels); is it truncated, or another format?"));
        int count = bytes.Length / RecordSize;
        byte[] labels = new byte[count];
        byte[] pixels = new byte[count * (RecordSize - 1)];
        for (int i = 0; i < count; i++)
        {
            byte label = bytes[i * RecordSize];
            if (label >= 10)
                throw new DataSetException(path, string.Create(CultureInfo.InvariantCulture, $"record {i} has label {label}; CIFAR-10 labels are 0 to 9"));
            labels[i] = label;
            Buffer.BlockCopy(bytes, i * RecordSize + 1, pixels, i * (RecordSize - 1), RecordSize - 1);
        }
        return (pixels, labels);
    }

    /// <summary>
    /// Loads a CIFAR-10 folder: every <c>data_batch_N.bin</c> (in order of N) as train, <c>test_batch.bin</c> as test, each
    /// colour channel normalized with the mean and standard deviation of the train images.
    /// </summary>
    public static DataSplit Load(string folder)
    {
        string root = Resolve(folder) ?? throw new DataSetException(folder,
            $"holds no CIFAR-10 binary files: expected data_batch_1.bin … data_batch_5.bin and {TestFile} (here or in cifar-10-batches-bin/)");
        string[] trainFiles = TrainFiles(root);
        string testPath = Path.Combine(root, TestFile);
        if (trainFiles.Length == 0)
            throw new DataSetException(root, "has no data_batch_N.bin train file");
        if (!File.Exists(testPath))
            throw new DataSetException(root, $"has no {TestFile}");

        var trainPixels = new MemoryStream();
        var trainLabels = new MemoryStream();
        foreach (string file in trainFiles)
        {
            var (pixels, labels) = Read(file);
            trainPixels.Write(pixels);
            trainLabels.Write(labels);
        }
        var (testPixels, testLabels) = Read(testPath);
        byte[] train = trainPixels.ToArray();
        Normalization[] norms = Normalization.PerChannel(train, Channels, Side * Side);
        DataSet trainSet = DataSet.FromBytes("cifar-10/train", train, Channels, Side, Side, trainLabels.ToArray(), norms);
        try
        {
            return new DataSplit(trainSet, DataSet.FromBytes("cifar-10/test", testPixels, Channels, Side, Side, testLabels, norms));
        }
        catch
        {
            trainSet.Dispose();
            throw;
        }
    }

    private static string? Resolve(string folder)
    {
        foreach (string candidate in new[] { folder, Path.Combine(folder, "cifar-10-batches-bin") })
        {
            if (Directory.Exists(candidate) && (File.Exists(Path.Combine(candidate, TestFile)) || TrainFiles(candidate).Length > 0))
                return candidate;
        }
        return null;
    }

    private static string[] TrainFiles(string folder) =>
        Directory.GetFiles(folder, "data_batch_*.bin")
            .Select(f => (Path: f, Number: int.TryParse(Path.GetFileNameWithoutExtension(f)["data_batch_".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : -1))
            .Where(f => f.Number >= 0)
            .OrderBy(f => f.Number)
            .Select(f => f.Path)
            .ToArray();
}
