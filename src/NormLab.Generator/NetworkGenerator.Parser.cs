using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NormLab.Dsl;
using NormLab.Generator.Helpers;
using NormLab.Generator.Model;
using NormLab.Generator.Parsing;

namespace NormLab.Generator;

public sealed partial class NetworkGenerator
{
    internal static ProjectInfo ReadProjectInfo(AnalyzerConfigOptions options)
    {
        options.TryGetValue("build_property.RootNamespace", out var rootNamespace);
        options.TryGetValue("build_property.ProjectDir", out var projectDirectory);
        return new ProjectInfo(rootNamespace ?? string.Empty, projectDirectory ?? string.Empty);
    }

    internal static SourceSpec? ReadFile(NormlabFile file, ProjectInfo project, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relativePath = RelativePath(file.Path, project.ProjectDirectory);
            var result = NormLabCompiler.Check(file.Text, relativePath, new CheckOptions { DefaultNamespace = project.RootNamespace });
            var networks = result.Networks
                .Where(n => n.IsValid)
                .Select(n => SpecBuilder.Build(
                    n,
                    NetworkOrigin.TextFile,
                    n.Namespace,
                    "public",
                    "record",
                    Array.Empty<ContainingTypeSpec>(),
                    SpecBuilder.TextHyperParameters(n),
                    relativePath,
                    result.Source.GetLinePosition(n.NameSpan.Start).Line + 1))
                .ToEquatableArray();
            var stem = Sanitize(relativePath) + "." + Hash(relativePath);
            var sourceClass = "NormLabSource_" + Sanitize(Path.GetFileNameWithoutExtension(relativePath)).Replace(".", "_") + "_" + Hash(relativePath);
            var declared = result.Networks.Select(n => CrossFileCheck.QualifiedName(n.Namespace, n.Name)).ToEquatableArray();
            return new SourceSpec(stem + ".g.cs", file.Text, relativePath, sourceClass, networks, declared);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads a [Network] record into NormLab text and the values the emitter needs. Roslyn runs this again on
    /// every compilation change, so it only reads; <see cref="CheckRecord"/> does the work, cached.
    /// </summary>
    internal static RecordInput? ReadRecord(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        try
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || context.Attributes.Length == 0)
            {
                return null;
            }

            // [Network] on two parts of a partial type (CS0579): both parts get every attribute of the type;
            // generate once, for the part that holds the first
            if (context.Attributes[0].ApplicationSyntaxReference is { } first &&
                (first.SyntaxTree != context.TargetNode.SyntaxTree || !context.TargetNode.Span.Contains(first.Span)))
            {
                return null;
            }

            var synthetic = AttributeReader.Read(type, context.Attributes[0], cancellationToken, mapSpans: false);
            if (!synthetic.CanCheck || synthetic.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                return null;
            }

            var path = Path.GetFileName(context.TargetNode.SyntaxTree.FilePath);
            var line = context.TargetNode.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
            var qualified = string.Join(".", new[] { synthetic.Namespace }.Concat(synthetic.ContainingTypes.Select(c => c.Name)).Append(type.Name).Where(s => s.Length > 0));
            // names that sanitizing changed (non-ASCII identifiers) get the hash, so that 'Ñet' and '_et' differ
            var stem = Sanitize(qualified);
            var hintName = stem == qualified ? stem : stem + "." + Hash(qualified);
            return new RecordInput(type.Name, synthetic.Text, synthetic.Namespace, synthetic.Accessibility, synthetic.RecordKeyword,
                synthetic.ContainingTypes.ToEquatableArray(), synthetic.HyperParameters.ToEquatableArray(), path, line, hintName + ".g.cs");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Checks a record's NormLab text into its source spec; runs only when the record's input changed.</summary>
    internal static SourceSpec? CheckRecord(RecordInput? input, CancellationToken cancellationToken)
    {
        if (input is null)
        {
            return null;
        }

        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = NormLabCompiler.Check(input.Text, input.SourcePath);
            var network = result.FindNetwork(input.TypeName);
            if (network is null || !network.IsValid || result.HasErrors)
            {
                return null;
            }

            var spec = SpecBuilder.Build(network, NetworkOrigin.AttributedRecord, input.Namespace, input.Accessibility,
                input.RecordKeyword, input.ContainingTypes, input.HyperParameters, input.SourcePath, input.Line);
            return new SourceSpec(input.HintName, input.Text, input.SourcePath, string.Empty, new[] { spec }.ToEquatableArray(), EquatableArray<string>.Empty);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The qualified name of a top-level [Network] type (nested types cannot clash with a file's network), or null.</summary>
    internal static string? RecordNetworkName(RecordInput? input) =>
        input is null || input.ContainingTypes.Count > 0 ? null : CrossFileCheck.QualifiedName(input.Namespace, input.TypeName);

    /// <summary>
    /// The qualified names that two declarations share, at least one of them a network of a <c>.normlab</c>
    /// file: each file's network names and the top-level records' names, nothing else, so that this step is
    /// cheap and its result (usually empty) stays equal across edits.
    /// </summary>
    internal static EquatableArray<string> FindDuplicateNames(ImmutableArray<EquatableArray<string>> files, ImmutableArray<string?> records)
    {
        try
        {
            var fromFiles = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var file in files)
            {
                foreach (var name in file)
                {
                    fromFiles[name] = fromFiles.TryGetValue(name, out var count) ? count + 1 : 1;
                }
            }

            var duplicates = new SortedSet<string>(fromFiles.Where(p => p.Value > 1).Select(p => p.Key), StringComparer.Ordinal);
            foreach (var record in records)
            {
                if (record is not null && fromFiles.ContainsKey(record))
                {
                    duplicates.Add(record);
                }
            }

            return duplicates.ToEquatableArray();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return EquatableArray<string>.Empty;
        }
    }

    /// <summary>The spec without the networks whose name another declaration has (the analyzer reports NL0004 at each).</summary>
    internal static SourceSpec? WithoutDuplicates(SourceSpec? spec, EquatableArray<string> duplicates)
    {
        if (spec is null || duplicates.Count == 0)
        {
            return spec;
        }

        var names = new HashSet<string>(duplicates, StringComparer.Ordinal);
        var kept = spec.Networks.Where(n => !names.Contains(CrossFileCheck.QualifiedName(n.Namespace, QualifiedTypeName(n)))).ToEquatableArray();
        return kept.Count == spec.Networks.Count ? spec : spec with { Networks = kept };
    }

    // a record nested in a type never clashes with a file's network: give it a name no network has
    private static string QualifiedTypeName(NetworkSpec network) =>
        network.ContainingTypes.Count == 0 ? network.TypeName : string.Join("+", network.ContainingTypes.Select(c => c.Name)) + "+" + network.TypeName;

    internal static string RelativePath(string path, string projectDirectory)
    {
        var normalized = path.Replace('\\', '/');
        var directory = projectDirectory.Replace('\\', '/');
        if (directory.Length > 0 && !directory.EndsWith("/", StringComparison.Ordinal))
        {
            directory += "/";
        }

        if (directory.Length == 0)
        {
            return Path.GetFileName(normalized);
        }

        if (normalized.StartsWith(directory, StringComparison.OrdinalIgnoreCase))
        {
            return normalized.Substring(directory.Length);
        }

        // a linked file outside the project folder: '../shared/nets.normlab', so that two linked files of
        // one name get two names (and two hint names), and the name is the same on every machine
        var pathParts = normalized.Split('/');
        var directoryParts = directory.TrimEnd('/').Split('/');
        var common = 0;
        while (common < pathParts.Length - 1 && common < directoryParts.Length && string.Equals(pathParts[common], directoryParts[common], StringComparison.OrdinalIgnoreCase))
        {
            common++;
        }

        if (common == 0)
        {
            return normalized; // another drive: nothing in common
        }

        return string.Join("/", Enumerable.Repeat("..", directoryParts.Length - common).Concat(pathParts.Skip(common)));
    }

    private static string Sanitize(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsLetterOrDigit(c) && c < 128 || c == '.' ? c : '_');
        }

        return builder.ToString();
    }

    /// <summary>FNV-1a over the path: stable across runs and machines, unlike string.GetHashCode.</summary>
    private static string Hash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash.ToString("x8", CultureInfo.InvariantCulture);
    }
}
