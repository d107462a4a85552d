using System;
using System.IO;
using System.Linq;
using NormLab.Runtime.Data;
using NormLab.Runtime.Training;
using SkiaSharp;
using Xunit;

namespace NormLab.Runtime.Tests.Data;

/// <summary>CIFAR-10's binary files and image folders, written here in the real formats, good and bad.</summary>
public sealed class ColourDataTests
{
    /// <summary>A CIFAR-10 record: the label, then red, green and blue planes; pixel values spell the image and channel.</summary>
    private static byte[] Record(int label, int image)
    {
        byte[] record = new byte[Cifar10.RecordSize];
        record[0] = (byte)label;
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < 1024; i++)
                record[1 + c * 1024 + i] = (byte)(c * 80 + (image + i) % 64);
        return record;
    }

    private static void WriteCifar(string folder, int trainPerFile = 4, int test = 3)
    {
        Directory.CreateDirectory(folder);
        for (int file = 0; file < 2; file++)
        {
            int first = file * trainPerFile;
            File.WriteAllBytes(Path.Combine(folder, $"data_batch_{file + 1}.bin"),
                Enumerable.Range(first, trainPerFile).SelectMany(i => Record(i % 10, i)).ToArray());
        }
        File.WriteAllBytes(Path.Combine(folder, Cifar10.TestFile), Enumerable.Range(0, test).SelectMany(i => Record(9 - i, 100 + i)).ToArray());
    }

    [Fact]
    public void Cifar10_records_become_rgb_images_with_per_channel_normalization()
    {
        using var folder = new TempFolder();
        string root = Path.Combine(folder.Path, "cifar-10-batches-bin");
        WriteCifar(root);

        using var split = DataSets.Open(folder.Path);

        Assert.Equal((3, 32, 32), (split.Train.Channels, split.Train.Height, split.Train.Width));
        Assert.Equal(8, split.Train.Count);
        Assert.Equal(3, split.Test.Count);
        Assert.Equal(new[] { 9, 8, 7 }, Enumerable.Range(0, 3).Select(split.Test.LabelAt));
        Assert.Equal(new long[] { 8, 3, 32, 32 }, split.Train.Images.shape);
        Assert.Equal(3, split.Train.ChannelNormalizations.Count);
        // channel c holds c*80 + (0..63): the means differ by 80/255 from channel to channel
        var means = split.Train.ChannelNormalizations.Select(n => n.Mean).ToArray();
        Assert.Equal(80 / 255.0, means[1] - means[0], 6);
        Assert.Equal(80 / 255.0, means[2] - means[1], 6);
        // the normalized blue plane of the first test image, undone, is the bytes written
        var norm = split.Test.ChannelNormalizations[2];
        float[] blue = split.Test.Images[0, 2].flatten().data<float>().ToArray();
        Assert.Equal(Record(9, 100).Skip(1 + 2048).Take(1024).Select(b => (int)b), blue.Select(v => (int)Math.Round((v * norm.Std + norm.Mean) * 255)));
        Assert.Equal("cifar-10", split.Train.Name.Split('/')[0]);
    }

    [Fact]
    public void Bad_cifar10_files_are_named_with_what_is_wrong()
    {
        using var folder = new TempFolder();
        WriteCifar(folder.Path);
        File.WriteAllBytes(folder["data_batch_2.bin"], new byte[Cifar10.RecordSize * 2 + 100]);
        var error = Assert.Throws<DataSetException>(() => DataSets.Open(folder.Path));
        Assert.Equal($"{folder["data_batch_2.bin"]}: is 6,246 bytes, not a whole number of CIFAR-10 records of 3,073 bytes (1 label byte + 3×32×32 pixels); is it truncated, or another format?", error.Message);

        File.WriteAllBytes(folder["data_batch_2.bin"], Record(3, 0).Concat(Record(10, 1)).ToArray());
        error = Assert.Throws<DataSetException>(() => DataSets.Open(folder.Path));
        Assert.EndsWith("data_batch_2.bin: record 1 has label 10; CIFAR-10 labels are 0 to 9", error.Message);

        File.Delete(folder[Cifar10.TestFile]);
        File.WriteAllBytes(folder["data_batch_2.bin"], Record(3, 0));
        error = Assert.Throws<DataSetException>(() => DataSets.Open(folder.Path));
        Assert.EndsWith("has no test_batch.bin", error.Message);
    }

    [Fact]
    public void A_grayscale_network_refuses_colour_data_and_says_the_shapes()
    {
        using var folder = new TempFolder();
        WriteCifar(folder.Path);
        using var split = DataSets.Open(folder.Path);
        var network = Building.NetworkBuilder.Check("network G(input: 1x28x28, classes: 10) { flatten > linear(classes) }", "g.normlab", "G");
        var error = Assert.Throws<TrainingException>(() => Trainer.CheckFits(network, split.Train));
        Assert.Equal("network 'G' takes 1x28x28 input but cifar-10 has 3x32x32 images", error.Message);
        var colour = Building.NetworkBuilder.Check("network C(input: 3x32x32, classes: 10) { conv3x3(4) > relu > gap > linear(classes) }", "c.normlab", "C");
        Trainer.CheckFits(colour, split.Train);
    }

    private static void WriteImage(string path, int width, int height, SKColor colour, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, x == 0 && y == 0 ? SKColors.White : colour);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    private static void WriteImageFolder(string root, int width = 12, int height = 10)
    {
        WriteImage(Path.Combine(root, "train", "red", "a.png"), width, height, new SKColor(200, 10, 20));
        WriteImage(Path.Combine(root, "train", "red", "b.png"), width, height, new SKColor(220, 30, 40));
        WriteImage(Path.Combine(root, "train", "blue", "a.png"), width, height, new SKColor(10, 20, 230));
        WriteImage(Path.Combine(root, "train", "blue", "b.jpg"), width, height, new SKColor(0, 0, 200), SKEncodedImageFormat.Jpeg);
        File.WriteAllText(Path.Combine(root, "train", "blue", "notes.txt"), "not an image: skipped by its extension");
        WriteImage(Path.Combine(root, "test", "red", "c.png"), width, height, new SKColor(210, 0, 0));
        WriteImage(Path.Combine(root, "test", "blue", "c.PNG"), width, height, new SKColor(0, 0, 210));
    }

    [Fact]
    public void An_image_folder_gives_one_class_per_subfolder_in_rgb_or_grayscale()
    {
        using var folder = new TempFolder();
        WriteImageFolder(folder.Path);

        using var rgb = DataSets.Open(folder.Path, channels: 3);
        Assert.Equal((3, 10, 12, 2), (rgb.Train.Channels, rgb.Train.Height, rgb.Train.Width, rgb.Train.ClassCount));
        Assert.Equal(4, rgb.Train.Count);
        Assert.Equal(new[] { 0, 0, 1, 1 }, Enumerable.Range(0, 4).Select(rgb.Train.LabelAt)); // blue < red, ordinally
        Assert.Equal(new[] { 0, 1 }, Enumerable.Range(0, 2).Select(rgb.Test.LabelAt));
        Assert.Equal(new[] { "blue", "red" }, ImageFolder.ClassNames(folder.Path));
        // the red test image's red plane, undone: 255 at the white corner, 210 elsewhere
        var red = rgb.Test.ChannelNormalizations[0];
        float[] plane = rgb.Test.Images[1, 0].flatten().data<float>().ToArray();
        int[] bytes = plane.Select(v => (int)Math.Round((v * red.Std + red.Mean) * 255)).ToArray();
        Assert.Equal(255, bytes[0]);
        Assert.All(bytes.Skip(1), b => Assert.Equal(210, b));

        using var gray = DataSets.Open(folder.Path, channels: 1);
        Assert.Equal(1, gray.Train.Channels);
        var g = gray.Test.Normalization;
        float[] luminance = gray.Test.Images[1, 0].flatten().data<float>().ToArray();
        Assert.Equal((int)Math.Round(0.299 * 210), (int)Math.Round((luminance[5] * g.Std + g.Mean) * 255));
    }

    [Fact]
    public void Images_of_another_size_are_refused_with_both_sizes()
    {
        using var folder = new TempFolder();
        WriteImageFolder(folder.Path);
        WriteImage(Path.Combine(folder.Path, "train", "red", "z.png"), 16, 16, SKColors.Red);
        var error = Assert.Throws<DataSetException>(() => DataSets.Open(folder.Path, channels: 3));
        Assert.EndsWith("z.png: is 16×16 pixels but " + Path.Combine(folder.Path, "train", "blue", "a.png") + " is 10×12; every image of a folder must have one size", error.Message);

        File.Delete(Path.Combine(folder.Path, "train", "red", "z.png"));
        error = Assert.Throws<DataSetException>(() => DataSets.Open(folder.Path, channels: 3, size: (32, 32)));
        Assert.EndsWith("a.png: is 10×12 pixels but the network takes 32×32 images; resize the images (every one must be 32×32)", error.Message);
    }

    [Fact]
    public void Broken_images_and_folders_are_named()
    {
        using var folder = new TempFolder();
        WriteImageFolder(folder.Path);
        string broken = Path.Combine(folder.Path, "train", "red", "broken.png");
        File.WriteAllText(broken, "not a PNG at all");
        var error = Assert.Throws<DataSetException>(() => DataSets.Open(folder.Path, channels: 3));
        Assert.Equal(broken + ": is not a PNG or JPEG image that can be decoded", error.Message);

        byte[] png = File.ReadAllBytes(Path.Combine(folder.Path, "train", "red", "a.png"));
        File.WriteAllBytes(broken, png.Take(png.Length / 2).ToArray());
        error = Assert.Throws<DataSetException>(() => DataSets.Open(folder.Path, channels: 3));
        Assert.StartsWith(broken + ": ", error.Message);

        File.Delete(broken);
        WriteImage(Path.Combine(folder.Path, "test", "green", "x.png"), 12, 10, SKColors.Green);
        error = Assert.Throws<DataSetException>(() => DataSets.Open(folder.Path, channels: 3));
        Assert.EndsWith("green: is a class the train folder does not have (its classes: blue, red)", error.Message);

        using var empty = new TempFolder();
        error = Assert.Throws<DataSetException>(() => DataSets.Open(empty.Path));
        Assert.Contains("is not a data folder", error.Message);
    }
}
