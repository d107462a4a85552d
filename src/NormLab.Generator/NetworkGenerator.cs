using System;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using NormLab.Generator.Emit;
using NormLab.Generator.Helpers;
using NormLab.Generator.Model;
using NormLab.Generator.Parsing;

namespace NormLab.Generator;

/// <summary>
/// Generates typed TorchSharp modules from <c>.normlab</c> files and <c>[Network]</c> records. It only
/// generates: the diagnostics come from <see cref="NetworkAnalyzer"/>, and a network with errors
/// generates nothing.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class NetworkGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // the project's root namespace and folder: two strings, so unrelated edits re-run nothing
        var project = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => ReadProjectInfo(options.GlobalOptions))
            .WithTrackingName(StepNames.ProjectInfo);

        // .normlab additional files, as path and text
        var files = context.AdditionalTextsProvider
            .Where(static file => file.Path.EndsWith(".normlab", StringComparison.OrdinalIgnoreCase))
            .Select(static (file, cancellationToken) => new NormlabFile(file.Path, file.GetText(cancellationToken)?.ToString() ?? string.Empty))
            .WithTrackingName(StepNames.NormlabFiles);

        // a file listed twice in AdditionalFiles (the package adds every *.normlab; a project may add them
        // again) is read once: two outputs with one hint name would fail the whole generator
        var distinctFiles = files
            .Collect()
            .SelectMany(static (all, _) => all.GroupBy(static f => f.Path, StringComparer.Ordinal).Select(static g => g.First()))
            .WithTrackingName(StepNames.DistinctFiles);

        // each file checked into one source spec (its valid networks)
        var fileSpecs = distinctFiles
            .Combine(project)
            .Select(static (pair, cancellationToken) => ReadFile(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(StepNames.FileSpecs);

        // [Network] records, read into NormLab text. Roslyn re-runs this for every record on every compilation
        // change (for any edit, semantics may change), binding the records' attributes first: the floor any
        // [Network] generator pays. So it only reads, and cheaply: the attribute data Roslyn has bound and the
        // declaration's syntax; a record's symbols only for hyper-parameters the syntax does not decide (a
        // default naming a constant), since asking for them makes Roslyn build all the record's members
        var recordInputs = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeReader.NetworkAttributeName,
                static (node, _) => node is TypeDeclarationSyntax,
                static (attributeContext, cancellationToken) => ReadRecord(attributeContext, cancellationToken))
            .WithTrackingName(StepNames.RecordInputs);

        // each record checked into a source spec: cached, re-run only when that record's input changed
        var recordSpecs = recordInputs
            .Select(static (input, cancellationToken) => CheckRecord(input, cancellationToken))
            .WithTrackingName(StepNames.RecordSpecs);

        // the cross-file check: a network name declared twice (two files, or a file and a [Network] record)
        // would be two C# types of one name. Only the names are combined, never the models, so an edit that
        // keeps every name re-runs nothing after this step; the analyzer reports NL0004 at each declaration
        var fileNames = fileSpecs
            .Select(static (spec, _) => spec?.Declared ?? EquatableArray<string>.Empty)
            .WithTrackingName(StepNames.FileNetworkNames);
        var recordNames = recordInputs
            .Select(static (input, _) => RecordNetworkName(input))
            .WithTrackingName(StepNames.RecordNetworkNames);
        var duplicates = fileNames.Collect()
            .Combine(recordNames.Collect())
            .Select(static (pair, _) => FindDuplicateNames(pair.Left, pair.Right))
            .WithTrackingName(StepNames.DuplicateNames);

        // what is emitted: each spec without its duplicates
        var fileOutputs = fileSpecs
            .Combine(duplicates)
            .Select(static (pair, _) => WithoutDuplicates(pair.Left, pair.Right))
            .WithTrackingName(StepNames.FileOutputs);
        var recordOutputs = recordSpecs
            .Combine(duplicates)
            .Select(static (pair, _) => WithoutDuplicates(pair.Left, pair.Right))
            .WithTrackingName(StepNames.RecordOutputs);

        context.RegisterSourceOutput(fileOutputs, static (output, spec) => Emit(output, spec));
        context.RegisterSourceOutput(recordOutputs, static (output, spec) => Emit(output, spec));
    }

    private static void Emit(SourceProductionContext context, SourceSpec? spec)
    {
        if (spec is null || spec.Networks.Count == 0)
        {
            return;
        }

        string text;
        try
        {
            text = Emitter.Emit(spec);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // never throw into the compiler; the analyzer reports NL0000 for the same input
            return;
        }

        context.AddSource(spec.HintName, SourceText.From(text, Encoding.UTF8));
    }
}
