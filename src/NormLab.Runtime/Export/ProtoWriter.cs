using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace NormLab.Runtime.Export;

/// <summary>
/// A minimal protocol-buffers encoder (the wire format: varints, 32-bit floats, length-delimited fields):
/// enough to write an ONNX <c>ModelProto</c> without generated code. Fields are written in the order called;
/// a nested message is encoded into its own buffer first, since its length precedes it.
/// </summary>
internal sealed class ProtoWriter
{
    private const int Varint = 0;
    private const int Fixed32 = 5;
    private const int LengthDelimited = 2;

    private readonly MemoryStream _buffer = new();

    /// <summary>The bytes written so far.</summary>
    public byte[] ToArray() => _buffer.ToArray();

    public long Length => _buffer.Length;

    public ProtoWriter Int64(int field, long value)
    {
        Tag(field, Varint);
        WriteVarint(_buffer, unchecked((ulong)value));
        return this;
    }

    public ProtoWriter Float(int field, float value)
    {
        Tag(field, Fixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
        return this;
    }

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthDelimited);
        WriteVarint(_buffer, (ulong)value.Length);
        _buffer.Write(value);
        return this;
    }

    public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

    /// <summary>A repeated int64 field, packed (one length-delimited run of varints).</summary>
    public ProtoWriter PackedInt64(int field, ReadOnlySpan<long> values)
    {
        using var run = new MemoryStream();
        foreach (var value in values)
        {
            WriteVarint(run, unchecked((ulong)value));
        }

        return Bytes(field, run.ToArray());
    }

    /// <summary>Writes the field's header and the length of a nested message of <paramref name="length"/> bytes that the caller writes next.</summary>
    public static void WriteHeader(Stream stream, int field, long length)
    {
        WriteVarint(stream, ((ulong)field << 3) | LengthDelimited);
        WriteVarint(stream, (ulong)length);
    }

    /// <summary>The bytes <see cref="WriteHeader"/> writes.</summary>
    public static int HeaderSize(int field, long length) => VarintSize(((ulong)field << 3) | LengthDelimited) + VarintSize((ulong)length);

    public void CopyTo(Stream stream)
    {
        _buffer.Position = 0;
        _buffer.CopyTo(stream);
    }

    private void Tag(int field, int wireType) => WriteVarint(_buffer, ((ulong)field << 3) | (uint)wireType);

    private static void WriteVarint(Stream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        stream.WriteByte((byte)value);
    }

    private static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }
}
