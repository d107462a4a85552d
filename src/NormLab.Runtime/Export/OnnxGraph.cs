using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace NormLab.Runtime.Export;

/// <summary>An attribute of an ONNX node: an int, a float or a list of ints (the only kinds the export needs).</summary>
internal readonly record struct OnnxAttribute(string Name, int Type, long Int, float Float, long[]? Ints)
{
    // AttributeProto.AttributeType
    private const int FloatType = 1;
    private const int IntType = 2;
    private const int IntsType = 7;

    public static OnnxAttribute Of(string name, long value) => new(name, IntType, value, 0, null);

    public static OnnxAttribute Of(string name, float value) => new(name, FloatType, 0, value, null);

    public static OnnxAttribute Of(string name, long[] values) => new(name, IntsType, 0, 0, values);

    public ProtoWriter Encode()
    {
        // AttributeProto: name = 1, f = 2, i = 3, ints = 8, type = 20
        var proto = new ProtoWriter().String(1, Name);
        switch (Type)
        {
            case FloatType:
                proto.Float(2, Float);
                break;
            case IntType:
                proto.Int64(3, Int);
                break;
            default:
                proto.PackedInt64(8, Ints);
                break;
        }

        return proto.Int64(20, Type);
    }
}

/// <summary>One node of the graph: an operator of the default domain (ai.onnx) on named values.</summary>
internal sealed class OnnxNode
{
    public OnnxNode(string opType, string name, string[] inputs, string output, OnnxAttribute[] attributes)
    {
        OpType = opType;
        Name = name;
        Inputs = inputs;
        Output = output;
        Attributes = attributes;
    }

    public string OpType { get; }

    public string Name { get; }

    public string[] Inputs { get; }

    public string Output { get; set; }

    public OnnxAttribute[] Attributes { get; }

    public ProtoWriter Encode()
    {
        // NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5 (domain = 7 left empty: ai.onnx)
        var proto = new ProtoWriter();
        foreach (var input in Inputs)
        {
            proto.String(1, input);
        }

        proto.String(2, Output).String(3, Name).String(4, OpType);
        foreach (var attribute in Attributes)
        {
            proto.Message(5, attribute.Encode());
        }

        return proto;
    }
}

/// <summary>
/// An ONNX graph being built: nodes in execution order, initializers (encoded as they are added, so the
/// module's tensors are not kept), one input and one output with a symbolic batch dimension; written as a
/// <c>ModelProto</c> by <see cref="WriteModel"/>. Every value and initializer name is unique.
/// </summary>
internal sealed class OnnxGraph
{
    // TensorProto.DataType
    public const int FloatType = 1;
    public const int Int64Type = 7;

