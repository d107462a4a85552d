using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading.Tasks;
using NormLab.Runtime.Data;
using Xunit;

namespace NormLab.Runtime.Tests.Data;

/// <summary>The downloader against a local HTTP server: success, checksum mismatch, 404, connection refused, cut-off transfer.</summary>
public sealed class DownloaderTests : IDisposable
{
    private readonly TempFolder temp = new();
    private readonly LocalHttpServer server = new();
    private readonly Downloader downloader = new();

    public void Dispose()
    {
        downloader.Dispose();
        server.Dispose();
        temp.Dispose();
    }

    private static string Md5(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));

    /// <summary>Serves a small four-file data set and returns its source (with the served files' real MD5s).</summary>
    private DataSetSource ServeDataSet(int train = 40, int test = 20)
    {
        var content = new Dictionary<string, byte[]>
        {
            ["train-images-idx3-ubyte.gz"] = IdxFiles.Gzip(IdxFiles.Images(train)),
            ["train-labels-idx1-ubyte.gz"] = IdxFiles.Gzip(IdxFiles.Labels(train)),
            ["t10k-images-idx3-ubyte.gz"] = IdxFiles.Gzip(IdxFiles.Images(test)),
            ["t10k-labels-idx1-ubyte.gz"] = IdxFiles.Gzip(IdxFiles.Labels(test)),
        };
        foreach ((string name, byte[] bytes) in content)
            server.Files["/data/" + name] = bytes;
        return new DataSetSource("Tiny", server.BaseUri, content.Select(kv => new RemoteFile(kv.Key, Md5(kv.Value))).ToArray());
    }

    private sealed class Recorder : IProgress<(long done, long? total)>
    {
        public List<(long done, long? total)> Reports { get; } = new();
        public void Report((long done, long? total) value)
        {
            lock (Reports)
                Reports.Add(value);
        }
    }

    [Fact]
    public async Task Downloads_verifies_and_loads_a_data_set()
    {
        DataSetSource source = ServeDataSet();
        var bars = new Dictionary<string, Recorder>();

        string folder = await downloader.DownloadAsync(source, temp["tiny"], name => bars[name] = new Recorder());

        Assert.Equal(temp["tiny"], folder);
        Assert.Equal(source.Files.Select(f => f.Name).OrderBy(n => n, StringComparer.Ordinal), Directory.GetFiles(folder).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
        foreach (RemoteFile file in source.Files)
        {
            Assert.Equal(file.Md5, await Downloader.Md5OfFileAsync(Path.Combine(folder, file.Name)));
            long length = server.Files["/data/" + file.Name].Length;
            List<(long done, long? total)> reports = bars[file.Name].Reports;
            Assert.Equal((0L, (long?)length), reports[0]);
            Assert.Equal((length, (long?)length), reports[^1]);
            Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.done <= p.Second.done));
        }
        using DataSplit split = DataSets.FromFolder(folder);
        Assert.Equal((40, 20), (split.Train.Count, split.Test.Count));
    }

    [Fact]
    public async Task Files_already_present_with_the_right_checksum_are_skipped()
    {
        DataSetSource source = ServeDataSet();
        await downloader.DownloadAsync(source, temp.Path);
        int requests = server.Requests.Count;

        await downloader.DownloadAsync(source, temp.Path);
        Assert.Equal(requests, server.Requests.Count);

        // A damaged file is fetched again.
        File.WriteAllBytes(temp["t10k-labels-idx1-ubyte.gz"], new byte[] { 1, 2, 3 });
        await downloader.DownloadAsync(source, temp.Path);
        Assert.Equal(requests + 1, server.Requests.Count);
        Assert.Equal(source.Files[3].Md5, await Downloader.Md5OfFileAsync(temp["t10k-labels-idx1-ubyte.gz"]));
    }

    [Fact]
    public async Task A_checksum_mismatch_names_the_file_and_both_hashes_and_leaves_nothing()
    {
        byte[] served = IdxFiles.Gzip(IdxFiles.Labels(5));
        server.Files["/data/labels.gz"] = served;
        string wrong = new string('0', 32);
        string destination = temp["labels.gz"];

        var e = await Assert.ThrowsAsync<DataSetException>(() =>
            downloader.DownloadFileAsync(new Uri(server.BaseUri, "labels.gz"), destination, wrong));

        Assert.Equal(destination, e.Path);
        Assert.Contains($"checksum mismatch for {server.BaseUri}labels.gz: expected MD5 {wrong}, got {Md5(served)}", e.Message, StringComparison.Ordinal);
        Assert.Empty(temp.Files());
    }

    [Fact]
    public async Task The_known_sources_checksums_reject_other_content()
    {
        // MNIST's real checksums, served fake files: the first file fails, and nothing is left in the folder.
        ServeDataSet();
        DataSetSource mnist = DataSetSource.Mnist.WithBaseUri(server.BaseUri);

        var e = await Assert.ThrowsAsync<DataSetException>(() => downloader.DownloadAsync(mnist, temp.Path));

        Assert.Contains("expected MD5 f68b3c2dcbeaaa9fbdd348bbdeb94873, got ", e.Message, StringComparison.Ordinal);
        Assert.Equal(temp["train-images-idx3-ubyte.gz"], e.Path);
        Assert.Empty(temp.Files());
    }

    [Fact]
    public async Task A_404_is_an_error_naming_the_url()
    {
        Uri uri = new(server.BaseUri, "missing.gz");
        var e = await Assert.ThrowsAsync<DataSetException>(() =>
            downloader.DownloadFileAsync(uri, temp["missing.gz"], new string('0', 32)));
        Assert.Equal($"{uri}: HTTP 404 Not Found", e.Message);
        Assert.Empty(temp.Files());
    }

    [Fact]
    public async Task A_refused_connection_is_an_error_naming_the_url()
    {
        Uri uri = new($"http://127.0.0.1:{LocalHttpServer.ClosedPort()}/x.gz");
        var e = await Assert.ThrowsAsync<DataSetException>(() =>
            downloader.DownloadFileAsync(uri, temp["x.gz"], new string('0', 32)));
        Assert.StartsWith($"{uri}: cannot connect: ConnectionRefused", e.Message, StringComparison.Ordinal);
        Assert.Empty(temp.Files());
    }

    [Fact]
    public async Task A_transfer_cut_off_midway_is_an_error_and_leaves_nothing()
    {
        byte[] served = IdxFiles.Gzip(IdxFiles.Images(200));
        server.Files["/data/cut.gz"] = served;
        server.CutAfter["/data/cut.gz"] = 1000;
        Uri uri = new(server.BaseUri, "cut.gz");

        var e = await Assert.ThrowsAsync<DataSetException>(() => downloader.DownloadFileAsync(uri, temp["cut.gz"], Md5(served)));

        Assert.StartsWith($"{uri}: the download was cut off after ", e.Message, StringComparison.Ordinal);
        Assert.Contains($" of {served.Length} bytes", e.Message, StringComparison.Ordinal);
        Assert.Empty(temp.Files());
    }

    [Fact]
    public void Known_sources_are_the_canonical_mirrors_with_torchvisions_checksums()
    {
        Assert.Equal("https://ossci-datasets.s3.amazonaws.com/mnist/t10k-labels-idx1-ubyte.gz",
            DataSetSource.Mnist.UriOf(DataSetSource.Mnist.Files[3]).ToString());
        Assert.Equal("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/", DataSetSource.FashionMnist.BaseUri.ToString());
        Assert.Equal("http://codh.rois.ac.jp/kmnist/dataset/kmnist/", DataSetSource.Kmnist.BaseUri.ToString());
        foreach (DataSetSource source in DataSetSource.Known)
        {
            Assert.Equal(DataSets.FolderFiles.Select(f => f + ".gz"), source.Files.Select(f => f.Name));
            Assert.All(source.Files, f => Assert.Matches("^[0-9a-f]{32}$", f.Md5));
        }
        Assert.Equal(12, DataSetSource.Known.SelectMany(s => s.Files).Select(f => f.Md5).Distinct().Count());
        Assert.Same(DataSetSource.FashionMnist, DataSetSource.Find("fashion-mnist"));
        Assert.Same(DataSetSource.Kmnist, DataSetSource.Find("KMNIST"));
        Assert.Null(DataSetSource.Find("cifar10"));
    }

    [Fact]
    public void The_progress_bar_draws_in_place_and_stays_quiet_when_redirected()
    {
        var interactive = new StringWriter();
        var bar = new ProgressBar(interactive, "f.gz", interactive: true, width: 10);
        bar.Report((0, 1_000_000));
        bar.Report((500_000, 1_000_000));
        bar.Report((1_000_000, 1_000_000));
        Assert.Equal("\rf.gz [..........]   0% 0.0/1.0 MB\rf.gz [#####.....]  50% 0.5/1.0 MB\rf.gz [##########] 100% 1.0/1.0 MB" + Environment.NewLine,
            interactive.ToString());

        var redirected = new StringWriter();
        var quiet = new ProgressBar(redirected, "f.gz", interactive: false, width: 10);
        quiet.Report((0, 2_000_000));
        quiet.Report((1_000_000, 2_000_000));
        Assert.Equal("", redirected.ToString());
        quiet.Report((2_000_000, 2_000_000));
        Assert.Equal("f.gz [##########] 100% 2.0/2.0 MB" + Environment.NewLine, redirected.ToString());
    }
}
