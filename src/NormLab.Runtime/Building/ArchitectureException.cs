using System;
using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Diagnostics;

namespace NormLab.Runtime.Building;

/// <summary>
/// Thrown when a network cannot be built: the checker found errors (for example hyper-parameters that
/// make a spatial size collapse). Carries the same diagnostics, with the same IDs, as the compiler.
/// </summary>
public sealed class ArchitectureException : Exception
{
    public ArchitectureException(string message, IReadOnlyList<Diagnostic> diagnostics)
        : base(message)
    {
        Diagnostics = diagnostics;
    }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>The IDs of the errors, e.g. <c>NL2001</c>.</summary>
    public IReadOnlyList<string> Ids => Diagnostics.Select(d => d.Id).Distinct().ToArray();
}
