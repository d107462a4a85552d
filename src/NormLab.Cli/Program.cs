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
            // System.CommandLine exits with 1 on usage errors; the contract says 2 (1 means "errors found").
            // One line per mistake; the last one also says where the usage is, so one mistake is one line.
            var command = parseResult.CommandResult.Command;
            var name = command == root ? ToolInfo.Name : ToolInfo.Name + " " + string.Join(" ", CommandPath(parseResult.CommandResult));
            var messages = parseResult.Errors.Select(e => e.Message).Distinct(StringComparer.Ordinal).ToArray();
            for (var i = 0; i < messages.Length; i++)
            {
                var message = messages[i].ReplaceLineEndings(" ").TrimEnd();
                context.ReportError(i < messages.Length - 1 ? message : $"{message} Run '{name} --help' for usage.");
            }

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

    /// <summary>The names from the root's first subcommand down to the parsed one: <c>study merge</c>.</summary>
    private static string[] CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new System.Collections.Generic.List<string>();
        for (var current = result; current?.Parent is not null; current = current.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, current.Command.Name);
        }

        return names.ToArray();
    }

    internal static RootCommand CreateRootCommand(CliContext context)
    {
        var root = new RootCommand("NormLab: declare neural-network architectures in .normlab files and check them.")
        {
            CheckCommand.Create(context),
            SummaryCommand.Create(context),
            TrainCommand.Create(context),
            ExportCommand.Create(context),
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
