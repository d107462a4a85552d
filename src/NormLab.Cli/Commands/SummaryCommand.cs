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

        var valid = selected.Where(n => IsValid(n, result)).ToArray();
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

        var leftOut = selected.Where(n => !IsValid(n, result)).Select(n => n.Name).ToArray();
        if (leftOut.Length > 0)
        {
            context.Error.WriteLine($"normlab: left out because of errors: {string.Join(", ", leftOut)}");
        }

        return ExitCodes.ErrorsFound;
    }

    /// <summary>A network can be summarized when it has a model and no error lies inside it (its own, or a syntax error of its text).</summary>
    internal static bool IsValid(NetworkModel network, CheckResult result) =>
        network.IsValid
        && !result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error
                                        && d.Span.Start >= network.Span.Start
                                        && d.Span.End <= network.Span.End);
}
