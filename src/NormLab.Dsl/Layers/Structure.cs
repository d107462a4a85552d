using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Shapes;
using static NormLab.Dsl.Layers.Arguments;

namespace NormLab.Dsl.Layers;

public sealed partial class LayerKind
{
    public static readonly LayerKind Flatten = Define("flatten", LayerCategory.Shape, "C×H×W → C·H·W features.")
        .With(LayerTraits.Transparent | LayerTraits.Affine)
        .Arguments("Flatten")
        .Shape(c => c.Model.OutputShape = Shape.Features((int)System.Math.Min(int.MaxValue, c.Input.ElementCount)))
        .Module(_ => TorchModule.Stock("Flatten"))
        .Build();

    public static readonly LayerKind Dropout = Define("dropout", LayerCategory.Regularization, "Zeroes each value with probability p in training; identity in evaluation.")
        .With(LayerTraits.Dropout | LayerTraits.Transparent | LayerTraits.Affine)
        .Arguments("Dropout", Float("p", 0.5, ArgumentRange.Probability, "The probability of zeroing.", primary: true))
        .Shape(c => c.Model.P = c.Float("p"))
        .Module(l => TorchModule.Stock("Dropout", ("p", l.P)))
        .Build();

    public static readonly LayerKind Dropout2d = Define("dropout2d", LayerCategory.Regularization, "Zeroes whole channels of an image with probability p in training; identity in evaluation.")
        .With(LayerTraits.Dropout | LayerTraits.Transparent | LayerTraits.Affine)
        .ArgumentsAtRank(2, "Dropout2d", Float("p", 0.5, ArgumentRange.Probability, "The probability of zeroing a channel.", primary: true))
        .Shape(c =>
        {
            c.Model.P = c.Float("p");
            c.RequireSpatial();
        })
        .Module(l => TorchModule.Stock("Dropout2d", ("p", l.P)))
        .Build();

    public static readonly LayerKind Dropout1d = Define("dropout1d", LayerCategory.Regularization, "Zeroes whole channels of a signal with probability p in training; identity in evaluation.")
        .With(LayerTraits.Dropout | LayerTraits.Transparent | LayerTraits.Affine)
        .ArgumentsAtRank(1, "Dropout1d", Float("p", 0.5, ArgumentRange.Probability, "The probability of zeroing a channel.", primary: true))
        .Shape(c =>
        {
            c.Model.P = c.Float("p");
            c.RequireSpatial();
        })
        .Module(l => TorchModule.Stock("Dropout1d", ("p", l.P)))
        .Build();

    public static readonly LayerKind DropPath = Define("droppath", LayerCategory.Regularization, "Stochastic depth: in training, zeroes a residual branch for a sample with probability p (and scales the rest by 1/(1-p)); identity in evaluation.")
        .With(LayerTraits.Dropout | LayerTraits.Transparent | LayerTraits.Affine)
        .Arguments("DropPath", Float("p", 0.1, ArgumentRange.Probability, "The probability of dropping the branch for a sample.", primary: true))
        .Shape(c => c.Model.P = c.Float("p"))
        .Module(l => TorchModule.Custom("DropPath", ("p", l.P)))
        .Build();

    public static readonly LayerKind LayerScale = Define("layerscale", LayerCategory.Regularization, "A learnable per-channel scale, started at init (ConvNeXt, CaiT): C parameters.")
        .With(LayerTraits.None)
        .Arguments("LayerScale", Float("init", 1e-6, null, "The scale's initial value.", primary: true))
        .Shape(c =>
        {
            c.Model.Scalar = c.Float("init");
            c.Model.InFeatures = c.Input.Channels;
            c.Model.Parameters = c.Input.Channels;
        })
        .Module(l => TorchModule.Custom("LayerScale", ("channels", (long)l.InFeatures), ("rank", (long)l.InputShape.Rank), ("init", l.Scalar)))
        .Build();

    public static readonly LayerKind Channels = Define("channels", LayerCategory.Shape, "Channels start to end − 1 of the input (ShuffleNetV2's split).")
        .With(LayerTraits.Transparent)
        .Arguments("Channels",
            new ArgumentSpec("start", ArgumentType.Integer, null, required: true, range: ArgumentRange.NonNegative, description: "The first channel kept."),
            new ArgumentSpec("end", ArgumentType.Integer, null, required: true, range: ArgumentRange.Positive, description: "One past the last channel kept."))
        .Shape(c =>
        {
            var model = c.Model;
            model.Start = c.Int("start");
            model.End = c.Int("end");
            if (model.Start < 0 || model.Start >= model.End || model.End > c.Input.Channels)
            {
                c.Fail(DiagnosticDescriptors.ChannelsOutOfRange,
                    $"'channels({model.Start}, {model.End})' needs 0 <= start < end <= {c.Input.Channels}, the {(c.Input.IsSpatial ? "channels" : "features")} of its input {c.Input}");
                return;
            }

            model.OutputShape = c.Input.WithChannels(model.End - model.Start);
        })
        .Module(l => TorchModule.Custom("ChannelSlice", ("start", (long)l.Start), ("end", (long)l.End)))
        .Build();

