using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using static TorchSharp.torch;

namespace NormLab.Runtime.Export;

/// <summary>
/// One tensor of a weights file, as its header describes it: the state-dict name, the element type, the shape, and
/// where its bytes are in the file.
/// </summary>
public sealed record TensorEntry(string Name, ScalarType Type, long[] Shape, long Offset, long Length)
{
    /// <summary>The number of elements (1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (product, d) => checked(product * d));

    /// <summary>A shape as messages show it: <c>16x1x3x3</c>, or <c>a scalar</c>.</summary>
    public static string FormatShape(IReadOnlyList<long> shape) =>
        shape.Count == 0 ? "a scalar" : string.Join("x", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));

    /// <summary>An element type as messages show it: <c>float32</c>.</summary>
    public static string FormatType(ScalarType type) => type switch
    {
        ScalarType.Byte => "uint8",
        ScalarType.Int8 => "int8",
        ScalarType.Int16 => "int16",
        ScalarType.Int32 => "int32",
        ScalarType.Int64 => "int64",
        ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float32 => "float32",
        ScalarType.Float64 => "float64",
        ScalarType.Bool => "bool",
        ScalarType.ComplexFloat32 => "complex64",
        ScalarType.ComplexFloat64 => "complex128",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>The bytes of one element, or null for a type that weights files here do not hold.</summary>
    public static int? ElementSize(ScalarType type) => type switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.ComplexFloat64 => 16,
        _ => null,
    };

    /// <summary>
    /// The first difference between the tensors of a file and a module's state dict, in the module's order, as one
    /// phrase (<c>conv1.weight is 16x1x3x3 in the file, 32x1x3x3 in the network</c>); null when they fit.
    /// </summary>
    public static string? FirstMismatch(IReadOnlyList<TensorEntry> file, IReadOnlyDictionary<string, Tensor> module)
    {
        var byName = new Dictionary<string, TensorEntry>(StringComparer.Ordinal);
        foreach (var entry in file)
            byName.TryAdd(entry.Name, entry);
        foreach (var (name, tensor) in module)
        {
            if (!byName.TryGetValue(name, out var entry))
                return $"the network has {name} ({FormatShape(tensor.shape)}), which the file lacks";
            if (!entry.Shape.SequenceEqual(tensor.shape))
                return $"{name} is {FormatShape(entry.Shape)} in the file, {FormatShape(tensor.shape)} in the network";
            if (entry.Type != tensor.dtype)
                return $"{name} is {FormatType(entry.Type)} in the file, {FormatType(tensor.dtype)} in the network";
        }

        var extra = file.FirstOrDefault(e => !module.ContainsKey(e.Name));
        return extra is null ? null : $"the file has {extra.Name} ({FormatShape(extra.Shape)}), which the network lacks";
    }
}
