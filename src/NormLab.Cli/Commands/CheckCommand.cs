using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using NormLab.Cli.Output;
using NormLab.Dsl;

namespace NormLab.Cli.Commands;

/// <summary><c>normlab check PATH... [--format text|json|sarif] [--all]</c>.</summary>
internal static class CheckCommand
{
    public static readonly string[] Formats = { "text", "json", "sarif" };

    public static Command Create(CliContext context)
    {
        var paths = new Argument<string[]>("PATH")
        {
            Arity = ArgumentArity.OneOrMore,
            Description = "The .normlab files to check; folders are searched recursively.",
        };
        var format = new Option<string>("--format", "-f")
        {
            Description = "The output format: compiler-style text lines, JSON, or SARIF 2.1.0 for code-scanning tools.",
            DefaultValueFactory = _ => "text",
            HelpName = "text|json|sarif",
        };
        paths.Validators.Add(result => InputFiles.RejectUnknownOptions(result, context));
        OptionRules.OneOf(format, Formats);
        var all = new Option<bool>("--all")
        {
            Description = "Also list hidden diagnostics (IDE hints such as NL1009 and the NL4xxx architecture hints).",
        };

        var command = new Command("check", "Check .normlab files and list their diagnostics (exit code 0: no errors, 1: errors, 2: bad usage or unreadable input).")
        {
            paths,
            format,
            all,
        };
        command.SetAction(parseResult => Execute(
            context,
            parseResult.GetValue(paths) ?? System.Array.Empty<string>(),
            parseResult.GetValue(format) ?? "text",
            parseResult.GetValue(all)));
        return command;
    }

    public static int Execute(CliContext context, IReadOnlyList<string> paths, string format, bool all)
    {
        if (!InputFiles.TryExpand(paths, context, out var files))
        {
            return ExitCodes.UsageError;
        }

        // read everything first: an unreadable file stops the command before any output
        var texts = new List<(InputFile File, string Text)>();
        var readable = true;
        foreach (var file in files)
        {
            if (InputFiles.TryRead(file, context, out var text))
            {
                texts.Add((file, text));
            }
            else
            {
                readable = false;
            }
        }

        if (!readable)
        {
            return ExitCodes.UsageError;
        }

        var results = texts.Select(t => (t.File, Result: NormLabCompiler.Check(t.Text, t.File.DisplayPath))).ToArray();
        var diagnostics = results.SelectMany(r => r.Result.Diagnostics.Select(d => new ReportedDiagnostic(r.File, d))).ToList();

        // a network declared in two of the files given: each becomes a C# type, so a project with both fails to build
        var fileOf = results.ToDictionary(r => r.Result.Source, r => r.File);
        diagnostics.AddRange(CrossFileCheck.FindDuplicateNetworks(results.Select(r => r.Result))
            .Select(d => new ReportedDiagnostic(fileOf[d.Source], d)));
        var report = new CheckReport(files, diagnostics, all);

        switch (format)
        {
            case "json":
                JsonFormatter.Write(report, context.Output);
                break;
            case "sarif":
                SarifFormatter.Write(report, context.Output);
                break;
            default:
                TextFormatter.Write(report, context.Output, context.UseColor);
                break;
        }

        return report.HasErrors ? ExitCodes.ErrorsFound : ExitCodes.Success;
    }
}
