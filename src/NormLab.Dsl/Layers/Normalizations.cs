using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Model;
using static NormLab.Dsl.Layers.Arguments;

namespace NormLab.Dsl.Layers;

public sealed partial class LayerKind
{
    private static readonly ArgumentSpec Affine = Flag("affine", true, "Learn a scale and a shift.");

    /// <summary><c>bn</c> (<c>batchnorm</c>): batch normalization.</summary>
    public static readonly LayerKind BatchNorm = Define("bn", LayerCategory.Normalization, "Batch normalization: per-channel statistics of the batch in training, running statistics in evaluation.")
        .With(LayerTraits.Normalization | LayerTraits.Affine | LayerTraits.CancelsBias)
        .Spelling("bn", new[] { Eps, Float("momentum", 0.1, ArgumentRange.UnitInterval, "The weight of the newest batch in the running statistics."), Affine }, "BatchNorm", aliases: new[] { "batchnorm" })
        .Shape(c =>
        {
            Norm(c);
            c.Model.Momentum = c.Float("momentum");
            c.Model.Parameters = c.Model.Affine ? 2L * c.Input.Channels : 0;
        })
        .Module(l => TorchModule.Stock(l.SpatialRank == 2 ? "BatchNorm2d" : "BatchNorm1d",
            ("num_features", (long)l.InFeatures), ("eps", l.Eps), ("momentum", l.Momentum), ("affine", l.Affine)))
        .Build();

    /// <summary><c>ln</c> (<c>layernorm</c>): layer normalization over the whole sample, or over the channels at each position.</summary>
    public static readonly LayerKind LayerNorm = Define("ln", LayerCategory.Normalization, "Layer normalization over every value of one sample (C×H×W, or the features); over: channels normalizes the C values at each position (ConvNeXt).")
        .With(LayerTraits.Normalization)
        .Spelling("ln", new[] { Eps, Affine, new ArgumentSpec("over", ArgumentType.Symbol, "all", description: "all (every value of the sample) or channels (the C values at each position).") }, "LayerNorm", aliases: new[] { "layernorm" })
        .Shape(c =>
        {
            Norm(c);
            c.Model.OverChannels = c.Layer.Symbol("over") == "channels";
            c.Model.Parameters = !c.Model.Affine ? 0 : c.Model.OverChannels ? 2L * c.Input.Channels : Saturating.Multiply(2, c.Input.ElementCount);
        })
        .Module(l => l.OverChannels
            ? TorchModule.Custom("ChannelLayerNorm", ("channels", (long)l.InFeatures), ("eps", l.Eps), ("affine", l.Affine))
            : TorchModule.Stock("LayerNorm", ("normalized_shape", Longs(l.InputShape.Dimensions)), ("eps", l.Eps), ("elementwise_affine", l.Affine)))
        .Build();

    /// <summary><c>in</c> (<c>instancenorm</c>): instance normalization.</summary>
    public static readonly LayerKind InstanceNorm = Define("in", LayerCategory.Normalization, "Instance normalization: per-channel statistics of each sample.")
        .With(LayerTraits.Normalization | LayerTraits.CancelsBias)
        .Spelling("in", new[] { Eps, Flag("affine", false, "Learn a scale and a shift.") }, "InstanceNorm", aliases: new[] { "instancenorm" })
        .Shape(c =>
        {
            if (!c.RequireSpatial())
            {
                return;
            }

            Norm(c);
            c.Model.Parameters = c.Model.Affine ? 2L * c.Input.Channels : 0;
        })
        .Module(l => TorchModule.Stock(l.SpatialRank == 1 ? "InstanceNorm1d" : "InstanceNorm2d", ("num_features", (long)l.InFeatures), ("eps", l.Eps), ("affine", l.Affine)))
        .Build();

    /// <summary><c>gn</c> (<c>groupnorm</c>): group normalization.</summary>
    public static readonly LayerKind GroupNorm = Define("gn", LayerCategory.Normalization, "Group normalization: statistics of each sample over groups of channels.")
        .With(LayerTraits.Normalization)
        .Spelling("gn", new[] { new ArgumentSpec("groups", ArgumentType.Integer, null, required: true, range: ArgumentRange.Positive, description: "The number of channel groups; must divide the channels."), Eps, Affine }, "GroupNorm", aliases: new[] { "groupnorm" })
        .Shape(c =>
        {
            // TorchSharp's GroupNorm (the module both back ends build) refuses a flat [N, F] input
            if (!c.RequireSpatial())
            {
                return;
            }

            Norm(c);
            var model = c.Model;
            model.Groups = c.Int("groups");
            if (model.Groups > 0 && c.Input.Channels % model.Groups != 0)
            {
                c.Report(DiagnosticDescriptors.GroupsDoNotDivide,
                    $"'gn' has groups: {model.Groups} but its input has {c.Input.Channels} channels; groups must divide the channels (try {LayerInference.Divisor(c.Input.Channels, model.Groups)})");
            }

            model.Parameters = model.Affine ? 2L * c.Input.Channels : 0;
        })
        .Module(l => TorchModule.Stock("GroupNorm", ("num_groups", (long)l.Groups), ("num_channels", (long)l.InFeatures), ("eps", l.Eps), ("affine", l.Affine)))
        .Build();

    private static void Norm(LayerInference c)
    {
        c.Model.InFeatures = c.Input.Channels;
        c.Model.Eps = c.Float("eps");
        c.Model.Affine = c.Bool("affine");
    }

    private static long[] Longs(System.Collections.Generic.IReadOnlyList<int> dimensions)
    {
        var values = new long[dimensions.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = dimensions[i];
        }

        return values;
    }
}
