using System;
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
            return new SourceSpec(stem + ".g.cs", file.Text, relativePath, sourceClass, networks);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return null;
        }
    }

    internal static SourceSpec? ReadRecord(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        try
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || context.Attributes.Length == 0)
            {
                return null;
            }

            var synthetic = AttributeReader.Read(type, context.Attributes[0], cancellationToken);
            if (!synthetic.CanCheck || synthetic.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                return null;
            }

            var path = Path.GetFileName(context.TargetNode.SyntaxTree.FilePath);
            var result = NormLabCompiler.Check(synthetic.Text, path);
            var network = result.FindNetwork(type.Name);
            if (network is null || !network.IsValid || result.HasErrors)
            {
                return null;
            }

            var line = context.TargetNode.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
            var spec = SpecBuilder.Build(network, NetworkOrigin.AttributedRecord, synthetic.Namespace, synthetic.Accessibility,
                synthetic.RecordKeyword, synthetic.ContainingTypes, synthetic.HyperParameters, path, line);
            var qualified = string.Join(".", new[] { synthetic.Namespace }.Concat(synthetic.ContainingTypes.Select(c => c.Name)).Append(type.Name).Where(s => s.Length > 0));
            return new SourceSpec(Sanitize(qualified) + ".g.cs", synthetic.Text, path, string.Empty, new[] { spec }.ToEquatableArray());
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return null;
        }
    }

    internal static string RelativePath(string path, string projectDirectory)
    {
        var normalized = path.Replace('\\', '/');
        var directory = projectDirectory.Replace('\\', '/');
        if (directory.Length > 0 && !directory.EndsWith("/", StringComparison.Ordinal))
        {
            directory += "/";
        }

        return directory.Length > 0 && normalized.StartsWith(directory, StringComparison.OrdinalIgnoreCase)
            ? normalized.Substring(directory.Length)
            : Path.GetFileName(normalized);
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
