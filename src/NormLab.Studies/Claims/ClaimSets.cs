using System.Collections.Generic;

namespace NormLab.Studies.Claims;

/// <summary>The claim sets a report checks when its caller names none.</summary>
public static class ClaimSets
{
    /// <summary>The ordering study's claims (<see cref="OrderingClaims"/>), which test nothing unless the networks follow its naming.</summary>
    public static IReadOnlyList<IClaimSet> Default { get; } = new IClaimSet[] { new OrderingClaims() };
}
