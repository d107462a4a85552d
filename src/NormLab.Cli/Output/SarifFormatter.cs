using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using NormLab.Dsl.Diagnostics;

namespace NormLab.Cli.Output;

/// <summary>
/// <c>check --format sarif</c>: SARIF 2.1.0 with one run. The driver lists every rule of the catalog
/// (so <c>ruleIndex</c> is stable), with its title, description, help link and default level; each
/// result has a physical location whose URI is the displayed path (relative, forward slashes).
/// </summary>
internal static class SarifFormatter
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    public static void Write(CheckReport report, TextWriter output) =>
        Write(report, output, DiagnosticDescriptors.All);

    internal static void Write(CheckReport report, TextWriter output, IReadOnlyList<DiagnosticDescriptor> rules) => JsonOutput.Write(output, writer =>
    {
        var ruleIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            ruleIndex[rules[i].Id] = i;
        }

        writer.WriteStartObject();
        writer.WriteString("$schema", SchemaUri);
        writer.WriteString("version", "2.1.0");
        writer.WriteStartArray("runs");
        writer.WriteStartObject();
        WriteTool(writer, rules);
        writer.WriteStartArray("results");
        foreach (var diagnostic in report.Diagnostics)
        {
            WriteResult(writer, diagnostic, ruleIndex.TryGetValue(diagnostic.Id, out var index) ? index : -1);
        }

        writer.WriteEndArray();
        writer.WriteString("columnKind", "utf16CodeUnits");
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    /// <summary>SARIF's level for a severity: <c>error</c>, <c>warning</c>, <c>note</c> or <c>none</c>.</summary>
    public static string Level(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        DiagnosticSeverity.Info => "note",
        _ => "none",
    };

    /// <summary>A rule's name: its title in PascalCase (<c>Normalization after activation</c> → <c>NormalizationAfterActivation</c>).</summary>
    public static string RuleName(DiagnosticDescriptor rule)
    {
        var name = new StringBuilder();
        var upper = true;
        foreach (var c in rule.Title)
        {
            if (char.IsLetterOrDigit(c))
            {
                name.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            else
            {
                upper = true;
            }
        }

        return name.ToString();
    }

    /// <summary>The artifact URI: the relative path with its segments escaped, or a <c>file:</c> URI for an absolute path.</summary>
    public static string ArtifactUri(InputFile file)
    {
        if (Path.IsPathRooted(file.DisplayPath))
        {
            return new Uri(file.FullPath).AbsoluteUri;
        }

        return string.Join("/", file.DisplayPath.Split('/').Select(Uri.EscapeDataString));
    }

    private static void WriteTool(Utf8JsonWriter writer, IReadOnlyList<DiagnosticDescriptor> rules)
    {
        writer.WriteStartObject("tool");
        writer.WriteStartObject("driver");
        writer.WriteString("name", ToolInfo.Name);
        writer.WriteString("version", ToolInfo.Version);
        writer.WriteString("informationUri", ToolInfo.InformationUri);
        writer.WriteStartArray("rules");
        foreach (var rule in rules)
        {
            writer.WriteStartObject();
            writer.WriteString("id", rule.Id);
            writer.WriteString("name", RuleName(rule));
            WriteText(writer, "shortDescription", rule.Title);
            WriteText(writer, "fullDescription", rule.Description);
            writer.WriteString("helpUri", rule.HelpLink);
            writer.WriteStartObject("defaultConfiguration");
            writer.WriteString("level", Level(rule.DefaultSeverity));
            writer.WriteEndObject();
            writer.WriteStartObject("properties");
            writer.WriteString("category", rule.Category);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter writer, ReportedDiagnostic diagnostic, int ruleIndex)
    {
        writer.WriteStartObject();
        writer.WriteString("ruleId", diagnostic.Id);
        if (ruleIndex >= 0)
        {
            writer.WriteNumber("ruleIndex", ruleIndex);
        }

        writer.WriteString("level", Level(diagnostic.Severity));
        WriteText(writer, "message", diagnostic.Message);
        writer.WriteStartArray("locations");
        writer.WriteStartObject();
        writer.WriteStartObject("physicalLocation");
        writer.WriteStartObject("artifactLocation");
        writer.WriteString("uri", ArtifactUri(diagnostic.File));
        writer.WriteEndObject();
        writer.WriteStartObject("region");
        writer.WriteNumber("startLine", diagnostic.Line);
        writer.WriteNumber("startColumn", diagnostic.Column);
        writer.WriteNumber("endLine", diagnostic.EndLine);
        writer.WriteNumber("endColumn", diagnostic.EndColumn);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteText(Utf8JsonWriter writer, string name, string text)
    {
        writer.WriteStartObject(name);
        writer.WriteString("text", text);
        writer.WriteEndObject();
    }
}
