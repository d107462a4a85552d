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

    public static readonly LayerKind Dropout2d = Define("dropout2d", LayerCategory.Regularization, "Zeroes whole channels with probability p in training; identity in evaluation.")
        .With(LayerTraits.Dropout | LayerTraits.Transparent | LayerTraits.Affine)
        .Arguments("Dropout2d", Float("p", 0.5, ArgumentRange.Probability, "The probability of zeroing a channel.", primary: true))
        .Shape(c =>
        {
            c.Model.P = c.Float("p");
            c.RequireSpatial();
        })
        .Module(l => TorchModule.Stock("Dropout2d", ("p", l.P)))
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
}
