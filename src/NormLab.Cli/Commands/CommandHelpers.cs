using System;
using System.CommandLine.Parsing;

namespace NormLab.Cli.Commands;

/// <summary>Small pieces the training commands share.</summary>
internal static class CommandHelpers
{
    /// <summary>Progress bars only on a terminal: the console's own output, not redirected.</summary>
    public static bool IsTerminal(CliContext context) =>
        ReferenceEquals(context.Output, Console.Out) && !Console.IsOutputRedirected;

    /// <summary>A validator: the option, when given, is at least 1.</summary>
    public static void AtLeastOne(OptionResult result, int? value)
    {
        if (value is < 1)
        {
            result.AddError($"{result.Option.Name} must be at least 1.");
        }
    }
}
