using System.Collections.Generic;

namespace NormLab.Dsl.Model;

/// <summary>
/// Gives every layer its field name: the canonical kind and a per-network counter in execution order
/// (<c>conv1</c>, <c>bn1</c>, <c>relu1</c>, <c>conv2</c> …; <c>relu6_1</c>). A projection shortcut is named after its
/// residual (<c>residual1_proj</c>, <c>residual1_projbn</c>). The names are state-dict keys: a contract.
/// </summary>
internal static class LayerNamer
{
    private static readonly string[] SqueezeExcitationNames = { "pool", "fc1", "act", "fc2", "gate" };

    public static void Assign(IEnumerable<LayerModel> layers)
    {
        var counters = new Dictionary<string, int>(System.StringComparer.Ordinal);
        Assign(layers, counters, string.Empty);
    }

    /// <summary>
    /// Names the layers of one sequence: <paramref name="prefix"/> plus the kind and a counter of that kind within
    /// the counters' scope. A residual's branch shares its sequence's counters (the first release's names); a
    /// <c>concat</c>'s branch <c>k</c> counts on its own, under <c>concat1_b{k}_</c>; a <c>scale</c>'s branch under
    /// <c>scale1_</c>; <c>se</c>'s five layers are <c>se1_pool</c>, <c>se1_fc1</c>, <c>se1_act</c>, <c>se1_fc2</c>,
    /// <c>se1_gate</c>. So a name changes only with edits before it in its own sequence.
    /// </summary>
    private static void Assign(IEnumerable<LayerModel> layers, Dictionary<string, int> counters, string prefix)
    {
        foreach (var layer in layers)
        {
            counters.TryGetValue(layer.KindName, out var count);
            counters[layer.KindName] = ++count;
            // a kind that ends in a digit takes a separator: the first relu6 is relu6_1, never relu61 (the 61st relu)
            var separator = char.IsDigit(layer.KindName[layer.KindName.Length - 1]) ? "_" : string.Empty;
            layer.Name = prefix + layer.KindName + separator + count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (layer.Kind == Layers.LayerKind.Concat)
            {
                for (var b = 0; b < layer.Branches.Count; b++)
                {
                    Assign(layer.Branches[b], new Dictionary<string, int>(System.StringComparer.Ordinal), layer.Name + "_b" + (b + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + "_");
                }
            }
            else if (layer.Kind == Layers.LayerKind.Scale)
            {
                foreach (var branch in layer.Branches)
                {
                    Assign(branch, new Dictionary<string, int>(System.StringComparer.Ordinal), layer.Name + "_");
                }
            }
            else if (layer.Kind == Layers.LayerKind.SqueezeExcitation)
            {
                foreach (var branch in layer.Branches)
                {
                    for (var i = 0; i < branch.Count; i++)
                    {
                        branch[i].Name = layer.Name + "_" + SqueezeExcitationNames[i];
                    }
                }
            }
            else
            {
                foreach (var branch in layer.Branches)
                {
                    Assign(branch, counters, prefix);
                }
            }

            if (layer.Shortcut.Count == 2)
            {
                layer.Shortcut[0].Name = layer.Name + "_proj";
                layer.Shortcut[1].Name = layer.Name + "_projbn";
            }
        }
    }
}
