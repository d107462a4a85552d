using System;
using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Binding;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Model;
using NormLab.Dsl.Rules;
using NormLab.Dsl.Shapes;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.Dsl;

/// <summary>Options of a check.</summary>
public sealed class CheckOptions
{
    /// <summary>The namespace of files without a <c>namespace</c> declaration (a project's RootNamespace).</summary>
    public string? DefaultNamespace { get; init; }

    /// <summary>Hyper-parameter values that replace the defaults, per network name (run-time <c>Build</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>>? HyperParameters { get; init; }
}

/// <summary>
/// The one entry point: text in, a checked model out. The generator, the analyzer, the runtime and the
/// command line all call this; nothing outside NormLab.Dsl derives a shape or applies a rule.
/// </summary>
public static class NormLabCompiler
{
    /// <summary>Parses without binding (for tools that only need the tree, such as a formatter).</summary>
    /// <summary>
    /// The lexer's tokens, ending with the end-of-file token, each with its trivia: their full spans tile
    /// the text. What an editor needs for formatting and colouring, without a lexer of its own.
    /// </summary>
    public static IReadOnlyList<SyntaxToken> Tokenize(SourceText source) => Lexer.Tokenize(source, new DiagnosticBag(source));

    /// <summary>
    /// The lexer's tokens from <paramref name="start"/> on, made one at a time as they are asked for (ending with
    /// the end-of-file token). From a position where a token of the whole text starts, they are the whole text's
    /// tokens from there: an editor re-reads only the part of a text around an edit.
    /// </summary>
    public static IEnumerable<SyntaxToken> TokenizeFrom(SourceText source, int start)
    {
        var lexer = new Lexer(source, new DiagnosticBag(source), start);
        SyntaxToken token;
        do
        {
            token = lexer.Next();
            yield return token;
        }
        while (token.Kind != TokenKind.EndOfFile);
    }

    public static (CompilationUnitSyntax Syntax, IReadOnlyList<Diagnostic> Diagnostics) Parse(SourceText source)
    {
        var diagnostics = new DiagnosticBag(source);
        var unit = new Parser(source, diagnostics).ParseCompilationUnit();
        return (unit, diagnostics.Budget.Dropped > 0
            ? Sort(diagnostics.Append(TooManyDiagnostics(source, diagnostics.Budget)))
            : Sort(diagnostics));
    }

    public static CheckResult Check(string text, string? path = null, CheckOptions? options = null) =>
        Check(SourceText.From(text, path), options);

    /// <summary>Parses, binds, infers shapes and applies every rule. Never throws for any input text.</summary>
    public static CheckResult Check(SourceText source, CheckOptions? options = null)
    {
        if (source is null)
        {
            throw new ArgumentNullException(nameof(source));
        }

        // one budget for the whole file: whatever the input, a check keeps at most MaxDiagnostics (+ NL0031)
        var budget = new DiagnosticBudget(MaxDiagnostics);
        var fileDiagnostics = new DiagnosticBag(source, budget, isFileBag: true);
        var unit = new Parser(source, fileDiagnostics).ParseCompilationUnit();
        var @namespace = unit.Namespace is { } declared && declared.NameParts.All(p => !p.IsMissing)
            ? declared.Name
            : options?.DefaultNamespace ?? string.Empty;
        var binder = new Binder(unit, fileDiagnostics, @namespace);

        var networks = new List<NetworkModel>();
        var all = new List<Diagnostic>(fileDiagnostics);

        // the file's errors by position, for the errors inside each declaration: networks come in source order
        // and do not overlap, so one pass over both is enough (linear in networks and diagnostics)
        var fileErrors = fileDiagnostics.Where(d => d.IsError).OrderBy(d => d.Span.Start).ToArray();
        var nextFileError = 0;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var syntax in unit.Members.OfType<NetworkDeclarationSyntax>())
        {
            if (syntax.Identifier.IsMissing || !names.Add(syntax.Name))
            {
                continue; // a duplicate was reported (NL0004); a nameless network cannot be generated
            }

            IReadOnlyDictionary<string, double>? overrides = null;
            options?.HyperParameters?.TryGetValue(syntax.Name, out overrides);
            var network = CheckNetwork(binder, syntax, source, @namespace, overrides);
            network.Diagnostics = Admit(network.Diagnostics, budget, network);
            if (budget.FirstDroppedFileError >= 0 && budget.FirstDroppedFileError < syntax.Span.End)
            {
                network.HasUnlistedErrors = true; // an error of the file not kept may lie inside it
            }

            // errors of the file inside the declaration (a syntax error, an invalid name) make the network invalid too
            while (nextFileError < fileErrors.Length && fileErrors[nextFileError].Span.Start < syntax.Span.Start)
            {
                nextFileError++;
            }

            List<Diagnostic>? declarationErrors = null;
            for (var i = nextFileError; i < fileErrors.Length && fileErrors[i].Span.Start <= syntax.Span.End; i++)
            {
                if (syntax.Span.Contains(fileErrors[i].Span))
                {
                    (declarationErrors ??= new List<Diagnostic>()).Add(fileErrors[i]);
                }
            }

            if (declarationErrors is not null)
            {
                network.Diagnostics = Sort(network.Diagnostics.Concat(declarationErrors));
            }

            networks.Add(network);
            all.AddRange(network.Diagnostics);
        }

