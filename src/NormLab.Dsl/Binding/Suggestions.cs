using System;
using System.Collections.Generic;

namespace NormLab.Dsl.Binding;

/// <summary>"Did you mean" suggestions by edit distance.</summary>
internal static class Suggestions
{
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        var limit = Math.Max(1, Math.Min(3, name.Length / 3 + 1));
        foreach (var candidate in candidates)
        {
            if (candidate.Length == 0 || Math.Abs(candidate.Length - name.Length) > limit)
            {
                continue;
            }

            var distance = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance <= limit && (distance < bestDistance || (distance == bestDistance && string.CompareOrdinal(candidate, best) < 0)))
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    public static string DidYouMean(string name, IEnumerable<string> candidates)
    {
        var closest = Closest(name, candidates);
        return closest is null ? string.Empty : $"; did you mean '{closest}'?";
    }

    /// <summary>Optimal string alignment distance (Levenshtein with adjacent transpositions).</summary>
    public static int Distance(string a, string b)
    {
        if (a.Length > 64 || b.Length > 64)
        {
            return int.MaxValue;
        }

        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
