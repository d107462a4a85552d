using NormLab.Dsl.Shapes;
using static NormLab.Dsl.Layers.Arguments;

namespace NormLab.Dsl.Layers;

public sealed partial class LayerKind
{
    /// <summary><c>linear</c> (<c>dense</c>): a fully connected layer.</summary>
    public static readonly LayerKind Linear = Define("linear", LayerCategory.FullyConnected, "A fully connected layer: out features, with a bias unless the next layer cancels it.")
        .With(LayerTraits.LinearMap)
        .Spelling("linear", new[] { OutFeatures, Bias }, "Linear", aliases: new[] { "dense" }, moreAttributes: new[] { "Dense" })
        .Shape(c =>
        {
            var model = c.Model;
            var features = c.Features();
            model.InFeatures = features.Channels;
            model.OutFeatures = c.Int("out");
            model.Bias = c.ResolveBias();
            model.BiasExplicit = c.Layer.BiasExplicit;
            model.Parameters = ((long)model.InFeatures * model.OutFeatures) + (model.Bias ? model.OutFeatures : 0);
            model.Macs = (long)model.InFeatures * model.OutFeatures;
            model.OutputShape = Shape.Features(model.OutFeatures);
        })
        .Module(l => TorchModule.Stock("Linear", ("inputSize", (long)l.InFeatures), ("outputSize", (long)l.OutFeatures), ("hasBias", l.Bias)))
        .Build();
}
