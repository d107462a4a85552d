namespace NormLab.Dsl.Diagnostics;

/// <summary>How serious a diagnostic is; the order matches Roslyn's.</summary>
public enum DiagnosticSeverity
{
    /// <summary>An IDE hint; not listed by <c>normlab check</c> unless <c>--all</c>.</summary>
    Hidden = 0,
    Info = 1,
    Warning = 2,
    Error = 3,
}
