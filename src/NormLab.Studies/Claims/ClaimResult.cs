using System.Collections.Generic;

namespace NormLab.Studies.Claims;

/// <summary>What the measured numbers say about a claim.</summary>
public enum ClaimVerdict
{
    /// <summary>Every comparison the claim makes came out its way, beyond seed-to-seed noise.</summary>
    Supported,

    /// <summary>At least one comparison came out against it, beyond the noise.</summary>
    NotSupported,

    /// <summary>None against it, but some within the noise (a 95% interval includes 0 or the threshold), or too few seeds.</summary>
    Inconclusive,

    /// <summary>The study has none of the networks the claim is about.</summary>
    NotTested,
}

/// <summary>One claim, its verdict and the numbers behind it (one line per comparison).</summary>
public sealed record ClaimResult(string Id, string Claim, ClaimVerdict Verdict, IReadOnlyList<string> Evidence);
