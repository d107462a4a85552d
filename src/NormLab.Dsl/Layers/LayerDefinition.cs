using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NormLab.Dsl.Layers;

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

    /// <summary>A layer (an activation such as <c>relu</c> or <c>leakyrelu(0.2)</c>, or a layer-valued block parameter).</summary>
    Layer,

    /// <summary>A word from a fixed set (<c>ln</c>'s <c>over: all</c> or <c>channels</c>).</summary>
    Symbol,
}

/// <summary>The values a numeric argument accepts: a lower and an optional upper bound, each inclusive or not.</summary>
public sealed class ArgumentRange
{
    public ArgumentRange(double minimum, bool minimumInclusive, double? maximum = null, bool maximumInclusive = true)
    {
        Minimum = minimum;
        MinimumInclusive = minimumInclusive;
        Maximum = maximum;
        MaximumInclusive = maximumInclusive;
    }

    /// <summary>At least 1 (channels, kernels, strides, groups).</summary>
    public static ArgumentRange Positive { get; } = new(1, true);

    /// <summary>At least 0 (padding).</summary>
    public static ArgumentRange NonNegative { get; } = new(0, true);

    /// <summary>Greater than 0 (eps, beta).</summary>
    public static ArgumentRange AboveZero { get; } = new(0, false);

    /// <summary>0 &lt;= p &lt; 1 (a dropout probability).</summary>
    public static ArgumentRange Probability { get; } = new(0, true, 1, false);

    /// <summary>0..1 (momentum).</summary>
    public static ArgumentRange UnitInterval { get; } = new(0, true, 1, true);

    public double Minimum { get; }

    public bool MinimumInclusive { get; }

    public double? Maximum { get; }

    public bool MaximumInclusive { get; }

    public bool Contains(double value) =>
        (MinimumInclusive ? value >= Minimum : value > Minimum)
        && (Maximum is not double max || (MaximumInclusive ? value <= max : value < max));

    /// <summary><c>at least 1</c>, <c>greater than 0</c>, <c>0 &lt;= p &lt; 1</c>, <c>0..1</c>: the docs' and completion's wording.</summary>
    public override string ToString() => Maximum is double max
        ? (MinimumInclusive && MaximumInclusive ? $"{Number(Minimum)}..{Number(max)}" : $"{Number(Minimum)} {(MinimumInclusive ? "<=" : "<")} x {(MaximumInclusive ? "<=" : "<")} {Number(max)}")
        : (MinimumInclusive ? $"at least {Number(Minimum)}" : $"greater than {Number(Minimum)}");

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>One argument a layer accepts.</summary>
public sealed class ArgumentSpec
{
    public ArgumentSpec(string name, ArgumentType type, object? defaultValue, bool required = false, ArgumentRange? range = null, string? description = null, bool primary = false, string? attributeName = null, bool pair = false)
    {
        AllowsPair = pair;
        Name = name;
        Type = type;
        Default = defaultValue;
        Required = required;
        Range = range;
        Description = description ?? string.Empty;
        Primary = primary || required;
        AttributeName = attributeName ?? name;
    }

    public string Name { get; }

    public ArgumentType Type { get; }

    /// <summary>The default: an <see cref="int"/>, <see cref="double"/>, <see cref="bool"/> or a symbol string; null when required or "same as another argument".</summary>
    public object? Default { get; }

    public bool Required { get; }

    /// <summary>The values a number accepts; null: any.</summary>
    public ArgumentRange? Range { get; }

    /// <summary>One line for hover, completion and the docs.</summary>
    public string Description { get; }

    /// <summary>Required, or the argument a call usually gives (<c>conv(32, 5)</c>'s kernel): a constructor parameter of the C# attribute.</summary>
    public bool Primary { get; }

    /// <summary>True when the argument may also be written per spatial dimension, <c>HxW</c> (<c>kernel: 1x7</c>; images only).</summary>
    public bool AllowsPair { get; }

    /// <summary>The C# attribute's parameter name (<c>outChannels</c> for <c>out</c>); the argument's name otherwise.</summary>
    public string AttributeName { get; }
}

/// <summary>
/// A name the language accepts for a layer kind (<c>conv3x3</c>, <c>dense</c>): its arguments, positional
/// in this order, and the values it fixes. Declared with its kind, in the kind's file under <c>Layers/</c>.
/// </summary>
public sealed class LayerDefinition
{
    internal LayerDefinition(string name, IReadOnlyList<ArgumentSpec> arguments, IReadOnlyList<string> aliases, int? fixedKernel, IReadOnlyList<string> attributes, int? onlySpatialRank = null)
    {
        OnlySpatialRank = onlySpatialRank;
        Name = name;
        Arguments = arguments;
        Aliases = aliases;
        FixedKernel = fixedKernel;
        Attributes = attributes;
        Kind = null!;
        if (arguments.Count > 64)
        {
            throw new System.ArgumentException($"layer '{name}' declares {arguments.Count} arguments; the binder tracks at most 64", nameof(arguments));
        }

        foreach (var argument in arguments)
        {
            HasLayerArguments |= argument.Type == ArgumentType.Layer;
        }
    }

    /// <summary>True when an argument takes a layer (<c>se</c>'s act and gate).</summary>
    internal bool HasLayerArguments { get; }

    /// <summary>The name as written (<c>conv3x3</c>, <c>dense</c>).</summary>
    public string Name { get; }

    public LayerKind Kind { get; internal set; }

    public LayerCategory Category => Kind.Category;

    public IReadOnlyList<ArgumentSpec> Arguments { get; }

    public IReadOnlyList<string> Aliases { get; }

    /// <summary>The only spatial rank this name is valid for: 2 for <c>conv3x3</c> and <c>dropout2d</c> (images), 1 for <c>conv1d</c> (signals); null: any (NL2012).</summary>
    public int? OnlySpatialRank { get; }

    /// <summary>The kernel size of <c>conv1x1</c> … <c>conv7x7</c>.</summary>
    public int? FixedKernel { get; }

    /// <summary>The C# attribute classes (without <c>Attribute</c>) that stand for this definition: <c>Conv3x3</c>; <c>Linear</c> and <c>Dense</c>.</summary>
    public IReadOnlyList<string> Attributes { get; }

    /// <summary>An example call for messages and docs: <c>conv(32)</c>, <c>gn(groups: 8)</c>.</summary>
    public string Example => Name + "(" + string.Join(", ", Arguments.Where(a => a.Required).Select((a, i) => i == 0 && a.Name == "out" ? "32" : a.Name + ": 8")) + ")";

    public ArgumentSpec? FindArgument(string name)
    {
        var index = IndexOfArgument(name);
        return index >= 0 ? Arguments[index] : null;
    }

    /// <summary>The position of the argument named <paramref name="name"/> in <see cref="Arguments"/>, or −1.</summary>
    internal int IndexOfArgument(string name)
    {
        for (var i = 0; i < Arguments.Count; i++)
        {
            if (Arguments[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    public override string ToString() => Name;
}
