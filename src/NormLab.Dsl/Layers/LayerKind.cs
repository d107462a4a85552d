using System;
using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Model;

namespace NormLab.Dsl.Layers;

/// <summary>
/// One kind of layer and every fact about it: its names and arguments (<see cref="Definitions"/>), the
/// traits rules ask about, its shape, parameter and MAC function, the TorchSharp module both back ends
/// build, its health metric and a one-line description. Each kind is declared once, in a file of
/// <c>Layers/</c> (<c>Activations.cs</c>, <c>Convolutions.cs</c>, …); hover, completion, the docs'
/// catalog, the C# attributes and the editor grammar are derived from these declarations.
/// </summary>
public sealed partial class LayerKind
{
    private static List<LayerKind>? _all;
    private static Dictionary<string, LayerDefinition>? _byName;
    private static string[]? _names;

    private readonly Action<LayerInference> _infer;
    private readonly Func<LayerModel, TorchModule>? _torch;

    private LayerKind(Builder builder)
    {
        Name = builder.Name;
        Category = builder.Category;
        Traits = builder.Traits;
        Description = builder.Description;
        Health = builder.Health;
        SaturationBand = builder.SaturationBand;
        Definitions = builder.Definitions.ToArray();
        _infer = builder.Infer ?? (_ => { });
        _torch = builder.Torch;
        foreach (var definition in Definitions)
        {
            definition.Kind = this;
        }

        // static fields of this partial class are initialized file by file: register here, never in a field initializer
        (_all ??= new List<LayerKind>()).Add(this);
    }

    /// <summary>The canonical name (<c>conv</c>, <c>bn</c>, <c>relu</c>): field names and summaries use it.</summary>
    public string Name { get; }

    public LayerCategory Category { get; }

    public LayerTraits Traits { get; }

    /// <summary>One line for hover, completion and the docs.</summary>
    public string Description { get; }

    public HealthMetric Health { get; }

    /// <summary>For <see cref="HealthMetric.Saturation"/>: outputs outside (low, high) count as saturated.</summary>
    public (double Low, double High) SaturationBand { get; }

    /// <summary>The names the language accepts for this kind, each with its arguments.</summary>
    public IReadOnlyList<LayerDefinition> Definitions { get; }

    /// <summary>True for structure (residual): the kind owns no module; its layers are the network's.</summary>
    public bool HasModule => _torch is not null;

    public bool Is(LayerTraits traits) => (Traits & traits) == traits;

    /// <summary>Every kind, in declaration order.</summary>
    public static IReadOnlyList<LayerKind> All
    {
        get
        {
            EnsureInitialized();
            return _all!;
        }
    }

