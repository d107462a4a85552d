using NormLab.Dsl.Shapes;
using static NormLab.Dsl.Layers.Arguments;

namespace NormLab.Dsl.Layers;

public sealed partial class LayerKind
{
    private static readonly ArgumentSpec[] PoolArguments =
    {
        Int("kernel", 2, ArgumentRange.Positive, "The window's side.", primary: true),
        Int("stride", null, ArgumentRange.Positive, "The step between windows; default: the kernel."),
        Int("padding", 0, ArgumentRange.NonNegative, "Padding on each side; at most half the kernel."),
    };

    public static readonly LayerKind MaxPool = Define("maxpool", LayerCategory.Pooling, "The maximum of each window (2x2, stride 2 by default).")
        .With(LayerTraits.LocalPooling | LayerTraits.Transparent)
        .Arguments("MaxPool", PoolArguments)
        .Shape(InferPool)
        .Module(l => TorchModule.Stock("MaxPool2d", ("kernel_size", (long)l.Kernel), ("stride", (long)l.Stride), ("padding", (long)l.Padding)))
        .Build();

    public static readonly LayerKind AvgPool = Define("avgpool", LayerCategory.Pooling, "The mean of each window (2x2, stride 2 by default).")
        .With(LayerTraits.LocalPooling | LayerTraits.Transparent | LayerTraits.Affine)
        .Arguments("AvgPool", PoolArguments)
        .Shape(InferPool)
        .Module(l => TorchModule.Stock("AvgPool2d", ("kernel_size", (long)l.Kernel), ("stride", (long)l.Stride), ("padding", (long)l.Padding)))
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
        model.Kernel = c.Int("kernel");
        model.Stride = c.OptionalInt("stride") ?? model.Kernel;
        model.Padding = c.Int("padding");
        if (!c.RequireSpatial())
        {
            return;
        }

        var size = c.SlidingWindow(model.Kernel, model.Stride, model.Padding, 1);
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
