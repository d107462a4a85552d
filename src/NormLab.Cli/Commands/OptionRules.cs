using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Linq;
using NormLab.Cli.Output;

namespace NormLab.Cli.Commands;

/// <summary>
/// The rules for option values, checked while the command line is parsed, so before any work: each bad value
/// gives one line that names the option, the value and what is allowed, and exit code 2. Numbers are parsed
/// here (invariant culture) instead of by System.CommandLine, whose converters know no ranges, and whose
/// validators would read a value that failed to parse.
/// </summary>
internal static class OptionRules
{
    /// <summary>The most epochs a run may ask for.</summary>
    public const int MaxEpochs = 100_000;

    /// <summary>The most seeds (runs per network) a study may ask for.</summary>
    public const int MaxSeeds = 10_000;

    /// <summary>The largest batch size.</summary>
    public const int MaxBatchSize = 1 << 20;

    /// <summary>The largest learning rate (above it, the rate overflows the float32 training arithmetic for nothing).</summary>
    public const double MaxLearningRate = 1e6;

    /// <summary>The most values one <c>--param</c> axis may hold.</summary>
    public const int MaxParameterValues = 1_000;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>At most 4 threads per processor, and never more than 256: more only slows libtorch down (or hangs it).</summary>
    public static int MaxThreads => Math.Min(256, 4 * Environment.ProcessorCount);

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int> WholeNumber(Option<int> option, int min, int max, int defaultValue)
    {
        option.DefaultValueFactory = _ => defaultValue;
        option.CustomParser = result => ParseWhole(result, min, max, defaultValue) is long value ? (int)value : defaultValue;
        return option;
    }

    /// <summary>An optional whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int?> WholeNumber(Option<int?> option, int min, int max)
    {
        option.CustomParser = result => ParseWhole(result, min, max, null) is long value ? (int)value : null;
        return option;
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<long> WholeNumber(Option<long> option, long min, long max, long defaultValue)
    {
        option.DefaultValueFactory = _ => defaultValue;
        option.CustomParser = result => ParseWhole(result, min, max, defaultValue) ?? defaultValue;
        return option;
    }

    /// <summary>An optional number greater than 0 and at most <paramref name="max"/> (no NaN, no infinity).</summary>
    public static Option<double?> PositiveNumber(Option<double?> option, double max)
    {
        option.CustomParser = result =>
        {
            if (Single(result) is not { } text)
            {
                return null;
            }

            if (!double.TryParse(text, NumberStyles.Float, Invariant, out var value) || !(value > 0 && value <= max))
            {
                AddError(result, text, "a number greater than 0 and at most " + max.ToString("0.######", Invariant) + " (such as 0.001 or 1e-3)");
                return null;
            }

            return value;
        };
        return option;
    }

    /// <summary>One of <paramref name="values"/> (exactly as written there).</summary>
    public static Option<string> OneOf(Option<string> option, params string[] values)
    {
        var allowed = values.Length == 1 ? values[0] : string.Join(", ", values[..^1]) + " or " + values[^1];
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => !values.Contains(t.Value, StringComparer.Ordinal)))
            {
                AddError(result, token.Value, allowed);
            }
        });
        option.CompletionSources.Add(values);
        return option;
    }

    /// <summary>A text that is not empty (nor only spaces).</summary>
    public static Option<T> NotEmpty<T>(Option<T> option, string allowed)
    {
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => string.IsNullOrWhiteSpace(t.Value)))
            {
                AddError(result, token.Value, allowed);
            }
        });
        return option;
    }

    /// <summary>The one message form: <c>--epochs expects a whole number from 1 to 100000, not 'abc'.</c></summary>
    public static string Message(string option, string value, string allowed) =>
        $"{option} expects {allowed}, not '{TerminalText.Escape(value)}'.";

    public static void AddError(SymbolResult result, string value, string allowed)
    {
        var name = result switch
        {
            OptionResult o => o.Option.Name,
            ArgumentResult { Parent: OptionResult o } => o.Option.Name,
            ArgumentResult a => a.Argument.Name,
            _ => "option",
        };
        result.AddError(Message(name, value, allowed));
    }

    private static long? ParseWhole(ArgumentResult result, long min, long max, long? fallback)
    {
        if (Single(result) is not { } text)
        {
            return fallback;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, Invariant, out var value)
            || value < min || value > max)
        {
            AddError(result, text, $"a whole number from {min.ToString(Invariant)} to {max.ToString(Invariant)}");
            return null;
        }

        return value;
    }

    /// <summary>The option's one token; null when the option is not given (arity errors are System.CommandLine's).</summary>
    private static string? Single(ArgumentResult result) => result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
}
