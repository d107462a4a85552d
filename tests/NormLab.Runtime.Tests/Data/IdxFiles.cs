using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Linq;

namespace NormLab.Runtime.Tests.Data;

/// <summary>Writes small IDX files (raw or gzip) for the loader tests.</summary>
internal static class IdxFiles
{
    /// <summary>An IDX images file: header then <paramref name="count"/> images whose pixel i of image k is (k * 7 + i) % 256.</summary>
    public static byte[] Images(int count, int rows = 28, int columns = 28, uint magic = 0x00000803)
    {
        byte[] bytes = new byte[16 + count * rows * columns];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        for (int i = 16; i < bytes.Length; i++)
            bytes[i] = (byte)((i - 16) * 7 % 256);
        return bytes;
    }

    /// <summary>An IDX labels file whose label k is k % <paramref name="classes"/>.</summary>
    public static byte[] Labels(int count, int classes = 10, uint magic = 0x00000801)
    {
        byte[] bytes = new byte[8 + count];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        for (int i = 0; i < count; i++)
            bytes[8 + i] = (byte)(i % classes);
        return bytes;
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (var gz = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            gz.Write(bytes);
        return buffer.ToArray();
    }

    public static byte[] Take(this byte[] bytes, int count) => bytes.AsSpan(0, count).ToArray();

    /// <summary>Writes the four files of a data set folder (raw, or gzip with .gz names).</summary>
    public static void WriteFolder(string folder, int train = 30, int test = 10, bool gzip = true)
    {
        Directory.CreateDirectory(folder);
        Write(folder, "train-images-idx3-ubyte", Images(train), gzip);
        Write(folder, "train-labels-idx1-ubyte", Labels(train), gzip);
        Write(folder, "t10k-images-idx3-ubyte", Images(test), gzip);
        Write(folder, "t10k-labels-idx1-ubyte", Labels(test), gzip);
    }

    public static string Write(string folder, string name, byte[] content, bool gzip)
    {
        string path = Path.Combine(folder, gzip ? name + ".gz" : name);
        File.WriteAllBytes(path, gzip ? Gzip(content) : content);
        return path;
    }
}

/// <summary>A fresh folder under the system's temporary folder, deleted at the end of the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "normlab-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public string[] Files() => Directory.GetFiles(Path).Select(System.IO.Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray()!;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
