using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using NormLab.Cli.Output;
using NormLab.Dsl;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Model;

namespace NormLab.Cli.Commands;

/// <summary><c>normlab summary FILE [--network NAME] [--format text|json]</c>.</summary>
internal static class SummaryCommand
{
    public static readonly string[] Formats = { "text", "json" };

    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE")
        {
            Description = "The .normlab file whose networks to summarize.",
        };
        var network = new Option<string?>("--network", "-n")
        {
            Description = "Only this network (default: every network of the file).",
            HelpName = "NAME",
        };
        var format = new Option<string>("--format", "-f")
        {
            Description = "The output format: a table, or JSON.",
            DefaultValueFactory = _ => "text",
            HelpName = "text|json",
        };
        file.Validators.Add(result => InputFiles.RejectUnknownOptions(result, context));
        OptionRules.NotEmpty(network, "the name of a network of the file");
        OptionRules.OneOf(format, Formats);

        var command = new Command("summary", "Show each network's layers, output shapes, parameters and multiply-accumulates per sample (exit code 1: the file has errors; its valid networks are still shown).")
        {
            file,
            network,
            format,
        };
        command.SetAction(parseResult => Execute(
            context,
            parseResult.GetValue(file) ?? string.Empty,
            parseResult.GetValue(network),
            parseResult.GetValue(format) ?? "text"));
        return command;
    }

    public static int Execute(CliContext context, string path, string? networkName, string format)
    {
        if (!InputFiles.TryResolveFile(path, context, out var file) || file is null
            || !InputFiles.TryRead(file, context, out var text))
        {
            return ExitCodes.UsageError;
        }

        var result = NormLabCompiler.Check(text, file.DisplayPath);
        IReadOnlyList<NetworkModel> selected = result.Networks;
        if (networkName is not null)
        {
            var found = result.FindNetwork(networkName);
            if (found is null)
            {
                CommandHelpers.ReportUnknownNetwork(context, result, networkName, file.DisplayPath);
                return ExitCodes.UsageError;
            }

            selected = new[] { found };
        }

        var isValid = Validity(result);
        var valid = selected.Where(isValid).ToArray();
        if (format == "json")
        {
            SummaryFormatter.WriteJson(valid, context.Output);
        }
        else
        {
            SummaryFormatter.WriteText(valid, context.Output);
        }

        if (!result.HasErrors)
        {
            return ExitCodes.Success;
        }

        foreach (var diagnostic in result.Diagnostics.Where(d => d.IsError))
        {
            context.Error.WriteLine(TerminalText.Escape(diagnostic.ToString()));
        }

        var leftOut = selected.Where(n => !isValid(n)).Select(n => n.Name).ToArray();
        if (leftOut.Length > 0)
        {
            context.Error.WriteLine($"normlab: left out because of errors: {string.Join(", ", leftOut)}");
        }

        return ExitCodes.ErrorsFound;
    }

    /// <summary>
    /// Whether a network can be summarized: it has a model and no error lies inside it (its own, or a syntax
    /// error of its text). The errors are found by binary search in the sorted diagnostics, so a file of many
    /// networks and many diagnostics takes linear time (not networks times diagnostics).
    /// </summary>
    internal static Func<NetworkModel, bool> Validity(CheckResult result)
    {
        // CheckResult.Diagnostics is sorted by start
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        return network => network.IsValid && !AnyInside(errors, network.Span.Start, network.Span.End);
    }

    private static bool AnyInside(Diagnostic[] errors, int start, int end)
    {
        // the first error that starts at or after 'start'
        int low = 0, high = errors.Length;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (errors[middle].Span.Start < start)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        for (var i = low; i < errors.Length && errors[i].Span.Start <= end; i++)
        {
            if (errors[i].Span.End <= end)
            {
                return true;
            }
        }

        return false;
    }
}
