using System;
using NormLab.Dsl.Binding;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Model;
using NormLab.Dsl.Shapes;

namespace NormLab.Dsl.Layers;

/// <summary>
/// What a kind's shape function sees: the bound layer and its input shape, the model to fill (output shape,
/// resolved arguments, parameters, MACs) and the shape diagnostics. After an error that leaves no meaningful
/// shape, <see cref="Valid"/> is false and later layers report nothing (one mistake, one diagnostic).
/// </summary>
internal sealed class LayerInference
{
    private readonly DiagnosticBag _diagnostics;

    public LayerInference(DiagnosticBag diagnostics)
    {
        _diagnostics = diagnostics;
        Layer = null!;
        Model = null!;
    }

    /// <summary>Points the context at the next layer to infer.</summary>
    public void Start(BoundLayer layer, BoundLayer? next, LayerModel model)
    {
        Layer = layer;
        Next = next;
        Model = model;
    }

    public BoundLayer Layer { get; private set; }

    /// <summary>The next layer of the same sequence, if any (<c>bias: auto</c> looks at it).</summary>
    public BoundLayer? Next { get; private set; }

    public LayerModel Model { get; private set; }

    public Shape Input => Model.InputShape;

    /// <summary>The name the layer's messages use (<c>conv3x3</c>).</summary>
    public string Name => Layer.Definition.Name;

    /// <summary>The catalog entry the layer was written with.</summary>
    public LayerDefinition Definition => Layer.Definition;

    /// <summary>False once a shape error made later shapes meaningless (for the rest of the network).</summary>
    public bool Valid { get; set; } = true;

    public int Int(string name) => Layer.Int(name);

    public int? OptionalInt(string name) => Layer.OptionalInt(name);

    public double Float(string name) => Layer.Float(name);

    public bool Bool(string name) => Layer.Bool(name);

    public object? Argument(string name) => Layer.Arguments.TryGetValue(name, out var value) ? value : null;

    /// <summary>Reports while shapes are still meaningful.</summary>
    public void Report(DiagnosticDescriptor descriptor, params object?[] arguments)
    {
        if (Valid)
        {
            _diagnostics.Report(descriptor, Layer.Span, arguments);
        }
    }

    /// <summary>Reports (while shapes are meaningful) and makes later shapes unknown.</summary>
    public void Fail(DiagnosticDescriptor descriptor, params object?[] arguments)
    {
        Report(descriptor, arguments);
        Valid = false;
    }

    /// <summary><c>bias: auto</c> drops the bias when the very next layer cancels it (bn, in subtract the batch mean).</summary>
    public bool ResolveBias() => Layer.Symbol("bias") switch
    {
        "true" => true,
        "false" => false,
        _ => Next is null || !Next.Definition.Kind.Is(LayerTraits.CancelsBias),
    };

    /// <summary>True for an input with spatial dimensions (<c>C×H×W</c>); else reports NL2003.</summary>
    public bool RequireSpatial()
    {
        if (Input.IsSpatial)
        {
            return true;
        }

        Report(DiagnosticDescriptors.SpatialAfterFlatten, Name, Input);
        return false;
    }

    /// <summary>The input as features: itself, or its elements counted when it still has spatial dimensions (NL2002 reported).</summary>
    public Shape Features()
    {
        if (!Input.IsSpatial)
        {
            return Input;
        }

        Report(DiagnosticDescriptors.MissingFlatten, Name, Input);
        return Shape.Features((int)Math.Min(int.MaxValue, Input.ElementCount));
    }

    /// <summary>
    /// An argument per spatial dimension: a number repeated, or an <c>HxW</c> pair (images only: on a signal a
    /// pair is NL2012 and its first value is used).
    /// </summary>
    public int[] PerDimension(string name, int fallback = 0)
    {
        var rank = Math.Max(1, Input.SpatialRank);
        switch (Argument(name))
        {
            case int[] pair when rank == pair.Length:
                return pair;
            case int[] pair:
                Report(DiagnosticDescriptors.WrongRank, $"'{Name}' has {name}: {string.Join("x", pair)}, a value per dimension of an image, but its input {Input} is {(Input.SpatialRank == 1 ? "a signal" : "not an image")}; give one number");
                return Same(pair[0], rank);
            case int value:
                return Same(value, rank);
            default:
                return Same(fallback, rank);
        }
    }

    /// <summary>
    /// <paramref name="value"/> on each of <paramref name="rank"/> dimensions; small values come from a cache
    /// shared by every layer (checking allocates nothing per layer for them). The arrays are never written.
    /// </summary>
    internal static int[] Same(int value, int rank)
    {
        if (value >= 0 && value < CachedValues && rank is 1 or 2)
        {
            return SameCache[rank - 1][value];
        }

        var values = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            values[i] = value;
        }

