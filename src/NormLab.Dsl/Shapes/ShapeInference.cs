using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Binding;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Model;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Shapes;

/// <summary>
/// Infers every layer's output shape with libtorch's formulas, counts parameters as PyTorch does and
/// reports the NL2xxx rules. After an error that leaves no meaningful shape, later layers keep their
/// input shape and no further shape errors are reported (one mistake, one diagnostic).
/// </summary>
internal sealed class ShapeInference
{
    /// <summary>NL2008's threshold.</summary>
    public const long HugeLayerParameters = 10_000_000;

    private readonly DiagnosticBag _diagnostics;

    private ShapeInference(DiagnosticBag diagnostics) => _diagnostics = diagnostics;

    /// <summary>False once a shape error made later shapes meaningless.</summary>
    private bool Valid { get; set; } = true;

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
        var name = layer.Definition.Name;
        switch (layer.Kind)
        {
            case LayerKind.Conv:
                Conv(layer, next, model, input);
                break;
            case LayerKind.Linear:
            {
                var features = input;
                if (input.IsSpatial && Valid)
                {
                    _diagnostics.Report(DiagnosticDescriptors.MissingFlatten, layer.Span, name, input);
                    features = Shape.Features((int)System.Math.Min(int.MaxValue, input.ElementCount));
                }

                model.InFeatures = features.Channels;
                model.OutFeatures = layer.Int("out");
                model.Bias = ResolveBias(layer, next);
                model.BiasExplicit = layer.BiasExplicit;
                model.Parameters = ((long)model.InFeatures * model.OutFeatures) + (model.Bias ? model.OutFeatures : 0);
                model.Macs = (long)model.InFeatures * model.OutFeatures;
                model.OutputShape = Shape.Features(model.OutFeatures);
                break;
            }

            case LayerKind.BatchNorm:
                Norm(layer, model, input);
                model.Momentum = layer.Float("momentum");
                model.Parameters = model.Affine ? 2L * input.Channels : 0;
                break;
            case LayerKind.LayerNorm:
                Norm(layer, model, input);
                model.Parameters = model.Affine ? Saturating.Multiply(2, input.ElementCount) : 0;
                break;
            case LayerKind.InstanceNorm:
                if (!RequireSpatial(layer, input))
                {
                    break;
                }

                Norm(layer, model, input);
                model.Parameters = model.Affine ? 2L * input.Channels : 0;
                break;
            case LayerKind.GroupNorm:
                // TorchSharp's GroupNorm (the module both back ends build) refuses a flat [N, F] input
                if (!RequireSpatial(layer, input))
                {
                    break;
                }

                Norm(layer, model, input);
                model.Groups = layer.Int("groups");
                if (model.Groups > 0 && input.Channels % model.Groups != 0 && Valid)
                {
                    _diagnostics.Report(DiagnosticDescriptors.GroupsDoNotDivide, layer.Span,
                        $"'gn' has groups: {model.Groups} but its input has {input.Channels} channels; groups must divide the channels (try {Divisor(input.Channels, model.Groups)})");
                }

                model.Parameters = model.Affine ? 2L * input.Channels : 0;
                break;
            case LayerKind.PReLU:
                model.Parameters = 1;
                break;
            case LayerKind.LeakyReLU:
                model.Scalar = layer.Float("slope");
                break;
            case LayerKind.ELU:
                model.Scalar = layer.Float("alpha");
                break;
            case LayerKind.Softplus:
                model.Scalar = layer.Float("beta");
                break;
            case LayerKind.Maxout:
            {
                model.Pieces = layer.Int("pieces");
                if (model.Pieces > 0 && input.Channels % model.Pieces != 0)
                {
                    if (Valid)
                    {
                        _diagnostics.Report(DiagnosticDescriptors.GroupsDoNotDivide, layer.Span,
                            $"'maxout' has pieces: {model.Pieces} but its input has {input.Channels} {(input.IsSpatial ? "channels" : "features")}; pieces must divide them");
                    }

                    Valid = false;
                    break;
                }

                var dims = input.Dimensions.ToArray();
                dims[0] = input.Channels / System.Math.Max(1, model.Pieces);
                model.OutputShape = new Shape(dims);
                break;
            }

            case LayerKind.MaxPool:
            case LayerKind.AvgPool:
                Pool(layer, model, input);
                break;
            case LayerKind.GlobalAvgPool:
            case LayerKind.GlobalMaxPool:
                if (RequireSpatial(layer, input))
                {
                    model.OutputShape = Shape.Features(input.Channels);
                }

                break;
            case LayerKind.Flatten:
                model.OutputShape = Shape.Features((int)System.Math.Min(int.MaxValue, input.ElementCount));
                break;
            case LayerKind.Dropout:
                model.P = layer.Float("p");
                break;
            case LayerKind.Dropout2d:
                model.P = layer.Float("p");
                RequireSpatial(layer, input);
                break;
            case LayerKind.Residual:
                Residual(layer, model, input);
                break;
        }

        if (model.Parameters > HugeLayerParameters && Valid)
        {
            _diagnostics.Report(DiagnosticDescriptors.HugeLayer, layer.Span, name, model.Parameters);
        }

