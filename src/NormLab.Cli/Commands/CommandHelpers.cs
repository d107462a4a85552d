using System;
using System.CommandLine.Parsing;
using System.Linq;
using System.Threading;
using NormLab.Dsl.Model;

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

    /// <summary>The one-line error for a network the file does not declare, listing those it does.</summary>
    public static void ReportUnknownNetwork(CliContext context, CheckResult result, string network, string path)
    {
        var known = result.Networks.Count == 0
            ? "it declares none"
            : "its networks are: " + string.Join(", ", result.Networks.Select(n => n.Name));
        context.ReportError($"no network '{network}' in {path}; {known}");
    }
}
