using System.Linq;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Model;
using static NormLab.Dsl.Layers.Arguments;

namespace NormLab.Dsl.Layers;

public sealed partial class LayerKind
{
    /// <summary><c>conv</c>, <c>conv1x1</c> … <c>conv7x7</c>, <c>conv1d</c>: a convolution, 2-d on images, 1-d on signals.</summary>
    public static readonly LayerKind Conv = Define("conv", LayerCategory.Convolution, "A convolution (2-d on images, 1-d on signals): out channels, a kernel (or HxW), stride, padding (same keeps the size at stride 1), dilation and groups.")
        .With(LayerTraits.LinearMap)
        .Spelling("conv", new[] { OutChannels, Int("kernel", 3, ArgumentRange.Positive, "The kernel's side (or HxW).", primary: true, pair: true) }.Concat(ConvolutionOptions).ToArray(), "Conv")
        .Spelling("conv1x1", new[] { OutChannels }.Concat(ConvolutionOptions).ToArray(), "Conv1x1", fixedKernel: 1, onlySpatialRank: 2)
        .Spelling("conv3x3", new[] { OutChannels }.Concat(ConvolutionOptions).ToArray(), "Conv3x3", fixedKernel: 3, onlySpatialRank: 2)
        .Spelling("conv5x5", new[] { OutChannels }.Concat(ConvolutionOptions).ToArray(), "Conv5x5", fixedKernel: 5, onlySpatialRank: 2)
        .Spelling("conv7x7", new[] { OutChannels }.Concat(ConvolutionOptions).ToArray(), "Conv7x7", fixedKernel: 7, onlySpatialRank: 2)
        .Spelling("conv1d", new[] { OutChannels, Int("kernel", 3, ArgumentRange.Positive, "The kernel's length.", primary: true) }.Concat(ConvolutionOptions).ToArray(), "Conv1d", onlySpatialRank: 1)
        .Shape(InferConvolution)
        .Module(ConvolutionModule)
        .Build();

    /// <summary>Conv1d on a signal, Conv2d on an image; per-dimension values as pairs only when they differ between dimensions.</summary>
    private static TorchModule ConvolutionModule(LayerModel l)
    {
        if (l.SpatialRank == 2 && !l.IsSquare)
        {
            return TorchModule.Stock("Conv2d",
                ("in_channels", (long)l.InFeatures), ("out_channels", (long)l.OutFeatures), ("kernel_size", Pair(l.Kernels)),
                ("stride", Pair(l.Strides)), ("padding", Pair(l.Paddings)), ("dilation", Pair(l.Dilations)), ("groups", (long)l.Groups), ("bias", l.Bias));
        }

        return TorchModule.Stock(l.SpatialRank == 1 ? "Conv1d" : "Conv2d",
            ("in_channels", (long)l.InFeatures), ("out_channels", (long)l.OutFeatures), ("kernel_size", (long)l.Kernel),
            ("stride", (long)l.Stride), ("padding", (long)l.Padding), ("dilation", (long)l.Dilation), ("groups", (long)l.Groups), ("bias", l.Bias));
    }

    private static (long, long) Pair(System.Collections.Generic.IReadOnlyList<int> values) => (values[0], values[values.Count - 1]);

    private static void InferConvolution(LayerInference c)
    {
        var model = c.Model;
        model.Groups = c.Int("groups");
        model.OutFeatures = c.Int("out");
        model.Bias = c.ResolveBias();
        model.BiasExplicit = c.Layer.BiasExplicit;
        if (!c.RequireSpatial())
        {
            model.Kernel = c.Int("kernel");
            model.Stride = c.Int("stride");
            model.Dilation = c.Int("dilation");
            return;
        }

        SetWindow(c, c.Argument("padding") switch
        {
            "same" => null,
            "valid" => 0,
            _ => -1,
        });
        var input = c.Input;
        model.InFeatures = input.Channels;
        if (model.Groups > 0 && (input.Channels % model.Groups != 0 || model.OutFeatures % model.Groups != 0))
        {
            c.Fail(DiagnosticDescriptors.GroupsDoNotDivide,
                $"'{c.Name}' has groups: {model.Groups}, which must divide both its input channels ({input.Channels}) and its output channels ({model.OutFeatures})");
            return;
        }

        var size = c.SlidingWindow(model.KernelArray, model.StrideArray, model.PaddingArray, model.DilationArray, ceil: false);
        if (size is null)
        {
            return;
        }

        model.OutputShape = Shapes.Shape.Of(model.OutFeatures, size);
        var perOutput = (long)(input.Channels / model.Groups);
        foreach (var k in model.KernelArray)
        {
            perOutput = Saturating.Multiply(perOutput, k);
        }

        model.Parameters = Saturating.Add(Saturating.Multiply(model.OutFeatures, perOutput), model.Bias ? model.OutFeatures : 0);
        model.Macs = Saturating.Multiply(model.OutputShape.ElementCount, perOutput);
    }

    /// <summary>
    /// Kernel, stride, padding and dilation per spatial dimension (<paramref name="fixedPadding"/>: null for
    /// <c>same</c>, 0 for <c>valid</c>, −1 to read the argument); the scalar properties keep the first dimension's value.
    /// </summary>
    private static void SetWindow(LayerInference c, int? fixedPadding)
    {
        var model = c.Model;
        model.KernelArray = c.PerDimension("kernel", 1);
        model.StrideArray = c.Argument("stride") is null ? model.KernelArray : c.PerDimension("stride", 1);
        model.DilationArray = c.Definition.FindArgument("dilation") is null ? LayerInference.Same(1, model.KernelArray.Length) : c.PerDimension("dilation", 1);
        if (fixedPadding is null)
        {
            var uniform = true;
            for (var i = 1; i < model.KernelArray.Length; i++)
            {
                uniform &= model.KernelArray[i] == model.KernelArray[0] && model.DilationArray[i] == model.DilationArray[0];
            }

            if (uniform)
            {
                model.PaddingArray = LayerInference.Same(model.DilationArray[0] * (model.KernelArray[0] - 1) / 2, model.KernelArray.Length);
            }
            else
            {
                model.PaddingArray = new int[model.KernelArray.Length];
                for (var i = 0; i < model.PaddingArray.Length; i++)
                {
                    model.PaddingArray[i] = model.DilationArray[i] * (model.KernelArray[i] - 1) / 2;
                }
            }
        }
        else
        {
            model.PaddingArray = fixedPadding == 0 ? LayerInference.Same(0, model.KernelArray.Length) : c.PerDimension("padding", 0);
        }

        model.Kernel = model.KernelArray[0];
        model.Stride = model.StrideArray[0];
        model.Padding = model.PaddingArray[0];
        model.Dilation = model.DilationArray[0];
    }

}
