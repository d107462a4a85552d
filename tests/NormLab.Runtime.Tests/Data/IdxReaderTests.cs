using System;
using System.IO;
using System.Text;
using NormLab.Runtime.Data;
using Xunit;

namespace NormLab.Runtime.Tests.Data;

/// <summary>The IDX reader: raw and gzip files, and every way a file can be wrong.</summary>
public sealed class IdxReaderTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private string WriteFile(string name, byte[] content)
    {
        string path = temp[name];
        File.WriteAllBytes(path, content);
        return path;
    }

    private static DataSetException Fails(string path, Func<string, object> read, params string[] fragments)
    {
        var e = Assert.Throws<DataSetException>(() => read(path));
        Assert.Equal(path, e.Path);
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        foreach (string fragment in fragments)
            Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        return e;
    }

    private static object Images(string path) => IdxReader.ReadImages(path);
    private static object Labels(string path) => IdxReader.ReadLabels(path);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_raw_and_gzip_images_and_labels(bool gzip)
    {
        string images = IdxFiles.Write(temp.Path, "imgs", IdxFiles.Images(5, 3, 4), gzip);
        string labels = IdxFiles.Write(temp.Path, "lbls", IdxFiles.Labels(5), gzip);

        (IdxImages read, byte[] readLabels) = IdxReader.ReadPair(images, labels);

        Assert.Equal((5, 3, 4), (read.Count, read.Rows, read.Columns));
        Assert.Equal(IdxFiles.Images(5, 3, 4)[16..], read.Pixels);
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4 }, readLabels);
    }

    [Fact]
    public void Compression_is_detected_by_content_not_by_name()
    {
        // A raw file named .gz and a gzip file without .gz both read.
        string rawNamedGz = WriteFile("raw.gz", IdxFiles.Labels(3));
        string gzipNamedRaw = WriteFile("gzip-idx1-ubyte", IdxFiles.Gzip(IdxFiles.Labels(3)));
        Assert.Equal(new byte[] { 0, 1, 2 }, IdxReader.ReadLabels(rawNamedGz));
        Assert.Equal(new byte[] { 0, 1, 2 }, IdxReader.ReadLabels(gzipNamedRaw));
    }

    [Fact]
    public void A_gz_file_that_is_neither_gzip_nor_idx_says_so()
    {
        string html = WriteFile("train-images-idx3-ubyte.gz", Encoding.ASCII.GetBytes("<!DOCTYPE html><html>Access denied</html>"));
        Fails(html, Images, "not an IDX file", "3C 21 44 4F", "not gzip-compressed despite its .gz name");
    }

    [Fact]
    public void Wrong_magic_numbers()
    {
        // A labels file given as images, and the reverse.
        Fails(WriteFile("a", IdxFiles.Labels(3)), Images, "wrong magic number 0x00000801 (an IDX labels file); expected 0x00000803");
        Fails(WriteFile("b", IdxFiles.Images(3)), Labels, "wrong magic number 0x00000803 (an IDX images file); expected 0x00000801");
        // Floats instead of bytes; bytes with the wrong number of dimensions.
        Fails(WriteFile("c", IdxFiles.Images(3, magic: 0x00000D03)), Images, "0x00000D03", "element type 0x0D", "only unsigned bytes");
        Fails(WriteFile("d", IdxFiles.Images(3, magic: 0x00000802)), Images, "0x00000802 (2 dimensions)");
    }

    [Fact]
    public void Empty_file()
    {
        Fails(WriteFile("empty", Array.Empty<byte>()), Images, "the file is empty");
        Fails(WriteFile("empty.gz", IdxFiles.Gzip(Array.Empty<byte>())), Labels, "the file is empty");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_header(bool gzip)
    {
        Fails(IdxFiles.Write(temp.Path, "images", IdxFiles.Images(3).Take(10), gzip), Images, "truncated header: 10 bytes, an IDX images header has 16");
        Fails(IdxFiles.Write(temp.Path, "labels", IdxFiles.Labels(3).Take(6), gzip), Labels, "truncated header: 6 bytes, an IDX labels header has 8");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_data(bool gzip)
    {
        byte[] images = IdxFiles.Images(3, 2, 2);
        Fails(IdxFiles.Write(temp.Path, "images", images.Take(images.Length - 1), gzip), Images,
            "truncated pixel data (3 images of 2×2): the header promises 12 bytes, the file has 11");
        Fails(IdxFiles.Write(temp.Path, "labels", IdxFiles.Labels(1000).Take(8 + 999), gzip), Labels,
            "truncated label data (1000 labels): the header promises 1000 bytes, the file has 999");
    }

    [Fact]
    public void A_header_that_promises_far_more_than_the_file_holds()
    {
        // 1,000,000 images of 28×28 declared, one present: an error, without allocating 784 MB first.
        byte[] images = IdxFiles.Images(1);
        images[5] = 0x0F; images[6] = 0x42; images[7] = 0x40; // 0x000F4240 = 1,000,000
        long before = GC.GetAllocatedBytesForCurrentThread();
        Fails(WriteFile("liar", images), Images, "truncated pixel data (1000000 images of 28×28): the header promises 784000000 bytes, the file has 784");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64L << 20, "allocated more than 64 MB");
    }

    [Fact]
    public void A_gzip_stream_cut_short_is_an_error_naming_the_file()
    {
        byte[] gzip = IdxFiles.Gzip(IdxFiles.Images(50));
        string path = WriteFile("cut.gz", gzip.Take(gzip.Length / 2));
        var e = Fails(path, Images);
        Assert.True(e.Problem.Contains("truncated pixel data", StringComparison.Ordinal) || e.Problem.Contains("gzip", StringComparison.Ordinal), e.Message);
    }

    [Fact]
    public void Corrupt_gzip_data()
    {
        byte[] gzip = IdxFiles.Gzip(IdxFiles.Images(50));
        for (int i = 10; i < 40; i++)
            gzip[i] ^= 0x5A;
        Fails(WriteFile("corrupt.gz", gzip), Images, "corrupt gzip data");
    }

    [Fact]
    public void Trailing_bytes_after_the_data()
    {
        byte[] labels = IdxFiles.Labels(4);
        Array.Resize(ref labels, labels.Length + 3);
        Fails(WriteFile("long", labels), Labels, "3 unexpected bytes after the label data (4 labels)");
    }

    [Fact]
    public void Implausible_dimensions()
    {
        Fails(WriteFile("zero", IdxFiles.Images(0)), Images, "the header declares 0 images");
        Fails(WriteFile("zerolabels", IdxFiles.Labels(0)), Labels, "the header declares 0 labels");
        Fails(WriteFile("flat", IdxFiles.Images(2, rows: 0)), Images, "images of 0×28 pixels");
        byte[] huge = IdxFiles.Images(1);
        huge[4] = 0xFF; // count 0xFF000001
        Fails(WriteFile("huge", huge), Images, "image count 4278190081 is too large");
        byte[] large = IdxFiles.Images(1);
        large[4] = 0x7F; // count 0x7F000001 × 28 × 28 bytes
        Fails(WriteFile("large", large), Images, "more than this reader can hold");
    }

    [Fact]
    public void Counts_that_disagree()
    {
        string images = IdxFiles.Write(temp.Path, "train-images-idx3-ubyte", IdxFiles.Images(5), gzip: true);
        string labels = IdxFiles.Write(temp.Path, "train-labels-idx1-ubyte", IdxFiles.Labels(4), gzip: true);
        var e = Assert.Throws<DataSetException>(() => IdxReader.ReadPair(images, labels));
        Assert.Equal($"{images}: has 5 images but {labels} has 4 labels; the counts must agree", e.Message);
    }

    [Fact]
    public void A_missing_file()
    {
        string path = temp["nowhere-idx3-ubyte"];
        Fails(path, Images, "file not found");
    }

    [Fact]
    public void Streams_are_read_with_the_given_name()
    {
        using var stream = new MemoryStream(IdxFiles.Gzip(IdxFiles.Labels(2).Take(5)));
        var e = Assert.Throws<DataSetException>(() => IdxReader.ReadLabels(stream, "resource:labels"));
        Assert.Equal("resource:labels: truncated header: 5 bytes, an IDX labels header has 8", e.Message);
    }
}