    /// <summary>Every callable name, aliases included, sorted.</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            EnsureInitialized();
            return _names ??= ByName.Keys.OrderBy(n => n, StringComparer.Ordinal).ToArray();
        }
    }

    /// <summary>The definition a callable name (or alias) stands for.</summary>
    public static LayerDefinition? Find(string name)
    {
        EnsureInitialized();
        return ByName.TryGetValue(name, out var definition) ? definition : null;
    }

    /// <summary>
    /// The layer name a C# attribute class stands for (<c>BatchNorm</c> → <c>bn</c>, <c>Dense</c> → <c>dense</c>):
    /// a definition's first attribute is its name, a further one the alias it spells; null for no layer attribute.
    /// </summary>
    public static string? NameOfAttribute(string attribute)
    {
        foreach (var kind in All)
        {
            foreach (var definition in kind.Definitions)
            {
                for (var i = 0; i < definition.Attributes.Count; i++)
                {
                    if (definition.Attributes[i] == attribute)
                    {
                        return i == 0 ? definition.Name : attribute.ToLowerInvariant();
                    }
                }
            }
        }

        return null;
    }

    private static Dictionary<string, LayerDefinition> ByName => _byName ??= BuildIndex();

    private static Dictionary<string, LayerDefinition> BuildIndex()
    {
        var index = new Dictionary<string, LayerDefinition>(StringComparer.Ordinal);
        foreach (var kind in _all!)
        {
            if (kind.Is(LayerTraits.Structure) || kind.Is(LayerTraits.Internal))
            {
                continue; // residual, concat and scale are keywords, not callable names; internal kinds have no name
            }

            foreach (var definition in kind.Definitions)
            {
                index.Add(definition.Name, definition);
                foreach (var alias in definition.Aliases)
                {
                    index.Add(alias, definition);
                }
            }
        }

        return index;
    }

    /// <summary>Touches a static member so that every kind's field initializer has run.</summary>
    private static void EnsureInitialized() => _ = (Residual, Concat, Scale, SqueezeExcitation, SqueezePool);

    /// <summary>Computes the layer's output shape, resolved arguments, parameters and MACs, reporting NL2xxx problems.</summary>
    internal void Infer(LayerInference context) => _infer(context);

    /// <summary>The TorchSharp module of a checked layer; throws for structure, which has none.</summary>
    public TorchModule Module(LayerModel layer) =>
        _torch is null ? throw new InvalidOperationException($"'{Name}' has no module of its own.") : _torch(layer);

    public override string ToString() => Name;

    private static Builder Define(string name, LayerCategory category, string description) => new(name, category, description);

    /// <summary>Declares a kind; <see cref="Build"/> registers it.</summary>
    private sealed class Builder
    {
        public Builder(string name, LayerCategory category, string description)
        {
            Name = name;
            Category = category;
            Description = description;
        }

        public string Name { get; }

        public LayerCategory Category { get; }

        public string Description { get; }

        public LayerTraits Traits { get; private set; }

        public HealthMetric Health { get; private set; }

        public (double, double) SaturationBand { get; private set; }

        public List<LayerDefinition> Definitions { get; } = new();

        public Action<LayerInference>? Infer { get; private set; }

        public Func<LayerModel, TorchModule>? Torch { get; private set; }

        public Builder With(LayerTraits traits)
        {
            Traits |= traits;
            return this;
        }

        /// <summary>A callable name with its arguments, attribute classes, aliases and fixed kernel.</summary>
        public Builder Spelling(string name, ArgumentSpec[] arguments, string? attribute, string[]? aliases = null, int? fixedKernel = null, string[]? moreAttributes = null, int? onlySpatialRank = null)
        {
            var attributes = (attribute is null ? Array.Empty<string>() : new[] { attribute }).Concat(moreAttributes ?? Array.Empty<string>()).ToArray();
            Definitions.Add(new LayerDefinition(name, arguments, aliases ?? Array.Empty<string>(), fixedKernel, attributes, onlySpatialRank));
            return this;
        }

        /// <summary>The kind's one spelling: its canonical name.</summary>
        public Builder Arguments(string? attribute, params ArgumentSpec[] arguments) => Spelling(Name, arguments, attribute);

        /// <summary>The kind's one spelling, valid only at one spatial rank (<c>dropout2d</c>: images).</summary>
        public Builder ArgumentsAtRank(int spatialRank, string? attribute, params ArgumentSpec[] arguments) => Spelling(Name, arguments, attribute, onlySpatialRank: spatialRank);

        public Builder Shape(Action<LayerInference> infer)
        {
            Infer = infer;
            return this;
        }

        public Builder Measure(HealthMetric health, double low = 0, double high = 0)
        {
            Health = health;
            SaturationBand = (low, high);
            return this;
        }

        /// <summary>A stock TorchSharp module, <c>torch.nn.{factory}(…)</c>, of type <c>TorchSharp.Modules.{factory}</c>.</summary>
        public Builder Module(Func<LayerModel, TorchModule> torch)
        {
            Torch = torch;
            return this;
        }

        public LayerKind Build() => new(this);
    }
}
