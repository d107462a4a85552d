using System;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.IO;
using System.Linq;
using System.Text;
using NormLab.Cli.Commands;

namespace NormLab.Cli;

/// <summary>
/// The <c>normlab</c> command line: wiring only. Each command lives in <c>Commands/</c>, each output
/// format in <c>Output/</c>. <see cref="Run(string[], TextWriter, TextWriter)"/> runs a whole command
/// line in-process, which is what the tests call.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (!Console.IsOutputRedirected)
        {
            return Run(args, Console.Out, Console.Error, Environment.CurrentDirectory, ShouldUseColor());
        }

        // redirected output (a file, a pipe, CI) is UTF-8 without BOM on every OS, whatever the console code page
        using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
        var exitCode = Run(args, stdout, Console.Error, Environment.CurrentDirectory, useColor: false);
        stdout.Flush();
        return exitCode;
    }

    /// <summary>Runs a command line with the given writers (no colours), relative to the current directory.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) =>
        Run(args, stdout, stderr, Environment.CurrentDirectory, useColor: false);

    /// <summary>Runs a command line as if started in <paramref name="currentDirectory"/>.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, string currentDirectory, bool useColor = false)
    {
        var context = new CliContext(stdout, stderr, currentDirectory, useColor);
        var root = CreateRootCommand(context);
        var parseResult = root.Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            // System.CommandLine exits with 1 on usage errors; the contract says 2 (1 means "errors found")
            foreach (var error in parseResult.Errors)
            {
                context.ReportError(error.Message);
            }

            var command = parseResult.CommandResult.Command;
            var name = command == root ? ToolInfo.Name : ToolInfo.Name + " " + command.Name;
            stderr.WriteLine($"Run '{name} --help' for usage.");
            return ExitCodes.UsageError;
        }

        try
        {
            return parseResult.Invoke(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            });
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            stderr.WriteLine($"normlab: internal error: {e}");
            return ExitCodes.InternalError;
        }
    }

    internal static RootCommand CreateRootCommand(CliContext context)
    {
        var root = new RootCommand("NormLab: declare neural-network architectures in .normlab files and check them.")
        {
            CheckCommand.Create(context),
            SummaryCommand.Create(context),
            TrainCommand.Create(context),
            StudyCommand.Create(context),
            LspCommand.Create(context),
        };

        // print our own version, not the entry assembly's (a test host's, in-process)
        foreach (var option in root.Options.OfType<VersionOption>())
        {
            option.Action = new VersionAction();
        }

        return root;
    }

    /// <summary>Colours only on a terminal, and not when <c>NO_COLOR</c> is set or the terminal is dumb.</summary>
    private static bool ShouldUseColor() =>
        !Console.IsOutputRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
        && !string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);

    private sealed class VersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(ToolInfo.Version);
            return ExitCodes.Success;
        }
    }
}
