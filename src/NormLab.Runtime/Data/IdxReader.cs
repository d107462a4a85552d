using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace NormLab.Runtime.Data;

/// <summary>Images read from an IDX file: <see cref="Count"/> images of <see cref="Rows"/> × <see cref="Columns"/> bytes, row-major.</summary>
public sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels)
{
    public int PixelsPerImage => Rows * Columns;
}

/// <summary>
/// Reads IDX files of unsigned bytes (the format of MNIST, Fashion-MNIST and KMNIST): images (magic
/// <c>0x00000803</c>, dimensions count × rows × columns) and labels (magic <c>0x00000801</c>, dimension count).
/// A file may be raw or gzip-compressed; compression is detected by the gzip magic bytes (<c>1F 8B</c>), not by
/// the name. Every problem (wrong magic number, truncated header or data, trailing bytes, corrupt gzip data,
/// image and label counts that disagree) is a <see cref="DataSetException"/> naming the file.
/// </summary>
public static class IdxReader
{
    public const uint ImagesMagic = 0x00000803;
    public const uint LabelsMagic = 0x00000801;

    /// <summary>Largest accepted image side; a larger value means a corrupt header rather than a real image.</summary>
    public const int MaxSide = 4096;

    public static IdxImages ReadImages(string path)
    {
        using Stream stream = OpenFile(path);
        return ReadImages(stream, path);
    }

    public static byte[] ReadLabels(string path)
    {
        using Stream stream = OpenFile(path);
        return ReadLabels(stream, path);
    }

    /// <summary>Reads an images file from <paramref name="stream"/>; <paramref name="name"/> is used in error messages.</summary>
    public static IdxImages ReadImages(Stream stream, string name)
    {
        using Stream body = Decompressing(stream, name);
        byte[] header = ReadHeader(body, name, 16, ImagesMagic, "images");
        int count = Dimension(header, 4, name, "image count");
        int rows = Dimension(header, 8, name, "row count");
        int columns = Dimension(header, 12, name, "column count");
        if (count == 0)
            throw new DataSetException(name, "the header declares 0 images");
        if (rows == 0 || columns == 0 || rows > MaxSide || columns > MaxSide)
            throw new DataSetException(name, $"the header declares images of {rows}×{columns} pixels; expected sides between 1 and {MaxSide}");
        long length = (long)count * rows * columns;
        if (length > Array.MaxLength)
            throw new DataSetException(name, $"the header declares {count} images of {rows}×{columns} pixels ({length} bytes), more than this reader can hold");
        byte[] pixels = ReadBody(body, name, (int)length, $"pixel data ({count} images of {rows}×{columns})");
        return new IdxImages(count, rows, columns, pixels);
    }

    /// <summary>Reads a labels file from <paramref name="stream"/>; <paramref name="name"/> is used in error messages.</summary>
    public static byte[] ReadLabels(Stream stream, string name)
    {
        using Stream body = Decompressing(stream, name);
        byte[] header = ReadHeader(body, name, 8, LabelsMagic, "labels");
        int count = Dimension(header, 4, name, "label count");
        if (count == 0)
            throw new DataSetException(name, "the header declares 0 labels");
        return ReadBody(body, name, count, $"label data ({count} labels)");
    }

    /// <summary>Reads an images file and its labels file, and checks that their counts agree.</summary>
    public static (IdxImages Images, byte[] Labels) ReadPair(string imagesPath, string labelsPath)
    {
        IdxImages images = ReadImages(imagesPath);
        byte[] labels = ReadLabels(labelsPath);
        CheckCounts(images, imagesPath, labels, labelsPath);
        return (images, labels);
    }

    internal static void CheckCounts(IdxImages images, string imagesName, byte[] labels, string labelsName)
    {
        if (images.Count != labels.Length)
            throw new DataSetException(imagesName,
                $"has {images.Count} images but {labelsName} has {labels.Length} labels; the counts must agree");
    }

    private static Stream OpenFile(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataSetException(path, "file not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataSetException(path, $"cannot open: {e.Message}", e);
        }
    }

