using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using NormLab.Dsl;
using NormLab.Generator.Parsing;
using DslDescriptors = NormLab.Dsl.Diagnostics.DiagnosticDescriptors;

namespace NormLab.Generator;

/// <summary>
/// Reports the checker's diagnostics live: in <c>.normlab</c> files and on <c>[Network]</c> types, at the
/// exact span (inside the pipeline string, or on the layer attribute). Never throws into the compiler:
/// an unexpected failure becomes NL0000.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetworkAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Diagnostics.All;

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            start.Options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue("build_property.RootNamespace", out var rootNamespace);
            start.Options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue("build_property.ProjectDir", out var projectDirectory);
            // every network's name and place, for the cross-file check at the end (names, not models)
            var declarations = new ConcurrentBag<Declaration>();
            start.RegisterAdditionalFileAction(file => AnalyzeFile(file, rootNamespace ?? string.Empty, projectDirectory ?? string.Empty, declarations));

            var networkAttribute = start.Compilation.GetTypeByMetadataName(AttributeReader.NetworkAttributeName);
            if (networkAttribute is not null)
            {
                start.RegisterSymbolAction(symbol => AnalyzeType(symbol, networkAttribute, declarations), SymbolKind.NamedType);
            }

            start.RegisterCompilationEndAction(end => ReportDuplicates(end, declarations));
        });
    }

    /// <summary>A declared network: its C# name, where it is, and the path and line the message shows.</summary>
    private sealed record Declaration(string QualifiedName, string Name, string Namespace, Location Location, string DisplayPath, int Line, bool IsFile);

    /// <summary>
    /// NL0004 at each network of a .normlab file whose name another file, or a top-level [Network] type, declares in
    /// the same namespace: each becomes a C# type of that name (the generator generates none of them).
    /// </summary>
    private static void ReportDuplicates(CompilationAnalysisContext context, ConcurrentBag<Declaration> declarations)
    {
        try
        {
            var groups = declarations
                .GroupBy(d => d.QualifiedName, StringComparer.Ordinal)
                .Where(g => g.Count(d => d.IsFile) > 1 || (g.Any(d => d.IsFile) && g.Any(d => !d.IsFile)));
            foreach (var group in groups)
            {
                // a stable order, whatever order the files were analyzed in
                var ordered = group.OrderBy(d => d.DisplayPath, StringComparer.Ordinal).ThenBy(d => d.Line).ToArray();
                for (var i = 0; i < ordered.Length; i++)
                {
                    var declaration = ordered[i];
                    var other = ordered.First(d => !ReferenceEquals(d, declaration) && (d.IsFile || declaration.IsFile));
                    var message = CrossFileCheck.DuplicateMessage(declaration.Name, declaration.Namespace, other.DisplayPath, other.Line);
                    context.ReportDiagnostic(Diagnostics.Create(DslDescriptors.DuplicateDeclaration, declaration.Location, message));
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // never throw into the compiler; each file's own diagnostics are already reported
        }
    }

    private static void AnalyzeFile(AdditionalFileAnalysisContext context, string rootNamespace, string projectDirectory, ConcurrentBag<Declaration> declarations)
    {
        var path = context.AdditionalFile.Path;
        if (!path.EndsWith(".normlab", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        try
        {
            var text = context.AdditionalFile.GetText(context.CancellationToken);
            if (text is null)
            {
                return;
            }

            var result = NormLabCompiler.Check(text.ToString(), path, new CheckOptions { DefaultNamespace = rootNamespace });
            foreach (var diagnostic in result.Diagnostics)
            {
                var span = new TextSpan(diagnostic.Span.Start, diagnostic.Span.Length);
                var lines = diagnostic.LineSpan;
                var location = Location.Create(path, span, new LinePositionSpan(
                    new LinePosition(lines.Start.Line, lines.Start.Character),
                    new LinePosition(lines.End.Line, lines.End.Character)));
                context.ReportDiagnostic(Diagnostics.Create(diagnostic, location));
            }

            var displayPath = NetworkGenerator.RelativePath(path, projectDirectory);
            foreach (var network in result.Networks)
            {
                var lines = result.Source.GetLinePositionSpan(network.NameSpan);
                var location = Location.Create(path, new TextSpan(network.NameSpan.Start, network.NameSpan.Length), new LinePositionSpan(
                    new LinePosition(lines.Start.Line, lines.Start.Character),
                    new LinePosition(lines.End.Line, lines.End.Character)));
                declarations.Add(new Declaration(CrossFileCheck.QualifiedName(network.Namespace, network.Name), network.Name, network.Namespace,
                    location, displayPath, lines.Start.Line + 1, IsFile: true));
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            context.ReportDiagnostic(Diagnostic.Create(Diagnostics.InternalError, Location.Create(path, default, default), NetworkGenerator.RelativePath(path, projectDirectory), exception.Message));
        }
    }

    private static void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol networkAttribute, ConcurrentBag<Declaration> declarations)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var attribute = type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, networkAttribute));
        if (attribute is null)
        {
            return;
        }

        try
        {
            if (type.ContainingType is null && type.Locations.FirstOrDefault(l => l.IsInSource) is { } typeLocation)
            {
                var @namespace = type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : string.Empty;
                declarations.Add(new Declaration(CrossFileCheck.QualifiedName(@namespace, type.Name), type.Name, @namespace, typeLocation,
                    System.IO.Path.GetFileName(typeLocation.SourceTree?.FilePath ?? string.Empty), typeLocation.GetLineSpan().StartLinePosition.Line + 1, IsFile: false));
            }

            var synthetic = AttributeReader.Read(type, attribute, context.CancellationToken);
            foreach (var diagnostic in synthetic.Diagnostics)
            {
                context.ReportDiagnostic(diagnostic);
            }

            if (!synthetic.CanCheck || synthetic.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                return;
            }

            var result = NormLabCompiler.Check(synthetic.Text, type.Name);
            foreach (var diagnostic in result.Diagnostics)
            {
                var location = synthetic.Map(diagnostic.Span);
                if (diagnostic.Id == DslDescriptors.UndefinedParameter.Id)
                {
                    // in C#, an unknown name in the pipeline is a missing numeric member of the record
                    var name = synthetic.Text.Substring(diagnostic.Span.Start, diagnostic.Span.Length);
                    context.ReportDiagnostic(Diagnostics.Create(DslDescriptors.BadHyperParameter, location,
                        $"'{name}' is not a numeric parameter or property of '{type.Name}' with a constant default; add it (int {name} = 32) or use a number"));
                    continue;
                }

                context.ReportDiagnostic(Diagnostics.Create(diagnostic, location));
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            context.ReportDiagnostic(Diagnostic.Create(Diagnostics.InternalError, type.Locations.FirstOrDefault() ?? Location.None, type.Name, exception.Message));
        }
    }
}
