using System.Collections;
using System.Collections.Generic;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Diagnostics;

/// <summary>
/// Collects diagnostics for one source. Each problem has one <c>ReportX</c> method (in the partial files
/// <c>DiagnosticBag.Syntax.cs</c> and <c>DiagnosticBag.Binding.cs</c>): wording that is not in the catalog's
/// formats lives there, so the lexer, parser and binder never build message text.
/// </summary>
internal sealed partial class DiagnosticBag : IEnumerable<Diagnostic>
{
    private readonly List<Diagnostic> _diagnostics = new();

    public DiagnosticBag(SourceText source) => Source = source;

    public SourceText Source { get; }

    public int Count => _diagnostics.Count;

    public void Report(DiagnosticDescriptor descriptor, TextSpan span, params object?[] arguments) =>
        _diagnostics.Add(new Diagnostic(descriptor, descriptor.Format(arguments), Source, Clamp(span)));

    public void Add(Diagnostic diagnostic) => _diagnostics.Add(diagnostic);

    public void AddRange(IEnumerable<Diagnostic> diagnostics) => _diagnostics.AddRange(diagnostics);

    public IEnumerator<Diagnostic> GetEnumerator() => _diagnostics.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private TextSpan Clamp(TextSpan span)
    {
        var start = span.Start < 0 ? 0 : span.Start > Source.Length ? Source.Length : span.Start;
        var end = span.End > Source.Length ? Source.Length : span.End < start ? start : span.End;
        return TextSpan.FromBounds(start, end);
    }
}
