using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using NormLab.LanguageServer.Analysis;
using NormLab.Dsl.Layers;
using NormLab.Dsl.Binding;
using NormLab.Dsl.Model;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.LanguageServer.Features;

/// <summary>What a hover shows: markdown and the span it is about (document positions).</summary>
internal sealed record HoverInfo(string Markdown, TextSpan Span);

/// <summary>
/// Hover: on a network's name, its summary table (the layers of <c>normlab summary</c>, as markdown);
/// on a layer, its field name, kind, output shape and parameters; on a block call, the layers it
/// expands to; in a block's body, the layers it becomes in each network; on a catalog name that was
/// not checked, the layer's arguments.
/// </summary>
internal static class HoverFeature
{
    private const int MaxListed = 8;

    public static HoverInfo? Hover(DocumentAnalysis analysis, int offset)
    {
        var chunk = analysis.FindChunk(offset);
        if (chunk?.Member is not { } member)
        {
            return null;
        }

        var local = offset - chunk.Start;
        var name = SyntaxWalker.NameAt(member, local);
        var nameSpan = name is null ? default : chunk.ToDocument(name.Span);

        if (chunk.Kind == ChunkKind.Network && analysis.FindNetwork(chunk) is { } entry)
        {
            if (name is not null && name == member.Identifier)
            {
                return new HoverInfo(NetworkSummary(entry.Model), nameSpan);
            }

            if (HyperParameterAt(member, local, entry.Model) is { } parameter)
            {
                return new HoverInfo($"**{parameter.Name}**: hyper-parameter of network `{entry.Model.Name}` = `{parameter}`", nameSpan);
            }

            if (entry.ToModel(offset) is int position)
            {
                var layers = LayersAt(entry.Model, position);
                if (layers.Count > 0)
                {
                    return new HoverInfo(LayerText(layers, entry.Model), entry.ToDocument(layers[0].SyntaxSpan));
                }

                var expanded = entry.Model.AllLayers().Where(l => l.BlockPath.Count > 0 && SyntaxWalker.Holds(l.Span, position)).ToArray();
                if (expanded.Length > 0)
                {
                    return new HoverInfo(BlockCallText(expanded, entry.Model), entry.ToDocument(expanded[0].Span));
                }
            }
        }

        if (chunk.Kind == ChunkKind.Block)
        {
            if (name is not null && name == member.Identifier)
            {
                return new HoverInfo(BlockSignature(chunk) + UsesText(analysis, chunk), nameSpan);
            }

            var uses = new List<(NetworkEntry Entry, LayerModel Layer)>();
            foreach (var network in analysis.Networks)
            {
                if (network.ToModel(offset) is int position)
                {
                    uses.AddRange(LayersAt(network.Model, position).Select(l => (network, l)));
                }
            }

            if (uses.Count > 0)
            {
                return new HoverInfo(BlockLayerText(uses), nameSpan.Length > 0 ? nameSpan : new TextSpan(offset, 0));
            }
        }

        if (name is not null)
        {
            if (LayerCatalog.Find(name.Text) is { } definition)
            {
                return new HoverInfo(CatalogText(name.Text, definition), nameSpan);
            }

            if (analysis.FindBlock(name.Text) is { } block)
            {
                return new HoverInfo(BlockSignature(block), nameSpan);
            }
        }

        return null;
    }

    /// <summary>The summary of a network as markdown: header, layer table and totals.</summary>
    public static string NetworkSummary(NetworkModel network)
    {
        var builder = new StringBuilder();
        var title = string.IsNullOrEmpty(network.Namespace) ? network.Name : network.Namespace + "." + network.Name;
        builder.Append("**network** `").Append(title).Append("`\n\n");
        if (network.Input is null)
        {
            builder.Append("No summary: the network has no valid `input` shape.");
            return builder.ToString();
        }

        builder.Append("Input `").Append(network.Input).Append('`');
        if (network.Output is not null)
        {
            builder.Append(" → output `").Append(network.Output).Append('`');
        }

        if (network.HyperParameters.Count > 0)
        {
            builder.Append(" · ").Append(string.Join(", ", network.HyperParameters.Select(p => $"{p.Name} = {p}")));
        }

        builder.Append("\n\n");
        if (!network.IsValid)
        {
            builder.Append("*The network has errors: the table shows what could be checked.*\n\n");
        }

        builder.Append("| Layer | Kind | Output shape | Parameters | MACs |\n");
        builder.Append("|:--|:--|:--|--:|--:|\n");
        AddRows(builder, network.Layers, 0);
        builder.Append("| **Total** | | | **").Append(QuantityFormat.FormatCount(network.ParameterCount))
            .Append("** | **").Append(QuantityFormat.FormatCount(network.Macs)).Append("** |\n\n");
        builder.Append(QuantityFormat.FormatScaled(network.Macs)).Append(" MACs per sample · parameter memory ")
            .Append(QuantityFormat.FormatBytes(network.ParameterCount * 4)).Append(" (float32)");
        return builder.ToString();
    }

