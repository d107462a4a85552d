using System.Collections.Generic;
using NormLab.Dsl.Layers;

namespace NormLab.Dsl.Binding;

/// <summary>The catalog by name: a view of the kinds declared under <c>Layers/</c>.</summary>
public static class LayerCatalog
{
    /// <summary>The definition behind <c>residual { }</c> (a keyword, not a callable name).</summary>
    public static LayerDefinition Residual => LayerKind.Residual.Definitions[0];

    public static LayerDefinition Concat => LayerKind.Concat.Definitions[0];

    public static LayerDefinition Scale => LayerKind.Scale.Definitions[0];

    /// <summary>Every callable name, aliases included, sorted.</summary>
    public static IReadOnlyList<string> Names => LayerKind.Names;

    public static LayerDefinition? Find(string name) => LayerKind.Find(name);

    /// <summary>The canonical catalog name of a kind (<c>conv</c>, <c>bn</c>, <c>relu</c>, …), used for field names.</summary>
    public static string CanonicalName(LayerKind kind) => kind.Name;
}
