using NormLab.Dsl.Diagnostics;
using static NormLab.Dsl.Layers.Arguments;

namespace NormLab.Dsl.Layers;

public sealed partial class LayerKind
{
    public static readonly LayerKind ReLU = Activation("relu", "ReLU", "max(0, x).", LayerTraits.Monotone, "ReLU", HealthMetric.DeadUnits);

    public static readonly LayerKind LeakyReLU = Define("leakyrelu", LayerCategory.Activation, "x for x > 0, slope · x otherwise.")
        .With(LayerTraits.Activation | LayerTraits.Monotone)
        .Arguments("LeakyReLU", Float("slope", 0.01, null, "The slope for negative inputs.", primary: true))
        .Shape(c => c.Model.Scalar = c.Float("slope"))
        .Module(l => TorchModule.Stock("LeakyReLU", ("negative_slope", l.Scalar)))
        .Build();

    public static readonly LayerKind ELU = Define("elu", LayerCategory.Activation, "x for x > 0, alpha · (exp(x) − 1) otherwise.")
        .With(LayerTraits.Activation | LayerTraits.Monotone)
        .Arguments("ELU", Float("alpha", 1.0, null, "The value approached for very negative inputs is −alpha.", primary: true))
        .Shape(c => c.Model.Scalar = c.Float("alpha"))
        .Module(l => TorchModule.Stock("ELU", ("alpha", l.Scalar)))
        .Build();

    public static readonly LayerKind PReLU = Define("prelu", LayerCategory.Activation, "A leaky ReLU whose slope is learned (one slope).")
        .With(LayerTraits.Activation)
        .Arguments("PReLU")
        .Shape(c => c.Model.Parameters = 1)
        .Module(l => TorchModule.Stock("PReLU", ("num_parameters", 1L)))
        .Build();

    public static readonly LayerKind Sigmoid = Activation("sigmoid", "Sigmoid", "1 / (1 + exp(−x)); saturates at both ends.", LayerTraits.Monotone | LayerTraits.Saturating, "Sigmoid", HealthMetric.Saturation, 0.01, 0.99);

    public static readonly LayerKind Tanh = Activation("tanh", "Tanh", "The hyperbolic tangent; saturates at both ends.", LayerTraits.Monotone | LayerTraits.Saturating, "Tanh", HealthMetric.Saturation, -0.99, 0.99);

    public static readonly LayerKind Softplus = Define("softplus", LayerCategory.Activation, "log(1 + exp(beta · x)) / beta, a smooth ReLU.")
        .With(LayerTraits.Activation | LayerTraits.Monotone)
        .Arguments("Softplus", Float("beta", 1.0, ArgumentRange.AboveZero, "The sharpness.", primary: true))
        .Shape(c => c.Model.Scalar = c.Float("beta"))
        .Module(l => TorchModule.Stock("Softplus", ("beta", l.Scalar)))
        .Build();

    public static readonly LayerKind Swish = Define("swish", LayerCategory.Activation, "x · sigmoid(x) (SiLU).")
        .With(LayerTraits.Activation)
        .Spelling("swish", new ArgumentSpec[0], "Swish", aliases: new[] { "silu" })
        .Module(_ => TorchModule.Stock("SiLU"))
        .Build();

    public static readonly LayerKind GELU = Activation("gelu", "GELU", "x · Φ(x), Φ the standard normal CDF.", LayerTraits.None, "GELU");

    public static readonly LayerKind Mish = Activation("mish", "Mish", "x · tanh(softplus(x)).", LayerTraits.None, "Mish");

    public static readonly LayerKind SELU = Activation("selu", "SELU", "A scaled ELU that keeps activations self-normalizing.", LayerTraits.Monotone, "SELU");

    public static readonly LayerKind ReLU6 = Activation("relu6", "ReLU6", "min(max(0, x), 6).", LayerTraits.Monotone, "ReLU6", HealthMetric.DeadUnits);

    public static readonly LayerKind Hardswish = Activation("hardswish", "Hardswish", "x · relu6(x + 3) / 6, a cheap swish (MobileNetV3).", LayerTraits.None, "Hardswish");

    public static readonly LayerKind Hardsigmoid = Activation("hardsigmoid", "Hardsigmoid", "relu6(x + 3) / 6, a cheap sigmoid that is exactly 0 or 1 beyond ±3 (MobileNetV3).", LayerTraits.Monotone | LayerTraits.Saturating, "Hardsigmoid", HealthMetric.Saturation, 0.01, 0.99);

    public static readonly LayerKind Softmax = Define("softmax", LayerCategory.Activation, "Normalizes the channels (dimension 1) into probabilities.")
        .With(LayerTraits.Activation)
        .Arguments("Softmax")
        .Module(_ => TorchModule.Stock("Softmax", ("dim", 1L)))
        .Build();

    public static readonly LayerKind Maxout = Define("maxout", LayerCategory.Activation, "The maximum over groups of pieces consecutive channels (Goodfellow et al. 2013).")
        .With(LayerTraits.Activation)
        .Arguments("Maxout", Int("pieces", 2, ArgumentRange.Positive, "The channels each output is the maximum of; must divide the channels.", primary: true))
        .Shape(c =>
        {
            var model = c.Model;
            model.Pieces = c.Int("pieces");
            if (model.Pieces > 0 && c.Input.Channels % model.Pieces != 0)
            {
                c.Fail(DiagnosticDescriptors.GroupsDoNotDivide,
                    $"'maxout' has pieces: {model.Pieces} but its input has {c.Input.Channels} {(c.Input.IsSpatial ? "channels" : "features")}; pieces must divide them");
                return;
            }

            model.OutputShape = c.Input.WithChannels(c.Input.Channels / System.Math.Max(1, model.Pieces));
        })
        .Module(l => TorchModule.Custom("Maxout", ("pieces", (long)l.Pieces)))
        .Build();

    /// <summary>An element-wise activation without arguments: <c>torch.nn.{module}()</c>.</summary>
    private static LayerKind Activation(string name, string attribute, string description, LayerTraits traits, string module, HealthMetric health = HealthMetric.None, double low = 0, double high = 0) =>
        Define(name, LayerCategory.Activation, description)
            .With(LayerTraits.Activation | traits)
            .Arguments(attribute)
            .Measure(health, low, high)
            .Module(_ => TorchModule.Stock(module))
            .Build();
}
