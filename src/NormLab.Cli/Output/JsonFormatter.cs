using System.IO;
using System.Text.Json;

namespace NormLab.Cli.Output;

/// <summary><c>check --format json</c>, exactly the shape of cli.md.</summary>
internal static class JsonFormatter
{
    public static void Write(CheckReport report, TextWriter output) => JsonOutput.Write(output, writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartArray("diagnostics");
        foreach (var diagnostic in report.Diagnostics)
        {
            writer.WriteStartObject();
            writer.WriteString("id", diagnostic.Id);
            writer.WriteString("severity", diagnostic.SeverityText);
            writer.WriteString("message", diagnostic.Message);
            writer.WriteString("file", diagnostic.File.DisplayPath);
            writer.WriteNumber("line", diagnostic.Line);
            writer.WriteNumber("column", diagnostic.Column);
            writer.WriteNumber("endLine", diagnostic.EndLine);
            writer.WriteNumber("endColumn", diagnostic.EndColumn);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteSummary(writer, report);
        writer.WriteEndObject();
    });

    private static void WriteSummary(Utf8JsonWriter writer, CheckReport report)
    {
        writer.WriteStartObject("summary");
        writer.WriteNumber("files", report.Files.Count);
        writer.WriteNumber("errors", report.Errors);
        writer.WriteNumber("warnings", report.Warnings);
        writer.WriteNumber("infos", report.Infos);
        if (report.IncludeHidden)
        {
            writer.WriteNumber("hidden", report.Hidden);
        }

        writer.WriteEndObject();
    }
}
