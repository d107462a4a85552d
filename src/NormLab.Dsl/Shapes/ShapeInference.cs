using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Binding;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Layers;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Model;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Shapes;

/// <summary>
/// Walks the bound layers and asks each kind for its output shape, parameters and MACs (the formulas
/// live with the kinds, under <c>Layers/</c>); residuals and their projections are structure and are
/// handled here. Reports the NL2xxx rules. After an error that leaves no meaningful shape, later layers keep their
/// input shape and no further shape errors are reported (one mistake, one diagnostic).
/// </summary>
internal sealed class ShapeInference
{
    /// <summary>NL2008's threshold.</summary>
    public const long HugeLayerParameters = 10_000_000;

    private readonly DiagnosticBag _diagnostics;

    /// <summary>What the kinds' shape functions see; one per network, pointed at each layer in turn (no allocation per layer).</summary>
    private readonly LayerInference _context;

    private ShapeInference(DiagnosticBag diagnostics)
    {
        _diagnostics = diagnostics;
        _context = new LayerInference(diagnostics);
    }

    /// <summary>False once a shape error made later shapes meaningless.</summary>
    private bool Valid
    {
        get => _context.Valid;
        set => _context.Valid = value;
    }

    public static (List<LayerModel> Layers, Shape? Output) Infer(IReadOnlyList<BoundLayer> layers, Shape input, DiagnosticBag diagnostics)
    {
        var inference = new ShapeInference(diagnostics);
        var models = inference.InferSequence(layers, input, out var output);
        return (models, inference.Valid ? output : null);
    }

    private List<LayerModel> InferSequence(IReadOnlyList<BoundLayer> layers, Shape input, out Shape output)
    {
        var models = new List<LayerModel>(layers.Count);
        var shape = input;
        for (var i = 0; i < layers.Count; i++)
        {
            var next = i + 1 < layers.Count ? layers[i + 1] : null;
            var model = InferLayer(layers[i], next, shape);
            models.Add(model);
            shape = model.OutputShape;
        }

        output = shape;
        return models;
    }

    private LayerModel InferLayer(BoundLayer layer, BoundLayer? next, Shape input)
    {
        var model = new LayerModel(layer.Definition, layer.Span, layer.SyntaxSpan, input) { BlockPath = layer.BlockPath, WrittenName = layer.WrittenName ?? layer.Definition.Name };
        if (layer.EntryMarkers is not null)
        {
            foreach (var marker in layer.EntryMarkers)
            {
                marker.Channels = input.Channels;
            }
        }

        if (layer.Deferred is not null)
        {
            ResolveDeferred(layer);
        }

        if (layer.Kind == LayerKind.Residual)
        {
            Residual(layer, model, input);
        }
        else if (layer.Kind == LayerKind.Concat)
        {
            Concat(layer, model, input);
        }
        else if (layer.Kind == LayerKind.Scale)
        {
            Scale(layer, model, input);
        }
        else if (layer.Kind == LayerKind.SqueezeExcitation)
        {
            SqueezeExcitation(layer, model, input);
        }
        else
        {
            _context.Start(layer, next, model);
            if (layer.Definition.OnlySpatialRank is int rank && input.IsSpatial && input.SpatialRank != rank)
            {
                _context.Fail(DiagnosticDescriptors.WrongRank,
                    $"'{layer.Definition.Name}' is for {(rank == 2 ? "images (C×H×W)" : "signals (C×L)")} but its input {input} is {(input.SpatialRank == 1 ? "a signal" : "an image")}; {Suggestion(layer.Definition, input.SpatialRank)}");
            }

            layer.Kind.Infer(_context);
        }

        if (model.Parameters > HugeLayerParameters && Valid)
        {
            _diagnostics.Report(DiagnosticDescriptors.HugeLayer, layer.Span, layer.Definition.Name, model.Parameters);
        }

        return model;
    }

    /// <summary>What to write instead of a name for the other rank.</summary>
    private static string Suggestion(LayerDefinition definition, int rank) => definition.Name switch
    {
        "conv1d" or "conv1x1" or "conv3x3" or "conv5x5" or "conv7x7" => rank == 1 ? $"write conv(out, kernel: {definition.FixedKernel ?? 3})" : "write conv(out, kernel: k)",
        "maxpool1d" => "write maxpool",
        "avgpool1d" => "write avgpool",
        "dropout2d" => rank == 1 ? "write dropout1d" : "write dropout",
        "dropout1d" => "write dropout2d",
        _ => "use the name without a rank",
    };