    private static void AddRows(StringBuilder builder, IEnumerable<LayerModel> layers, int depth)
    {
        foreach (var layer in layers)
        {
            builder.Append("| ");
            for (var i = 0; i < depth; i++)
            {
                builder.Append("&nbsp;&nbsp;");
            }

            builder.Append(layer.Name).Append(" | ").Append(layer.KindName).Append(" | ").Append(layer.OutputShape)
                .Append(" | ").Append(layer.Parameters == 0 ? "--" : QuantityFormat.FormatCount(layer.Parameters))
                .Append(" | ").Append(layer.Macs == 0 ? "--" : QuantityFormat.FormatCount(layer.Macs)).Append(" |\n");
            foreach (var branch in layer.Branches)
            {
                AddRows(builder, branch, depth + 1);
            }

            AddRows(builder, layer.Shortcut, depth + 1);
        }
    }

    /// <summary>The layers whose own syntax holds the position: the innermost ones (a repeat gives several).</summary>
    private static List<LayerModel> LayersAt(NetworkModel network, int position)
    {
        var holding = network.AllLayers().Where(l => SyntaxWalker.Holds(l.SyntaxSpan, position) && l.SyntaxSpan.Length > 0).ToList();
        if (holding.Count == 0)
        {
            return holding;
        }

        var smallest = holding.Min(l => l.SyntaxSpan.Length);
        return holding.Where(l => l.SyntaxSpan.Length == smallest).ToList();
    }

    private static string LayerText(IReadOnlyList<LayerModel> layers, NetworkModel network)
    {
        var builder = new StringBuilder();
        foreach (var layer in layers.Take(MaxListed))
        {
            if (builder.Length > 0)
            {
                builder.Append("\n\n---\n\n");
            }

            AppendLayer(builder, layer, network.Name);
        }

        if (layers.Count > MaxListed)
        {
            builder.Append("\n\n… and ").Append(layers.Count - MaxListed).Append(" more");
        }

        return builder.ToString();
    }

    private static void AppendLayer(StringBuilder builder, LayerModel layer, string network)
    {
        builder.Append("**").Append(layer.Name).Append("**: `").Append(layer.KindName).Append('`');
        if (layer.WrittenName != layer.KindName)
        {
            builder.Append(" (written `").Append(layer.WrittenName).Append("`)");
        }

        builder.Append(" in network `").Append(network).Append("`\n\n");
        builder.Append("- Output shape: `").Append(layer.OutputShape).Append("` (input `").Append(layer.InputShape).Append("`)\n");
        builder.Append("- Parameters: ").Append(QuantityFormat.FormatCount(layer.Parameters));
        if (layer.Kind == LayerKind.Residual && layer.TotalParameters != layer.Parameters)
        {
            builder.Append(" (").Append(QuantityFormat.FormatCount(layer.TotalParameters)).Append(" with its branch)");
        }

        builder.Append('\n');
        if (layer.TotalMacs > 0)
        {
            builder.Append("- MACs per sample: ").Append(QuantityFormat.FormatCount(layer.TotalMacs)).Append('\n');
        }

        if (layer.BlockPath.Count > 0)
        {
            builder.Append("- From block: `").Append(string.Join("` > `", layer.BlockPath)).Append("`\n");
        }
    }

