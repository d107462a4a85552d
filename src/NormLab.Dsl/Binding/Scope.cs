using System.Collections.Generic;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Binding;

/// <summary>
/// The parameters visible to a network body or one expansion of a block. Scoping is lexical: a block
/// sees its own parameters only.
/// </summary>
internal sealed class Scope
{
    private readonly Dictionary<string, Value> _values = new(System.StringComparer.Ordinal);

    public Scope(string owner, TextSpan? site, IReadOnlyList<string> blockPath, bool reportsNames)
    {
        Owner = owner;
        Site = site;
        BlockPath = blockPath;
        ReportsNames = reportsNames;
    }

    /// <summary>"network X" or "block Y", for messages.</summary>
    public string Owner { get; }

    /// <summary>For a block expansion: the call in the network's text that diagnostics point at.</summary>
    public TextSpan? Site { get; }

    public IReadOnlyList<string> BlockPath { get; }

    /// <summary>False inside block bodies, whose unknown names were reported once at the declaration.</summary>
    public bool ReportsNames { get; }

    public IEnumerable<string> Names => _values.Keys;

    public void Define(string name, Value value) => _values[name] = value;

    /// <summary>This scope with one more name (<c>X * n as i</c>'s index), for the repeated element only.</summary>
    public Scope With(string name, Value value)
    {
        var scope = new Scope(Owner, Site, BlockPath, ReportsNames);
        foreach (var pair in _values)
        {
            scope._values[pair.Key] = pair.Value;
        }

        scope._values[name] = value;
        return scope;
    }

    public bool TryLookup(string name, out Value value) => _values.TryGetValue(name, out value!);

    /// <summary>The span to report at: the site of the expansion, or the syntax itself.</summary>
    public TextSpan Locate(TextSpan syntax) => Site ?? syntax;
}
