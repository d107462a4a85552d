using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using NormLab.LanguageServer.Analysis;
using NormLab.Dsl;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Model;

namespace NormLab.LanguageServer.Formatting;

/// <summary>
/// Tells whether two texts mean the same: the same tokens and comments in the same order, and, checked
/// again, the same networks (every layer, shape, count and argument) and the same diagnostics (ID,
/// severity, message and the text they point at).
/// </summary>
internal static class MeaningComparer
{
    private static readonly Regex LineNumber = new(@"\bline \d+", RegexOptions.CultureInvariant);

    private static readonly Regex WhiteSpace = new(@"\s+", RegexOptions.CultureInvariant);

    /// <summary>Null when both mean the same; else what differs first.</summary>
    public static string? Compare(string before, string after)
    {
        var tokensBefore = Tokens(before);
        var tokensAfter = Tokens(after);
        if (!tokensBefore.SequenceEqual(tokensAfter))
        {
            var index = tokensBefore.Zip(tokensAfter).TakeWhile(p => p.First == p.Second).Count();
            return $"token {index + 1} differs";
        }

        var a = NormLabCompiler.Check(before);
        var b = NormLabCompiler.Check(after);
        if (a.Namespace != b.Namespace || a.Networks.Count != b.Networks.Count)
        {
            return "the networks differ";
        }

        for (var i = 0; i < a.Networks.Count; i++)
        {
            if (Describe(a.Networks[i]) != Describe(b.Networks[i]))
            {
                return $"network '{a.Networks[i].Name}' differs";
            }
        }

        var diagnosticsBefore = a.Diagnostics.Select(d => Describe(d, before)).ToArray();
        var diagnosticsAfter = b.Diagnostics.Select(d => Describe(d, after)).ToArray();
        return diagnosticsBefore.SequenceEqual(diagnosticsAfter) ? null : "the diagnostics differ";
    }

    /// <summary>Every token and comment (line comments without trailing blanks).</summary>
    private static List<string> Tokens(string text) => Pieces.Of(text)
        .Where(t => t.Kind != ScanKind.WhiteSpace)
        .Select(t => t.Kind == ScanKind.LineComment ? text.Substring(t.Start, t.Length).TrimEnd() : text.Substring(t.Start, t.Length))
        .ToList();

    /// <summary>
    /// A diagnostic without its position: ID, severity, message and the text it points at, white space left out
    /// (a span over several tokens, or a message that quotes the source, holds the author's spacing).
    /// </summary>
    private static string Describe(Diagnostic d, string text) =>
        $"{d.Id} {d.Severity} {WhiteSpace.Replace(LineNumber.Replace(d.Message, "line #"), string.Empty)} @ {WhiteSpace.Replace(text.Substring(d.Span.Start, d.Span.Length), string.Empty)}";

    /// <summary>A network's meaning as text: header values, then every layer with everything the back ends read.</summary>
    internal static string Describe(NetworkModel network)
    {
        var builder = new System.Text.StringBuilder();
        builder.Append(network.Namespace).Append('.').Append(network.Name)
            .Append(" in=").Append(network.Input).Append(" out=").Append(network.Output).Append(" classes=").Append(network.Classes)
            .Append(" hp=").Append(string.Join(",", network.HyperParameters.Select(h => $"{h.Name}:{h}:{h.IsInteger}")))
            .Append(" allow=").Append(string.Join(",", network.Allowed))
            .Append(" valid=").Append(network.IsValid).Append('\n');
        Describe(builder, network.Layers, 1);
        return builder.ToString();
    }

    private static void Describe(System.Text.StringBuilder builder, IEnumerable<LayerModel> layers, int depth)
    {
        foreach (var l in layers)
        {
            builder.Append(' ', depth * 2)
                .Append(string.Join(" ", l.Name, l.KindName, l.WrittenName, l.InputShape, l.OutputShape, l.Parameters, l.Macs,
                    l.InFeatures, l.OutFeatures, l.Kernel, l.Stride, l.Padding, l.Dilation, l.Groups, l.Bias, l.BiasExplicit,
                    l.Eps.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                    l.Momentum.ToString("R", System.Globalization.CultureInfo.InvariantCulture), l.Affine,
                    l.P.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                    l.Scalar.ToString("R", System.Globalization.CultureInfo.InvariantCulture), l.Pieces,
                    string.Join(">", l.BlockPath)))
                .Append('\n');
            foreach (var branch in l.Branches)
            {
                builder.Append(' ', depth * 2).Append("branch\n");
                Describe(builder, branch, depth + 1);
            }

            if (l.Shortcut.Count > 0)
            {
                builder.Append(' ', depth * 2).Append("shortcut\n");
                Describe(builder, l.Shortcut, depth + 1);
            }
        }
    }
}
