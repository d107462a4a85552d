using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Runtime.Export;

/// <summary>The formats <see cref="WeightsFile.Load"/> reads.</summary>
public enum WeightsFormat
{
    /// <summary>TorchSharp's own format (<c>Module.save</c>): the <c>model.bin</c> that <c>normlab train</c> writes.</summary>
    TorchSharp,

    /// <summary>The safetensors format (<see cref="SafeTensors"/>).</summary>
    SafeTensors,
}

/// <summary>
/// Loads weights into a module with a clear error when they do not fit: a <c>model.bin</c> that <c>normlab train</c>
/// wrote (TorchSharp's format) or a safetensors file, told apart by their first bytes. The file is checked against
/// the module's state dict (names, shapes, element types) before anything is loaded, so a file of another
/// architecture names its first mismatch and leaves the module as it was.
/// </summary>
/// <remarks>
/// TorchSharp's format: the number of tensors (LEB128), then for each its name (a .NET <see cref="BinaryWriter"/>
/// string), its element type, rank and dimensions (LEB128 each) and its raw bytes. It has no magic number; a file
/// that does not parse as exactly that, to its last byte, is reported as not a weights file.
/// </remarks>
public static class WeightsFile
{
    /// <summary>The most tensors a TorchSharp weights file is read with (far above any network here).</summary>
    private const long MaxTensors = 1_000_000;

    private const int MaxRank = 16;

    /// <summary>Which format the file at <paramref name="path"/> is in (throws <see cref="WeightsException"/> when it cannot be read).</summary>
    public static WeightsFormat Detect(string path)
    {
        using var stream = Open(path);
        Span<byte> start = stackalloc byte[9];
        int read = ReadFully(stream, start);
        return SafeTensors.LooksLikeSafeTensors(start[..read]) ? WeightsFormat.SafeTensors : WeightsFormat.TorchSharp;
    }

    /// <summary>
    /// Loads the weights file <paramref name="path"/>, in either format, into <paramref name="module"/>; throws
    /// <see cref="WeightsException"/> naming <paramref name="network"/> (default: the module's name) and the first
    /// mismatch, or what is wrong with the file. Returns the format it read.
    /// </summary>
    public static WeightsFormat Load(nn.Module module, string path, string? network = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        var format = Detect(path);
        if (format == WeightsFormat.SafeTensors)
        {
            SafeTensors.Load(module, path, network);
            return format;
        }

        using var stream = Open(path);
        var entries = ReadTorchSharp(stream, path);
        var stateDict = module.state_dict();
        if (TensorEntry.FirstMismatch(entries, stateDict) is { } mismatch)
            throw new WeightsException(WeightsProblem.Mismatch, path, mismatch, network ?? module.GetName());
        var byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        Copy(stream, path, stateDict.Select(p => (p.Value, byName[p.Key].Offset, byName[p.Key].Length)));
        return format;
    }

    /// <summary>The tensors of a TorchSharp weights file, without their data (throws <see cref="WeightsException"/> when it is not one).</summary>
    public static IReadOnlyList<TensorEntry> ReadTorchSharp(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = Open(path);
        return ReadTorchSharp(stream, path);
    }

    private static IReadOnlyList<TensorEntry> ReadTorchSharp(FileStream stream, string path)
    {
        const string NotOne = "not a weights file written by normlab train or TorchSharp's Module.save";
        long length = stream.Length;
        var entries = new List<TensorEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            long count = Leb128(reader);
            if (count > MaxTensors)
                throw Malformed(path, $"{NotOne} (it would hold {count} tensors)");
            for (long i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                if (name.Length == 0 || name.Any(char.IsControl) || !names.Add(name))
                    throw Malformed(path, $"{NotOne} (tensor {i + 1} has no usable name)");
                long typeCode = Leb128(reader);
                var type = (ScalarType)typeCode;
                if (typeCode > byte.MaxValue || TensorEntry.ElementSize(type) is not int elementSize)
                    throw Malformed(path, $"{NotOne} ({Printable(name)} has the unknown element type {typeCode})");
                long rank = Leb128(reader);
                if (rank > MaxRank)
                    throw Malformed(path, $"{NotOne} ({Printable(name)} would have {rank} dimensions)");
                var shape = new long[rank];
                for (int d = 0; d < rank; d++)
                    shape[d] = Leb128(reader);
                long bytes = checked(shape.Aggregate(1L, (p, v) => checked(p * v)) * elementSize);
                long offset = stream.Position;
                if (bytes > length - offset)
                    throw Malformed(path, $"cut short: {Printable(name)} needs {bytes} bytes, {length - offset} are left");
                entries.Add(new TensorEntry(name, type, shape, offset, bytes));
                stream.Seek(bytes, SeekOrigin.Current);
            }
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or OverflowException or DecoderFallbackException)
        {
            throw Malformed(path, stream.Position >= length ? $"cut short, or {NotOne}" : NotOne);
        }

        if (stream.Position != length)
            throw Malformed(path, $"{NotOne} ({length - stream.Position} bytes follow its last tensor)");
        return entries;
    }

    /// <summary>Opens a weights file for reading; a missing file, a folder or no permission is a <see cref="WeightsException"/>.</summary>
    internal static FileStream Open(string path)
    {
        if (Directory.Exists(path))
            throw new WeightsException(WeightsProblem.Unreadable, path, "it is a folder, not a file");
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new WeightsException(WeightsProblem.Unreadable, path, "no such file", inner: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new WeightsException(WeightsProblem.Unreadable, path, e.Message, inner: e);
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns how many bytes were read.</summary>
    internal static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = stream.Read(buffer[total..]);
            if (read == 0)
                break;
            total += read;
        }

        return total;
    }

    /// <summary>
    /// Reads each target's bytes from the file and copies them into it (on its device). The file was checked before,
    /// so only an I/O error can stop this half way.
    /// </summary>
    internal static void Copy(FileStream stream, string path, IEnumerable<(Tensor Target, long Offset, long Length)> tensors)
    {
        using var noGrad = no_grad();
        foreach (var (target, offset, length) in tensors)
        {
            var buffer = new byte[length];
            stream.Position = offset;
            if (ReadFully(stream, buffer) != buffer.Length)
                throw Malformed(path, "cut short while its tensors were read");
            using var source = empty(target.shape, target.dtype, CPU);
            if (length > 0)
                source.bytes = buffer;
            target.copy_(source);
        }
    }

    private static long Leb128(BinaryReader reader)
    {
        long value = 0;
        for (int shift = 0; shift < 63; shift += 7)
        {
            byte b = reader.ReadByte();
            value |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
                return value;
        }

        throw new FormatException("LEB128 number too long");
    }

    private static string Printable(string name) => name.Length > 80 ? name[..80] + "…" : name;

    private static WeightsException Malformed(string path, string detail) => new(WeightsProblem.Malformed, path, detail);
}