    public static readonly LayerKind Shuffle = Define("shuffle", LayerCategory.Shape, "Channel shuffle (ShuffleNet): C channels as groups × C/groups, transposed.")
        .With(LayerTraits.Transparent)
        .Arguments("Shuffle", Int("groups", 2, ArgumentRange.Positive, "The number of groups; must divide the channels.", primary: true))
        .Shape(c =>
        {
            var model = c.Model;
            model.Groups = c.Int("groups");
            if (c.RequireSpatial() && model.Groups > 0 && c.Input.Channels % model.Groups != 0)
            {
                c.Fail(DiagnosticDescriptors.ShuffleGroups,
                    $"'shuffle' has groups: {model.Groups} but its input has {c.Input.Channels} channels; groups must divide the channels (try {LayerInference.Divisor(c.Input.Channels, model.Groups)})");
            }
        })
        .Module(l => TorchModule.Stock("ChannelShuffle", ("groups", (long)l.Groups)))
        .Build();

    public static readonly LayerKind Identity = Define("identity", LayerCategory.Structure, "Passes its input through unchanged.")
        .With(LayerTraits.Transparent | LayerTraits.Affine)
        .Arguments("Identity")
        .Module(_ => TorchModule.Stock("Identity"))
        .Build();

    /// <summary><c>residual { … }</c>: its branch plus its input (projected when <c>residual(project)</c> and the shape changes). A keyword, not a callable name; the shape inference walks its branch.</summary>
    public static readonly LayerKind Residual = Define("residual", LayerCategory.Structure, "residual { … } adds its branch's output to its input; residual(project) { … } projects the input (1x1 conv + bn) when the branch changes the shape.")
        .With(LayerTraits.Structure)
        .Arguments(attribute: null)
        .Build();

    /// <summary><c>concat { a | b | … }</c>: every branch on the same input, the outputs joined on channels (or features). A keyword.</summary>
    public static readonly LayerKind Concat = Define("concat", LayerCategory.Structure, "concat { a | b | … } runs every branch on its input and joins their outputs on channels (or features); identity as a branch is the input itself.")
        .With(LayerTraits.Structure | LayerTraits.Join)
        .Arguments(attribute: null)
        .Build();

    /// <summary><c>scale { … }</c>: the input times its branch's output, a per-channel gate. A keyword.</summary>
    public static readonly LayerKind Scale = Define("scale", LayerCategory.Structure, "scale { … } multiplies its input by its branch's output: C features (or C×1×1) for a C-channel input, broadcast over the positions.")
        .With(LayerTraits.Structure | LayerTraits.Gate)
        .Arguments(attribute: null)
        .Build();

    /// <summary><c>se(squeeze, act, gate)</c>: squeeze-excitation, torchvision's SqueezeExcitation.</summary>
    public static readonly LayerKind SqueezeExcitation = Define("se", LayerCategory.Structure, "Squeeze-excitation: scale { average pool > 1x1 conv(squeeze) > act > 1x1 conv(C) > gate } with biases (torchvision's SqueezeExcitation): 2·C·squeeze + squeeze + C parameters.")
        .With(LayerTraits.Gate)
        .Arguments("SqueezeExcitation",
            new ArgumentSpec("squeeze", ArgumentType.Integer, null, required: true, range: ArgumentRange.Positive, description: "The width of the squeeze."),
            new ArgumentSpec("act", ArgumentType.Layer, "relu", description: "The activation between the two 1x1 convolutions."),
            new ArgumentSpec("gate", ArgumentType.Layer, "sigmoid", description: "The gate's activation."))
        .Build();

    /// <summary>The average pool to 1×1 (or 1) at the start of <c>se</c>.</summary>
    public static readonly LayerKind SqueezePool = Define("pool", LayerCategory.GlobalPooling, "The mean of each channel, kept as C×1×1 (or C×1).")
        .With(LayerTraits.Internal | LayerTraits.GlobalPooling | LayerTraits.Transparent | LayerTraits.Affine)
        .Arguments(attribute: null)
        .Shape(c =>
        {
            if (c.RequireSpatial())
            {
                var ones = new int[c.Input.SpatialRank];
                for (var i = 0; i < ones.Length; i++)
                {
                    ones[i] = 1;
                }

                c.Model.OutputShape = Shape.Of(c.Input.Channels, ones);
            }
        })
        .Module(l => TorchModule.Stock(l.SpatialRank == 1 ? "AdaptiveAvgPool1d" : "AdaptiveAvgPool2d", ("output_size", 1L)))
        .Build();
}
