using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using DslDescriptor = NormLab.Dsl.Diagnostics.DiagnosticDescriptor;
using DslDescriptors = NormLab.Dsl.Diagnostics.DiagnosticDescriptors;
using DslSeverity = NormLab.Dsl.Diagnostics.DiagnosticSeverity;

namespace NormLab.Generator;

/// <summary>The catalog of NormLab.Dsl as Roslyn descriptors (declared once, in the Dsl), plus NL0000.</summary>
internal static class Diagnostics
{
    public static readonly DiagnosticDescriptor InternalError = new(
        "NL0000",
        "NormLab internal error",
        "NormLab could not process '{0}': {1}; please report this",
        "Language",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: DslDescriptors.HelpLinkBase + "NL0000.md");

    private static readonly Dictionary<string, DiagnosticDescriptor> ById =
        DslDescriptors.All.ToDictionary(d => d.Id, Convert);

    public static ImmutableArray<DiagnosticDescriptor> All { get; } =
        ById.Values.Append(InternalError).OrderBy(d => d.Id, System.StringComparer.Ordinal).ToImmutableArray();

    public static DiagnosticDescriptor For(DslDescriptor descriptor) => ById[descriptor.Id];

    public static Diagnostic Create(DslDescriptor descriptor, Location location, string message) =>
        Diagnostic.Create(For(descriptor), location, message);

    /// <summary>A diagnostic of the checker, with its own severity (NL0031 is an error when an error was left out).</summary>
    public static Diagnostic Create(NormLab.Dsl.Diagnostics.Diagnostic diagnostic, Location location)
    {
        var descriptor = For(diagnostic.Descriptor);
        var severity = ToRoslyn(diagnostic.Severity);
        return severity == descriptor.DefaultSeverity
            ? Diagnostic.Create(descriptor, location, diagnostic.Message)
            : Diagnostic.Create(descriptor, location, severity, additionalLocations: null, properties: null, diagnostic.Message);
    }

    private static DiagnosticDescriptor Convert(DslDescriptor d) => new(
        d.Id,
        d.Title,
        "{0}",
        d.Category,
        ToRoslyn(d.DefaultSeverity),
        isEnabledByDefault: true,
        description: d.Description,
        helpLinkUri: d.HelpLink);

    public static DiagnosticSeverity ToRoslyn(DslSeverity severity) => severity switch
    {
        DslSeverity.Error => DiagnosticSeverity.Error,
        DslSeverity.Warning => DiagnosticSeverity.Warning,
        DslSeverity.Info => DiagnosticSeverity.Info,
        _ => DiagnosticSeverity.Hidden,
    };
}