    private static string BlockCallText(IReadOnlyList<LayerModel> layers, NetworkModel network)
    {
        var builder = new StringBuilder();
        builder.Append("Block `").Append(layers[0].BlockPath[0]).Append("` in network `").Append(network.Name).Append("` expands to:\n\n");
        builder.Append("| Layer | Kind | Output shape | Parameters |\n|:--|:--|:--|--:|\n");
        foreach (var layer in layers)
        {
            builder.Append("| ").Append(layer.Name).Append(" | ").Append(layer.KindName).Append(" | ").Append(layer.OutputShape)
                .Append(" | ").Append(layer.Parameters == 0 ? "--" : QuantityFormat.FormatCount(layer.Parameters)).Append(" |\n");
        }

        return builder.ToString().TrimEnd('\n');
    }

    private static string BlockLayerText(IReadOnlyList<(NetworkEntry Entry, LayerModel Layer)> uses)
    {
        var builder = new StringBuilder();
        builder.Append("Becomes, in each network that uses it:\n\n");
        builder.Append("| Network | Layer | Kind | Output shape | Parameters |\n|:--|:--|:--|:--|--:|\n");
        foreach (var (entry, layer) in uses.Take(MaxListed * 2))
        {
            builder.Append("| ").Append(entry.Model.Name).Append(" | ").Append(layer.Name).Append(" | ").Append(layer.KindName)
                .Append(" | ").Append(layer.OutputShape).Append(" | ")
                .Append(layer.Parameters == 0 ? "--" : QuantityFormat.FormatCount(layer.Parameters)).Append(" |\n");
        }

        if (uses.Count > MaxListed * 2)
        {
            builder.Append("\n… and ").Append(uses.Count - (MaxListed * 2)).Append(" more");
        }

        return builder.ToString().TrimEnd('\n');
    }

    private static HyperParameter? HyperParameterAt(Dsl.Syntax.MemberSyntax member, int local, NetworkModel network)
    {
        var parameter = member.Parameters?.Parameters.FirstOrDefault(p => !p.Identifier.IsMissing && SyntaxWalker.Holds(p.Identifier.Span, local));
        return parameter is null ? null : network.HyperParameters.FirstOrDefault(h => h.Name == parameter.Name);
    }

    public static string BlockSignature(Chunk block)
    {
        var member = (BlockDeclarationSyntax)block.Member!;
        var signature = block.Text.Substring(member.Keyword.Span.Start, member.EqualsToken.IsMissing
            ? member.Identifier.Span.End - member.Keyword.Span.Start
            : member.EqualsToken.Span.Start - member.Keyword.Span.Start).Trim();
        var body = block.Text.Substring(member.Body.Span.Start, member.Body.Span.Length);
        return "```normlab\n" + Collapse(signature) + " = " + Collapse(body) + "\n```";
    }

    private static string UsesText(DocumentAnalysis analysis, Chunk block)
    {
        var users = analysis.Networks.Where(n => n.Model.AllLayers().Any(l => l.BlockPath.Contains(block.Name!))).Select(n => n.Model.Name).ToArray();
        return users.Length == 0
            ? "\n\nNot used by any network of this file."
            : "\n\nUsed by: " + string.Join(", ", users.Select(u => "`" + u + "`"));
    }

    public static string CatalogText(string written, LayerDefinition definition)
    {
        var builder = new StringBuilder();
        builder.Append("```normlab\n").Append(CompletionFeature.Signature(written, definition)).Append("\n```\n\n");
        builder.Append("Layer `").Append(LayerCatalog.CanonicalName(definition.Kind)).Append("` (")
            .Append(definition.Category.ToString().ToLowerInvariant()).Append("): ").Append(definition.Kind.Description);
        foreach (var argument in definition.Arguments.Where(a => a.Description.Length > 0))
        {
            builder.Append("\n- `").Append(argument.Name).Append('`');
            if (argument.Default is not null && !argument.Required)
            {
                builder.Append(" = ").Append(System.Convert.ToString(argument.Default, System.Globalization.CultureInfo.InvariantCulture)!.ToLowerInvariant());
            }

            if (argument.Range is not null)
            {
                builder.Append(" (").Append(argument.Range).Append(')');
            }

            builder.Append(": ").Append(argument.Description);
        }

        return builder.ToString();
    }

    private static string Collapse(string text) =>
        string.Join(" ", text.Split((char[]?)null, System.StringSplitOptions.RemoveEmptyEntries));
}
