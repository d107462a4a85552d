using System.Linq;
using NormLab.Dsl.Shapes;
using static NormLab.Dsl.Layers.Arguments;

namespace NormLab.Dsl.Layers;

public sealed partial class LayerKind
{
    private static readonly ArgumentSpec Ceil = Flag("ceil", false, "Round the output size up (libtorch's ceil_mode): a last, partial window is kept.");

    private static readonly ArgumentSpec[] PoolArguments =
    {
        Int("kernel", 2, ArgumentRange.Positive, "The window's side (or HxW).", primary: true, pair: true),
        Int("stride", null, ArgumentRange.Positive, "The step between windows (or HxW); default: the kernel.", pair: true),
        Int("padding", 0, ArgumentRange.NonNegative, "Padding on each side (or HxW); at most half the kernel.", pair: true),
    };

    private static readonly ArgumentSpec MaxPoolDilation = Int("dilation", 1, ArgumentRange.Positive, "The spacing between window taps (or HxW).", pair: true);

    public static readonly LayerKind MaxPool = Define("maxpool", LayerCategory.Pooling, "The maximum of each window (2x2, stride 2 by default; 1-d on signals).")
        .With(LayerTraits.LocalPooling | LayerTraits.Transparent)
        .Spelling("maxpool", PoolArguments.Concat(new[] { MaxPoolDilation, Ceil }).ToArray(), "MaxPool")
        .Spelling("maxpool1d", PoolArguments.Concat(new[] { MaxPoolDilation, Ceil }).ToArray(), "MaxPool1d", onlySpatialRank: 1)
        .Shape(InferPool)
        .Module(l => l.SpatialRank == 2 && !l.IsSquare
            ? TorchModule.Stock("MaxPool2d", ("kernel_size", Pair(l.Kernels)), ("stride", Pair(l.Strides)), ("padding", Pair(l.Paddings)), ("dilation", Pair(l.Dilations)), ("ceil_mode", l.Ceil))
            : l.Dilation == 1 && !l.Ceil
                ? TorchModule.Stock(l.SpatialRank == 1 ? "MaxPool1d" : "MaxPool2d", ("kernel_size", (long)l.Kernel), ("stride", (long)l.Stride), ("padding", (long)l.Padding))
                : TorchModule.Stock(l.SpatialRank == 1 ? "MaxPool1d" : "MaxPool2d", ("kernel_size", (long)l.Kernel), ("stride", (long)l.Stride), ("padding", (long)l.Padding), ("dilation", (long)l.Dilation), ("ceil_mode", l.Ceil)))
        .Build();

    public static readonly LayerKind AvgPool = Define("avgpool", LayerCategory.Pooling, "The mean of each window (2x2, stride 2 by default; 1-d on signals).")
        .With(LayerTraits.LocalPooling | LayerTraits.Transparent | LayerTraits.Affine)
        .Spelling("avgpool", PoolArguments.Concat(new[] { Ceil }).ToArray(), "AvgPool")
        .Spelling("avgpool1d", PoolArguments.Concat(new[] { Ceil }).ToArray(), "AvgPool1d", onlySpatialRank: 1)
        .Shape(InferPool)
        .Module(l => l.SpatialRank == 2 && !l.IsSquare
            ? TorchModule.Stock("AvgPool2d", ("kernel_size", Pair(l.Kernels)), ("stride", Pair(l.Strides)), ("padding", Pair(l.Paddings)), ("ceil_mode", l.Ceil))
            : !l.Ceil
                ? TorchModule.Stock(l.SpatialRank == 1 ? "AvgPool1d" : "AvgPool2d", ("kernel_size", (long)l.Kernel), ("stride", (long)l.Stride), ("padding", (long)l.Padding))
                : TorchModule.Stock(l.SpatialRank == 1 ? "AvgPool1d" : "AvgPool2d", ("kernel_size", (long)l.Kernel), ("stride", (long)l.Stride), ("padding", (long)l.Padding), ("ceil_mode", l.Ceil)))
        .Build();

    public static readonly LayerKind GlobalAvgPool = Define("gap", LayerCategory.GlobalPooling, "The mean of each channel over all positions: C×H×W → C.")
        .With(LayerTraits.GlobalPooling | LayerTraits.Transparent | LayerTraits.Affine)
        .Arguments("GlobalAvgPool")
        .Shape(InferGlobalPool)
        .Module(_ => TorchModule.Custom("GlobalAveragePool"))
        .Build();

    public static readonly LayerKind GlobalMaxPool = Define("gmp", LayerCategory.GlobalPooling, "The maximum of each channel over all positions: C×H×W → C.")
        .With(LayerTraits.GlobalPooling | LayerTraits.Transparent)
        .Arguments("GlobalMaxPool")
        .Shape(InferGlobalPool)
        .Module(_ => TorchModule.Custom("GlobalMaxPool"))
        .Build();

    private static void InferPool(LayerInference c)
    {
        var model = c.Model;
        model.Ceil = c.Bool("ceil");
        if (!c.RequireSpatial())
        {
            model.Kernel = c.Int("kernel");
            model.Stride = c.OptionalInt("stride") ?? model.Kernel;
            model.Padding = c.Int("padding");
            return;
        }

        SetWindow(c, -1);
        var size = c.SlidingWindow(model.KernelArray, model.StrideArray, model.PaddingArray, model.DilationArray, model.Ceil);
        if (size is not null)
        {
            model.OutputShape = Shape.Of(c.Input.Channels, size);
        }
    }

    private static void InferGlobalPool(LayerInference c)
    {
        if (c.RequireSpatial())
        {
            c.Model.OutputShape = Shape.Features(c.Input.Channels);
        }
    }
}
