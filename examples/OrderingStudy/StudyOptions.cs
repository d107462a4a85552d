using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace OrderingStudy;

/// <summary>The command line of the example, with the defaults that finish in minutes on 2 CPU cores.</summary>
public sealed record StudyOptions
{
    /// <summary>Default epochs: enough for most of these networks to pass 97% on the MNIST sample.</summary>
    public const int DefaultEpochs = 2;

    public const int DefaultSeeds = 1;

    /// <summary>
    /// Default libtorch threads: 1. On the loaded 2-core machine this was tuned on, one thread trained these small networks
    /// 2–12× faster than two (see README.md); pass --threads to change it.
    /// </summary>
    public const int DefaultThreads = 1;

    /// <summary>--full: the article's protocol, 10 seeds of 5 epochs.</summary>
    public const int FullSeeds = 10, FullEpochs = 5;

    public int Epochs { get; init; } = DefaultEpochs;

    /// <summary>Runs per network; run k uses seed k (the same initial-weight seed and data order for every network).</summary>
    public int Seeds { get; init; } = DefaultSeeds;

    /// <summary>Null: every network.</summary>
    public IReadOnlyList<string>? Networks { get; init; }

    public int Threads { get; init; } = DefaultThreads;

    /// <summary>Also evaluate every K steps, for the step at which 97/98% is reached; null: at epoch ends only.</summary>
    public int? EvaluateEvery { get; init; }

    /// <summary>Where each run's JSON and results.csv go; null: nowhere.</summary>
    public string? Out { get; init; }

    public bool Help { get; init; }

    public static string Usage =>
        """
        The ordering study: Conv→BN→ReLU vs Conv→ReLU→BN vs BN→ReLU→Conv, at depth 2 and 5, with ReLU, LeakyReLU and ELU
        (18 networks of ordering.normlab, plus one attributed record), trained on the embedded MNIST sample.

        usage: dotnet run -c Release --project examples/OrderingStudy -- [options]

          --epochs N        epochs per run (default 2)
          --seeds N         runs per network, seeds 1..N (default 1)
          --networks A,B    only these networks (default: all 19; names as in ordering.normlab, case-insensitive)
          --threads N       libtorch threads (default 1)
          --eval-every K    also evaluate every K steps (finer "epochs to 97/98%"; slower)
          --out DIR         write DIR/runs/NETWORK-seedS.json (each run, atomically) and DIR/results.csv
          --full            the article's protocol: 10 seeds, 5 epochs (--seeds/--epochs after it override)
          -h, --help        this text
        """;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static StudyOptions Parse(IReadOnlyList<string> args)
    {
        var options = new StudyOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            int Positive()
            {
                string text = Value();
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1
                    ? n
                    : throw new ArgumentException($"{arg} takes a whole number of at least 1 (got '{text}')");
            }

            options = arg switch
            {
                "--epochs" => options with { Epochs = Positive() },
                "--seeds" => options with { Seeds = Positive() },
                "--threads" => options with { Threads = Positive() },
                "--eval-every" => options with { EvaluateEvery = Positive() },
                "--networks" => options with { Networks = NetworkList(Value()) },
                "--out" => options with { Out = Value() },
                "--full" => options with { Seeds = FullSeeds, Epochs = FullEpochs },
                "-h" or "--help" => options with { Help = true },
                _ => throw new ArgumentException($"unknown option '{arg}' (see --help)"),
            };
        }
        return options;
    }

    private static IReadOnlyList<string> NetworkList(string text)
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0)
            throw new ArgumentException("--networks needs at least one name");
        var unknown = names.Where(n => OrderingStudy.Networks.Find(n) is null).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException(
                $"unknown network{(unknown.Length > 1 ? "s" : "")} {string.Join(", ", unknown)}; the study has: " +
                string.Join(", ", OrderingStudy.Networks.All.Select(n => n.Name)));
        return names;
    }

    /// <summary>The networks to run, in the study's order.</summary>
    public IReadOnlyList<StudyNetwork> SelectedNetworks() => Networks is null
        ? OrderingStudy.Networks.All
        : OrderingStudy.Networks.All.Where(n => Networks.Contains(n.Name, StringComparer.OrdinalIgnoreCase)).ToArray();

    /// <summary>The command that runs exactly this study again, every setting spelled out.</summary>
    public string ToCommandLine()
    {
        var line = new StringBuilder("dotnet run -c Release --project examples/OrderingStudy --");
        line.Append(CultureInfo.InvariantCulture, $" --epochs {Epochs} --seeds {Seeds} --threads {Threads}");
        if (EvaluateEvery is int every)
            line.Append(CultureInfo.InvariantCulture, $" --eval-every {every}");
        if (Networks is not null)
            line.Append(" --networks ").Append(string.Join(",", SelectedNetworks().Select(n => n.Name)));
        if (Out is not null)
            line.Append(" --out ").Append(Quote(Out));
        return line.ToString();
    }

    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./".Contains(c)) ? value : "'" + value.Replace("'", "'\\''") + "'";
}
