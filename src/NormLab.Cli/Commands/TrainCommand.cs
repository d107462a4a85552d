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
using NormLab.Dsl.Model;
using NormLab.Runtime.Building;
using NormLab.Runtime.Data;
using NormLab.Runtime.Training;
using NormLab.Studies.Reports;

namespace NormLab.Cli.Commands;

/// <summary>
/// <c>normlab train FILE --network NAME [--data mnist-sample|DIR] [--epochs N] [--seed S] [--device auto|cpu|cuda]
/// [--out DIR] [--lr X] [--optimizer adam|sgd] [--batch-size N] [--schedule none|step|cosine] [--eval-every K]
/// [--threads N] [--validation F|N] [--patience N] [--min-delta X] [--monitor val-loss|val-accuracy] [--resume]</c>:
/// builds the network with the run-time builder, trains it, prints one line per epoch and a final table, and writes
/// <c>run.json</c> and <c>model.bin</c> into the output folder, committed as a set at the end (<see cref="RunFiles"/>),
/// so Ctrl+C or a kill never leaves a <c>run.json</c> beside weights that are not its own. During the run it writes a
/// checkpoint after every epoch (<c>last.ckpt</c>, atomically; <c>--resume</c> goes on from it), <c>metrics.csv</c>
/// and TensorBoard event files, and at the end the confusion matrix plot; with a validation set, <c>best.bin</c>. The
/// temporary files of a killed run are deleted when the next one starts in the folder.
/// </summary>
internal static class TrainCommand
{
    /// <summary>The embedded MNIST sample's name for <c>--data</c>.</summary>
    public const string SampleData = "mnist-sample";

    /// <summary>What <c>--data</c> takes, for the help of train and study.</summary>
    internal const string DataDescription =
        "The data: the embedded MNIST sample (8,000 train / 2,000 test images); mnist, fashion-mnist or kmnist, the full data set " +
        "(60,000 / 10,000), looked for in $NORMLAB_DATA/NAME, ~/.local/share/normlab/data/NAME and, for Fashion-MNIST, " +
        "/usr/share/datasets/fashion-mnist, and MD5-verified; or a folder holding the four IDX files of MNIST, Fashion-MNIST or KMNIST " +
        "(write ./mnist for a folder named like a data set), CIFAR-10's binary files, or images in train/<class>/ and test/<class>/ (PNG or JPEG).";

    internal const string DataHelpName = "mnist-sample|mnist|fashion-mnist|kmnist|DIR";

    public const string RunFileName = "run.json";

    public const string WeightsFileName = "model.bin";

    /// <summary>The checkpoint written after every epoch, which <c>--resume</c> goes on from.</summary>
    public const string CheckpointFileName = "last.ckpt";

    /// <summary>The weights of the best epoch by the monitored validation figure (with <c>--validation</c>).</summary>
    public const string BestWeightsFileName = "best.bin";

    public static readonly string[] MonitorNames = { "val-loss", "val-accuracy" };

    /// <summary>The exit code of a run stopped by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;

    public static readonly string[] DeviceNames = { "auto", "cpu", "cuda" };

    public static readonly string[] OptimizerNames = { "adam", "sgd" };

