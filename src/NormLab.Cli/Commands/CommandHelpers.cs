using System;
using System.Collections.Generic;
using System.CommandLine.Parsing;
using System.Linq;
using System.Threading;
using NormLab.Cli.Output;
using NormLab.Dsl;
using NormLab.Dsl.Model;
using NormLab.Runtime.Building;

namespace NormLab.Cli.Commands;

/// <summary>Small pieces the training commands share.</summary>
internal static class CommandHelpers
{
    /// <summary>Progress bars only on a terminal: the console's own output, not redirected.</summary>
    public static bool IsTerminal(CliContext context) =>
        ReferenceEquals(context.Output, Console.Out) && !Console.IsOutputRedirected;

    /// <summary>Runs with a token that the first Ctrl+C cancels (a second one ends the process at once).</summary>
    public static int WithCtrlC(Func<CancellationToken, int> run)
    {
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler handler = (_, e) =>
        {
            if (!cancellation.IsCancellationRequested)
            {
                e.Cancel = true;
                cancellation.Cancel();
            }
        };
        Console.CancelKeyPress += handler;
        try
        {
            return run(cancellation.Token);
        }
        finally
        {
            Console.CancelKeyPress -= handler;
        }
    }

    /// <summary>
    /// Reads and checks the <c>.normlab</c> file at <paramref name="path"/> for a command that needs each of
    /// <paramref name="networks"/>. Null after its errors are printed, with <paramref name="exitCode"/>:
    /// <see cref="ExitCodes.UsageError"/> when the file cannot be found or read, or does not declare one of the
    /// networks (checked first, so a typo is one line even in a file with errors);
    /// <see cref="ExitCodes.ErrorsFound"/> when it has errors: each on its own line, then
    /// "<c>file has errors; nothing was <paramref name="nothingWas"/></c>".
    /// </summary>
    public static CheckedSource? ReadChecked(CliContext context, string path, IEnumerable<string> networks, string nothingWas, out int exitCode)
    {
        exitCode = ExitCodes.UsageError;
        if (!InputFiles.TryResolveFile(path, context, out var file) || file is null
            || !InputFiles.TryRead(file, context, out var text))
        {
            return null;
        }

        var result = NormLabCompiler.Check(text, file.DisplayPath);
        foreach (var network in networks)
        {
            if (result.FindNetwork(network) is null)
            {
                ReportUnknownNetwork(context, result, network, file.DisplayPath);
                return null;
            }
        }

        if (result.HasErrors)
        {
            foreach (var diagnostic in result.Diagnostics.Where(d => d.IsError))
                context.Error.WriteLine(TerminalText.Escape(diagnostic.ToString()));
            context.ReportError($"{file.DisplayPath} has errors; nothing was {nothingWas}");
            exitCode = ExitCodes.ErrorsFound;
            return null;
        }

        exitCode = ExitCodes.Success;
        return new CheckedSource(file, text, result);
    }

    /// <summary>
    /// <see cref="ReadChecked"/> for one network, then built by the runtime's builder (<see cref="NetworkBuilder.Check"/>):
    /// what <c>train</c> and <c>export</c> start with. An architecture the builder refuses is printed as it says, with
    /// <see cref="ExitCodes.ErrorsFound"/>.
    /// </summary>
    public static (CheckedSource Source, NetworkModel Network)? LoadNetwork(CliContext context, string path, string network, string nothingWas, out int exitCode)
    {
        if (ReadChecked(context, path, new[] { network }, nothingWas, out exitCode) is not { } source)
            return null;
        try
        {
            return (source, NetworkBuilder.Check(source.Text, source.File.DisplayPath, network));
        }
        catch (ArchitectureException e)
        {
            context.Error.WriteLine(TerminalText.Escape(e.Message));
            exitCode = ExitCodes.ErrorsFound;
            return null;
        }
    }

    /// <summary>The one-line error for a network the file does not declare, listing those it does.</summary>
    public static void ReportUnknownNetwork(CliContext context, CheckResult result, string network, string path)
    {
        var known = result.Networks.Count == 0
            ? "it declares none"
            : "its networks are: " + string.Join(", ", result.Networks.Select(n => n.Name));
        context.ReportError($"no network '{network}' in {path}; {known}");
    }
}

/// <summary>A <c>.normlab</c> file read and checked without errors: where it is, its text, and what the checker found.</summary>
internal sealed record CheckedSource(InputFile File, string Text, CheckResult Result);
