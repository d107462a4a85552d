using System.Collections.Generic;
using System.Linq;

namespace NormLab.Dsl.Layers;

/// <summary>One argument of a TorchSharp module's factory or constructor: PyTorch's parameter name and its value.</summary>
public sealed class TorchArgument
{
    public TorchArgument(string name, object value)
    {
        Name = name;
        Value = value;
    }

    /// <summary>The parameter name (<c>in_channels</c>, <c>eps</c>).</summary>
    public string Name { get; }

    /// <summary>A <see cref="long"/>, <see cref="double"/>, <see cref="bool"/> or <see cref="long"/> array.</summary>
    public object Value { get; }

    public override string ToString() => Name + ": " + (Value is long[] shape ? "[" + string.Join(", ", shape) + "]" : System.Convert.ToString(Value, System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>
/// The TorchSharp module of one checked layer, as data: the module type (the generated field's type) and
/// the call that creates it. The run-time builder and generated modules both create it through
/// <c>LayerFactory.Create</c>, so both build the same module from the same description.
/// </summary>
public sealed class TorchModule
{
    private TorchModule(string typeName, string? factory, IReadOnlyList<TorchArgument> arguments)
    {
        TypeName = typeName;
        Factory = factory;
        Arguments = arguments;
    }

    /// <summary>The module's full type name: <c>TorchSharp.Modules.Conv2d</c>, <c>NormLab.Runtime.Modules.Maxout</c>.</summary>
    public string TypeName { get; }

    /// <summary>The <c>torch.nn</c> factory method (<c>Conv2d</c>); null: the type's constructor.</summary>
    public string? Factory { get; }

    public IReadOnlyList<TorchArgument> Arguments { get; }

    /// <summary>A stock module: <c>torch.nn.{name}(arguments)</c>, of type <c>TorchSharp.Modules.{name}</c>.</summary>
    public static TorchModule Stock(string name, params (string Name, object Value)[] arguments) =>
        new("TorchSharp.Modules." + name, name, arguments.Select(a => new TorchArgument(a.Name, a.Value)).ToArray());

    /// <summary>A module of NormLab's runtime (<c>NormLab.Runtime.Modules.{name}</c>), created by its constructor.</summary>
    public static TorchModule Custom(string name, params (string Name, object Value)[] arguments) =>
        new("NormLab.Runtime.Modules." + name, null, arguments.Select(a => new TorchArgument(a.Name, a.Value)).ToArray());

    /// <summary><c>torch.nn.Conv2d(in_channels: 1, …)</c>.</summary>
    public override string ToString() => (Factory is null ? "new " + TypeName : "torch.nn." + Factory) + "(" + string.Join(", ", Arguments) + ")";
}
