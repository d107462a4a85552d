using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using SkiaSharp;

namespace NormLab.Runtime.Data;

/// <summary>
/// Images in class folders, as torchvision's <c>ImageFolder</c> takes them: <c>ROOT/train/&lt;class&gt;/*.png|jpg</c> and
/// <c>ROOT/test/&lt;class&gt;/*.png|jpg</c>. Classes are the train subfolders in ordinal order of their names (label 0 is the
/// first); the test folder may lack a class but not have one the train folder lacks. PNG and JPEG are decoded with
/// SkiaSharp, to RGB (3 channels) or to grayscale luminance (1 channel); every image must have one size, and each
/// channel is normalized with the mean and standard deviation of the train images.
/// </summary>
public static class ImageFolder
{
    /// <summary>The file extensions read (any case).</summary>
    public static IReadOnlyList<string> Extensions { get; } = new[] { ".png", ".jpg", ".jpeg" };

    /// <summary>Whether <paramref name="folder"/> has <c>train/</c> and <c>test/</c> subfolders holding class folders.</summary>
    public static bool IsImageFolder(string folder) =>
        Directory.Exists(Path.Combine(folder, "train")) && Directory.Exists(Path.Combine(folder, "test"))
        && Directory.EnumerateDirectories(Path.Combine(folder, "train")).Any();

    /// <summary>
    /// Loads the folder as <paramref name="channels"/>-channel images (1 or 3). With <paramref name="size"/>, every image
    /// must be that height × width (the network's input); without, the size of the first image. Errors name the file
    /// and say the sizes.
    /// </summary>
    public static DataSplit Load(string folder, int channels = 3, (int Height, int Width)? size = null)
    {
        if (channels is not (1 or 3))
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "images are read as 1 (grayscale) or 3 (RGB) channels");
        string trainRoot = Path.Combine(folder, "train"), testRoot = Path.Combine(folder, "test");
        if (!Directory.Exists(trainRoot) || !Directory.Exists(testRoot))
            throw new DataSetException(folder, "an image folder holds train/<class>/ and test/<class>/ subfolders of PNG or JPEG images");
        string[] classes = Directory.GetDirectories(trainRoot).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        if (classes.Length < 2)
            throw new DataSetException(trainRoot, $"has {classes.Length} class folder{(classes.Length == 1 ? string.Empty : "s")}; a classifier needs at least 2");
        if (classes.Length > 256)
            throw new DataSetException(trainRoot, $"has {classes.Length} class folders; at most 256 are supported");
        foreach (string testClass in Directory.GetDirectories(testRoot).Select(Path.GetFileName).OfType<string>())
        {
            if (!classes.Contains(testClass, StringComparer.Ordinal))
                throw new DataSetException(Path.Combine(testRoot, testClass), $"is a class the train folder does not have (its classes: {string.Join(", ", classes)})");
        }

        var state = new SizeState(size);
        var (trainPixels, trainLabels) = ReadAll(trainRoot, classes, channels, state);
        var (testPixels, testLabels) = ReadAll(testRoot, classes, channels, state);
        if (testLabels.Length == 0)
            throw new DataSetException(testRoot, "holds no PNG or JPEG image");
        var (height, width) = state.Size!.Value;
        Normalization[] norms = Normalization.PerChannel(trainPixels, channels, height * width);
        string title = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        DataSet train = DataSet.FromBytes(title + "/train", trainPixels, channels, height, width, trainLabels, norms, classes.Length);
        try
        {
            return new DataSplit(train, DataSet.FromBytes(title + "/test", testPixels, channels, height, width, testLabels, norms, classes.Length));
        }
        catch
        {
            train.Dispose();
            throw;
        }
    }

    /// <summary>The class names of an image folder, in label order.</summary>
    public static IReadOnlyList<string> ClassNames(string folder) =>
        Directory.GetDirectories(Path.Combine(folder, "train")).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();

    private sealed class SizeState((int Height, int Width)? size)
    {
        public (int Height, int Width)? Size { get; set; } = size;
        public bool Given { get; } = size is not null;
        public string? First { get; set; }
    }

    private static (byte[] Pixels, byte[] Labels) ReadAll(string root, string[] classes, int channels, SizeState state)
    {
        var pixels = new MemoryStream();
        var labels = new List<byte>();
        for (int label = 0; label < classes.Length; label++)
        {
            string classFolder = Path.Combine(root, classes[label]);
            if (!Directory.Exists(classFolder))
                continue;
            var files = Directory.GetFiles(classFolder)
                .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal);
            foreach (string file in files)
            {
                pixels.Write(Decode(file, channels, state));
                labels.Add((byte)label);
            }
        }
        if (labels.Count == 0 && root.EndsWith("train", StringComparison.Ordinal))
            throw new DataSetException(root, "holds no PNG or JPEG image in its class folders");
        return (pixels.ToArray(), labels.ToArray());
    }

    /// <summary>One image, channel-major: the red plane, then green, then blue; or one luminance plane.</summary>
    private static byte[] Decode(string path, int channels, SizeState state)
    {
        using var bitmap = DecodeBitmap(path);
        int height = bitmap.Height, width = bitmap.Width;
        if (state.Size is not { } expected)
        {
            state.Size = (height, width);
            state.First = path;
        }
        else if (expected != (height, width))
        {
            throw new DataSetException(path, state.Given
                ? string.Create(CultureInfo.InvariantCulture, $"is {height}×{width} pixels but the network takes {expected.Height}×{expected.Width} images; resize the images (every one must be {expected.Height}×{expected.Width})")
                : string.Create(CultureInfo.InvariantCulture, $"is {height}×{width} pixels but {state.First} is {expected.Height}×{expected.Width}; every image of a folder must have one size"));
        }

        int plane = height * width;
        byte[] result = new byte[channels * plane];
        ReadOnlySpan<byte> rgba = bitmap.GetPixelSpan();
        for (int i = 0; i < plane; i++)
        {
            byte r = rgba[4 * i], g = rgba[4 * i + 1], b = rgba[4 * i + 2];
            if (channels == 3)
            {
                result[i] = r;
                result[plane + i] = g;
                result[2 * plane + i] = b;
            }
            else
            {
                result[i] = (byte)Math.Round(0.299 * r + 0.587 * g + 0.114 * b);
            }
        }
        return result;
    }

    private static SKBitmap DecodeBitmap(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var codec = SKCodec.Create(stream) ?? throw new DataSetException(path, "is not a PNG or JPEG image that can be decoded");
            var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            var bitmap = new SKBitmap(info);
            var result = codec.GetPixels(info, bitmap.GetPixels());
            if (result != SKCodecResult.Success)
            {
                bitmap.Dispose();
                throw new DataSetException(path, result == SKCodecResult.IncompleteInput ? "is a truncated image" : $"cannot be decoded ({result})");
            }
            return bitmap;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataSetException(path, e.Message);
        }
    }
}
