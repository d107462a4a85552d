using System.Globalization;
using NormLab.Dsl.Syntax;

namespace NormLab.Dsl.Binding;

/// <summary>The value of an expression: a number, a symbol (<c>same</c>, <c>true</c>), a shape or a layer.</summary>
internal abstract class Value
{
}

internal sealed class NumberValue : Value
{
    public NumberValue(double value, bool isInteger)
    {
        Number = value;
        IsInteger = isInteger;
    }

    public double Number { get; }

    public bool IsInteger { get; }

    public override string ToString() => IsInteger
        ? ((long)Number).ToString(CultureInfo.InvariantCulture)
        : Number.ToString("R", CultureInfo.InvariantCulture);
}

internal sealed class SymbolValue : Value
{
    public SymbolValue(string name) => Name = name;

    public string Name { get; }

    public static bool IsSymbol(string name) => name is "same" or "valid" or "auto" or "true" or "false" or "project" or "all" or "channels";

    public override string ToString() => Name;
}

internal sealed class DimensionsValue : Value
{
    public DimensionsValue(int[] dimensions) => Dimensions = dimensions;

    public int[] Dimensions { get; }

    public override string ToString() => string.Join("x", Dimensions);
}

/// <summary>A layer or block passed as a value (<c>act = relu</c>), with the scope it was written in.</summary>
internal sealed class LayerValue : Value
{
    public LayerValue(ExpressionSyntax syntax, Scope scope)
    {
        Syntax = syntax;
        Scope = scope;
    }

    public ExpressionSyntax Syntax { get; }

    public Scope Scope { get; }

    public override string ToString() => Syntax is CallExpressionSyntax call ? call.Identifier.Text + "(…)" : ((NameExpressionSyntax)Syntax).Name;
}

/// <summary>A typed input shape: <c>signal 12x1000</c>, <c>image 3x32x32</c>, <c>features 784</c>.</summary>
internal sealed class TypedShapeValue : Value
{
    public TypedShapeValue(string kind, int[] dimensions)
    {
        Kind = kind;
        Dimensions = dimensions;
    }

    public string Kind { get; }

    public int[] Dimensions { get; }

    public override string ToString() => Kind + " " + string.Join("x", Dimensions);
}

/// <summary>The channels entering one block call; set by the shape inference when the data reaches the call.</summary>
internal sealed class InChannelsMarker
{
    public int? Channels { get; set; }
}

/// <summary>
/// A value known only once shapes are (<c>in_channels / 2</c>): computed by <see cref="Resolve"/> when the shape
/// inference reaches the layer that uses it; errors are reported then.
/// </summary>
internal sealed class DeferredValue : Value
{
    public DeferredValue(System.Func<Value> resolve, string text)
    {
        Resolve = resolve;
        Text = text;
    }

    public System.Func<Value> Resolve { get; }

    public string Text { get; }

    public override string ToString() => Text;
}

/// <summary>An expression whose error was already reported.</summary>
internal sealed class ErrorValue : Value
{
    public static readonly ErrorValue Instance = new();

    public override string ToString() => "?";
}
