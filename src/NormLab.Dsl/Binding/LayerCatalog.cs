using System;
using System.Collections.Generic;
using System.Linq;

namespace NormLab.Dsl.Binding;

/// <summary>The type of a layer argument.</summary>
public enum ArgumentType
{
    Integer,
    Float,
    Boolean,

    /// <summary><c>same</c>, <c>valid</c> or a non-negative integer.</summary>
    Padding,

    /// <summary><c>auto</c>, <c>true</c> or <c>false</c>.</summary>
    Bias,
}

/// <summary>One argument a layer accepts.</summary>
public sealed class ArgumentSpec
{
    public ArgumentSpec(string name, ArgumentType type, object? defaultValue, bool required = false)
    {
        Name = name;
        Type = type;
        Default = defaultValue;
        Required = required;
    }

    public string Name { get; }

    public ArgumentType Type { get; }

    /// <summary>The default: an <see cref="int"/>, <see cref="double"/>, <see cref="bool"/> or a symbol string; null when required or "same as another argument".</summary>
    public object? Default { get; }

    public bool Required { get; }
}

/// <summary>A layer of the catalog: its name, aliases, kind and arguments (positional in this order).</summary>
public sealed class LayerDefinition
{
    public LayerDefinition(string name, LayerKind kind, LayerCategory category, IReadOnlyList<ArgumentSpec> arguments, string[]? aliases = null, int? fixedKernel = null)
    {
        Name = name;
        Kind = kind;
        Category = category;
        Arguments = arguments;
        Aliases = aliases ?? Array.Empty<string>();
        FixedKernel = fixedKernel;
    }

    /// <summary>The name as written (<c>conv3x3</c>, <c>dense</c>).</summary>
    public string Name { get; }

    public LayerKind Kind { get; }

    public LayerCategory Category { get; }

    public IReadOnlyList<ArgumentSpec> Arguments { get; }

    public IReadOnlyList<string> Aliases { get; }

    /// <summary>The kernel size of <c>conv1x1</c> … <c>conv7x7</c>.</summary>
    public int? FixedKernel { get; }

    public ArgumentSpec? FindArgument(string name) => Arguments.FirstOrDefault(a => a.Name == name);
}

/// <summary>The layer catalog of the first release (<c>language.md</c>).</summary>
public static class LayerCatalog
{
    private static readonly Dictionary<string, LayerDefinition> ByName = new(StringComparer.Ordinal);

