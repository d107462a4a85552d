using System;
using System.Collections.Generic;
using NormLab.Dsl.Syntax;

namespace NormLab.Dsl.Binding;

/// <summary>A network after binding: its header values and its expanded layers.</summary>
internal sealed class BoundNetwork
{
    public BoundNetwork(NetworkDeclarationSyntax syntax) => Syntax = syntax;

    public NetworkDeclarationSyntax Syntax { get; }

    public int[]? Input { get; set; }

    public int? Classes { get; set; }

    public List<(string Name, double Value, bool IsInteger)> HyperParameters { get; } = new();

    public HashSet<string> Allowed { get; } = new(StringComparer.Ordinal);

    public List<BoundLayer> Layers { get; } = new();

    /// <summary>True when a layer could not be bound (unknown name, recursive block, bad layer value): later diagnostics would be a cascade.</summary>
    public bool Incomplete { get; set; }
}
