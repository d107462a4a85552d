using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NormLab.Studies.Claims;

/// <summary>Where batch norm and the activation sit around each convolution.</summary>
public enum Ordering
{
    /// <summary>Conv → BN → activation (the usual order).</summary>
    ConvBnAct,

    /// <summary>Conv → activation → BN: in a stack, activation → BN → conv.</summary>
    ConvActBn,

    /// <summary>BN → activation → Conv (pre-activation).</summary>
    BnActConv,
}

/// <summary>What a network's name says about it in the ordering study.</summary>
/// <param name="Ordering">The order of convolution, batch norm and activation.</param>
/// <param name="Depth">The number of convolution blocks; null when the name does not say.</param>
/// <param name="Activation">The canonical activation: <c>relu</c>, <c>leakyrelu</c>, <c>elu</c>, or another layer name.</param>
public sealed record OrderingName(Ordering Ordering, int? Depth, string Activation);

/// <summary>
/// Reads the ordering study's naming convention, <c>{Ordering}{Depth}{Activation}</c>: <c>ConvBnRelu2Relu</c>,
/// <c>ConvReluBn5Elu</c>, <c>BnReluConv2LeakyRelu</c>. The reading is tolerant:
/// <list type="bullet">
/// <item>case does not matter, and <c>_ - .</c> and spaces are ignored (<c>conv_bn_relu-2-elu</c>);</item>
/// <item>the ordering is the order of the first three of conv, bn and an activation word, whichever activation it
/// names (<c>ConvEluBn2</c> is the conv → activation → BN ordering with ELU); <c>act</c> stands for any activation;</item>
/// <item>the depth is a number, optionally after <c>d</c>, <c>depth</c>, <c>x</c> or <c>l</c> (<c>ConvBnRelu_d5</c>), and may be left out;</item>
/// <item>the activation is the activation word after the ordering (<c>…2Elu</c>), else the one inside it, else ReLU;</item>
/// <item>words are those of <see cref="Words"/> (extend it for other spellings), or <see cref="Explicit"/> maps whole names.</item>
/// </list>
/// A name with anything else in it, or with swept hyper-parameters (<c>Net@width=16</c>), is not an ordering network.
/// </summary>
public sealed class OrderingNames
{
    /// <summary>The convention's default reading.</summary>
    public static OrderingNames Default { get; } = new();

    /// <summary>Word (lower case) → <c>conv</c>, <c>bn</c> or a canonical activation name.</summary>
    public IDictionary<string, string> Words { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["conv"] = "conv",
        ["convolution"] = "conv",
        ["bn"] = "bn",
        ["batchnorm"] = "bn",
        ["norm"] = "bn",
        ["relu"] = "relu",
        ["leakyrelu"] = "leakyrelu",
        ["lrelu"] = "leakyrelu",
        ["leaky"] = "leakyrelu",
        ["elu"] = "elu",
        ["selu"] = "selu",
        ["gelu"] = "gelu",
        ["swish"] = "swish",
        ["silu"] = "swish",
        ["mish"] = "mish",
        ["prelu"] = "prelu",
        ["tanh"] = "tanh",
        ["sigmoid"] = "sigmoid",
        ["act"] = "act",
    };

    /// <summary>Whole network names read as given, before any parsing (for names outside the convention).</summary>
    public IDictionary<string, OrderingName> Explicit { get; } = new Dictionary<string, OrderingName>(StringComparer.Ordinal);

    /// <summary>What <paramref name="name"/> says, or null when it does not follow the convention.</summary>
    public OrderingName? Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Explicit.TryGetValue(name, out var known))
            return known;
        if (name.Contains('@', StringComparison.Ordinal))
            return null;

        var text = new StringBuilder();
        foreach (char c in name)
        {
            if (c is '_' or '-' or '.' or ' ')
                continue;
            if (!char.IsAsciiLetterOrDigit(c))
                return null;
            text.Append(char.ToLowerInvariant(c));
        }

        var words = new List<string>();
        int? depth = null;
        string s = text.ToString();
        var vocabulary = Words.Keys.OrderByDescending(w => w.Length).ThenBy(w => w, StringComparer.Ordinal).ToArray();
        for (int i = 0; i < s.Length;)
        {
            if (char.IsAsciiDigit(s[i]))
            {
                int start = i;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                    i++;
                if (depth is not null || words.Count < 3 || !int.TryParse(s.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out int d))
                    return null;
                depth = d;
                continue;
            }
            string? word = vocabulary.FirstOrDefault(w => string.CompareOrdinal(s, i, w, 0, w.Length) == 0);
            string? prefix = new[] { "depth", "d", "x", "l" }.FirstOrDefault(p =>
                string.CompareOrdinal(s, i, p, 0, p.Length) == 0 && i + p.Length < s.Length && char.IsAsciiDigit(s[i + p.Length]));
            if (prefix is not null && (word is null || word.Length <= prefix.Length))
            {
                i += prefix.Length;
                continue;
            }
            if (word is null)
                return null;
            words.Add(Words[word]);
            i += word.Length;
        }

        if (words.Count < 3 || words.Count > 4)
            return null;
        string[] roles = words.Take(3).Select(w => w is "conv" or "bn" ? w : "act").ToArray();
        Ordering? ordering = string.Join(">", roles) switch
        {
            "conv>bn>act" => Ordering.ConvBnAct,
            "conv>act>bn" => Ordering.ConvActBn,
            "bn>act>conv" => Ordering.BnActConv,
            _ => null,
        };
        if (ordering is null)
            return null;
        string inner = words.Take(3).First(w => w is not "conv" and not "bn");
        string? trailing = words.Count == 4 ? words[3] : null;
        if (trailing is "conv" or "bn")
            return null;
        string activation = trailing is not null && trailing != "act" ? trailing : inner != "act" ? inner : "relu";
        return new OrderingName(ordering.Value, depth, activation);
    }
}
