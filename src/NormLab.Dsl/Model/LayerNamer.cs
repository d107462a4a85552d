using System.Collections.Generic;

namespace NormLab.Dsl.Model;

/// <summary>
/// Gives every layer its field name: the canonical kind and a per-network counter in execution order
/// (<c>conv1</c>, <c>bn1</c>, <c>relu1</c>, <c>conv2</c> …; <c>relu6_1</c>). A projection shortcut is named after its
/// residual (<c>residual1_proj</c>, <c>residual1_projbn</c>). The names are state-dict keys: a contract.
/// </summary>
internal static class LayerNamer
{
    public static void Assign(IEnumerable<LayerModel> layers)
    {
        var counters = new Dictionary<string, int>(System.StringComparer.Ordinal);
        Assign(layers, counters);
    }

    private static void Assign(IEnumerable<LayerModel> layers, Dictionary<string, int> counters)
    {
        foreach (var layer in layers)
        {
            counters.TryGetValue(layer.KindName, out var count);
            counters[layer.KindName] = ++count;
            // a kind that ends in a digit takes a separator: the first relu6 is relu6_1, never relu61 (the 61st relu)
            var separator = char.IsDigit(layer.KindName[layer.KindName.Length - 1]) ? "_" : string.Empty;
            layer.Name = layer.KindName + separator + count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var branch in layer.Branches)
            {
                Assign(branch, counters);
            }

            if (layer.Shortcut.Count == 2)
            {
                layer.Shortcut[0].Name = layer.Name + "_proj";
                layer.Shortcut[1].Name = layer.Name + "_projbn";
            }
        }
    }
}