    static LayerCatalog()
    {
        var convNamed = new[]
        {
            new ArgumentSpec("stride", ArgumentType.Integer, 1),
            new ArgumentSpec("padding", ArgumentType.Padding, "same"),
            new ArgumentSpec("dilation", ArgumentType.Integer, 1),
            new ArgumentSpec("groups", ArgumentType.Integer, 1),
            new ArgumentSpec("bias", ArgumentType.Bias, "auto"),
        };
        var outArg = new ArgumentSpec("out", ArgumentType.Integer, null, required: true);
        Add(new LayerDefinition("conv", LayerKind.Conv, LayerCategory.Convolution,
            new[] { outArg, new ArgumentSpec("kernel", ArgumentType.Integer, 3) }.Concat(convNamed).ToArray()));
        foreach (var k in new[] { 1, 3, 5, 7 })
        {
            Add(new LayerDefinition($"conv{k}x{k}", LayerKind.Conv, LayerCategory.Convolution,
                new[] { outArg }.Concat(convNamed).ToArray(), fixedKernel: k));
        }

        Add(new LayerDefinition("linear", LayerKind.Linear, LayerCategory.FullyConnected,
            new[] { outArg, new ArgumentSpec("bias", ArgumentType.Bias, "auto") }, new[] { "dense" }));

        var eps = new ArgumentSpec("eps", ArgumentType.Float, 1e-5);
        Add(new LayerDefinition("bn", LayerKind.BatchNorm, LayerCategory.Normalization,
            new[] { eps, new ArgumentSpec("momentum", ArgumentType.Float, 0.1), new ArgumentSpec("affine", ArgumentType.Boolean, true) },
            new[] { "batchnorm" }));
        Add(new LayerDefinition("ln", LayerKind.LayerNorm, LayerCategory.Normalization,
            new[] { eps, new ArgumentSpec("affine", ArgumentType.Boolean, true) }, new[] { "layernorm" }));
        Add(new LayerDefinition("in", LayerKind.InstanceNorm, LayerCategory.Normalization,
            new[] { eps, new ArgumentSpec("affine", ArgumentType.Boolean, false) }, new[] { "instancenorm" }));
        Add(new LayerDefinition("gn", LayerKind.GroupNorm, LayerCategory.Normalization,
            new[] { new ArgumentSpec("groups", ArgumentType.Integer, null, required: true), eps, new ArgumentSpec("affine", ArgumentType.Boolean, true) },
            new[] { "groupnorm" }));

        var none = Array.Empty<ArgumentSpec>();
        Add(new LayerDefinition("relu", LayerKind.ReLU, LayerCategory.Activation, none));
        Add(new LayerDefinition("leakyrelu", LayerKind.LeakyReLU, LayerCategory.Activation, new[] { new ArgumentSpec("slope", ArgumentType.Float, 0.01) }));
        Add(new LayerDefinition("elu", LayerKind.ELU, LayerCategory.Activation, new[] { new ArgumentSpec("alpha", ArgumentType.Float, 1.0) }));
        Add(new LayerDefinition("prelu", LayerKind.PReLU, LayerCategory.Activation, none));
        Add(new LayerDefinition("sigmoid", LayerKind.Sigmoid, LayerCategory.Activation, none));
        Add(new LayerDefinition("tanh", LayerKind.Tanh, LayerCategory.Activation, none));
        Add(new LayerDefinition("softplus", LayerKind.Softplus, LayerCategory.Activation, new[] { new ArgumentSpec("beta", ArgumentType.Float, 1.0) }));
        Add(new LayerDefinition("swish", LayerKind.Swish, LayerCategory.Activation, none, new[] { "silu" }));
        Add(new LayerDefinition("gelu", LayerKind.GELU, LayerCategory.Activation, none));
        Add(new LayerDefinition("mish", LayerKind.Mish, LayerCategory.Activation, none));
        Add(new LayerDefinition("selu", LayerKind.SELU, LayerCategory.Activation, none));
        Add(new LayerDefinition("relu6", LayerKind.ReLU6, LayerCategory.Activation, none));
        Add(new LayerDefinition("softmax", LayerKind.Softmax, LayerCategory.Activation, none));
        Add(new LayerDefinition("maxout", LayerKind.Maxout, LayerCategory.Activation, new[] { new ArgumentSpec("pieces", ArgumentType.Integer, 2) }));

        var pool = new[]
        {
            new ArgumentSpec("kernel", ArgumentType.Integer, 2),
            new ArgumentSpec("stride", ArgumentType.Integer, null),
            new ArgumentSpec("padding", ArgumentType.Integer, 0),
        };
        Add(new LayerDefinition("maxpool", LayerKind.MaxPool, LayerCategory.Pooling, pool));
        Add(new LayerDefinition("avgpool", LayerKind.AvgPool, LayerCategory.Pooling, pool));
        Add(new LayerDefinition("gap", LayerKind.GlobalAvgPool, LayerCategory.GlobalPooling, none));
        Add(new LayerDefinition("gmp", LayerKind.GlobalMaxPool, LayerCategory.GlobalPooling, none));
        Add(new LayerDefinition("flatten", LayerKind.Flatten, LayerCategory.Shape, none));
        Add(new LayerDefinition("dropout", LayerKind.Dropout, LayerCategory.Regularization, new[] { new ArgumentSpec("p", ArgumentType.Float, 0.5) }));
        Add(new LayerDefinition("dropout2d", LayerKind.Dropout2d, LayerCategory.Regularization, new[] { new ArgumentSpec("p", ArgumentType.Float, 0.5) }));
        Add(new LayerDefinition("identity", LayerKind.Identity, LayerCategory.Structure, none));

        Residual = new LayerDefinition("residual", LayerKind.Residual, LayerCategory.Structure, none);
        Names = ByName.Keys.OrderBy(n => n, StringComparer.Ordinal).ToArray();
    }

    /// <summary>The definition behind <c>residual { }</c> (a keyword, not a callable name).</summary>
    public static LayerDefinition Residual { get; }

    /// <summary>Every callable name, aliases included, sorted.</summary>
    public static IReadOnlyList<string> Names { get; }

    public static LayerDefinition? Find(string name) => ByName.TryGetValue(name, out var d) ? d : null;

    /// <summary>The canonical catalog name of a kind (<c>conv</c>, <c>bn</c>, <c>relu</c>, …), used for field names.</summary>
    public static string CanonicalName(LayerKind kind) =>
        (uint)kind < (uint)CanonicalNames.Length ? CanonicalNames[(int)kind] : ComputeCanonicalName(kind);

    /// <summary>The canonical names by kind, computed once (layer naming asks for them per layer).</summary>
    private static readonly string[] CanonicalNames = Enumerable
        .Range(0, (int)Enum.GetValues(typeof(LayerKind)).Cast<LayerKind>().Max() + 1)
        .Select(k => ComputeCanonicalName((LayerKind)k))
        .ToArray();

    private static string ComputeCanonicalName(LayerKind kind) => kind switch
    {
        LayerKind.Conv => "conv",
        LayerKind.Linear => "linear",
        LayerKind.BatchNorm => "bn",
        LayerKind.LayerNorm => "ln",
        LayerKind.InstanceNorm => "in",
        LayerKind.GroupNorm => "gn",
        LayerKind.GlobalAvgPool => "gap",
        LayerKind.GlobalMaxPool => "gmp",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static bool IsSaturating(LayerKind kind) => kind is LayerKind.Sigmoid or LayerKind.Tanh;

    /// <summary>Activations f with f(max(a, b)) = max(f(a), f(b)).</summary>
    public static bool IsMonotone(LayerKind kind) => kind is LayerKind.ReLU or LayerKind.LeakyReLU or LayerKind.ELU
        or LayerKind.Sigmoid or LayerKind.Tanh or LayerKind.Softplus or LayerKind.SELU or LayerKind.ReLU6;

    private static void Add(LayerDefinition definition)
    {
        ByName.Add(definition.Name, definition);
        foreach (var alias in definition.Aliases)
        {
            ByName.Add(alias, definition);
        }
    }
}