    private readonly List<OnnxNode> _nodes = new();
    private readonly List<ProtoWriter> _initializers = new();
    private readonly HashSet<string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);

    public IReadOnlyList<OnnxNode> Nodes => _nodes;

    /// <summary>Marks <paramref name="name"/> as taken (the graph's input).</summary>
    public void Reserve(string name) => _values.Add(name);

    /// <summary><paramref name="name"/>, or <c>name_2</c>, <c>name_3</c>… when it is taken.</summary>
    public string Unique(string name)
    {
        var candidate = name;
        for (var i = 2; _values.Contains(candidate); i++)
        {
            candidate = name + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    /// <summary>A float initializer (little-endian raw data); returns its name.</summary>
    public string Initializer(string name, long[] dims, ReadOnlySpan<float> values)
    {
        if (!_values.Add(name))
        {
            throw new InvalidOperationException($"ONNX export: the name '{name}' is used twice.");
        }

        _initializers.Add(Tensor(name, dims, FloatType, MemoryMarshal.AsBytes(values)));
        return name;
    }

    /// <summary>An int64 initializer (shapes, slice bounds); returns its name.</summary>
    public string Int64s(string name, params long[] values)
    {
        name = Unique(name);
        _values.Add(name);
        _initializers.Add(Tensor(name, new[] { (long)values.Length }, Int64Type, MemoryMarshal.AsBytes<long>(values)));
        return name;
    }

    /// <summary>A float constant that is no parameter of the module (a non-affine norm's ones); the name made unique.</summary>
    public string Constant(string name, long[] dims, ReadOnlySpan<float> values) => Initializer(Unique(name), dims, values);

    /// <summary>A float scalar constant (shape []), e.g. Clip's bounds.</summary>
    public string Scalar(string name, float value)
    {
        name = Unique(name);
        _values.Add(name);
        Span<float> one = stackalloc float[] { value };
        _initializers.Add(Tensor(name, Array.Empty<long>(), FloatType, MemoryMarshal.AsBytes(one)));
        return name;
    }

    /// <summary>Adds a node whose output is named <paramref name="output"/> (made unique); returns the output's name.</summary>
    public string Node(string opType, string name, string output, string[] inputs, params OnnxAttribute[] attributes)
    {
        output = Unique(output);
        _values.Add(output);
        var nodeName = name;
        for (var i = 2; !_nodeNames.Add(nodeName); i++)
        {
            nodeName = name + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        _nodes.Add(new OnnxNode(opType, nodeName, inputs, output, attributes));
        return output;
    }

    /// <summary>
    /// Renames the value <paramref name="from"/>, the output of the last node, to <paramref name="to"/> (the graph's
    /// output); adds an Identity node when no node produced it (a network that passes its input through).
    /// </summary>
    public void NameOutput(string from, string to)
    {
        if (_nodes.Count > 0 && _nodes[^1].Output == from)
        {
            _nodes[^1].Output = to;
            return;
        }

        Node("Identity", to, to, new[] { from });
    }

    /// <summary>Writes the <c>ModelProto</c>: header fields, then the graph, whose initializers are streamed.</summary>
    public void WriteModel(Stream stream, OnnxModelInfo info, IReadOnlyList<int> inputShape, IReadOnlyList<int> outputShape)
    {
        // ModelProto: ir_version = 1, producer_name = 2, producer_version = 3, model_version = 5,
        // doc_string = 6, graph = 7, opset_import = 8, metadata_props = 14
        var header = new ProtoWriter()
            .Int64(1, info.IrVersion)
            .String(2, "NormLab")
            .String(3, info.Version)
            .Int64(5, 1)
            .String(6, info.Description)
            .Message(8, new ProtoWriter().String(1, string.Empty).Int64(2, info.Opset));
        foreach (var (key, value) in info.Metadata)
        {
            header.Message(14, new ProtoWriter().String(1, key).String(2, value));
        }

        header.CopyTo(stream);

        // GraphProto: node = 1, name = 2, initializer = 5, doc_string = 10, input = 11, output = 12
        var parts = new List<(int Field, ProtoWriter Part)>();
        foreach (var node in _nodes)
        {
            parts.Add((1, node.Encode()));
        }

        parts.Add((2, new ProtoWriter().String(2, info.GraphName)));
        foreach (var initializer in _initializers)
        {
            parts.Add((5, initializer));
        }

        parts.Add((11, ValueInfo(info.InputName, inputShape)));
        parts.Add((12, ValueInfo(info.OutputName, outputShape)));

        long length = 0;
        foreach (var (field, part) in parts)
        {
            length += field == 2 ? part.Length : ProtoWriter.HeaderSize(field, part.Length) + part.Length;
        }

        ProtoWriter.WriteHeader(stream, 7, length);
        foreach (var (field, part) in parts)
        {
            if (field != 2)
            {
                ProtoWriter.WriteHeader(stream, field, part.Length);
            }

            // the graph's name is written as a whole field (tag included) already
            part.CopyTo(stream);
        }
    }

    private static ProtoWriter Tensor(string name, long[] dims, int dataType, ReadOnlySpan<byte> raw)
    {
        // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian, as this machine is)
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX export writes raw little-endian data; this machine is big-endian.");
        }

        var proto = new ProtoWriter();
        if (dims.Length > 0)
        {
            proto.PackedInt64(1, dims);
        }

        return proto.Int64(2, dataType).String(8, name).Bytes(9, raw);
    }

    /// <summary>A float tensor's ValueInfoProto: dimension 0 is the symbolic <c>batch</c>, the others fixed.</summary>
    private static ProtoWriter ValueInfo(string name, IReadOnlyList<int> shape)
    {
        // ValueInfoProto: name = 1, type = 2; TypeProto: tensor_type = 1; TypeProto.Tensor: elem_type = 1, shape = 2;
        // TensorShapeProto: dim = 1; Dimension: dim_value = 1, dim_param = 2
        var dims = new ProtoWriter().Message(1, new ProtoWriter().String(2, "batch"));
        foreach (var size in shape)
        {
            dims.Message(1, new ProtoWriter().Int64(1, size));
        }

        var tensor = new ProtoWriter().Int64(1, FloatType).Message(2, dims);
        return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensor));
    }
}

/// <summary>What the model's header says: versions, names, description and metadata.</summary>
internal sealed record OnnxModelInfo(
    long IrVersion,
    long Opset,
    string Version,
    string GraphName,
    string Description,
    string InputName,
    string OutputName,
    IReadOnlyList<KeyValuePair<string, string>> Metadata);
