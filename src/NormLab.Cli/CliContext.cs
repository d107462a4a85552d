using System;
using System.IO;

namespace NormLab.Cli;

/// <summary>
/// What a command needs from the outside world: where to write, which folder relative paths start
/// from, and whether the standard output is a terminal (colours). Tests pass their own.
/// </summary>
internal sealed class CliContext
{
    public CliContext(TextWriter output, TextWriter error, string currentDirectory, bool useColor)
    {
        Output = output ?? throw new ArgumentNullException(nameof(output));
        Error = error ?? throw new ArgumentNullException(nameof(error));
        CurrentDirectory = Path.GetFullPath(currentDirectory ?? throw new ArgumentNullException(nameof(currentDirectory)));
        UseColor = useColor;
    }

    /// <summary>Results: diagnostics, tables, JSON and SARIF.</summary>
    public TextWriter Output { get; }

    /// <summary>Problems with the command itself (bad usage, unreadable input).</summary>
    public TextWriter Error { get; }

    /// <summary>The folder relative input paths are resolved against.</summary>
    public string CurrentDirectory { get; }

    /// <summary>True only when <see cref="Output"/> is a terminal and colours are not turned off.</summary>
    public bool UseColor { get; }

    /// <summary>
    /// Writes the one-line form every command uses for a problem with its input; control characters from files and
    /// command lines are escaped (<see cref="NormLab.Cli.Output.TerminalText"/>), so the line stays one line.
    /// </summary>
    public void ReportError(string message) => Error.WriteLine("normlab: error: " + NormLab.Cli.Output.TerminalText.Escape(message));

    /// <summary>One line on stderr that changes nothing about the result (a skipped entry of a folder).</summary>
    public void ReportNote(string message) => Error.WriteLine("normlab: note: " + NormLab.Cli.Output.TerminalText.Escape(message));
}
