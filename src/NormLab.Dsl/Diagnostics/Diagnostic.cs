using NormLab.Dsl.Text;

namespace NormLab.Dsl.Diagnostics;

/// <summary>A reported problem: a rule, its message and the exact span of text it is about.</summary>
public sealed class Diagnostic
{
    public Diagnostic(DiagnosticDescriptor descriptor, string message, SourceText source, TextSpan span)
        : this(descriptor, descriptor.DefaultSeverity, message, source, span)
    {
    }

    public Diagnostic(DiagnosticDescriptor descriptor, DiagnosticSeverity severity, string message, SourceText source, TextSpan span)
    {
        Descriptor = descriptor;
        Severity = severity;
        Message = message;
        Source = source;
        Span = span;
        LineSpan = source.GetLinePositionSpan(span);
    }

    public DiagnosticDescriptor Descriptor { get; }

    public string Id => Descriptor.Id;

    public DiagnosticSeverity Severity { get; }

    public string Message { get; }

    /// <summary>The text the span refers to.</summary>
    public SourceText Source { get; }

    public string Path => Source.Path;

    public TextSpan Span { get; }

    /// <summary>Zero-based start and end positions of <see cref="Span"/>.</summary>
    public LinePositionSpan LineSpan { get; }

    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>The compiler form: <c>path(line,col): warning NL1001: message</c> (1-based).</summary>
    public override string ToString()
    {
        var start = LineSpan.Start;
        return $"{Path}({start.Line + 1},{start.Character + 1}): {SeverityText(Severity)} {Id}: {Message}";
    }

    public static string SeverityText(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        DiagnosticSeverity.Info => "info",
        _ => "hidden",
    };
}
