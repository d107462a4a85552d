using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Binding;
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
        if (layer.Kind == LayerKind.Residual)
        {
            Residual(layer, model, input);
        }
        else
        {
            _context.Start(layer, next, model);
            layer.Kind.Infer(_context);
        }

        if (model.Parameters > HugeLayerParameters && Valid)
        {
            _diagnostics.Report(DiagnosticDescriptors.HugeLayer, layer.Span, layer.Definition.Name, model.Parameters);
        }

        return model;
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

        var conv = LayerKind.Find(input.IsSpatial ? "conv1x1" : "linear")!;
        var projection = new LayerModel(conv, layer.Span, layer.SyntaxSpan, input) { BlockPath = layer.BlockPath, InFeatures = input.Channels, OutFeatures = output.Channels };
        if (input.IsSpatial)
        {
            var stride = FindStride(input.Height, output.Height);
            if (stride is null || stride != FindStride(input.Width, output.Width))
            {
                return null;
            }

            projection.Kernel = 1;
            projection.Stride = stride.Value;
            projection.Dilation = 1;
            projection.Groups = 1;
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
