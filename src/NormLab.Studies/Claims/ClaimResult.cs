using System;
using System.Collections.Generic;

namespace NormLab.Studies.Claims;

/// <summary>What the measured numbers say about a claim.</summary>
public enum ClaimVerdict
{
    /// <summary>The claim's tests came out its way beyond the noise, after Holm's correction within the claim.</summary>
    Supported,

    /// <summary>A test showed the claimed effect absent, smaller than declared, or the other way (after Holm's correction).</summary>
    NotSupported,

    /// <summary>Neither: the data cannot tell (too few seeds for the spread, or an effect between 0 and the declared one).</summary>
    Inconclusive,

    /// <summary>The study has none of the networks the claim is about.</summary>
    NotTested,

    /// <summary>The networks are there, but the data, depth or training are not those at which the claim could hold.</summary>
    NotTestedAtThisScale,
}

/// <summary>What a part of a claim tests.</summary>
public enum ClaimTestKind
{
    /// <summary>A mean (of per-seed paired differences) is above 0, by at least the minimal effect.</summary>
    Direction,

    /// <summary>A mean (of per-seed paired differences) lies within ±margin (TOST).</summary>
    Equivalence,

    /// <summary>A mean (of per-seed accuracies) lies above a threshold.</summary>
    Threshold,
}

/// <summary>
/// One test of a claim, with its numbers in display units (<see cref="Unit"/>: <c>pp</c> for accuracy, <c>%</c> for
/// relative step counts). Direction parts are oriented so that the claim says "positive": <see cref="Estimate"/> is the
/// mean per-seed value in the claim's direction, <see cref="Ci95"/> its two-sided 95% t interval; threshold parts show
/// the mean minus the threshold.
/// </summary>
public sealed record ClaimPart
{
    public string Label { get; init; } = string.Empty;
    public ClaimTestKind Kind { get; init; }
    public string Unit { get; init; } = "pp";

    /// <summary>Mean over seeds, in the claim's direction, in <see cref="Unit"/>.</summary>
    public double Estimate { get; init; }

    public Interval? Ci95 { get; init; }

    /// <summary>Direction: the declared minimal effect; equivalence: the margin; threshold: 0 (the threshold itself is in <see cref="Label"/>).</summary>
    public double MinimalEffect { get; init; }

    /// <summary>One-sided p of the claim's side (direction: mean &gt; 0; equivalence: TOST; threshold: mean &gt; threshold).</summary>
    public double? PFor { get; init; }

    /// <summary>One-sided p of the other side (direction: mean &lt; minimal effect; equivalence: outside the margin; threshold: mean &lt; threshold).</summary>
    public double? PAgainst { get; init; }

    /// <summary><see cref="PFor"/> after Holm's adjustment within the claim.</summary>
    public double? AdjustedPFor { get; init; }

    public double? AdjustedPAgainst { get; init; }

    /// <summary>Seeds (pairs) used.</summary>
    public int Count { get; init; }

    /// <summary>Standard deviation of the per-seed values, in <see cref="Unit"/>.</summary>
    public double? Sd { get; init; }

    /// <summary>Seeds that would detect the declared effect (80% power, one-sided α / tests in the claim) with this spread.</summary>
    public int? SeedsNeeded { get; init; }

    public ClaimVerdict Verdict { get; init; }

    /// <summary>The estimate lies on the other side of what the claim says (below 0, or below the threshold).</summary>
    public bool OtherWay { get; init; }

    /// <summary>The part in one line, numbers included.</summary>
    public string Line { get; init; } = string.Empty;
}

/// <summary>
/// One claim, its verdict and the numbers behind it. <see cref="Evidence"/> holds one line per test (and notes);
/// <see cref="Parts"/> the tests themselves; <see cref="Summary"/> the evidence in one line for the claims table.
/// </summary>
public sealed record ClaimResult(string Id, string Claim, ClaimVerdict Verdict, IReadOnlyList<string> Evidence)
{
    /// <summary>The direction and minimal effect (or margin, or threshold) declared before the runs.</summary>
    public string Declared { get; init; } = string.Empty;

    /// <summary>The networks and training that tested it, for example <c>ReLU, depth 2 and 5, 10 seeds, Adam 0.001</c>.</summary>
    public string Setup { get; init; } = string.Empty;

    /// <summary>Train and test images of the runs behind the claim; null when untested.</summary>
    public (int Train, int Test)? DataSize { get; init; }

    public int? Epochs { get; init; }

    public IReadOnlyList<ClaimPart> Parts { get; init; } = Array.Empty<ClaimPart>();

    /// <summary>Not supported, and at least one estimate points the other way from the claim.</summary>
    public bool PointsOtherWay { get; init; }

    /// <summary>The evidence in one line.</summary>
    public string Summary { get; init; } = string.Empty;

    /// <summary>How many seeds would detect the declared effect with the spread seen here; empty when untested.</summary>
    public string Power { get; init; } = string.Empty;

    /// <summary>The largest <see cref="ClaimPart.SeedsNeeded"/> of the parts; null when unknown.</summary>
    public int? SeedsNeeded { get; init; }
}
