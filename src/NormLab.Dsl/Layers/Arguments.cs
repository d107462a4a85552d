namespace NormLab.Dsl.Layers;

/// <summary>Arguments several kinds share, declared once.</summary>
internal static class Arguments
{
    public static readonly ArgumentSpec OutChannels = new("out", ArgumentType.Integer, null, required: true, range: ArgumentRange.Positive, description: "The output channels.", attributeName: "outChannels");

    public static readonly ArgumentSpec OutFeatures = new("out", ArgumentType.Integer, null, required: true, range: ArgumentRange.Positive, description: "The output features.", attributeName: "outFeatures");

    public static readonly ArgumentSpec Bias = new("bias", ArgumentType.Bias, "auto", description: "auto drops the bias when the next layer cancels it (bn, in).");

    public static readonly ArgumentSpec Eps = Float("eps", 1e-5, ArgumentRange.AboveZero, "Added to the variance for numerical stability.");

    public static readonly ArgumentSpec[] ConvolutionOptions =
    {
        Int("stride", 1, ArgumentRange.Positive, "The step between windows (or HxW).", pair: true),
        new("padding", ArgumentType.Padding, "same", description: "same (keep the size at stride 1), valid (none) or a number of zeros on each side (or HxW).", pair: true),
        Int("dilation", 1, ArgumentRange.Positive, "The spacing between kernel taps (or HxW).", pair: true),
        Int("groups", 1, ArgumentRange.Positive, "Channel groups; must divide the input and output channels."),
        Bias,
    };

    public static ArgumentSpec Int(string name, int? value, ArgumentRange? range, string description, bool primary = false, bool pair = false) =>
        new(name, ArgumentType.Integer, value, range: range, description: description, primary: primary, pair: pair);

    public static ArgumentSpec Float(string name, double value, ArgumentRange? range, string description, bool primary = false) =>
        new(name, ArgumentType.Float, value, range: range, description: description, primary: primary);

    public static ArgumentSpec Flag(string name, bool value, string description) =>
        new(name, ArgumentType.Boolean, value, description: description);
}