    /// <summary>Arguments computed from <c>in_channels</c>: known now that the data has reached the block call.</summary>
    private void ResolveDeferred(BoundLayer layer)
    {
        foreach (var (spec, value, at) in layer.Deferred!)
        {
            var resolved = value.Resolve();
            if (resolved is ErrorValue)
            {
                continue;
            }

            var converted = Binder.Convert(layer.Definition, spec, resolved, at, _diagnostics);
            if (converted is not null)
            {
                layer.Arguments[spec.Name] = converted;
                if (spec.Name == "kernel" && layer.Kind.Is(LayerTraits.LocalPooling) && !layer.Deferred.Exists(d => d.Spec.Name == "stride"))
                {
                    layer.Arguments["stride"] = converted;
                }
            }
        }

        layer.Deferred = null;
    }

    /// <summary><c>concat { a | b }</c>: every branch on the input; outputs joined on channels, every other dimension equal.</summary>
    private void Concat(BoundLayer layer, LayerModel model, Shape input)
    {
        var branches = new List<IReadOnlyList<LayerModel>>();
        var outputs = new List<Shape>();
        foreach (var branch in layer.Branches)
        {
            branches.Add(InferSequence(branch, input, out var output));
            outputs.Add(output);
        }

        model.Branches = branches;
        if (!Valid || outputs.Count == 0)
        {
            return;
        }

        var first = outputs[0];
        var channels = (long)first.Channels;
        for (var b = 1; b < outputs.Count; b++)
        {
            var other = outputs[b];
            if (other.Rank != first.Rank || !SameBeyondChannels(first, other))
            {
                _diagnostics.Report(DiagnosticDescriptors.ConcatMismatch, layer.Span,
                    $"'concat' joins on channels, but branch 1 gives {first} and branch {b + 1} gives {other}: {(other.Rank != first.Rank ? "their ranks differ" : "every dimension but the channels must agree")}");
                Valid = false;
                return;
            }

            channels += other.Channels;
        }

        model.OutputShape = first.WithChannels((int)System.Math.Min(int.MaxValue, channels));
    }

