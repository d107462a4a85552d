using System;
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
            start.RegisterAdditionalFileAction(file => AnalyzeFile(file, rootNamespace ?? string.Empty, projectDirectory ?? string.Empty));

            var networkAttribute = start.Compilation.GetTypeByMetadataName(AttributeReader.NetworkAttributeName);
            if (networkAttribute is not null)
            {
                start.RegisterSymbolAction(symbol => AnalyzeType(symbol, networkAttribute), SymbolKind.NamedType);
            }
        });
    }

    private static void AnalyzeFile(AdditionalFileAnalysisContext context, string rootNamespace, string projectDirectory)
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
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            context.ReportDiagnostic(Diagnostic.Create(Diagnostics.InternalError, Location.Create(path, default, default), NetworkGenerator.RelativePath(path, projectDirectory), exception.Message));
        }
    }

    private static void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol networkAttribute)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var attribute = type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, networkAttribute));
        if (attribute is null)
        {
            return;
        }

        try
        {
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
