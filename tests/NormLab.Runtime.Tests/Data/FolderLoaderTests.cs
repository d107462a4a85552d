using System;
using System.IO;
using NormLab.Runtime.Data;
using Xunit;

namespace NormLab.Runtime.Tests.Data;

/// <summary><see cref="DataSets.FromFolder"/>: a folder of MNIST-style IDX files, and what goes wrong with one.</summary>
public sealed class FolderLoaderTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Loads_train_and_t10k_files(bool gzip)
    {
        IdxFiles.WriteFolder(temp.Path, train: 30, test: 10, gzip);

        using DataSplit split = DataSets.FromFolder(temp.Path);

        Assert.Equal(30, split.Train.Count);
        Assert.Equal(10, split.Test.Count);
        Assert.Equal(new long[] { 30, 1, 28, 28 }, split.Train.Images.shape);
        Assert.Equal(new long[] { 10 }, split.Test.Labels.shape);
        Assert.Equal(new[] { 3, 3, 3, 3, 3, 3, 3, 3, 3, 3 }, split.Train.ClassCounts);
        // Normalized with the train images' own statistics.
        Assert.Equal(split.Train.Normalization, split.Test.Normalization);
        Assert.Equal(0.0, split.Train.Images.mean().item<float>(), 4);
        Assert.Equal(1.0, split.Train.Images.std(unbiased: false).item<float>(), 3);
    }

    [Fact]
    public void A_given_normalization_is_used()
    {
        IdxFiles.WriteFolder(temp.Path);
        using DataSplit split = DataSets.FromFolder(temp.Path, Normalization.Mnist);
        Assert.Equal(Normalization.Mnist, split.Train.Normalization);
        // Pixel 0 of image 0 is 0.
        Assert.Equal((float)(-0.1307 / 0.3081), split.Train.Images[0, 0, 0, 0].item<float>(), 5);
    }

    [Fact]
    public void Missing_files_are_listed()
    {
        IdxFiles.WriteFolder(temp.Path);
        File.Delete(temp["train-labels-idx1-ubyte.gz"]);
        File.Delete(temp["t10k-images-idx3-ubyte.gz"]);

        var e = Assert.Throws<DataSetException>(() => DataSets.FromFolder(temp.Path));

        Assert.Equal(temp.Path, e.Path);
        Assert.StartsWith($"{temp.Path}: missing train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz]; a data set folder holds train-images-idx3-ubyte[.gz], ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_folder_lists_all_four()
    {
        var e = Assert.Throws<DataSetException>(() => DataSets.FromFolder(temp.Path));
        Assert.Contains("missing train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz];", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_that_does_not_exist_or_is_a_file()
    {
        string nowhere = temp["nowhere"];
        Assert.Equal($"{nowhere}: folder not found", Assert.Throws<DataSetException>(() => DataSets.FromFolder(nowhere)).Message);
        string file = temp["file"];
        File.WriteAllText(file, "x");
        Assert.Equal($"{file}: is a file, not a folder", Assert.Throws<DataSetException>(() => DataSets.FromFolder(file)).Message);
    }

    [Fact]
    public void A_bad_file_in_the_folder_is_named()
    {
        IdxFiles.WriteFolder(temp.Path);
        byte[] images = IdxFiles.Images(10);
        IdxFiles.Write(temp.Path, "t10k-images-idx3-ubyte", images.Take(images.Length - 100), gzip: true);

        var e = Assert.Throws<DataSetException>(() => DataSets.FromFolder(temp.Path));

        Assert.Equal(temp["t10k-images-idx3-ubyte.gz"], e.Path);
        Assert.Contains("truncated pixel data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_counts_that_disagree()
    {
        IdxFiles.WriteFolder(temp.Path, train: 30);
        IdxFiles.Write(temp.Path, "train-labels-idx1-ubyte", IdxFiles.Labels(29), gzip: true);
        var e = Assert.Throws<DataSetException>(() => DataSets.FromFolder(temp.Path));
        Assert.Contains("has 30 images but", e.Message, StringComparison.Ordinal);
        Assert.Contains("train-labels-idx1-ubyte.gz has 29 labels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_label_outside_the_classes()
    {
        IdxFiles.WriteFolder(temp.Path);
        byte[] labels = IdxFiles.Labels(10);
        labels[8 + 7] = 11;
        IdxFiles.Write(temp.Path, "t10k-labels-idx1-ubyte", labels, gzip: true);
        var e = Assert.Throws<DataSetException>(() => DataSets.FromFolder(temp.Path));
        Assert.Equal($"{temp["t10k-labels-idx1-ubyte.gz"]}: label 11 at index 7 is outside 0..9", e.Message);
    }

    [Fact]
    public void Train_and_test_images_of_different_sizes()
    {
        IdxFiles.WriteFolder(temp.Path);
        IdxFiles.Write(temp.Path, "t10k-images-idx3-ubyte", IdxFiles.Images(10, 32, 32), gzip: true);
        var e = Assert.Throws<DataSetException>(() => DataSets.FromFolder(temp.Path));
        Assert.Contains("images are 32×32 but those of", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_raw_file_is_preferred_when_both_are_present()
    {
        IdxFiles.WriteFolder(temp.Path, train: 30, gzip: true);
        IdxFiles.Write(temp.Path, "train-images-idx3-ubyte", IdxFiles.Images(20), gzip: false);
        IdxFiles.Write(temp.Path, "train-labels-idx1-ubyte", IdxFiles.Labels(20), gzip: false);
        using DataSplit split = DataSets.FromFolder(temp.Path);
        Assert.Equal(20, split.Train.Count);
    }
}