    /// <summary>The stream's content, decompressed when it starts with the gzip magic bytes.</summary>
    private static Stream Decompressing(Stream stream, string name)
    {
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            Guard(name, () => stream.CopyTo(copy));
            copy.Position = 0;
            stream = copy;
        }
        long start = stream.Position;
        int got = ReadAtMost(stream, name, 2, out byte[] prefix);
        stream.Position = start;
        if (got == 2 && prefix[0] == 0x1F && prefix[1] == 0x8B)
            return new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
        return new NonClosing(stream);
    }

    private static byte[] ReadHeader(Stream body, string name, int size, uint magic, string kind)
    {
        int got = ReadAtMost(body, name, size, out byte[] header);
        if (got == 0)
            throw new DataSetException(name, "the file is empty");
        if (header[0] != 0 || (got >= 2 && header[1] != 0))
            throw new DataSetException(name, NotIdx(name, header, got));
        if (got >= 4)
            CheckMagic(header, name, magic, kind);
        if (got < size)
            throw new DataSetException(name, $"truncated header: {got} bytes, an IDX {kind} header has {size}");
        return header;
    }

    private static string NotIdx(string name, byte[] header, int got) =>
        $"not an IDX file: it starts with {Hex(header, Math.Min(got, 4))}" +
        (name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? " and is not gzip-compressed despite its .gz name" : "") +
        "; an IDX file starts with 00 00 08 and its number of dimensions";

    private static void CheckMagic(byte[] header, string name, uint expected, string kind)
    {
        uint magic = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (magic == expected)
            return;
        string what = magic switch
        {
            ImagesMagic => " (an IDX images file)",
            LabelsMagic => " (an IDX labels file)",
            _ when header[2] != 0x08 => $" (element type 0x{header[2]:X2}; only unsigned bytes, 0x08, are supported)",
            _ => $" ({header[3]} dimensions)",
        };
        throw new DataSetException(name, $"wrong magic number 0x{magic:X8}{what}; expected 0x{expected:X8} for an IDX {kind} file");
    }

    private static int Dimension(byte[] header, int offset, string name, string what)
    {
        uint value = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(offset));
        if (value > int.MaxValue)
            throw new DataSetException(name, $"the header's {what} {value} is too large");
        return (int)value;
    }

    private static byte[] ReadBody(Stream body, string name, int length, string what)
    {
        // Grow the buffer with what actually arrives, so a header that lies about its size cannot make the
        // reader allocate gigabytes before it finds out the file is short.
        byte[] data = new byte[Math.Min(length, 1 << 24)];
        int got = Guard(name, () =>
        {
            int total = 0;
            while (total < length)
            {
                if (total == data.Length)
                    Array.Resize(ref data, (int)Math.Min(length, 2L * data.Length));
                int n = body.Read(data, total, data.Length - total);
                if (n == 0)
                    break;
                total += n;
            }
            return total;
        });
        if (got < length)
            throw new DataSetException(name, $"truncated {what}: the header promises {length} bytes, the file has {got}");
        long extra = Guard(name, () =>
        {
            byte[] scratch = new byte[1 << 16];
            long total = 0;
            int n;
            while ((n = body.Read(scratch, 0, scratch.Length)) > 0)
                total += n;
            return total;
        });
        if (extra > 0)
            throw new DataSetException(name, $"{extra} unexpected bytes after the {what} that the header describes");
        return data;
    }

    private static int ReadAtMost(Stream stream, string name, int count, out byte[] buffer)
    {
        byte[] b = new byte[count];
        buffer = b;
        return Guard(name, () => ReadAtMost(stream, count, b));
    }

    private static int ReadAtMost(Stream stream, int count, byte[] buffer)
    {
        int total = 0;
        while (total < count)
        {
            int n = stream.Read(buffer, total, count - total);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }

    private static T Guard<T>(string name, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidDataException e)
        {
            throw new DataSetException(name, $"corrupt gzip data: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataSetException(name, $"cannot read: {e.Message}", e);
        }
    }

    private static void Guard(string name, Action read) => Guard(name, () => { read(); return 0; });

    private static string Hex(byte[] bytes, int count) =>
        BitConverter.ToString(bytes, 0, count).Replace('-', ' ');

    /// <summary>Leaves the caller's stream open when the reader disposes its view of it.</summary>
    private sealed class NonClosing(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
