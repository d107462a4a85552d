using System.Collections.Generic;
using NormLab.Dsl.Layers;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Binding;

/// <summary>A layer after names are resolved, blocks expanded and arguments evaluated; before shapes.</summary>
internal sealed class BoundLayer
{
    public BoundLayer(LayerDefinition definition, TextSpan span, TextSpan syntaxSpan, IReadOnlyList<string> blockPath, Dictionary<string, object?> arguments)
    {
        Definition = definition;
        Span = span;
        SyntaxSpan = syntaxSpan;
        BlockPath = blockPath;
        Arguments = arguments;
    }

    public LayerDefinition Definition { get; }

    /// <summary>The name as the user wrote it (an alias such as <c>batchnorm</c>); null: the definition's name.</summary>
    public string? WrittenName { get; set; }

    public LayerKind Kind => Definition.Kind;

    public TextSpan Span { get; }

    public TextSpan SyntaxSpan { get; }

    public IReadOnlyList<string> BlockPath { get; }

    /// <summary>Argument name → <see cref="int"/>, <see cref="double"/>, <see cref="bool"/> or symbol <see cref="string"/>.</summary>
    public Dictionary<string, object?> Arguments { get; }

    public bool BiasExplicit { get; set; }

    /// <summary>For residuals, branches and gates: their branches (made on first use: most layers have none).</summary>
    public List<List<BoundLayer>> Branches => _branches ??= new();

    private List<List<BoundLayer>>? _branches;

    public bool Project { get; set; }

    /// <summary>Layer-valued arguments bound to layers (<c>se</c>'s act and gate).</summary>
    /// <remarks>Made on first use: most layers have none, and a check binds every layer of a file.</remarks>
    public Dictionary<string, BoundLayer> Inner => _inner ??= new(System.StringComparer.Ordinal);

    private Dictionary<string, BoundLayer>? _inner;

    /// <summary>Block calls whose <c>in_channels</c> is this layer's input channel count (the first layer of the call).</summary>
    public List<InChannelsMarker>? EntryMarkers { get; set; }

    /// <summary>Arguments that depend on <c>in_channels</c>, converted when the shape inference reaches the layer.</summary>
    public List<(ArgumentSpec Spec, DeferredValue Value, TextSpan At)>? Deferred { get; set; }

    public int Int(string name) => Arguments.TryGetValue(name, out var v) && v is int i ? i : 0;

    public int? OptionalInt(string name) => Arguments.TryGetValue(name, out var v) && v is int i ? i : null;

    public double Float(string name) => Arguments.TryGetValue(name, out var v) && v is double d ? d : v is int i ? i : 0;

    public bool Bool(string name) => Arguments.TryGetValue(name, out var v) && v is bool b && b;

    public string? Symbol(string name) => Arguments.TryGetValue(name, out var v) ? v as string : null;
}
