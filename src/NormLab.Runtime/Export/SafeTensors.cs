using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using NormLab.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Runtime.Export;

/// <summary>The header of a safetensors file: its metadata and its tensors, in the order of their data.</summary>
public sealed record SafeTensorsFile(IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<TensorEntry> Tensors);

/// <summary>
/// A module's state dict (parameters and buffers, batch norm's running statistics included, under their state-dict
/// names) in the safetensors format, which PyTorch, Hugging Face's tools and TorchSharp.PyBridge read: 8 bytes, the
/// little-endian length of a JSON header; the header (each tensor's <c>dtype</c>, <c>shape</c> and
/// <c>data_offsets</c>, and a <c>__metadata__</c> object of strings), padded with spaces to a multiple of 8 bytes;
/// then the tensors' raw little-endian bytes, back to back, in the state dict's order.
/// </summary>
public static class SafeTensors
{
    /// <summary>The metadata key of the NormLab version that wrote the file.</summary>
    public const string VersionKey = "normlab.version";

    /// <summary>The metadata key of the network's name.</summary>
    public const string NetworkKey = "normlab.network";

    /// <summary>The metadata key of the SHA-256 of the network's source file (<see cref="SourceHash"/>), as the ONNX export names it.</summary>
    public const string SourceHashKey = "normlab.source_hash";

    /// <summary>The largest header a reader accepts (the reference implementation's limit).</summary>
    public const int MaxHeaderBytes = 100_000_000;

    private const string MetadataName = "__metadata__";

    private static readonly Dictionary<string, ScalarType> TypesByName = new(StringComparer.Ordinal)
    {
        ["F64"] = ScalarType.Float64,
        ["F32"] = ScalarType.Float32,
        ["F16"] = ScalarType.Float16,
        ["BF16"] = ScalarType.BFloat16,
        ["I64"] = ScalarType.Int64,
        ["I32"] = ScalarType.Int32,
        ["I16"] = ScalarType.Int16,
        ["I8"] = ScalarType.Int8,
        ["U8"] = ScalarType.Byte,
        ["BOOL"] = ScalarType.Bool,
    };

