using System;
using System.CommandLine;
using NormLab.LanguageServer;

namespace NormLab.Cli.Commands;

/// <summary><c>normlab lsp</c>: a language server for <c>.normlab</c> files over standard input and output.</summary>
internal static class LspCommand
{
    public static Command Create(CliContext context)
    {
        // editors' clients add these; stdio is the only transport
        var stdio = new Option<bool>("--stdio")
        {
            Description = "Talk over standard input and output (the default, and the only transport).",
        };
        var clientProcessId = new Option<int?>("--clientProcessId")
        {
            Description = "The editor's process id (accepted for language clients that pass it).",
            Hidden = true,
        };
        OptionRules.WholeNumber(clientProcessId, 0, int.MaxValue);
        var command = new Command("lsp", "Run a language server for .normlab files over standard input and output (diagnostics, hover, completion, go to definition, symbols, formatting, quick fixes).")
        {
            stdio,
            clientProcessId,
        };
        command.SetAction(_ => Execute(context));
        return command;
    }

    public static int Execute(CliContext context)
    {
        using var input = Console.OpenStandardInput();
        using var output = Console.OpenStandardOutput();
        return LspHost.RunAsync(input, output, context.Error).GetAwaiter().GetResult();
    }
}
