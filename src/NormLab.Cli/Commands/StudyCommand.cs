using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using NormLab.Cli.Output;
using NormLab.Dsl;
using NormLab.Runtime.Building;
using NormLab.Runtime.Data;
using NormLab.Runtime.Training;
using NormLab.Studies;
using NormLab.Studies.Reports;

namespace NormLab.Cli.Commands;

/// <summary>
/// <c>normlab study FILE [--networks A,B,...] [--seeds N] [--epochs N] [--out DIR] [--shard i/n] ...</c>: trains every
/// network of a <c>.normlab</c> file with seeds 1..N (run k of every network uses seed k), writes each run to
/// <c>DIR/runs/&lt;network&gt;/seed-&lt;k&gt;.json</c> as soon as it finishes, and then the report (<c>report.md</c>,
/// <c>summary.json</c>, <c>runs.csv</c>, <c>plots/</c>). Running it again skips finished runs; Ctrl+C abandons the
/// running one and keeps every finished one. With <c>--shard i/n</c> it runs every n-th cell of the grid and writes no
/// report; <c>normlab study merge DIR...</c> joins the shards' folders and writes it.
/// </summary>
internal static class StudyCommand
{
    /// <summary>The exit code of a study stopped by Ctrl+C (128 + SIGINT).</summary>
    public const int Cancelled = 130;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>What the command line asked for.</summary>
    internal sealed record Arguments(
        string File,
        string? Networks = null,
        int Seeds = 10,
        int Epochs = 5,
        string? Out = null,
        string? Shard = null,
        string? Name = null,
        string? Baseline = null,
        string Data = TrainCommand.SampleData,
        IReadOnlyList<string>? Parameters = null,
        string Device = "auto",
        int? Threads = null,
        double? LearningRate = null,
        string Optimizer = "adam",
        int BatchSize = 64,
        string Schedule = "none",
        int? LimitTrain = null,
        int? LimitTest = null,
        int? EvaluateEvery = null,
        int? Jobs = null,
        bool Worker = false,
        double? Validation = null,
        string Monitor = "val-loss");

    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "The .normlab file that declares the networks." };
        var networks = new Option<string?>("--networks")
        {
            Description = "The networks to compare, comma-separated, in the order the report lists them (default: every network of the file).",
            HelpName = "A,B,...",
        };
        var seeds = new Option<int>("--seeds") { Description = "Runs per network: seeds 1..N (run k of every network uses seed k).", DefaultValueFactory = _ => 10, HelpName = "N" };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per run.", DefaultValueFactory = _ => 5, HelpName = "N" };
        var output = new Option<string?>("--out", "-o") { Description = "The study folder (default: studies/<name>).", HelpName = "DIR" };
        var shard = new Option<string?>("--shard")
        {
            Description = "Run only shard i of n (0-based: cell c of the grid, numbered network-major, belongs to shard c mod n); no report: merge the shards' folders with 'normlab study merge'.",
            HelpName = "i/n",
        };
        var name = new Option<string?>("--name") { Description = "The study's name (default: the file name without extension).", HelpName = "NAME" };
        var baseline = new Option<string?>("--baseline") { Description = "The network the others are compared with (default: the first).", HelpName = "NAME" };
        var data = new Option<string>("--data")
        {
            Description = TrainCommand.DataDescription,
            DefaultValueFactory = _ => TrainCommand.SampleData,
            HelpName = TrainCommand.DataHelpName,
        };
        var parameters = new Option<string[]>("--param")
        {
            Description = "Sweep a hyper-parameter every network declares: each network is trained with each value (repeat for more).",
            HelpName = "NAME=V1,V2,...",
        };
        var device = new Option<string>("--device") { Description = "Where to train: auto picks CUDA when it is available.", DefaultValueFactory = _ => "auto", HelpName = "auto|cpu|cuda" };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for libtorch (default: the processor count).", HelpName = "N" };
        var learningRate = new Option<double?>("--lr") { Description = "The learning rate (default: 0.001 for Adam, 0.01 for SGD).", HelpName = "X" };
        var optimizer = new Option<string>("--optimizer") { Description = "Adam, or SGD with momentum 0.9.", DefaultValueFactory = _ => "adam", HelpName = "adam|sgd" };
        var batchSize = new Option<int>("--batch-size") { Description = "Training batch size.", DefaultValueFactory = _ => 64, HelpName = "N" };
        var schedule = new Option<string>("--schedule") { Description = "Learning-rate schedule.", DefaultValueFactory = _ => "none", HelpName = "none|step|cosine" };
        // for smoke studies and tests: a few evenly spaced images of each set
        var limitTrain = new Option<int?>("--limit-train") { Description = "Use only N train images (evenly spaced).", HelpName = "N", Hidden = true };
        var limitTest = new Option<int?>("--limit-test") { Description = "Use only N test images (evenly spaced).", HelpName = "N", Hidden = true };

        var validation = new Option<double?>("--validation")
        {
            Description = "Carve a validation set from the training data: a fraction (0.1) or a number of images (5000); stratified by class, the same for every run. Each run then reports the model of its best epoch on it (test figures and per-image predictions included); without it, each run's final epoch. The test set never chooses.",
            HelpName = "F|N",
        };
        var monitor = new Option<string>("--monitor")
        {
            Description = "With --validation: the validation figure that chooses each run's epoch.",
            DefaultValueFactory = _ => "val-loss",
            HelpName = "val-loss|val-accuracy",
        };
        var jobs = new Option<int?>("--jobs", "-j")
        {
            Description = "Train N runs side by side, each in its own process with its share of the threads (default: the processor count); every run's numbers depend only on its seed and thread count.",
            HelpName = "N",
        };
        // a process that --jobs started: other processes write into the same folder
        var worker = new Option<bool>("--worker") { Hidden = true };

        file.Validators.Add(result => InputFiles.RejectUnknownOptions(result, context));
        OptionRules.WholeNumber(jobs, 1, OptionRules.MaxThreads);
        OptionRules.PositiveNumber(validation, int.MaxValue);
        OptionRules.OneOf(monitor, TrainCommand.MonitorNames);
        OptionRules.OneOf(device, TrainCommand.DeviceNames);
        OptionRules.OneOf(optimizer, TrainCommand.OptimizerNames);
        OptionRules.OneOf(schedule, TrainCommand.ScheduleNames);
        OptionRules.WholeNumber(seeds, 1, OptionRules.MaxSeeds, 10);
        OptionRules.WholeNumber(epochs, 1, OptionRules.MaxEpochs, 5);
        OptionRules.WholeNumber(batchSize, 1, OptionRules.MaxBatchSize, 64);
        OptionRules.WholeNumber(threads, 1, OptionRules.MaxThreads);
        OptionRules.WholeNumber(limitTrain, 1, int.MaxValue);
        OptionRules.WholeNumber(limitTest, 1, int.MaxValue);
        var evaluateEvery = new Option<int?>("--eval-every")
        {
            Description = "Also measure test accuracy every K steps, so that 'steps to a target accuracy' (convergence speed) is counted finely; slower.",
            HelpName = "K",
        };
        OptionRules.WholeNumber(evaluateEvery, 1, int.MaxValue);
        OptionRules.PositiveNumber(learningRate, OptionRules.MaxLearningRate);
        OptionRules.NotEmpty(networks, "network names, comma-separated");
        OptionRules.NotEmpty(output, "a folder");
        OptionRules.NotEmpty(shard, "i/n, such as 0/4");
        OptionRules.NotEmpty(baseline, "the name of a network of the file");
        OptionRules.NotEmpty(data, $"{TrainCommand.SampleData} or a folder");
        name.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => !IsValidName(t.Value)))
                OptionRules.AddError(result, token.Value, "a name that is not empty and is a valid file name (no / or \\, not . or ..)");
        });
        shard.Validators.Add(result =>
        {
            foreach (var text in result.Tokens.Select(t => t.Value).Where(t => !string.IsNullOrWhiteSpace(t)))
            {
                if (!Shard.TryParse(text, out _, out var error))
                    result.AddError(TerminalText.Escape(error) + ".");
            }
        });
        parameters.Validators.Add(result =>
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var text in result.Tokens.Select(t => t.Value))
            {
                if (!TryParseAxis(text, out var axis, out var error))
                    result.AddError(error);
                else if (!names.Add(axis!.Name))
                    result.AddError($"--param names '{TerminalText.Escape(axis.Name)}' twice; give each hyper-parameter once, with all its values.");
            }
        });

        var command = new Command("study", "Train networks × seeds on the same data, write every run as it finishes, and report means, confidence intervals and comparisons against a baseline (exit code 1: the file has errors; 2: bad usage, unknown network, unreadable data or a folder holding another study; 130: stopped by Ctrl+C).")
        {
            file, networks, seeds, epochs, output, shard, name, baseline, data, parameters, device, threads, learningRate, optimizer, batchSize, schedule,
            limitTrain, limitTest, evaluateEvery, jobs, worker, validation, monitor,
        };
        command.Subcommands.Add(CreateMerge(context));
        command.SetAction(parseResult =>
        {
            var arguments = new Arguments(
                parseResult.GetValue(file) ?? string.Empty,
                parseResult.GetValue(networks),
                parseResult.GetValue(seeds),
                parseResult.GetValue(epochs),
                parseResult.GetValue(output),
                parseResult.GetValue(shard),
                parseResult.GetValue(name),
                parseResult.GetValue(baseline),
                parseResult.GetValue(data) ?? TrainCommand.SampleData,
                parseResult.GetValue(parameters),
                parseResult.GetValue(device) ?? "auto",
                parseResult.GetValue(threads),
                parseResult.GetValue(learningRate),
                parseResult.GetValue(optimizer) ?? "adam",
                parseResult.GetValue(batchSize),
                parseResult.GetValue(schedule) ?? "none",
                parseResult.GetValue(limitTrain),
                parseResult.GetValue(limitTest),
                parseResult.GetValue(evaluateEvery),
                parseResult.GetValue(jobs),
                parseResult.GetValue(worker),
                parseResult.GetValue(validation),
                parseResult.GetValue(monitor) ?? "val-loss");
            return CommandHelpers.WithCtrlC(token => Execute(context, arguments, token));
        });
        return command;
    }

    private static Command CreateMerge(CliContext context)
    {
        var folders = new Argument<string[]>("DIR")
        {
            Description = "The shards' study folders (each written by 'normlab study --shard i/n').",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string?>("--out", "-o") { Description = "Where to write the merged study and its report (default: the first DIR).", HelpName = "DIR" };
        var partial = new Option<bool>("--partial")
        {
            Description = "Write the report from the runs there are so far, marked incomplete, instead of refusing missing runs (a look at a study in progress; its verdicts may change when the rest land).",
        };
        folders.Validators.Add(result => InputFiles.RejectUnknownOptions(result, context));
        OptionRules.NotEmpty(output, "a folder");
        var command = new Command("merge", "Join the folders of a study's shards into one study folder and write its report (exit code 2: a folder is not a study, the folders hold different studies, or runs are missing without --partial).")
        {
            folders,
            output,
            partial,
        };
        command.SetAction(parseResult => Merge(context, parseResult.GetValue(folders) ?? Array.Empty<string>(), parseResult.GetValue(output), parseResult.GetValue(partial)));
        return command;
    }

    public static int Execute(CliContext context, Arguments arguments, CancellationToken cancellationToken = default)
    {
        var names = arguments.Networks?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (CommandHelpers.ReadChecked(context, arguments.File, names ?? Array.Empty<string>(), "trained", out int readExit) is not { } source)
        {
            return readExit;
        }

        var (file, text) = (source.File, source.Text);
        var selected = names ?? source.Result.Networks.Select(n => n.Name).ToArray();

        var axes = (arguments.Parameters ?? Array.Empty<string>()).Select(p => TryParseAxis(p, out var axis, out _) ? axis! : throw new InvalidOperationException(p)).ToArray();
        Shard? shard = null;
        if (arguments.Shard is { } shardText && !Shard.TryParse(shardText, out shard, out var shardError))
        {
            context.ReportError(shardError);
            return ExitCodes.UsageError;
        }

        string studyName = arguments.Name ?? Path.GetFileNameWithoutExtension(file.FullPath);

        // resolved (and a named data set verified) now, so that missing data is one line before any work
        if (DataOption.Resolve(arguments.Data, context, verifyKnown: true) is not { } dataSource)
        {
            return ExitCodes.UsageError;
        }
        bool named = arguments.Data == TrainCommand.SampleData || DataCatalog.Find(arguments.Data) is not null;
        var dataName = StudyData.Name(named ? arguments.Data : InputFiles.ToForwardSlashes(arguments.Data),
            arguments.LimitTrain, arguments.LimitTest);

        var options = new StudyOptions
        {
            Name = studyName,
            Networks = selected,
            Seeds = arguments.Seeds,
            HyperParameters = axes,
            Epochs = arguments.Epochs,
            Training = new TrainingOptions
            {
                BatchSize = arguments.BatchSize,
                Optimizer = arguments.Optimizer == "sgd" ? OptimizerKind.Sgd : OptimizerKind.Adam,
                LearningRate = arguments.LearningRate,
                Schedule = arguments.Schedule switch { "step" => LearningRateSchedule.Step, "cosine" => LearningRateSchedule.Cosine, _ => LearningRateSchedule.None },
                Device = arguments.Device switch { "cpu" => DeviceChoice.Cpu, "cuda" => DeviceChoice.Cuda, _ => DeviceChoice.Auto },
                Threads = arguments.Threads,
                EvaluateEvery = arguments.EvaluateEvery,
                AccuracyTargets = DataCatalog.AccuracyTargetsFor(arguments.Data),
            },
            DataName = dataName,
            // an image folder is read as the first network's input takes it (every network is checked against the images)
            LoadData = () => StudyData.Load(dataSource, arguments.LimitTrain, arguments.LimitTest, NetworkBuilder.Check(text, file.DisplayPath, selected[0])),
            Validation = arguments.Validation,
            Monitor = arguments.Monitor == "val-accuracy" ? MonitorMetric.ValidationAccuracy : MonitorMetric.ValidationLoss,
            Shard = shard,
            Baseline = arguments.Baseline,
        };

        // before any work: a folder that cannot be written to is refused now, not after the first run
        var folder = OutputFolder.Prepare(arguments.Out, Path.Combine("studies", studyName), "--out", context);
        if (folder is null)
        {
            return ExitCodes.UsageError;
        }

        int jobCount = arguments.Jobs ?? (shard is null && !arguments.Worker ? Environment.ProcessorCount : 1);
        if (jobCount > 1 && shard is not null)
        {
            context.ReportError("--jobs runs the shards of the study side by side itself: drop --shard, or give each shard --jobs 1");
            folder.RemoveIfCreatedAndEmpty();
            return ExitCodes.UsageError;
        }

        options = options with { OutputFolder = folder.FullPath, SharedFolder = arguments.Worker };
        var exitCode = jobCount > 1
            ? RunJobs(context, arguments, options, text, file.DisplayPath, folder.DisplayPath, jobCount, cancellationToken)
            : Run(context, options, text, file.DisplayPath, shard, folder.DisplayPath, cancellationToken);
        if (exitCode != ExitCodes.Success)
        {
            folder.RemoveIfCreatedAndEmpty();
        }

        return exitCode;
    }

    private static int Run(CliContext context, StudyOptions options, string text, string displayPath, Shard? shard, string displayOut, CancellationToken cancellationToken,
        bool quietSkips = false)
    {
        var reporter = new ProgressReporter(context.Output, CommandHelpers.IsTerminal(context), quietSkips);
        try
        {
            var study = Study.Create(text, displayPath, options);
            var device = Devices.Resolve(options.Training.Device);
            var definition = study.Definition;
            int cells = study.Cells.Count;
            context.Output.WriteLine(TerminalText.Escape(string.Format(
                Invariant,
                "Study {0}: {1} network{2} × {3} seed{4} = {5} run{6}{7}, {8} epoch{9} each on {10}{13}, {11} → {12}",
                definition.Name, definition.Networks.Count, Plural(definition.Networks.Count), definition.Seeds, Plural(definition.Seeds), cells, Plural(cells),
                shard is null ? string.Empty : string.Format(Invariant, " (shard {0}: {1} run{2})", shard, study.OwnCells.Count, Plural(study.OwnCells.Count)),
                definition.Epochs, Plural(definition.Epochs), definition.Data, Devices.Name(device), displayOut,
                definition.Selection is { } selection
                    ? string.Format(Invariant, " (validation {0} of the training data; each run reports its best epoch by {1})", selection.Validation, selection.Monitor == MonitorMetric.ValidationAccuracy ? "validation accuracy" : "validation loss")
                    : string.Empty)));
            context.Output.Flush();

            StudyRunSummary summary;
            try
            {
                summary = study.Run(reporter, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                reporter.Clear();
                context.ReportError($"study stopped: {reporter.Trained + reporter.Skipped} of {study.OwnCells.Count} runs are done and kept in {displayOut}; run the same command again to go on (the run in progress goes on from its last finished epoch)");
                return Cancelled;
            }

            reporter.Clear();
            if (summary.Report is { } report)
            {
                WriteReportLines(context, report, displayOut);
            }
            else
            {
                context.Output.WriteLine(string.Format(
                    Invariant,
                    "Shard {0} done: {1} run{2} trained, {3} already there. When every shard is done: normlab study merge {4} ...",
                    shard, summary.Trained, Plural(summary.Trained), summary.Skipped, displayOut));
            }
            return ExitCodes.Success;
        }
        catch (ArchitectureException e)
        {
            reporter.Clear();
            context.Error.WriteLine(TerminalText.Escape(e.Message));
            return ExitCodes.ErrorsFound;
        }
        catch (Exception e) when (e is StudyException or TrainingException or DataSetException or ArgumentException)
        {
            reporter.Clear();
            context.ReportError(e.Message);
            return ExitCodes.UsageError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reporter.Clear();
            context.ReportError($"cannot write to {displayOut} or read the data: {e.Message}");
            return ExitCodes.UsageError;
        }
    }

    /// <summary>
    /// <c>--jobs N</c>: checks the study, then starts N processes of this same command (process i with <c>--shard i/N</c>
    /// and <c>--worker</c>, which makes it take its runs from the queue that every job shares, see <c>Study.Run</c>)
    /// and the threads divided between them, into the same folder; prints their lines as they come; and when all are done
    /// writes the report as a plain run would (every run is there by then). Ctrl+C stops them all: what they finished is
    /// kept, and each run they were in goes on from its last finished epoch next time.
    /// </summary>
    private static int RunJobs(CliContext context, Arguments arguments, StudyOptions options, string text, string displayPath, string displayOut, int jobs,
        CancellationToken cancellationToken)
    {
        int cells, left;
        try
        {
            var study = Study.Create(text, displayPath, options);
            cells = study.Cells.Count;
            left = study.Cells.Count(c => Study.TryReadRun(Path.Combine(options.OutputFolder, c.RelativePath), c, study.Definition, out _) is null);
        }
        catch (ArchitectureException e)
        {
            context.Error.WriteLine(TerminalText.Escape(e.Message));
            return ExitCodes.ErrorsFound;
        }
        catch (Exception e) when (e is StudyException or ArgumentException)
        {
            context.ReportError(e.Message);
            return ExitCodes.UsageError;
        }

        jobs = Math.Min(jobs, Math.Max(1, left));
        if (jobs <= 1)
        {
            return Run(context, options, text, displayPath, null, displayOut, cancellationToken);
        }

        // data that cannot load, a validation set that does not fit, or a network that does not fit the images is one
        // error here, not one per job
        try
        {
            using var data = Study.Create(text, displayPath, options).LoadData();
        }
        catch (Exception e) when (e is TrainingException or DataSetException or StudyException or ArgumentException)
        {
            context.ReportError(e.Message);
            return ExitCodes.UsageError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.ReportError($"cannot read the data: {e.Message}");
            return ExitCodes.UsageError;
        }

        int threads = Math.Max(1, (arguments.Threads ?? Environment.ProcessorCount) / jobs);
        context.Output.WriteLine(string.Format(
            Invariant, "Study {0}: {1} of {2} runs to train, {3} jobs side by side, {4} thread{5} each → {6}",
            options.Name, left, cells, jobs, threads, Plural(threads), displayOut));
        context.Output.Flush();

        // nothing else writes into the folder yet: what a killed study left can go
        if (Directory.Exists(options.OutputFolder))
            AtomicFile.DeleteTemporaryFiles(options.OutputFolder, depth: 2);

        var processes = new List<Process>();
        var errors = new string[jobs];
        var exitCodes = new int[jobs];
        var outputLock = new object();
        try
        {
            for (int i = 0; i < jobs; i++)
            {
                var start = WorkerStart(context, arguments, i, jobs, threads);
                var process = Process.Start(start) ?? throw new IOException("the job's process did not start");
                processes.Add(process);
                int job = i;
                process.OutputDataReceived += (_, e) =>
                {
                    if (e.Data is null)
                        return;
                    lock (outputLock)
                    {
                        context.Output.WriteLine(TerminalText.Escape(string.Format(Invariant, "[job {0}] {1}", job + 1, e.Data)));
                        context.Output.Flush();
                    }
                };
                process.ErrorDataReceived += (_, e) =>
                {
                    if (e.Data is not null)
                        errors[job] = e.Data;
                };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
            }

            foreach (var process in processes)
            {
                process.WaitForExitAsync(cancellationToken).GetAwaiter().GetResult();
                process.WaitForExit(); // the last lines of its output
            }

            for (int i = 0; i < jobs; i++)
                exitCodes[i] = processes[i].ExitCode;
        }
        catch (OperationCanceledException)
        {
            StopAll(processes);
            context.ReportError($"study stopped: the finished runs are kept in {displayOut}; run the same command again to go on (each run in progress goes on from its last finished epoch)");
            return Cancelled;
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception)
        {
            StopAll(processes);
            context.ReportError($"cannot start the study's jobs: {e.Message}; run it with --jobs 1");
            return ExitCodes.UsageError;
        }
        finally
        {
            foreach (var process in processes)
                process.Dispose();
        }

        for (int i = 0; i < jobs; i++)
        {
            if (exitCodes[i] != ExitCodes.Success)
            {
                var message = errors[i] ?? DescribeExit(exitCodes[i]);
                context.Error.WriteLine(TerminalText.Escape(string.Format(Invariant, "[job {0}] {1}", i + 1, message)));
                context.ReportError(string.Format(Invariant, "job {0} of {1} failed; the finished runs are kept in {2}{3}", i + 1, jobs, displayOut,
                    errors[i] is null && CrashSignal(exitCodes[i]) is not null
                        ? "; run the same command again to go on (a convolution kernel that crashed its probe is taken as wrong from then on, and the run trains without oneDNN: docs/training.md)"
                        : string.Empty));
                return exitCodes[i] is ExitCodes.ErrorsFound or ExitCodes.UsageError or Cancelled ? exitCodes[i] : ExitCodes.UsageError;
            }
        }

        // every run is there: this writes study.json and the report
        return Run(context, options, text, displayPath, null, displayOut, cancellationToken, quietSkips: true);
    }

    /// <summary>
    /// A job's exit code in words: on Linux and macOS a process that a signal ended exits with 128 + the signal's
    /// number, which is named (<c>crashed: SIGFPE (exit code 136)</c>).
    /// </summary>
    internal static string DescribeExit(int exitCode) =>
        CrashSignal(exitCode) is { } signal
            ? string.Format(Invariant, "crashed: {0} (exit code {1})", signal, exitCode)
            : string.Format(Invariant, "exit code {0}", exitCode);

    /// <summary>The signal that crashes a process (not one that stops it on request), from its exit code; null for any other code.</summary>
    internal static string? CrashSignal(int exitCode) => OperatingSystem.IsWindows() ? null : (exitCode - 128) switch
    {
        4 => "SIGILL, an illegal instruction",
        6 => "SIGABRT, an abort",
        7 => "SIGBUS, a bus error",
        8 => "SIGFPE, an arithmetic error",
        11 => "SIGSEGV, a segmentation fault",
        _ => null,
    };

    private static void StopAll(List<Process> processes)
    {
        foreach (var process in processes)
        {
            try
            {
                if (!process.HasExited)
                    process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
        }
    }

    /// <summary>This same command as job <paramref name="job"/> of <paramref name="jobs"/>: the same arguments, plus its shard and threads.</summary>
    private static ProcessStartInfo WorkerStart(CliContext context, Arguments arguments, int job, int jobs, int threads)
    {
        string entry = typeof(StudyCommand).Assembly.Location;
        string? self = Environment.ProcessPath;
        ProcessStartInfo start;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("normlab", StringComparison.OrdinalIgnoreCase))
        {
            start = new ProcessStartInfo(self);
        }
        else
        {
            string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } fromSdk ? fromSdk
                : self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? self
                : "dotnet";
            start = new ProcessStartInfo(host);
            start.ArgumentList.Add(entry);
        }

        start.WorkingDirectory = context.CurrentDirectory;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var list = start.ArgumentList;
        void Add(string option, string? value)
        {
            if (value is not null)
            {
                list.Add(option);
                list.Add(value);
            }
        }

        list.Add("study");
        list.Add(arguments.File);
        Add("--networks", arguments.Networks);
        Add("--seeds", arguments.Seeds.ToString(Invariant));
        Add("--epochs", arguments.Epochs.ToString(Invariant));
        Add("--out", arguments.Out);
        Add("--name", arguments.Name);
        Add("--baseline", arguments.Baseline);
        Add("--data", arguments.Data);
        foreach (var parameter in arguments.Parameters ?? Array.Empty<string>())
            Add("--param", parameter);
        Add("--device", arguments.Device);
        Add("--lr", arguments.LearningRate?.ToString("R", Invariant));
        Add("--optimizer", arguments.Optimizer);
        Add("--batch-size", arguments.BatchSize.ToString(Invariant));
        Add("--schedule", arguments.Schedule);
        Add("--limit-train", arguments.LimitTrain?.ToString(Invariant));
        Add("--limit-test", arguments.LimitTest?.ToString(Invariant));
        Add("--eval-every", arguments.EvaluateEvery?.ToString(Invariant));
        Add("--validation", arguments.Validation?.ToString("R", Invariant));
        Add("--monitor", arguments.Monitor);
        Add("--threads", threads.ToString(Invariant));
        Add("--shard", string.Format(Invariant, "{0}/{1}", job, jobs));
        Add("--jobs", "1");
        list.Add("--worker");
        return start;
    }

    public static int Merge(CliContext context, IReadOnlyList<string> folders, string? output, bool partial = false)
    {
        var full = new List<string>();
        foreach (var folder in folders)
        {
            string path;
            try
            {
                path = string.IsNullOrWhiteSpace(folder) ? throw new ArgumentException("empty path") : Path.GetFullPath(folder, context.CurrentDirectory);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
            {
                context.ReportError($"not a valid path: '{folder}'");
                return ExitCodes.UsageError;
            }
            if (!Directory.Exists(path))
            {
                context.ReportError("no such folder: " + folder);
                return ExitCodes.UsageError;
            }
            full.Add(path);
        }

        // before any work: a folder that cannot be written to is refused now
        var prepared = OutputFolder.Prepare(output, folders[0], "--out", context);
        if (prepared is null)
        {
            return ExitCodes.UsageError;
        }

        var exitCode = MergeInto(context, full, prepared, partial);
        if (exitCode != ExitCodes.Success)
        {
            // a refused merge leaves nothing behind: not even the --out folder the writability check created
            prepared.RemoveIfCreatedAndEmpty();
        }

        return exitCode;
    }

    private static int MergeInto(CliContext context, List<string> full, OutputFolder prepared, bool partial)
    {
        var target = prepared.FullPath;
        var displayOut = prepared.DisplayPath;
        try
        {
            var merged = Study.Merge(full, target, partial);
            context.Output.WriteLine(string.Format(
                Invariant,
                "Merged {0} folder{1}: {2} runs ({3} copied into {4})",
                full.Count, Plural(full.Count), merged.Runs, merged.Copied, displayOut));
            WriteReportLines(context, merged.Report, displayOut);
            return ExitCodes.Success;
        }
        catch (StudyException e)
        {
            context.ReportError(e.Message);
            return ExitCodes.UsageError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.ReportError($"cannot merge into {displayOut}: {e.Message}");
            return ExitCodes.UsageError;
        }
    }

    private static void WriteReportLines(CliContext context, StudyReportFiles report, string displayOut)
    {
        var definition = StudyDefinition.Load(report.Folder);
        var runs = Study.ReadRuns(report.Folder, definition).Where(r => r.Run is not null).Select(r => r.Run!).ToArray();
        var analysis = StudyAnalysis.Analyze(definition, runs);
        context.Output.WriteLine();
        context.Output.WriteLine("Network                          Runs  Test accuracy (mean ± std)  95% CI");
        foreach (var network in analysis.Networks)
        {
            var s = network.TestAccuracy;
            context.Output.WriteLine(string.Format(
                Invariant,
                "{0,-32} {1,4}  {2,26}  {3}",
                network.Name, network.Runs.Count,
                s.Count == 0 ? "n/a" : (s.StandardDeviation is double std ? string.Format(Invariant, "{0:0.00}% ± {1:0.00}", s.Mean * 100, std * 100) : string.Format(Invariant, "{0:0.00}%", s.Mean * 100)),
                s.Ci95 is Interval ci ? string.Format(Invariant, "{0:0.00}% to {1:0.00}%", ci.Low * 100, ci.High * 100) : "n/a"));
        }
        foreach (var comparison in analysis.Comparisons.Where(c => c.Metric == StudyMetric.TestAccuracy))
            context.Output.WriteLine(MarkdownReport.VerdictLine(comparison).Replace("**", string.Empty, StringComparison.Ordinal));
        foreach (var set in NormLab.Studies.Claims.ClaimSets.Default)
        {
            var claims = set.Evaluate(analysis);
            if (claims.All(c => c.Verdict == NormLab.Studies.Claims.ClaimVerdict.NotTested))
                continue;
            context.Output.WriteLine();
            context.Output.WriteLine($"{set.Title} (tests declared before the runs, Holm within each claim; details in {MarkdownReport.FileName}):");
            foreach (var claim in claims)
                context.Output.WriteLine(TerminalText.Escape($"{claim.Id}: {MarkdownReport.ClaimWord(claim)}: {claim.Summary}"));
        }
        context.Output.WriteLine();
        if (report.MissingRuns > 0)
            context.Output.WriteLine($"Incomplete: {report.MissingRuns} runs are missing from the report; its figures and verdicts may change when they land.");
        context.Output.WriteLine($"Wrote {displayOut}/{MarkdownReport.FileName}, {SummaryJson.FileName}, {RunsCsv.FileName} and {report.Plots.Count} plot files in {displayOut}/{StudyPlots.Folder}");
    }

    /// <summary><c>name=v1,v2,...</c> with invariant numbers.</summary>
    internal static bool TryParseAxis(string text, out HyperParameterAxis? axis, out string error)
    {
        axis = null;
        error = string.Empty;
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        var name = equals > 0 ? text[..equals].Trim() : string.Empty;
        var values = new List<double>();
        if (name.Length > 0)
        {
            foreach (var part in text[(equals + 1)..].Split(',', StringSplitOptions.TrimEntries))
            {
                if (!double.TryParse(part, NumberStyles.Float, Invariant, out var value) || !double.IsFinite(value))
                {
                    values.Clear();
                    break;
                }
                values.Add(value);
            }
        }
        if (name.Length == 0 || values.Count == 0)
        {
            error = $"--param expects NAME=V1,V2,... with numbers (got '{TerminalText.Escape(text)}').";
            return false;
        }
        if (values.Count > OptionRules.MaxParameterValues)
        {
            error = $"--param {TerminalText.Escape(name)} has {values.Count} values; at most {OptionRules.MaxParameterValues} are allowed.";
            return false;
        }
        var duplicate = values.GroupBy(v => v).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            error = $"--param {TerminalText.Escape(name)} lists the value {duplicate.Key.ToString("R", Invariant)} twice (got '{TerminalText.Escape(text)}'); give each value once.";
            return false;
        }
        axis = new HyperParameterAxis(name, values);
        return true;
    }

    /// <summary>A study name: it names the default folder <c>studies/NAME</c>, so it must stay one folder name.</summary>
    internal static bool IsValidName(string name) =>
        !string.IsNullOrWhiteSpace(name) && name != "." && name != ".."
        && name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0 && name.IndexOfAny(new[] { '/', '\\' }) < 0
        && !name.Any(TerminalText.NeedsEscape);

    private static string Plural(int count) => count == 1 ? string.Empty : "s";

    /// <summary>
    /// One line per finished or skipped run; on a terminal, also a line for the running one (epoch, bar, loss),
    /// redrawn in place at most ten times a second.
    /// </summary>
    private sealed class ProgressReporter(TextWriter output, bool interactive, bool quietSkips = false) : IProgress<StudyProgress>
    {
        private const int BarWidth = 20;
        private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
        private readonly Stopwatch _run = new();
        private int _drawn;

        public int Trained { get; private set; }

        public int Skipped { get; private set; }

        public void Report(StudyProgress value)
        {
            string prefix = string.Format(Invariant, "[{0}/{1}] {2} seed {3}", value.Position.ToString(Invariant).PadLeft(value.Count.ToString(Invariant).Length), value.Count, value.Cell.Network, value.Cell.Seed);
            switch (value.Event)
            {
                case StudyEvent.Skipped:
                    Skipped++;
                    if (quietSkips)
                        break;
                    Line(value.Result?.TestAccuracy is null ? $"{prefix}: already done" : $"{prefix}: already done ({Accuracy(value.Result)})");
                    break;
                case StudyEvent.Started:
                    _run.Restart();
                    if (value.Note is { } note)
                        Line($"{prefix}: training again ({note})");
                    break;
                case StudyEvent.Finished:
                    Trained++;
                    var result = value.Result!;
                    Line(result.Diverged is { } diverged
                        ? string.Format(Invariant, "{0}: diverged in epoch {1} ({2}), {3:0.0} s", prefix, diverged.Epoch, diverged.Reason, _run.Elapsed.TotalSeconds)
                        : string.Format(Invariant, "{0}: {1}, {2:0.0} s{3}", prefix, Accuracy(result), _run.Elapsed.TotalSeconds, Retried(result)));
                    break;
                case StudyEvent.Training when value.Training is { Phase: TrainingPhase.Resumed } resumed:
                    Line(string.Format(Invariant, "{0}: resumed after epoch {1}/{2} from its checkpoint", prefix, resumed.Epoch, resumed.Epochs));
                    break;
                case StudyEvent.Training when interactive && value.Training is { Phase: TrainingPhase.Step } t:
                    if (_sinceDraw.ElapsedMilliseconds < 100 && _drawn > 0)
                        return;
                    var line = ProgressLine.Fit(
                        ProgressLine.TerminalWidth(),
                        TerminalText.Escape(prefix) + ":",
                        (double)t.Step / Math.Max(1, t.StepsPerEpoch),
                        string.Format(Invariant, "epoch {0}/{1}", t.Epoch, t.Epochs),
                        new[] { string.Format(Invariant, "loss {0:0.0000}", t.TrainLoss), string.Format(Invariant, "accuracy {0:0.00}%", t.TrainAccuracy * 100) },
                        maxBar: BarWidth);
                    output.Write("\r" + line.PadRight(_drawn));
                    output.Flush();
                    _drawn = line.Length;
                    _sinceDraw.Restart();
                    break;
            }
        }

        /// <summary>", 1 step retried (non-finite loss or gradients)", or nothing when no step was run twice.</summary>
        private static string Retried(RunResult result) => result.RetriedSteps is int retried and > 0
            ? string.Format(Invariant, ", {0} step{1} retried (non-finite loss or gradients)", retried, retried == 1 ? string.Empty : "s")
            : string.Empty;

        private static string Accuracy(RunResult? result) => result?.TestAccuracy is double accuracy
            ? string.Format(Invariant, "test accuracy {0:0.00}%, loss {1:0.0000}", accuracy * 100, result.TestLoss)
            : "no finished epoch";

        private void Line(string text)
        {
            Clear();
            output.WriteLine(TerminalText.Escape(text));
            output.Flush();
        }

        public void Clear()
        {
            if (_drawn > 0)
            {
                output.Write("\r" + new string(' ', _drawn) + "\r");
                output.Flush();
                _drawn = 0;
            }
        }
    }
}
