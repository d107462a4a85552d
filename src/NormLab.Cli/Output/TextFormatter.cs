using System.Globalization;
using System.IO;
using NormLab.Dsl.Diagnostics;

namespace NormLab.Cli.Output;

/// <summary>
/// <c>check --format text</c>: the form compilers use, one line per diagnostic
/// (<c>path(3,15): warning NL1001: message</c>), then a count line. Colours only on a terminal. Paths and messages,
/// which quote the files, have their control characters escaped (<see cref="TerminalText"/>).
/// </summary>
internal static class TextFormatter
{
    private const string Reset = "\u001b[0m";

    public static void Write(CheckReport report, TextWriter output, bool useColor)
    {
        foreach (var diagnostic in report.Diagnostics)
        {
            output.Write(TerminalText.Escape(diagnostic.File.DisplayPath));
            output.Write(string.Create(CultureInfo.InvariantCulture, $"({diagnostic.Line},{diagnostic.Column}): "));
            WriteColored(output, diagnostic.SeverityText, diagnostic.Severity, useColor);
            output.Write(' ');
            output.Write(TerminalText.Escape(diagnostic.Id));
            output.Write(": ");
            output.WriteLine(TerminalText.Escape(diagnostic.Message));
        }

        output.WriteLine(CountLine(report));
    }

    /// <summary><c>2 files: 0 errors, 1 warning, 0 infos</c> (and <c>, 3 hidden</c> with <c>--all</c>).</summary>
    public static string CountLine(CheckReport report)
    {
        var line = $"{Plural(report.Files.Count, "file", "files")}: {Plural(report.Errors, "error", "errors")}, " +
                   $"{Plural(report.Warnings, "warning", "warnings")}, {Plural(report.Infos, "info", "infos")}";
        return report.IncludeHidden ? line + ", " + report.Hidden.ToString(CultureInfo.InvariantCulture) + " hidden" : line;
    }

    /// <summary>Writes a severity word, in its colour on a terminal.</summary>
    public static void WriteColored(TextWriter output, string text, DiagnosticSeverity severity, bool useColor)
    {
        var color = useColor ? ColorOf(severity) : null;
        if (color is null)
        {
            output.Write(text);
            return;
        }

        output.Write(color);
        output.Write(text);
        output.Write(Reset);
    }

    private static string? ColorOf(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "\u001b[1;31m",   // bold red
        DiagnosticSeverity.Warning => "\u001b[33m",   // yellow
        DiagnosticSeverity.Info => "\u001b[36m",      // cyan
        _ => "\u001b[2m",                             // dim
    };

    private static string Plural(int count, string one, string many) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many);
}