    /// <summary>
    /// The metadata NormLab writes: <c>format</c> <c>pt</c> (what PyTorch's loaders expect), the NormLab version, the
    /// network's name and, when known, the SHA-256 of its source.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Metadata(string network, string? sourceHash)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = "pt",
            [VersionKey] = NormLabVersion.Value,
            [NetworkKey] = network,
        };
        if (sourceHash is not null)
            metadata[SourceHashKey] = sourceHash;
        return metadata;
    }

    /// <summary>
    /// Writes <paramref name="module"/>'s state dict to <paramref name="path"/> atomically (readers see the old file
    /// or the whole new one; a failure leaves no partial file), with <paramref name="metadata"/> as <c>__metadata__</c>.
    /// </summary>
    public static void Save(nn.Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        if (!BitConverter.IsLittleEndian)
            throw new NotSupportedException("safetensors files are little-endian; writing them on a big-endian machine is not supported");

        var stateDict = module.state_dict();
        var names = new List<string>(stateDict.Count);
        var tensors = new List<Tensor>(stateDict.Count);
        try
        {
            foreach (var (name, tensor) in stateDict)
            {
                if (TypeName(tensor.dtype) is null)
                    throw new NotSupportedException($"{name} is {TensorEntry.FormatType(tensor.dtype)}, which safetensors files here do not hold");
                names.Add(name);
                tensors.Add(tensor.detach().cpu().contiguous());
            }

            byte[] header = Header(names, tensors, metadata);
            AtomicFile.Write(path, temp =>
            {
                using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                stream.Write(length);
                stream.Write(header);
                foreach (var tensor in tensors)
                    stream.Write(tensor.bytes);
                stream.Flush(flushToDisk: true);
            });
        }
        finally
        {
            foreach (var tensor in tensors)
                tensor.Dispose();
        }
    }

    /// <summary>
    /// Loads the safetensors file <paramref name="path"/> into <paramref name="module"/>: every tensor of its state
    /// dict must be in the file with the same shape and type, and the file must hold no other. Throws
    /// <see cref="WeightsException"/> (one line naming the first mismatch, or what is wrong with the file) before
    /// anything is loaded. Returns the file's metadata.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Load(nn.Module module, string path, string? network = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        using var stream = WeightsFile.Open(path);
        var file = ReadHeader(stream, path, out long dataStart);
        var stateDict = module.state_dict();
        if (TensorEntry.FirstMismatch(file.Tensors, stateDict) is { } mismatch)
            throw new WeightsException(WeightsProblem.Mismatch, path, mismatch, network ?? module.GetName());

        var byName = file.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        WeightsFile.Copy(stream, path, stateDict.Select(p => (p.Value, byName[p.Key].Offset + dataStart, byName[p.Key].Length)));
        return file.Metadata;
    }

    /// <summary>Reads the header of the safetensors file <paramref name="path"/> (throws <see cref="WeightsException"/> when it is not one).</summary>
    public static SafeTensorsFile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = WeightsFile.Open(path);
        return ReadHeader(stream, path, out _);
    }

    /// <summary>Whether the first bytes of a file look like a safetensors header (a length, then <c>{</c>).</summary>
    internal static bool LooksLikeSafeTensors(ReadOnlySpan<byte> start) =>
        start.Length >= 9 && start[8] == (byte)'{' && BinaryPrimitives.ReadUInt64LittleEndian(start) is > 1 and <= MaxHeaderBytes;

    private static string? TypeName(ScalarType type) =>
        TypesByName.FirstOrDefault(p => p.Value == type).Key;

    private static byte[] Header(IReadOnlyList<string> names, IReadOnlyList<Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataName);
                foreach (var (key, value) in metadata)
                    json.WriteString(key, value);
                json.WriteEndObject();
            }

            long offset = 0;
            for (int i = 0; i < names.Count; i++)
            {
                long length = tensors[i].NumberOfElements * tensors[i].ElementSize;
                json.WriteStartObject(names[i]);
                json.WriteString("dtype", TypeName(tensors[i].dtype));
                json.WriteStartArray("shape");
                foreach (long d in tensors[i].shape)
                    json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += length;
            }

            json.WriteEndObject();
        }

        // the reference writer pads the header with spaces so that the data starts 8-byte aligned
        while (buffer.Length % 8 != 0)
            buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    private static SafeTensorsFile ReadHeader(FileStream stream, string path, out long dataStart)
    {
        long fileLength = stream.Length;
        Span<byte> lengthBytes = stackalloc byte[8];
        if (fileLength < 8 || WeightsFile.ReadFully(stream, lengthBytes) < 8)
            throw Malformed(path, $"not a safetensors file: it has {fileLength} bytes, fewer than the 8 of the header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength < 2 || headerLength > MaxHeaderBytes)
            throw Malformed(path, $"not a safetensors file: its header length {headerLength} is not between 2 and {MaxHeaderBytes}");
        if ((long)headerLength > fileLength - 8)
            throw Malformed(path, $"not a safetensors file, or cut short: its header length {headerLength} runs past its end ({fileLength} bytes)");

        var header = new byte[headerLength];
        if (WeightsFile.ReadFully(stream, header) < header.Length)
            throw Malformed(path, "cut short inside its header");
        dataStart = 8 + (long)headerLength;
        long dataLength = fileLength - dataStart;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw Malformed(path, $"not a safetensors file: its header is not JSON ({FirstLine(e.Message)})");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Malformed(path, "not a safetensors file: its header is not a JSON object");

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var tensors = new List<TensorEntry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw Malformed(path, $"its header names {property.Name} twice");
                if (property.Name == MetadataName)
                {
                    if (property.Value.ValueKind != JsonValueKind.Object)
                        throw Malformed(path, "its __metadata__ is not an object of strings");
                    foreach (var item in property.Value.EnumerateObject())
                    {
                        if (item.Value.ValueKind != JsonValueKind.String)
                            throw Malformed(path, $"its __metadata__ value {item.Name} is not a string");
                        metadata[item.Name] = item.Value.GetString()!;
                    }

                    continue;
                }

                tensors.Add(ReadEntry(property, path));
            }

            // the tensors' bytes lie back to back and fill the data, as the reference reader demands
            long expected = 0;
            foreach (var tensor in tensors.OrderBy(t => t.Offset))
            {
                if (tensor.Offset != expected)
                    throw Malformed(path, $"the data of {tensor.Name} starts at byte {tensor.Offset}, not {expected}, where the tensor before it ends");
                expected = tensor.Offset + tensor.Length;
            }

            if (expected != dataLength)
            {
                throw Malformed(path, expected > dataLength
                    ? $"cut short: its header describes {expected} bytes of data, the file holds {dataLength}"
                    : $"it holds {dataLength} bytes of data, {dataLength - expected} more than its header describes");
            }

            return new SafeTensorsFile(metadata, tensors.OrderBy(t => t.Offset).ToArray());
        }
    }

    private static TensorEntry ReadEntry(JsonProperty property, string path)
    {
        string name = property.Name;
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw Malformed(path, $"the header's entry {name} lacks its dtype, shape or data_offsets");
        }

        if (!TypesByName.TryGetValue(dtype.GetString()!, out var type))
            throw Malformed(path, $"{name} is of type {dtype.GetString()}, which NormLab does not load (it loads {string.Join(", ", TypesByName.Keys)})");

        var dims = new List<long>();
        foreach (var d in shape.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim) || dim < 0)
                throw Malformed(path, $"the shape of {name} is not a list of whole numbers");
            dims.Add(dim);
        }

        var bounds = offsets.EnumerateArray().ToArray();
        if (!bounds.All(b => b.ValueKind == JsonValueKind.Number && b.TryGetInt64(out long v) && v >= 0)
            || bounds[1].GetInt64() < bounds[0].GetInt64())
        {
            throw Malformed(path, $"the data_offsets of {name} are not two whole numbers, begin before end");
        }

        var entry = new TensorEntry(name, type, dims.ToArray(), bounds[0].GetInt64(), bounds[1].GetInt64() - bounds[0].GetInt64());
        long bytes;
        try
        {
            bytes = checked(entry.ElementCount * TensorEntry.ElementSize(type)!.Value);
        }
        catch (OverflowException)
        {
            throw Malformed(path, $"the shape of {name} is too large");
        }

        if (bytes != entry.Length)
            throw Malformed(path, $"{name} is {TensorEntry.FormatShape(entry.Shape)} {dtype.GetString()} ({bytes} bytes), but its data_offsets span {entry.Length} bytes");
        return entry;
    }

    private static WeightsException Malformed(string path, string detail) =>
        new(WeightsProblem.Malformed, path, detail);

    private static string FirstLine(string text)
    {
        int end = text.IndexOfAny(new[] { '\r', '\n' });
        return (end < 0 ? text : text[..end]).TrimEnd('.');
    }
}
