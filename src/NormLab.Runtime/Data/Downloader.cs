using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace NormLab.Runtime.Data;

/// <summary>A file of a remote data set and its published MD5 (lower-case hex).</summary>
public sealed record RemoteFile(string Name, string Md5);

/// <summary>Where a data set's files live and their checksums. <see cref="WithBaseUri"/> points it elsewhere (a mirror, a test server).</summary>
public sealed record DataSetSource(string Name, Uri BaseUri, IReadOnlyList<RemoteFile> Files)
{
    // Canonical mirrors and MD5 checksums as published in torchvision's torchvision/datasets/mnist.py
    // (classes MNIST, FashionMNIST and KMNIST, `mirrors` and `resources`; pytorch/vision, read at commit
    // 1ec2509e8715d5373b194b688ee0cc75262baec9). The same MD5s appear in the Fashion-MNIST and KMNIST
    // repositories' own download instructions. MNIST's original host (yann.lecun.com) is left out: it now
    // often refuses anonymous downloads; the ossci S3 bucket is the mirror torchvision tries.

    public static DataSetSource Mnist { get; } = new("MNIST", new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"), new[]
    {
        new RemoteFile("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        new RemoteFile("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        new RemoteFile("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        new RemoteFile("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    });

    public static DataSetSource FashionMnist { get; } = new("Fashion-MNIST", new Uri("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"), new[]
    {
        new RemoteFile("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        new RemoteFile("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        new RemoteFile("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        new RemoteFile("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    });

    public static DataSetSource Kmnist { get; } = new("KMNIST", new Uri("http://codh.rois.ac.jp/kmnist/dataset/kmnist/"), new[]
    {
        new RemoteFile("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
        new RemoteFile("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
        new RemoteFile("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
        new RemoteFile("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134"),
    });

    /// <summary>MNIST, Fashion-MNIST and KMNIST.</summary>
    public static IReadOnlyList<DataSetSource> Known { get; } = new[] { Mnist, FashionMnist, Kmnist };

    /// <summary>A known source by name, ignoring case and punctuation: <c>mnist</c>, <c>fashion-mnist</c>, <c>kmnist</c>.</summary>
    public static DataSetSource? Find(string name)
    {
        static string Key(string s) => new string(Array.FindAll(s.ToCharArray(), char.IsLetterOrDigit)).ToLowerInvariant();
        foreach (DataSetSource source in Known)
        {
            if (Key(source.Name) == Key(name))
                return source;
        }
        return null;
    }

    /// <summary>The same files and checksums at another address (which should end with '/').</summary>
    public DataSetSource WithBaseUri(Uri baseUri) => this with { BaseUri = baseUri };

    public Uri UriOf(RemoteFile file) => new(BaseUri, file.Name);
}

/// <summary>
/// Downloads data set files: each goes to a temporary file in the destination folder, its MD5 is checked, and
/// only then is it renamed into place, so a folder never holds a partial or corrupt file under a final name.
/// Files already present with the right checksum are skipped. Every failure (HTTP status, connection, checksum,
/// cut-off transfer) is a <see cref="DataSetException"/> naming the URL or file.
/// </summary>
public sealed class Downloader : IDisposable
{
    private readonly HttpClient client;
    private readonly bool ownsClient;

    /// <param name="client">The client to use; by default one owned (and disposed) by this downloader.</param>
    public Downloader(HttpClient? client = null)
    {
        ownsClient = client is null;
        this.client = client ?? new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
    }

    /// <summary>
    /// Downloads every file of <paramref name="source"/> into <paramref name="folder"/> (created if needed) and
    /// returns the folder, ready for <see cref="DataSets.FromFolder"/>. <paramref name="progressFor"/>, given a
    /// file name, returns the progress sink for that file (for example a new progress bar), or null.
    /// </summary>
    public async Task<string> DownloadAsync(DataSetSource source, string folder,
        Func<string, IProgress<(long done, long? total)>?>? progressFor = null, CancellationToken cancellationToken = default)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataSetException(folder, $"cannot create the folder: {e.Message}", e);
        }
        foreach (RemoteFile file in source.Files)
        {
            await DownloadFileAsync(source.UriOf(file), Path.Combine(folder, file.Name), file.Md5,
                progressFor?.Invoke(file.Name), cancellationToken).ConfigureAwait(false);
        }
        return folder;
    }

    /// <summary>
    /// Downloads <paramref name="uri"/> to <paramref name="destination"/>, checking its MD5 against
    /// <paramref name="md5"/>. Returns false when the destination already held the right file (nothing downloaded).
    /// </summary>
    public async Task<bool> DownloadFileAsync(Uri uri, string destination, string md5,
        IProgress<(long done, long? total)>? progress = null, CancellationToken cancellationToken = default)
    {
        string expected = md5.ToLowerInvariant();
        if (File.Exists(destination) && await Md5OfFileAsync(destination, cancellationToken).ConfigureAwait(false) == expected)
            return false;

        string folder = Path.GetDirectoryName(Path.GetFullPath(destination))!;
        string temp = Path.Combine(folder, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.part");
        try
        {
            string actual = await FetchAsync(uri, temp, destination, progress, cancellationToken).ConfigureAwait(false);
            if (actual != expected)
                throw new DataSetException(destination,
                    $"checksum mismatch for {uri}: expected MD5 {expected}, got {actual}; the downloaded file was deleted");
            File.Move(temp, destination, overwrite: true);
            return true;
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>Streams <paramref name="uri"/> into <paramref name="temp"/> (bound for <paramref name="destination"/>) and returns the MD5 of what arrived.</summary>
    private async Task<string> FetchAsync(Uri uri, string temp, string destination, IProgress<(long done, long? total)>? progress, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new DataSetException(uri.ToString(), $"cannot connect: {Reason(e)}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DataSetException(uri.ToString(), "the server did not answer in time", e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new DataSetException(uri.ToString(), $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");

            long? total = response.Content.Headers.ContentLength;
            long done = 0;
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            progress?.Report((0, total));
            Stream body;
            try
            {
                body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                throw new DataSetException(uri.ToString(), $"the download failed before its first byte: {Reason(e)}", e);
            }
            await using (body)
            {
                FileStream output;
                try
                {
                    output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new DataSetException(destination, $"cannot create the temporary file {temp}: {e.Message}", e);
                }
                await using (output)
                {
                    byte[] buffer = new byte[1 << 16];
                    while (true)
                    {
                        int n;
                        try
                        {
                            n = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                        }
                        catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                        {
                            string of = total is long t ? $" of {t}" : "";
                            throw new DataSetException(uri.ToString(), $"the download was cut off after {done}{of} bytes: {Reason(e)}", e);
                        }
                        if (n == 0)
                            break;
                        md5.AppendData(buffer, 0, n);
                        try
                        {
                            await output.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                        }
                        catch (IOException e)
                        {
                            throw new DataSetException(destination, $"cannot write the temporary file {temp}: {e.Message}", e);
                        }
                        done += n;
                        progress?.Report((done, total));
                    }
                }
            }
            if (total is long expectedLength && done != expectedLength)
                throw new DataSetException(uri.ToString(), $"the download was cut off after {done} of {expectedLength} bytes");
            return Convert.ToHexStringLower(md5.GetHashAndReset());
        }
    }

    /// <summary>MD5 of a file, lower-case hex.</summary>
    public static async Task<string> Md5OfFileAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            return Convert.ToHexStringLower(await MD5.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataSetException(path, $"cannot read: {e.Message}", e);
        }
    }

    private static string Reason(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
                return $"{socket.SocketErrorCode} ({socket.Message})";
        }
        return e.Message;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover .part file is harmless and is never taken for the real file.
        }
    }

    public void Dispose()
    {
        if (ownsClient)
            client.Dispose();
    }
}