    private static bool SameBeyondChannels(Shape a, Shape b)
    {
        for (var i = 1; i < a.Rank; i++)
        {
            if (a.Dimensions[i] != b.Dimensions[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>scale { … }</c>: the branch must give C features (or C×1×1, C×1); the output is the input's shape.</summary>
    private void Scale(BoundLayer layer, LayerModel model, Shape input)
    {
        var branches = new List<IReadOnlyList<LayerModel>>();
        var output = input;
        foreach (var branch in layer.Branches)
        {
            branches.Add(InferSequence(branch, input, out output));
        }

        model.Branches = branches;
        if (!Valid)
        {
            return;
        }

        if (!IsGate(output, input))
        {
            var expected = input.IsSpatial ? $"{input.Channels} features (or {input.Channels}x{string.Join("x", LayerInference.Same(1, input.SpatialRank))})" : $"{input.Channels} features";
            _diagnostics.Report(DiagnosticDescriptors.ScaleMismatch, layer.Span,
                $"'scale' multiplies its input {input} by its branch's output, which must be {expected}, but the branch gives {output}");
            Valid = false;
        }
    }

    private static bool IsGate(Shape gate, Shape input)
    {
        if (gate.Channels != input.Channels)
        {
            return false;
        }

        if (gate.Rank == 1)
        {
            return true;
        }

        if (gate.Rank != input.Rank)
        {
            return false;
        }

        for (var i = 1; i < gate.Rank; i++)
        {
            if (gate.Dimensions[i] != 1)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>se(squeeze, act, gate)</c>: torchvision's SqueezeExcitation as a branch of five layers (pool, fc1, act,
    /// fc2, gate: 1x1 convolutions with bias), the input times the gate.
    /// </summary>
    private void SqueezeExcitation(BoundLayer layer, LayerModel model, Shape input)
    {
        var squeeze = layer.Int("squeeze");
        model.Squeeze = squeeze;
        if (!input.IsSpatial)
        {
            _context.Start(layer, null, model);
            _context.RequireSpatial();
            return;
        }

        var conv = LayerKind.Conv.Definitions[0];
        BoundLayer Conv(int outChannels) => new(conv, layer.Span, layer.SyntaxSpan, layer.BlockPath, new Dictionary<string, object?>
        {
            ["out"] = outChannels, ["kernel"] = 1, ["stride"] = 1, ["padding"] = 0, ["dilation"] = 1, ["groups"] = 1, ["bias"] = "true",
        });
        var pool = new BoundLayer(LayerKind.SqueezePool.Definitions[0], layer.Span, layer.SyntaxSpan, layer.BlockPath, new Dictionary<string, object?>());
        var branch = new List<BoundLayer> { pool, Conv(squeeze), layer.Inner["act"], Conv(input.Channels), layer.Inner["gate"] };
        model.Branches = new List<IReadOnlyList<LayerModel>> { InferSequence(branch, input, out _) };
        model.InFeatures = input.Channels;
    }

    private void Residual(BoundLayer layer, LayerModel model, Shape input)
    {
        var branches = new List<IReadOnlyList<LayerModel>>();
        var output = input;
        foreach (var branch in layer.Branches)
        {
            branches.Add(InferSequence(branch, input, out output));
        }

        model.Branches = branches;
        model.OutputShape = output;
        if (!Valid || output.Equals(input))
        {
            return;
        }

        if (!layer.Project)
        {
            _diagnostics.Report(DiagnosticDescriptors.ResidualShapeChange, layer.Span, input, output);
            Valid = false;
            return;
        }

        var shortcut = Projection(layer, input, output);
        if (shortcut is null)
        {
            _diagnostics.Report(DiagnosticDescriptors.ResidualShapeChange, layer.Span, input, output);
            Valid = false;
            return;
        }

        model.Shortcut = shortcut;
    }

    /// <summary>A 1x1 convolution (stride chosen to match the branch) or a linear map, then batch norm, without bias.</summary>
    private static List<LayerModel>? Projection(BoundLayer layer, Shape input, Shape output)
    {
        if (input.Rank != output.Rank)
        {
            return null;
        }

        var conv = LayerKind.Find(input.SpatialRank == 2 ? "conv1x1" : input.IsSpatial ? "conv" : "linear")!;
        var projection = new LayerModel(conv, layer.Span, layer.SyntaxSpan, input) { BlockPath = layer.BlockPath, InFeatures = input.Channels, OutFeatures = output.Channels };
        if (input.IsSpatial)
        {
            var stride = FindStride(input.Spatial(0), output.Spatial(0));
            for (var i = 1; i < input.SpatialRank; i++)
            {
                if (stride != FindStride(input.Spatial(i), output.Spatial(i)))
                {
                    return null;
                }
            }

            if (stride is null)
            {
                return null;
            }

            projection.Kernel = 1;
            projection.Stride = stride.Value;
            projection.Dilation = 1;
            projection.Groups = 1;
            projection.KernelArray = LayerInference.Same(1, input.SpatialRank);
            projection.DilationArray = LayerInference.Same(1, input.SpatialRank);
            projection.PaddingArray = new int[input.SpatialRank];
            projection.StrideArray = new int[input.SpatialRank];
            for (var i = 0; i < input.SpatialRank; i++)
            {
                projection.StrideArray[i] = stride.Value;
            }
            projection.OutputShape = output;
            projection.Parameters = (long)input.Channels * output.Channels;
            projection.Macs = Saturating.Multiply(output.ElementCount, input.Channels);
        }
        else
        {
            projection.OutputShape = output;
            projection.Parameters = (long)input.Channels * output.Channels;
            projection.Macs = projection.Parameters;
        }

        var bn = new LayerModel(LayerKind.Find("bn")!, layer.Span, layer.SyntaxSpan, output)
        {
            BlockPath = layer.BlockPath,
            InFeatures = output.Channels,
            Eps = 1e-5,
            Momentum = 0.1,
            Affine = true,
            Parameters = 2L * output.Channels,
        };
        return new List<LayerModel> { projection, bn };
    }

    /// <summary>The stride s of a 1x1 convolution with floor((in − 1) / s) + 1 = out.</summary>
    private static int? FindStride(int input, int output)
    {
        // the size falls as s grows: the smallest s with floor((in − 1) / s) <= out − 1 is the only candidate
        // (computed, not searched: a huge input must not loop for seconds)
        if (input < 1 || output < 1 || output > input)
        {
            return null;
        }

        var s = ((input - 1) / output) + 1;
        return ((input - 1) / s) + 1 == output ? s : null;
    }
}