        return model;
    }

    private void Conv(BoundLayer layer, BoundLayer? next, LayerModel model, Shape input)
    {
        model.Kernel = layer.Int("kernel");
        model.Stride = layer.Int("stride");
        model.Dilation = layer.Int("dilation");
        model.Groups = layer.Int("groups");
        model.OutFeatures = layer.Int("out");
        model.Padding = layer.Arguments["padding"] switch
        {
            "same" => model.Dilation * (model.Kernel - 1) / 2,
            int amount => amount,
            _ => 0,
        };
        model.Bias = ResolveBias(layer, next);
        model.BiasExplicit = layer.BiasExplicit;
        if (!RequireSpatial(layer, input))
        {
            return;
        }

        model.InFeatures = input.Channels;
        var name = layer.Definition.Name;
        if (model.Groups > 0 && (input.Channels % model.Groups != 0 || model.OutFeatures % model.Groups != 0))
        {
            if (Valid)
            {
                _diagnostics.Report(DiagnosticDescriptors.GroupsDoNotDivide, layer.Span,
                    $"'{name}' has groups: {model.Groups}, which must divide both its input channels ({input.Channels}) and its output channels ({model.OutFeatures})");
            }

            Valid = false;
            return;
        }

        var height = SlidingWindow(layer, model.Kernel, model.Stride, model.Padding, model.Dilation, input);
        if (height is null)
        {
            return;
        }

        model.OutputShape = Shape.Image(model.OutFeatures, height.Value.Height, height.Value.Width);
        var perOutput = Saturating.Multiply(Saturating.Multiply(input.Channels / model.Groups, model.Kernel), model.Kernel);
        model.Parameters = Saturating.Add(Saturating.Multiply(model.OutFeatures, perOutput), model.Bias ? model.OutFeatures : 0);
        model.Macs = Saturating.Multiply(model.OutputShape.ElementCount, perOutput);
    }

    private void Pool(BoundLayer layer, LayerModel model, Shape input)
    {
        model.Kernel = layer.Int("kernel");
        model.Stride = layer.OptionalInt("stride") ?? model.Kernel;
        model.Padding = layer.Int("padding");
        if (!RequireSpatial(layer, input))
        {
            return;
        }

        var size = SlidingWindow(layer, model.Kernel, model.Stride, model.Padding, 1, input);
        if (size is not null)
        {
            model.OutputShape = Shape.Image(input.Channels, size.Value.Height, size.Value.Width);
        }
    }

    /// <summary>libtorch: out = floor((in + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1.</summary>
    private (int Height, int Width)? SlidingWindow(BoundLayer layer, int kernel, int stride, int padding, int dilation, Shape input)
    {
        var name = layer.Definition.Name;
        var extent = ((long)dilation * (kernel - 1)) + 1;
        long paddedHeight = input.Height + (2L * padding);
        long paddedWidth = input.Width + (2L * padding);
        if (paddedHeight < extent || paddedWidth < extent || stride < 1)
        {
            if (Valid)
            {
                var what = dilation > 1 ? $"its dilated {kernel}x{kernel} kernel spans {extent}x{extent}" : $"its kernel is {kernel}x{kernel}";
                _diagnostics.Report(DiagnosticDescriptors.SpatialCollapse, layer.Span,
                    $"'{name}' receives {input.Height}x{input.Width}{(padding > 0 ? $" (padded to {paddedHeight}x{paddedWidth})" : string.Empty)} but {what}: the spatial size would reach zero; remove a down-sampling step or use a smaller kernel");
            }

            Valid = false;
            return null;
        }

        var height = (int)(((paddedHeight - extent) / stride) + 1);
        var width = (int)(((paddedWidth - extent) / stride) + 1);
        if (stride > 1 && Valid)
        {
            // rows of real input after the last window (the trailing padding may go unused: nothing is lost)
            var droppedRows = System.Math.Max(0, ((paddedHeight - extent) % stride) - padding);
            var droppedColumns = System.Math.Max(0, ((paddedWidth - extent) % stride) - padding);
            if (droppedRows != 0 || droppedColumns != 0)
            {
                var what = droppedRows != 0 && droppedColumns != 0
                    ? (droppedRows == 1 && droppedColumns == 1 ? "row and column" : "rows and columns")
                    : droppedRows != 0 ? (droppedRows == 1 ? "row" : $"{droppedRows} rows") : (droppedColumns == 1 ? "column" : $"{droppedColumns} columns");
                _diagnostics.Report(DiagnosticDescriptors.OddSizeDropped, layer.Span, name, stride, input.Height, input.Width, what);
            }
        }

        return (height, width);
    }

    private void Norm(BoundLayer layer, LayerModel model, Shape input)
    {
        model.InFeatures = input.Channels;
        model.Eps = layer.Float("eps");
        model.Affine = layer.Bool("affine");
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

        var conv = LayerCatalog.Find(input.IsSpatial ? "conv1x1" : "linear")!;
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

        var bn = new LayerModel(LayerCatalog.Find("bn")!, layer.Span, layer.SyntaxSpan, output)
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

    private bool RequireSpatial(BoundLayer layer, Shape input)
    {
        if (input.IsSpatial)
        {
            return true;
        }

        if (Valid)
        {
            _diagnostics.Report(DiagnosticDescriptors.SpatialAfterFlatten, layer.Span, layer.Definition.Name, input);
        }

        return false;
    }

    /// <summary><c>bias: auto</c> drops the bias when the very next layer is bn or in (their mean subtraction cancels it).</summary>
    private static bool ResolveBias(BoundLayer layer, BoundLayer? next) => layer.Symbol("bias") switch
    {
        "true" => true,
        "false" => false,
        _ => next is null || next.Kind is not (LayerKind.BatchNorm or LayerKind.InstanceNorm),
    };

    private static int Divisor(int channels, int groups)
    {
        // no divisor of a count exceeds it (a huge 'groups' must not loop for seconds)
        for (var g = channels > 0 ? System.Math.Min(groups, channels) : 1; g >= 1; g--)
        {
            if (channels % g == 0)
            {
                return g;
            }
        }

        return 1;
    }
}
