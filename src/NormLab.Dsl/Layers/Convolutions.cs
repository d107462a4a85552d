using System.Linq;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Model;
using static NormLab.Dsl.Layers.Arguments;

namespace NormLab.Dsl.Layers;

public sealed partial class LayerKind
{
    /// <summary><c>conv</c>, <c>conv1x1</c> … <c>conv7x7</c>: a 2-d convolution.</summary>
    public static readonly LayerKind Conv = Define("conv", LayerCategory.Convolution, "A 2-d convolution: out channels, a square kernel, stride, padding (same keeps the size at stride 1), dilation and groups.")
        .With(LayerTraits.LinearMap)
        .Spelling("conv", new[] { OutChannels, Int("kernel", 3, ArgumentRange.Positive, "The kernel's side.", primary: true) }.Concat(ConvolutionOptions).ToArray(), "Conv")
        .Spelling("conv1x1", new[] { OutChannels }.Concat(ConvolutionOptions).ToArray(), "Conv1x1", fixedKernel: 1)
        .Spelling("conv3x3", new[] { OutChannels }.Concat(ConvolutionOptions).ToArray(), "Conv3x3", fixedKernel: 3)
        .Spelling("conv5x5", new[] { OutChannels }.Concat(ConvolutionOptions).ToArray(), "Conv5x5", fixedKernel: 5)
        .Spelling("conv7x7", new[] { OutChannels }.Concat(ConvolutionOptions).ToArray(), "Conv7x7", fixedKernel: 7)
        .Shape(InferConvolution)
        .Module(l => TorchModule.Stock("Conv2d",
            ("in_channels", (long)l.InFeatures), ("out_channels", (long)l.OutFeatures), ("kernel_size", (long)l.Kernel),
            ("stride", (long)l.Stride), ("padding", (long)l.Padding), ("dilation", (long)l.Dilation), ("groups", (long)l.Groups), ("bias", l.Bias)))
        .Build();

    private static void InferConvolution(LayerInference c)
    {
        var model = c.Model;
        model.Kernel = c.Int("kernel");
        model.Stride = c.Int("stride");
        model.Dilation = c.Int("dilation");
        model.Groups = c.Int("groups");
        model.OutFeatures = c.Int("out");
        model.Padding = c.Argument("padding") switch
        {
            "same" => model.Dilation * (model.Kernel - 1) / 2,
            int amount => amount,
            _ => 0,
        };
        model.Bias = c.ResolveBias();
        model.BiasExplicit = c.Layer.BiasExplicit;
        if (!c.RequireSpatial())
        {
            return;
        }

        var input = c.Input;
        model.InFeatures = input.Channels;
        if (model.Groups > 0 && (input.Channels % model.Groups != 0 || model.OutFeatures % model.Groups != 0))
        {
            c.Fail(DiagnosticDescriptors.GroupsDoNotDivide,
                $"'{c.Name}' has groups: {model.Groups}, which must divide both its input channels ({input.Channels}) and its output channels ({model.OutFeatures})");
            return;
        }

        var size = c.SlidingWindow(model.Kernel, model.Stride, model.Padding, model.Dilation);
        if (size is null)
        {
            return;
        }

        model.OutputShape = Shapes.Shape.Of(model.OutFeatures, size);
        var perOutput = (long)(input.Channels / model.Groups);
        for (var i = 0; i < size.Length; i++)
        {
            perOutput = Saturating.Multiply(perOutput, model.Kernel);
        }

        model.Parameters = Saturating.Add(Saturating.Multiply(model.OutFeatures, perOutput), model.Bias ? model.OutFeatures : 0);
        model.Macs = Saturating.Multiply(model.OutputShape.ElementCount, perOutput);
    }
}