        return values;
    }

    private const int CachedValues = 16;

    private static readonly int[][][] SameCache =
    {
        Fill(1),
        Fill(2),
    };

    private static int[][] Fill(int rank)
    {
        var cache = new int[CachedValues][];
        for (var v = 0; v < CachedValues; v++)
        {
            cache[v] = new int[rank];
            for (var i = 0; i < rank; i++)
            {
                cache[v][i] = v;
            }
        }

        return cache;
    }

    /// <summary>
    /// The spatial output of a sliding window, each dimension with its own kernel, stride, padding and dilation,
    /// libtorch's formula (with <c>ceil_mode</c> for pools: a last window may start inside the input or its left padding).
    /// Null (NL2001 reported) when a size reaches zero.
    /// </summary>
    public int[]? SlidingWindow(int[] kernel, int[] stride, int[] padding, int[] dilation, bool ceil)
    {
        if (!ceil && LayerModel.IsUniform(kernel) && LayerModel.IsUniform(stride) && LayerModel.IsUniform(padding) && LayerModel.IsUniform(dilation))
        {
            return SlidingWindow(kernel[0], stride[0], padding[0], dilation[0]);
        }

        var input = Input;
        var spatial = input.SpatialRank;
        var output = new int[spatial];
        for (var i = 0; i < spatial; i++)
        {
            var extent = ((long)dilation[i] * (kernel[i] - 1)) + 1;
            long padded = input.Spatial(i) + (2L * padding[i]);
            if (padded < extent || stride[i] < 1)
            {
                Fail(DiagnosticDescriptors.SpatialCollapse,
                    $"'{Name}' receives {input.SpatialText} but its {string.Join("x", kernel)} kernel spans more than the (padded) input along dimension {i + 1}: the spatial size would reach zero; remove a down-sampling step or use a smaller kernel");
                return null;
            }

            var span = padded - extent;
            var size = (ceil ? (span + stride[i] - 1) / stride[i] : span / stride[i]) + 1;
            if (ceil && (size - 1) * stride[i] >= input.Spatial(i) + padding[i])
            {
                size--; // libtorch: the last window must start inside the input or its left padding
            }

            output[i] = (int)size;
        }

        return output;
    }

    /// <summary>
    /// The spatial output of a sliding window on every spatial dimension, libtorch's formula:
    /// out = floor((in + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1. Null (NL2001 reported) when a size reaches zero.
    /// </summary>
    public int[]? SlidingWindow(int kernel, int stride, int padding, int dilation)
    {
        var input = Input;
        var extent = ((long)dilation * (kernel - 1)) + 1;
        var spatial = input.SpatialRank;
        var output = new int[spatial];
        long droppedRows = 0;
        long droppedColumns = 0;
        for (var i = 0; i < spatial; i++)
        {
            long padded = input.Spatial(i) + (2L * padding);
            if (padded < extent || stride < 1)
            {
                FailCollapse(kernel, padding, dilation, extent);
                return null;
            }

            output[i] = (int)(((padded - extent) / stride) + 1);

            // rows of real input after the last window (the trailing padding may go unused: nothing is lost)
            var dropped = Math.Max(0, ((padded - extent) % stride) - padding);
            if (i == 0)
            {
                droppedRows = dropped;
            }
            else
            {
                droppedColumns = dropped;
            }
        }

        if (stride > 1 && spatial == 2 && (droppedRows != 0 || droppedColumns != 0))
        {
            var (rows, columns) = (droppedRows, droppedColumns);
            var what = rows != 0 && columns != 0
                ? (rows == 1 && columns == 1 ? "row and column" : "rows and columns")
                : rows != 0 ? (rows == 1 ? "row" : $"{rows} rows") : (columns == 1 ? "column" : $"{columns} columns");
            Report(DiagnosticDescriptors.OddSizeDropped, Name, stride, input.Height, input.Width, what);
        }

        return output;
    }

    // apart from SlidingWindow: a lambda there would allocate its captures on every call, not only on failure
    private void FailCollapse(int kernel, int padding, int dilation, long extent)
    {
        var input = Input;
        var spatial = input.SpatialRank;
        var paddedText = string.Join("x", Repeat(i => (input.Spatial(i) + (2L * padding)).ToString(System.Globalization.CultureInfo.InvariantCulture), spatial));
        var what = dilation > 1 ? $"its dilated {Square(kernel, spatial)} kernel spans {Square(extent, spatial)}" : $"its kernel is {Square(kernel, spatial)}";
        Fail(DiagnosticDescriptors.SpatialCollapse,
            $"'{Name}' receives {input.SpatialText}{(padding > 0 ? $" (padded to {paddedText})" : string.Empty)} but {what}: the spatial size would reach zero; remove a down-sampling step or use a smaller kernel");
    }

    /// <summary>The largest divisor of <paramref name="channels"/> not above <paramref name="groups"/> (a suggestion).</summary>
    public static int Divisor(int channels, int groups)
    {
        // no divisor of a count exceeds it (a huge 'groups' must not loop for seconds)
        for (var g = channels > 0 ? Math.Min(groups, channels) : 1; g >= 1; g--)
        {
            if (channels % g == 0)
            {
                return g;
            }
        }

        return 1;
    }

    private static string Square(long size, int rank) => string.Join("x", Repeat(_ => size.ToString(System.Globalization.CultureInfo.InvariantCulture), rank));

    private static string[] Repeat(Func<int, string> item, int count)
    {
        var items = new string[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = item(i);
        }

        return items;
    }
}
