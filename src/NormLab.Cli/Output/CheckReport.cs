using System;
using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Diagnostics;

namespace NormLab.Cli.Output;

/// <summary>A diagnostic as the command line reports it: the file as displayed, 1-based positions.</summary>
internal sealed class ReportedDiagnostic
{
    public ReportedDiagnostic(InputFile file, Diagnostic diagnostic)
    {
        File = file;
        Diagnostic = diagnostic;
        var span = diagnostic.LineSpan;
        Line = span.Start.Line + 1;
        Column = span.Start.Character + 1;
        EndLine = span.End.Line + 1;
        EndColumn = span.End.Character + 1;
    }

    public InputFile File { get; }

    public Diagnostic Diagnostic { get; }

    public string Id => Diagnostic.Id;

    public DiagnosticSeverity Severity => Diagnostic.Severity;

    public string SeverityText => Diagnostic.SeverityText(Diagnostic.Severity);

    public string Message => Diagnostic.Message;

    /// <summary>1-based line of the first character.</summary>
    public int Line { get; }

    /// <summary>1-based column of the first character.</summary>
    public int Column { get; }

    public int EndLine { get; }

    /// <summary>1-based column just after the last character (a span <c>bn</c> at column 15 ends at 17).</summary>
    public int EndColumn { get; }
}

/// <summary>The result of <c>normlab check</c>: the files, the diagnostics to list (sorted) and the counts.</summary>
internal sealed class CheckReport
{
    public CheckReport(IReadOnlyList<InputFile> files, IEnumerable<ReportedDiagnostic> diagnostics, bool includeHidden)
    {
        Files = files;
        IncludeHidden = includeHidden;
        Diagnostics = diagnostics
            .Where(d => includeHidden || d.Severity != DiagnosticSeverity.Hidden)
            .OrderBy(d => d.File.DisplayPath, StringComparer.Ordinal)
            .ThenBy(d => d.Line)
            .ThenBy(d => d.Column)
            .ToArray();
        Errors = Count(DiagnosticSeverity.Error);
        Warnings = Count(DiagnosticSeverity.Warning);
        Infos = Count(DiagnosticSeverity.Info);
        Hidden = Count(DiagnosticSeverity.Hidden);
    }

    public IReadOnlyList<InputFile> Files { get; }

    public IReadOnlyList<ReportedDiagnostic> Diagnostics { get; }

    /// <summary>True with <c>--all</c>: hidden diagnostics are listed and counted.</summary>
    public bool IncludeHidden { get; }

    public int Errors { get; }

    public int Warnings { get; }

    public int Infos { get; }

    /// <summary>Hidden diagnostics listed (0 unless <see cref="IncludeHidden"/>).</summary>
    public int Hidden { get; }

    public bool HasErrors => Errors > 0;

    private int Count(DiagnosticSeverity severity) => Diagnostics.Count(d => d.Severity == severity);
}
