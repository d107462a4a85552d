using System.Collections.Generic;
using NormLab.Studies.Reports;

namespace NormLab.Studies.Claims;

/// <summary>
/// Claims that a study's numbers can support or not, each with a verdict and its evidence. A report
/// (<see cref="StudyReport"/>, <see cref="MarkdownReport"/>) writes one section per set that can test at least one of
/// its claims; <see cref="ClaimSets.Default"/> is what it uses when given none.
/// </summary>
public interface IClaimSet
{
    /// <summary>The report section's heading, for example <c>The ordering study's claims</c>.</summary>
    string Title { get; }

    /// <summary>The paragraph under the heading (Markdown): what is claimed and how the networks are recognized.</summary>
    string Description { get; }

    /// <summary>Every claim of the set, in order; those the study's networks cannot test are <see cref="ClaimVerdict.NotTested"/>.</summary>
    IReadOnlyList<ClaimResult> Evaluate(StudyAnalysis analysis);
}
