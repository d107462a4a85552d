using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using NormLab.Dsl;
using NormLab.Dsl.Model;

namespace NormLab.LanguageServer.Tests.Infrastructure;

/// <summary>
/// What a text means, worked out without the language server: its characters other than white space, and what
/// the compiler makes of it when it is parsed and checked again from scratch (every network's header, every
/// layer's kind, shapes, parameter count and scalar settings, the diagnostics' IDs and severities). The formatter's
/// own guard (<c>MeaningComparer</c>: the server's tokenizer and model description) is deliberately not used, so a
/// fault in the guard cannot hide a fault in the layout.
/// </summary>
internal static partial class IndependentMeaning
{
    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    /// <summary>Null when <paramref name="before"/> and <paramref name="after"/> mean the same; else the first difference.</summary>
    public static string? Difference(string before, string after)
    {
        if (WhiteSpace().Replace(before, string.Empty) != WhiteSpace().Replace(after, string.Empty))
        {
            return "the characters other than white space differ";
        }

        var a = Describe(before);
        var b = Describe(after);
        if (a == b)
        {
            return null;
        }

        var lineA = a.Split('\n');
        var lineB = b.Split('\n');
        var first = lineA.Zip(lineB).TakeWhile(p => p.First == p.Second).Count();
        return $"checked again, they differ:\n  before: {lineA.ElementAtOrDefault(first)}\n  after:  {lineB.ElementAtOrDefault(first)}";
    }

    /// <summary>The checked meaning of <paramref name="text"/>, one line per network, layer and diagnostic.</summary>
    public static string Describe(string text)
    {
        var result = NormLabCompiler.Check(text);
        var builder = new StringBuilder();
        builder.Append("namespace ").Append(result.Namespace).Append('\n');
        foreach (var network in result.Networks)
        {
            builder.Append("network ").Append(network.Name)
                .Append(" input=").Append(network.Input).Append(" output=").Append(network.Output)
                .Append(" classes=").Append(network.Classes)
                .Append(" hp=").Append(string.Join(",", network.HyperParameters.Select(h => h.Name + ":" + h.Value.ToString("R", CultureInfo.InvariantCulture))))
                .Append(" allow=").Append(string.Join(",", network.Allowed))
                .Append(" parameters=").Append(network.ParameterCount)
                .Append(" valid=").Append(network.IsValid).Append('\n');
            foreach (var layer in network.AllLayers())
            {
                builder.Append("  ").Append(layer.KindName).Append(' ').Append(layer.InputShape).Append(" -> ").Append(layer.OutputShape)
                    .Append(" parameters=").Append(layer.Parameters)
                    .Append(" eps=").Append(layer.Eps.ToString("R", CultureInfo.InvariantCulture))
                    .Append(" momentum=").Append(layer.Momentum.ToString("R", CultureInfo.InvariantCulture))
                    .Append(" p=").Append(layer.P.ToString("R", CultureInfo.InvariantCulture))
                    .Append(" scalar=").Append(layer.Scalar.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        foreach (var diagnostic in result.Diagnostics)
        {
            builder.Append("diagnostic ").Append(diagnostic.Id).Append(' ').Append(diagnostic.Severity).Append('\n');
        }

        return builder.ToString();
    }
}