    public static readonly string[] ScheduleNames = { "none", "step", "cosine" };

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>What the command line asked for.</summary>
    internal sealed record Arguments(
        string File,
        string Network,
        string Data = SampleData,
        int Epochs = 5,
        long Seed = 1,
        string Device = "auto",
        string? Out = null,
        double? LearningRate = null,
        string Optimizer = "adam",
        int BatchSize = 64,
        string Schedule = "none",
        int? EvaluateEvery = null,
        int? Threads = null,
        double? Validation = null,
        bool Resume = false,
        int? Patience = null,
        double MinDelta = 0,
        string Monitor = "val-loss");

    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE")
        {
            Description = "The .normlab file that declares the network.",
        };
        var network = new Option<string>("--network", "-n")
        {
            Description = "The network to train.",
            HelpName = "NAME",
            Required = true,
        };
        var data = new Option<string>("--data")
        {
            Description = DataDescription,
            DefaultValueFactory = _ => SampleData,
            HelpName = DataHelpName,
        };
        var epochs = new Option<int>("--epochs")
        {
            Description = "Epochs to train.",
            DefaultValueFactory = _ => 5,
            HelpName = "N",
        };
        var seed = new Option<long>("--seed")
        {
            Description = "The seed of the initial weights, dropout and the data order; the same seed on the same machine gives the same numbers.",
            DefaultValueFactory = _ => 1,
            HelpName = "S",
        };
        var device = new Option<string>("--device")
        {
            Description = "Where to train: auto picks CUDA when it is available.",
            DefaultValueFactory = _ => "auto",
            HelpName = "auto|cpu|cuda",
        };
        var output = new Option<string?>("--out", "-o")
        {
            Description = "The folder for run.json and model.bin (default: runs/<network>-seed<S>).",
            HelpName = "DIR",
        };
        var learningRate = new Option<double?>("--lr")
        {
            Description = "The learning rate (default: 0.001 for Adam, 0.01 for SGD).",
            HelpName = "X",
        };
        var optimizer = new Option<string>("--optimizer")
        {
            Description = "Adam, or SGD with momentum 0.9.",
            DefaultValueFactory = _ => "adam",
            HelpName = "adam|sgd",
        };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Training batch size.",
            DefaultValueFactory = _ => 64,
            HelpName = "N",
        };
        var schedule = new Option<string>("--schedule")
        {
            Description = "Learning-rate schedule: constant, divided by 10 every third of the epochs, or cosine annealing.",
            DefaultValueFactory = _ => "none",
            HelpName = "none|step|cosine",
        };
        var evaluateEvery = new Option<int?>("--eval-every")
        {
            Description = "Also measure test accuracy every K steps (finer convergence figures; slower).",
            HelpName = "K",
        };
        var threads = new Option<int?>("--threads")
        {
            Description = "CPU threads for libtorch (default: the processor count).",
            HelpName = "N",
        };

        var validation = new Option<double?>("--validation")
        {
            Description = "Carve a validation set from the training data: a fraction (0.1) or a number of images (5000); stratified by class, the same for every seed. Early stopping and keeping the best weights look at it, never at the test set.",
            HelpName = "F|N",
        };

        var resume = new Option<bool>("--resume")
        {
            Description = $"Go on from the checkpoint ({CheckpointFileName}) that a stopped or killed run with the same settings left in the output folder; without one, start from epoch 1. The run ends with the numbers and weights of a run never stopped.",
        };
        var patience = new Option<int?>("--patience")
        {
            Description = "Early stopping: end the run when the monitored validation figure has not improved for N epochs (needs --validation).",
            HelpName = "N",
        };
        var minDelta = new Option<double?>("--min-delta")
        {
            Description = "Early stopping: the smallest change of the monitored figure that counts as an improvement (default 0).",
            HelpName = "X",
        };
        var monitor = new Option<string>("--monitor")
        {
            Description = $"The validation figure that early stopping and {BestWeightsFileName} follow.",
            DefaultValueFactory = _ => "val-loss",
            HelpName = "val-loss|val-accuracy",
        };

        file.Validators.Add(result => InputFiles.RejectUnknownOptions(result, context));
        OptionRules.OneOf(device, DeviceNames);
        OptionRules.OneOf(monitor, MonitorNames);
        OptionRules.PositiveNumber(validation, int.MaxValue);
        OptionRules.WholeNumber(patience, 1, OptionRules.MaxEpochs);
        OptionRules.PositiveNumber(minDelta, 1e6);
        OptionRules.OneOf(optimizer, OptimizerNames);
        OptionRules.OneOf(schedule, ScheduleNames);
        OptionRules.WholeNumber(epochs, 1, OptionRules.MaxEpochs, 5);
        OptionRules.WholeNumber(seed, long.MinValue, long.MaxValue, 1);
        OptionRules.WholeNumber(batchSize, 1, OptionRules.MaxBatchSize, 64);
        OptionRules.WholeNumber(evaluateEvery, 1, int.MaxValue);
        OptionRules.WholeNumber(threads, 1, OptionRules.MaxThreads);
        OptionRules.PositiveNumber(learningRate, OptionRules.MaxLearningRate);
        OptionRules.NotEmpty(network, "the name of a network of the file");
        OptionRules.NotEmpty(data, $"{SampleData} or a folder");
        OptionRules.NotEmpty(output, "a folder");

        var command = new Command("train", "Train one network of a .normlab file, print its metrics and write run.json and model.bin (exit code 1: the file has errors; 2: bad usage, unknown network or unreadable data).")
        {
            file,
            network,
            data,
            epochs,
            seed,
            device,
            output,
            learningRate,
            optimizer,
            batchSize,
            schedule,
            evaluateEvery,
            threads,
            validation,
            resume,
            patience,
            minDelta,
            monitor,
        };
        command.SetAction(parseResult =>
        {
            var arguments = new Arguments(
                parseResult.GetValue(file) ?? string.Empty,
                parseResult.GetValue(network) ?? string.Empty,
                parseResult.GetValue(data) ?? SampleData,
                parseResult.GetValue(epochs),
                parseResult.GetValue(seed),
                parseResult.GetValue(device) ?? "auto",
                parseResult.GetValue(output),
                parseResult.GetValue(learningRate),
                parseResult.GetValue(optimizer) ?? "adam",
                parseResult.GetValue(batchSize),
                parseResult.GetValue(schedule) ?? "none",
                parseResult.GetValue(evaluateEvery),
                parseResult.GetValue(threads),
                parseResult.GetValue(validation),
                parseResult.GetValue(resume),
                parseResult.GetValue(patience),
                parseResult.GetValue(minDelta) ?? 0,
                parseResult.GetValue(monitor) ?? "val-loss");
            return CommandHelpers.WithCtrlC(token => Execute(context, arguments, token));
        });
        return command;
    }

    /// <summary>Runs with a token that the first Ctrl+C cancels (a second one ends the process at once).</summary>
    public static int Execute(CliContext context, Arguments arguments, CancellationToken cancellationToken = default)
    {
        if (CommandHelpers.LoadNetwork(context, arguments.File, arguments.Network, "trained", out int loadExit) is not { Network: var network })
        {
            return loadExit;
        }

        var options = new TrainingOptions
        {
            Epochs = arguments.Epochs,
            BatchSize = arguments.BatchSize,
            Seed = arguments.Seed,
            Optimizer = arguments.Optimizer == "sgd" ? OptimizerKind.Sgd : OptimizerKind.Adam,
            LearningRate = arguments.LearningRate,
            Schedule = arguments.Schedule switch
            {
                "step" => LearningRateSchedule.Step,
                "cosine" => LearningRateSchedule.Cosine,
                _ => LearningRateSchedule.None,
            },
            Device = arguments.Device switch
            {
                "cpu" => DeviceChoice.Cpu,
                "cuda" => DeviceChoice.Cuda,
                _ => DeviceChoice.Auto,
            },
            EvaluateEvery = arguments.EvaluateEvery,
            AccuracyTargets = DataCatalog.AccuracyTargetsFor(arguments.Data),
            Threads = arguments.Threads,
            Patience = arguments.Patience,
            MinDelta = arguments.MinDelta,
            Monitor = arguments.Monitor == "val-accuracy" ? MonitorMetric.ValidationAccuracy : MonitorMetric.ValidationLoss,
            Resume = arguments.Resume,
        };

        if ((arguments.Patience is not null || arguments.MinDelta != 0) && arguments.Validation is null)
        {
            context.ReportError("--patience and --min-delta watch a validation set: add --validation (a fraction such as 0.1, or a number of images); the test set is never used to choose");
            return ExitCodes.UsageError;
        }

        // before any work: a folder that cannot be written to is refused now, not after the training
        var folder = OutputFolder.Prepare(arguments.Out, Path.Combine("runs", $"{network.Name}-seed{arguments.Seed.ToString(Invariant)}"), "--out", context);
        if (folder is null)
        {
            return ExitCodes.UsageError;
        }

        var exitCode = Train(context, arguments, network, options, folder.FullPath, folder.DisplayPath, cancellationToken);
        if (exitCode != ExitCodes.Success)
        {
            folder.RemoveIfCreatedAndEmpty();
        }

        return exitCode;
    }

    private static int Train(CliContext context, Arguments arguments, NetworkModel network, TrainingOptions options, string outFolder, string displayOut, CancellationToken cancellationToken)
    {
        try
        {
            // before loading any data: a missing CUDA is the quickest thing to report
            var device = Devices.Resolve(options.Device);
            using var data = LoadData(arguments.Data, context, network);
            if (data is null)
            {
                return ExitCodes.UsageError;
            }

            if (arguments.Validation is double validationSize && !CarveValidation(context, data, validationSize))
            {
                return ExitCodes.UsageError;
            }

            Trainer.CheckFits(network, data.Train);
            var dataName = arguments.Data == SampleData ? SampleData : InputFiles.ToForwardSlashes(arguments.Data);
            context.Output.WriteLine(TerminalText.Escape(string.Format(
                Invariant,
                "Training {0} on {1} ({2:N0} train{11} / {3:N0} test images): seed {4}, {5}, {6} lr {7}, batch size {8}, {9} epoch{10}",
                network.Name, dataName, data.Train.Count, data.Test.Count, options.Seed, Devices.Name(device),
                arguments.Optimizer, options.InitialLearningRate, options.BatchSize, options.Epochs, options.Epochs == 1 ? string.Empty : "s",
                data.Validation is { } validationSet ? string.Format(Invariant, " / {0:N0} validation", validationSet.Count) : string.Empty)));
            context.Output.Flush();

            // the weights go to a temporary file; RunFiles.Commit then replaces run.json and model.bin as a set (a
            // diverged run saves none, and the commit deletes the stale model.bin of an earlier run)
            var weightsTemporary = AtomicFile.TemporaryPath(outFolder, WeightsFileName);
            var reporter = new ProgressReporter(context.Output, CommandHelpers.IsTerminal(context));
            RunResult result;
            try
            {
                // what a train killed in this folder left: temporary files of the weights or of run.json
                AtomicFile.DeleteTemporaryFiles(outFolder);
                string checkpoint = Path.Combine(outFolder, CheckpointFileName);
                if (options.Resume && !File.Exists(checkpoint))
                {
                    context.Output.WriteLine($"No checkpoint in {TerminalText.Escape(displayOut)}: starting from epoch 1");
                }

                result = Trainer.Train(network, data, options with
                {
                    WeightsPath = weightsTemporary,
                    CheckpointPath = checkpoint,
                    LogFolder = outFolder,
                    BestWeightsPath = data.Validation is null ? null : Path.Combine(outFolder, BestWeightsFileName),
                }, reporter, cancellationToken);
                result = result with { Data = dataName, Best = result.Best is { } best ? best with { Weights = best.Weights is null ? null : BestWeightsFileName } : null };
                result = RunFiles.Commit(outFolder, result, result.Weights is null ? null : weightsTemporary, RunFileName, WeightsFileName);
                if (result.ConfusionMatrix is { } confusion)
                {
                    ConfusionPlot.Write(confusion, string.Format(Invariant, "{0} on {1}: test set after epoch {2}", network.Name, dataName, result.Epochs.Count), outFolder);
                }
            }
            catch (OperationCanceledException)
            {
                reporter.Clear();
                context.ReportError(File.Exists(Path.Combine(outFolder, CheckpointFileName))
                    ? $"training cancelled; run.json and model.bin were not written; the same command with --resume goes on after the last finished epoch ({displayOut}/{CheckpointFileName})"
                    : "training cancelled; nothing was written");
                return Cancelled;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                reporter.Clear();
                context.ReportError($"cannot write to {displayOut}: {e.Message}");
                return ExitCodes.UsageError;
            }
            finally
            {
                DeleteQuietly(weightsTemporary);
            }

            WriteSummary(context.Output, result);
            var written = new[] { RunLog.MetricsFileName, RunLog.TensorBoardFolderName, ConfusionPlot.Name + ".png", BestWeightsFileName, CheckpointFileName }
                .Where(name => File.Exists(Path.Combine(outFolder, name)) || Directory.Exists(Path.Combine(outFolder, name)))
                .Select(name => Directory.Exists(Path.Combine(outFolder, name)) ? name + "/" : name)
                .ToArray();
            context.Output.WriteLine(TerminalText.Escape($"Also in {displayOut}: {string.Join(", ", written)}"));
            context.Output.WriteLine(TerminalText.Escape(result.Weights is null
                ? $"Wrote {displayOut}/{RunFileName} (no weights: the run diverged)"
                : $"Wrote {displayOut}/{RunFileName} and {displayOut}/{WeightsFileName}"));
            return ExitCodes.Success;
        }
        catch (TrainingException e)
        {
            context.ReportError(e.Message);
            return ExitCodes.UsageError;
        }
        catch (DataSetException e)
        {
            context.ReportError(e.Message);
            return ExitCodes.UsageError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.ReportError($"cannot read the data {arguments.Data}: {e.Message}");
            return ExitCodes.UsageError;
        }
    }

    /// <summary>Moves the validation images out of the train set; false after one error line when the size does not fit.</summary>
    internal static bool CarveValidation(CliContext context, DataSplit data, double size)
    {
        int count;
        try
        {
            count = DataSplit.ValidationCount(size, data.Train.Count);
        }
        catch (ArgumentOutOfRangeException)
        {
            context.ReportError(string.Format(Invariant, "--validation {0}: give a fraction below 1 (0.1) or a whole number of images (5000)", size));
            return false;
        }

        if (count >= data.Train.Count)
        {
            context.ReportError(string.Format(Invariant, "--validation {0} asks for {1:N0} of the {2:N0} training images; leave at least one to train on", size, count, data.Train.Count));
            return false;
        }

        data.CarveValidation(count);
        return true;
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>What <c>--data</c> names (<see cref="DataOption"/>), read as <paramref name="network"/>'s input takes it; null after one error line.</summary>
    private static DataSplit? LoadData(string data, CliContext context, NetworkModel network) =>
        DataOption.Resolve(data, context, verifyKnown: false) is { } source ? DataSets.Load(source, network) : null;

    /// <summary>The per-epoch table, the final figures and the convergence targets.</summary>
    internal static void WriteSummary(TextWriter output, RunResult result)
    {
        if (result.Epochs.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Epoch  Train loss  Train acc  Test loss  Test acc  Seconds  Images/s");
            foreach (var epoch in result.Epochs)
            {
                output.WriteLine(string.Format(
                    Invariant,
                    "{0,5}  {1,10:0.0000}  {2,9}  {3,9:0.0000}  {4,8}  {5,7:0.0}  {6,8:N0}",
                    epoch.Epoch, epoch.TrainLoss, Percent(epoch.TrainAccuracy), epoch.TestLoss, Percent(epoch.TestAccuracy), epoch.Seconds, epoch.ImagesPerSecond));
            }
        }

        output.WriteLine();
        if (result.Diverged is { } diverged)
        {
            output.WriteLine(diverged.Step > 0
                ? $"Diverged in epoch {diverged.Epoch} at step {diverged.Step} (step {diverged.GlobalStep} overall): {diverged.Reason}"
                : $"Diverged after epoch {diverged.Epoch}: {diverged.Reason}");
        }

        if (result.TestAccuracy is double accuracy)
        {
            output.WriteLine(string.Format(Invariant, "Test accuracy: {0} (loss {1:0.0000})", Percent(accuracy), result.TestLoss));
        }

        if (result.RetriedSteps is int retried and > 0)
        {
            output.WriteLine(string.Format(
                Invariant,
                "Retried {0} step{1} whose loss or gradients were not finite: run again from the same state, finite the second time",
                retried,
                retried == 1 ? string.Empty : "s"));
        }

        if (result.StoppedEarly is int stopped)
        {
            output.WriteLine(string.Format(Invariant, "Stopped early after epoch {0}: the validation figure stopped improving", stopped));
        }

        if (result.Best is { } best)
        {
            output.WriteLine(string.Format(
                Invariant,
                "Best epoch by {0}: {1} ({2}; test accuracy then {3}){4}",
                best.Monitor == MonitorMetric.ValidationAccuracy ? "validation accuracy" : "validation loss",
                best.Epoch,
                best.Monitor == MonitorMetric.ValidationAccuracy ? Percent(best.Value) : best.Value.ToString("0.0000", Invariant),
                Percent(best.TestAccuracy),
                best.Weights is null ? string.Empty : ", weights in " + best.Weights));
        }

        var targets = result.Convergence.Select(c => c.Reached
            ? string.Format(Invariant, "{0}: epoch {1} (step {2})", Target(c.Target), c.Epoch?.ToString(Invariant) ?? "-", c.Step)
            : string.Format(Invariant, "{0}: not reached", Target(c.Target)));
        output.WriteLine("Reached: " + string.Join("; ", targets));
        output.WriteLine(string.Format(
            Invariant,
            "Parameters: {0:N0}   Time: {1:0.0} s   Throughput: {2:N0} images/s ({3}, {4} thread{5})",
            result.Parameters, result.ElapsedSeconds, result.ImagesPerSecond, result.Device, result.Threads, result.Threads == 1 ? string.Empty : "s"));
    }

    internal static string EpochLine(EpochMetrics epoch, int epochs) => string.Format(
        Invariant,
        "epoch {0}/{1}: train loss {2:0.0000}, accuracy {3} |{8} test loss {4:0.0000}, accuracy {5} | {6:0.0} s, {7:N0} images/s",
        epoch.Epoch, epochs, epoch.TrainLoss, Percent(epoch.TrainAccuracy), epoch.TestLoss, Percent(epoch.TestAccuracy), epoch.Seconds, epoch.ImagesPerSecond,
        epoch.ValidationLoss is double loss && epoch.ValidationAccuracy is double accuracy
            ? string.Format(Invariant, " validation loss {0:0.0000}, accuracy {1} |", loss, Percent(accuracy))
            : string.Empty);

    private static string Percent(double fraction) => (fraction * 100).ToString("0.00", Invariant) + "%";

    private static string Target(double target) => (target * 100).ToString("0.##", Invariant) + "%";

    /// <summary>
    /// Prints each finished epoch as one line; on a terminal, also a bar for the running epoch, redrawn in place at
    /// most ten times a second.
    /// </summary>
    private sealed class ProgressReporter(TextWriter output, bool interactive, Func<int>? width = null) : IProgress<TrainingProgress>
    {
        private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
        private readonly Func<int> _width = width ?? ProgressLine.TerminalWidth;
        private int _drawn;

        public void Report(TrainingProgress value)
        {
            if (value.Phase == TrainingPhase.Resumed)
            {
                Clear();
                output.WriteLine(string.Format(Invariant, "Resumed after epoch {0}/{1} from the checkpoint", value.Epoch, value.Epochs));
                output.Flush();
                return;
            }

            if (value.Phase == TrainingPhase.EpochEnd && value.Metrics is { } metrics)
            {
                Clear();
                output.WriteLine(EpochLine(metrics, value.Epochs));
                output.Flush();
                return;
            }

            if (!interactive || value.Phase != TrainingPhase.Step
                || (_sinceDraw.ElapsedMilliseconds < 100 && value.Step != value.StepsPerEpoch && _drawn > 0))
            {
                return;
            }

            var line = ProgressLine.Fit(
                _width(),
                string.Format(Invariant, "epoch {0}/{1}", value.Epoch, value.Epochs),
                (double)value.Step / Math.Max(1, value.StepsPerEpoch),
                string.Format(Invariant, "{0}/{1}", value.Step, value.StepsPerEpoch),
                new[]
                {
                    string.Format(Invariant, "loss {0:0.0000}", value.TrainLoss),
                    "accuracy " + Percent(value.TrainAccuracy),
                    string.Format(Invariant, "{0:N0} images/s", value.ImagesPerSecond),
                });
            output.Write("\r" + line.PadRight(_drawn));
            output.Flush();
            _drawn = line.Length;
            _sinceDraw.Restart();
        }

        /// <summary>Erases the bar, if one is drawn.</summary>
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
