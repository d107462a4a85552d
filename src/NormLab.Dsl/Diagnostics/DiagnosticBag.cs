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

    private readonly DiagnosticBudget _budget;
    private readonly bool _isFileBag;

    /// <summary>A bag with a budget of its own (<see cref="NormLabCompiler.MaxDiagnostics"/>).</summary>
    public DiagnosticBag(SourceText source)
        : this(source, new DiagnosticBudget(NormLabCompiler.MaxDiagnostics))
    {
    }

    /// <summary>
    /// A bag that shares <paramref name="budget"/> with the other bags of a check; with
    /// <paramref name="isFileBag"/> (the file's own bag) an error it drops makes the networks after it invalid.
    /// </summary>
    public DiagnosticBag(SourceText source, DiagnosticBudget budget, bool isFileBag = false)
    {
        Source = source;
        _budget = budget;
        _isFileBag = isFileBag;
    }

    public SourceText Source { get; }

    public int Count => _diagnostics.Count;

    public DiagnosticBudget Budget => _budget;

    public void Report(DiagnosticDescriptor descriptor, TextSpan span, params object?[] arguments)
    {
        // past the budget the message is not even formatted: only counted
        if (Keep(descriptor.DefaultSeverity, span))
        {
            _diagnostics.Add(new Diagnostic(descriptor, descriptor.Format(arguments), Source, Clamp(span)));
        }
    }

    public void Add(Diagnostic diagnostic)
    {
        if (Keep(diagnostic.Severity, diagnostic.Span))
        {
            _diagnostics.Add(diagnostic);
        }
    }

    public void AddRange(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            Add(diagnostic);
        }
    }

    private bool Keep(DiagnosticSeverity severity, TextSpan span)
    {
        if (_budget.TryKeep(severity, span))
        {
            return true;
        }

        if (_isFileBag && severity == DiagnosticSeverity.Error && _budget.FirstDroppedFileError < 0)
        {
            _budget.FirstDroppedFileError = span.Start;
        }

        return false;
    }

    public IEnumerator<Diagnostic> GetEnumerator() => _diagnostics.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private TextSpan Clamp(TextSpan span)
    {
        var start = span.Start < 0 ? 0 : span.Start > Source.Length ? Source.Length : span.Start;
        var end = span.End > Source.Length ? Source.Length : span.End < start ? start : span.End;
        return TextSpan.FromBounds(start, end);
    }
}