        if (budget.Dropped > 0)
        {
            all.Add(TooManyDiagnostics(source, budget));
        }

        return new CheckResult(source, unit, @namespace, networks, Sort(all));
    }

    /// <summary>
    /// The most diagnostics one check keeps (<see cref="CheckResult.Diagnostics"/>): past it, they are only
    /// counted, and one NL0031 says how many were left out. Bounds the memory of a check of any input.
    /// </summary>
    public const int MaxDiagnostics = 1000;

    /// <summary>A network's diagnostics (after <c>allow</c>) that fit in the file's budget; an error left out makes the network invalid.</summary>
    private static IReadOnlyList<Diagnostic> Admit(IReadOnlyList<Diagnostic> diagnostics, DiagnosticBudget budget, NetworkModel network)
    {
        List<Diagnostic>? kept = null;
        for (var i = 0; i < diagnostics.Count; i++)
        {
            var diagnostic = diagnostics[i];
            if (budget.TryKeep(diagnostic.Severity, diagnostic.Span))
            {
                kept?.Add(diagnostic);
                continue;
            }

            if (kept is null)
            {
                kept = new List<Diagnostic>(i);
                for (var j = 0; j < i; j++)
                {
                    kept.Add(diagnostics[j]);
                }
            }

            network.HasUnlistedErrors |= diagnostic.IsError;
        }

        return kept ?? diagnostics;
    }

    private static Diagnostic TooManyDiagnostics(SourceText source, DiagnosticBudget budget)
    {
        var descriptor = DiagnosticDescriptors.TooManyDiagnostics;
        var severity = budget.DroppedError ? DiagnosticSeverity.Error : descriptor.DefaultSeverity;
        var span = budget.FirstDroppedSpan;
        var start = Math.Min(Math.Max(span.Start, 0), source.Length);
        var end = Math.Min(Math.Max(span.End, start), source.Length);
        return new Diagnostic(descriptor, severity, descriptor.Format(budget.Dropped.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), budget.Limit.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)),
            source, TextSpan.FromBounds(start, end));
    }

    private static NetworkModel CheckNetwork(Binder binder, NetworkDeclarationSyntax syntax, SourceText source, string @namespace, IReadOnlyDictionary<string, double>? overrides)
    {
        var diagnostics = new DiagnosticBag(source);
        var bound = binder.BindNetwork(syntax, diagnostics, overrides);
        var network = new NetworkModel(syntax.Name, @namespace, syntax.Identifier.Span, syntax.Span)
        {
            Classes = bound.Classes,
            HyperParameters = bound.HyperParameters.Select(p => new HyperParameter(p.Name, p.Value, p.IsInteger)).ToArray(),
            Allowed = bound.Allowed.OrderBy(a => a, StringComparer.Ordinal).ToArray(),
        };

        if (bound.Input is not null)
        {
            network.Input = new Shape(bound.Input);

            // with a layer left out, shapes and rules would only report the hole again (one mistake, one diagnostic)
            var (layers, output) = ShapeInference.Infer(bound.Layers, network.Input, bound.Incomplete ? new DiagnosticBag(source) : diagnostics);
            LayerNamer.Assign(layers);
            network.Layers = layers;
            network.Output = layers.Count == 0 || bound.Incomplete ? null : output;
            if (!bound.Incomplete)
            {
                CheckClasses(network, diagnostics);
                RuleSet.Run(new RuleContext(network, diagnostics, output is not null));
            }
        }

        network.Diagnostics = Sort(diagnostics.Where(d => !bound.Allowed.Contains(d.Id)));
        return network;
    }

    private static void CheckClasses(NetworkModel network, DiagnosticBag diagnostics)
    {
        if (network.Classes is not int classes || network.Output is not Shape output || network.Layers.Count == 0)
        {
            return;
        }

        if (output.Rank == 1 && output.Channels == classes)
        {
            return;
        }

        var hint = output.IsSpatial ? " after 'flatten' or 'gap'" : string.Empty;
        diagnostics.Report(DiagnosticDescriptors.WrongClassCount, network.Layers[network.Layers.Count - 1].Span,
            output.IsSpatial ? $"the spatial tensor {output}" : $"{output} features", classes, hint);
    }

    private static IReadOnlyList<Diagnostic> Sort(IEnumerable<Diagnostic> diagnostics)
    {
        // the first of equal diagnostics, ordered by start, length and ID, stable (as OrderBy/ThenBy, without their
        // cost for the many networks with no or one diagnostic)
        var unique = new List<Diagnostic>();
        HashSet<(string, int, int, string)>? seen = null;
        foreach (var d in diagnostics)
        {
            if (unique.Count > 0)
            {
                seen ??= new HashSet<(string, int, int, string)> { Key(unique[0]) };
                if (!seen.Add(Key(d)))
                {
                    continue;
                }
            }

            unique.Add(d);
        }

        // a stable natural merge sort: diagnostics come in sorted runs (the file's, then each network's), so
        // this is linear in the common case
        var items = unique.ToArray();
        var runs = new List<int> { 0 };
        for (var i = 1; i < items.Length; i++)
        {
            if (Compare(items[i - 1], items[i]) > 0)
            {
                runs.Add(i);
            }
        }

        runs.Add(items.Length);
        var spare = new Diagnostic[items.Length];
        while (runs.Count > 2)
        {
            var merged = new List<int> { 0 };
            for (var k = 0; k + 1 < runs.Count; k += 2)
            {
                var left = runs[k];
                var middle = runs[k + 1];
                var end = k + 2 < runs.Count ? runs[k + 2] : middle;
                var right = middle;
                var to = left;
                while (left < middle && right < end)
                {
                    spare[to++] = Compare(items[left], items[right]) <= 0 ? items[left++] : items[right++];
                }

                while (left < middle)
                {
                    spare[to++] = items[left++];
                }

                while (right < end)
                {
                    spare[to++] = items[right++];
                }

                merged.Add(end);
            }

            (items, spare) = (spare, items);
            runs = merged;
        }

        return items;

        static (string, int, int, string) Key(Diagnostic d) => (d.Id, d.Span.Start, d.Span.Length, d.Message);

        static int Compare(Diagnostic a, Diagnostic b)
        {
            var order = a.Span.Start.CompareTo(b.Span.Start);
            if (order == 0)
            {
                order = a.Span.Length.CompareTo(b.Span.Length);
            }

            return order != 0 ? order : string.CompareOrdinal(a.Id, b.Id);
        }
    }
}
