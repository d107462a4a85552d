using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using NormLab.Runtime.Training;
using Xunit;

namespace NormLab.Runtime.Tests.Training;

/// <summary>Checkpoints and resuming, keeping the best weights, early stopping, logs and the confusion matrix.</summary>
[Collection(TrainingCollection.Name)]
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = TrainingFixtures.TempFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string At(string name) => Path.Combine(_folder, name);

    /// <summary>Tiny has dropout (the generator) and batch norm (buffers); Adam has moments and step counts.</summary>
    private TrainingOptions Options(string run) => TrainingFixtures.Fast(epochs: 3) with
    {
        CheckpointPath = At(run + ".ckpt"),
        WeightsPath = At(run + ".bin"),
        LogFolder = At(run + "-logs"),
    };

    [Fact]
    public void A_run_resumed_after_any_epoch_ends_with_the_numbers_and_weights_of_a_run_never_stopped()
    {
        var network = TrainingFixtures.Synthetic("Tiny");
        using var data = TrainingFixtures.SyntheticSplit();
        data.CarveValidation(32);
        var whole = Trainer.Train(network, data, Options("whole"), new Synchronous(p =>
        {
            if (p.Phase == TrainingPhase.EpochEnd)
                File.Copy(At("whole.ckpt"), At($"after-{p.Epoch}.ckpt"));
        }));
        Assert.Null(whole.ResumedAfterEpoch);

        foreach (int after in new[] { 1, 2 })
        {
            string run = $"resumed-{after}";
            File.Copy(At($"after-{after}.ckpt"), At(run + ".ckpt"));
            var steps = new List<int>();
            var resumed = Trainer.Train(network, data, Options(run) with { Resume = true }, new Synchronous(p =>
            {
                if (p.Phase == TrainingPhase.Step && p.Step == 1)
                    steps.Add(p.Epoch);
            }));

            Assert.Equal(after, resumed.ResumedAfterEpoch);
            Assert.Equal(Enumerable.Range(after + 1, 3 - after), steps);
            Assert.Equal(Figures(whole), Figures(resumed));
            Assert.Equal(File.ReadAllBytes(At("whole.bin")), File.ReadAllBytes(At(run + ".bin")));
            // metrics.csv holds every epoch once: the checkpoint's, then the resumed ones
            Assert.Equal(Csv(At("whole-logs")).Select(r => r.Take(9)), Csv(At(run + "-logs")).Select(r => r.Take(9)));
        }
    }

    [Fact]
    public void Resuming_a_finished_run_trains_nothing_and_gives_its_figures()
    {
        var network = TrainingFixtures.Synthetic("Dense");
        using var data = TrainingFixtures.SyntheticSplit();
        var whole = Trainer.Train(network, data, Options("run"));
        int steps = 0;
        var again = Trainer.Train(network, data, Options("run") with { Resume = true }, new Synchronous(p => steps += p.Phase == TrainingPhase.Step ? 1 : 0));
        Assert.Equal(0, steps);
        Assert.Equal(3, again.ResumedAfterEpoch);
        Assert.Equal(Figures(whole), Figures(again));
    }

    [Fact]
    public void A_checkpoint_of_another_run_is_refused_or_with_restart_ignored()
    {
        var network = TrainingFixtures.Synthetic("Dense");
        using var data = TrainingFixtures.SyntheticSplit();
        Trainer.Train(network, data, Options("run"));
        var other = Options("run") with { Seed = 2, Resume = true };

        var error = Assert.Throws<TrainingException>(() => Trainer.Train(network, data, other));
        Assert.Contains("belongs to another run (other seed)", error.Message);

        var fresh = Trainer.Train(network, data, TrainingFixtures.Fast(epochs: 3) with { Seed = 2 });
        var restarted = Trainer.Train(network, data, other with { RestartOnUnusableCheckpoint = true });
        Assert.Null(restarted.ResumedAfterEpoch);
        Assert.Equal(Figures(fresh), Figures(restarted));

        File.WriteAllText(At("damaged.ckpt"), "NLCKPT01 but nothing after");
        error = Assert.Throws<TrainingException>(() => Trainer.Train(network, data, Options("damaged") with { Resume = true }));
        Assert.Contains("damaged", error.Message);
        Assert.Equal(Figures(fresh with { Seed = 1 }).Count, Figures(Trainer.Train(network, data, Options("damaged") with { Resume = true, RestartOnUnusableCheckpoint = true })).Count);
    }

    [Fact]
    public void Early_stopping_ends_the_run_when_validation_stops_improving_and_keeps_the_best_weights()
    {
        var network = TrainingFixtures.Synthetic("Dense");
        using var data = TrainingFixtures.SyntheticSplit();
        data.CarveValidation(64);
        // a minimum change no epoch can make: only the first epoch counts as an improvement
        var options = TrainingFixtures.Fast(epochs: 6) with { Patience = 2, MinDelta = 100, BestWeightsPath = At("best.bin"), WeightsPath = At("last.bin") };
        var stopped = Trainer.Train(network, data, options);

        Assert.Equal(3, stopped.Epochs.Count);
        Assert.Equal(3, stopped.StoppedEarly);
        Assert.Equal(1, stopped.Best!.Epoch);
        Assert.Equal(MonitorMetric.ValidationLoss, stopped.Best.Monitor);
        Assert.Equal(stopped.Epochs[0].ValidationLoss, stopped.Best.Value);
        Assert.Equal(stopped.Epochs[0].TestAccuracy, stopped.Best.TestAccuracy);

        // the kept weights are those after epoch 1: the same bytes as a one-epoch run's
        Trainer.Train(network, data, TrainingFixtures.Fast(epochs: 1) with { WeightsPath = At("one.bin") });
        Assert.Equal(File.ReadAllBytes(At("one.bin")), File.ReadAllBytes(At("best.bin")));
        Assert.NotEqual(File.ReadAllBytes(At("one.bin")), File.ReadAllBytes(At("last.bin")));

        // without a minimum change the run improves and goes on; by accuracy, higher is better
        var patient = Trainer.Train(network, data, TrainingFixtures.Fast(epochs: 4) with { Patience = 3, Monitor = MonitorMetric.ValidationAccuracy });
        Assert.Null(patient.StoppedEarly);
        Assert.Equal(4, patient.Epochs.Count);
        Assert.Equal(patient.Epochs.Max(e => e.ValidationAccuracy), patient.Best!.Value);
    }

    [Fact]
    public void Selecting_the_best_epoch_reports_that_epochs_model_its_predictions_and_why()
    {
        var network = TrainingFixtures.Synthetic("Dense");
        using var data = TrainingFixtures.SyntheticSplit();
        data.CarveValidation(64);
        // a minimum change no epoch can make: epoch 1 stays the best while the run goes on to epoch 3
        var selected = Trainer.Train(network, data, TrainingFixtures.Fast(epochs: 3) with { MinDelta = 100, BestWeightsPath = At("best.bin"), SelectBest = true, WeightsPath = At("selected.bin") });
        var oneEpoch = Trainer.Train(network, data, TrainingFixtures.Fast(epochs: 1) with { WeightsPath = At("one.bin") });
        var asTrained = Trainer.Train(network, data, TrainingFixtures.Fast(epochs: 3) with { MinDelta = 100, BestWeightsPath = At("best2.bin") });

        Assert.Equal(3, selected.Epochs.Count);
        Assert.Equal(1, selected.Selected!.Epoch);
        Assert.Equal(ModelSelection.ValidationLoss, selected.Selected.By);
        Assert.Equal(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"the lowest validation loss ({selected.Epochs[0].ValidationLoss:0.0000}) of epochs 1-3, on 64 validation images carved from the training data; the test set was not used to choose"), selected.Selected.Reason);
        // everything reported is epoch 1's model: the figures, the confusion matrix, the per-image predictions, the weights
        Assert.Equal((selected.Epochs[0].TestAccuracy, selected.Epochs[0].TestLoss), (selected.TestAccuracy!.Value, selected.TestLoss!.Value));
        Assert.Equal((oneEpoch.TestAccuracy, oneEpoch.TestLoss), (selected.TestAccuracy, selected.TestLoss));
        Assert.Equal(oneEpoch.TestPredictions, selected.TestPredictions);
        Assert.Equal(oneEpoch.ConfusionMatrix!.Select(r => r.ToArray()), selected.ConfusionMatrix!.Select(r => r.ToArray()));
        Assert.Equal(File.ReadAllBytes(At("one.bin")), File.ReadAllBytes(At("selected.bin")));
        Assert.NotEqual(selected.Epochs[2].TestLoss, selected.TestLoss!.Value);

        // without SelectBest the same run reports its last epoch, and says where the best one is
        Assert.Equal((asTrained.Epochs[2].TestAccuracy, asTrained.Epochs[2].TestLoss), (asTrained.TestAccuracy!.Value, asTrained.TestLoss!.Value));
        Assert.Equal(new SelectedModel { Epoch = 3, By = ModelSelection.FinalEpoch, Reason = "the model after the last finished epoch (3 of 3): as trained; the best epoch by validation loss (1) is recorded in 'best', not reported" }, asTrained.Selected);
        using var plain = TrainingFixtures.SyntheticSplit();
        Assert.Equal("the model after the last finished epoch (1 of 1): no validation set, so nothing was chosen",
            Trainer.Train(network, plain, TrainingFixtures.Fast(epochs: 1)).Selected!.Reason);

        // choosing needs a validation set and a file for the chosen weights
        Assert.Contains("the test set is never used to choose", Assert.Throws<TrainingException>(() => Trainer.Train(network, plain, TrainingFixtures.Fast() with { SelectBest = true, BestWeightsPath = At("x.bin") })).Message);
        Assert.Throws<TrainingException>(() => Trainer.Train(network, data, TrainingFixtures.Fast() with { SelectBest = true }));
    }

    [Fact]
    public void Selection_without_a_validation_set_is_refused()
    {
        var network = TrainingFixtures.Synthetic("Dense");
        using var data = TrainingFixtures.SyntheticSplit();
        var error = Assert.Throws<TrainingException>(() => Trainer.Train(network, data, TrainingFixtures.Fast() with { Patience = 2 }));
        Assert.Contains("validation set", error.Message);
        Assert.Throws<TrainingException>(() => Trainer.Train(network, data, TrainingFixtures.Fast() with { BestWeightsPath = At("best.bin") }));
        Assert.False(File.Exists(At("best.bin")));
    }

    [Fact]
    public void Logs_hold_a_csv_row_and_tensorboard_scalars_for_every_epoch()
    {
        var network = TrainingFixtures.Synthetic("Tiny");
        using var data = TrainingFixtures.SyntheticSplit();
        data.CarveValidation(32);
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var result = Trainer.Train(network, data, Options("run"));

        var rows = Csv(At("run-logs"));
        Assert.Equal(RunLog.Columns, rows[0]);
        Assert.Equal(4, rows.Count);
        long step = 0;
        for (int i = 0; i < 3; i++)
        {
            var e = result.Epochs[i];
            step += e.Steps;
            Assert.Equal(new[] { (i + 1).ToString(CultureInfo.InvariantCulture), step.ToString(CultureInfo.InvariantCulture) }, rows[i + 1].Take(2));
            Assert.Equal(new double?[] { e.LearningRate, e.TrainLoss, e.TrainAccuracy, e.ValidationLoss, e.ValidationAccuracy, e.TestLoss, e.TestAccuracy },
                rows[i + 1].Skip(2).Take(7).Select(v => (double?)double.Parse(v, CultureInfo.InvariantCulture)));
        }

        var events = Directory.GetFiles(Path.Combine(At("run-logs"), RunLog.TensorBoardFolderName), "events.out.tfevents.*");
        var records = TfRecords(Assert.Single(events));
        string text = Encoding.UTF8.GetString(records.SelectMany(r => r).ToArray());
        foreach (string tag in new[] { "loss/train", "loss/validation", "accuracy/test", "learning_rate", "health/relu1/dead_fraction", "gradient_norm/conv1.weight" })
            Assert.Contains(tag, text);
        // every scalar event carries the wall time given to it: field 1, a double of seconds since 1970
        double wallTime = BitConverter.ToDouble(records[1].AsSpan(1, 8));
        Assert.Equal(0x09, records[1][0]);
        Assert.InRange(wallTime, before - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }

    [Fact]
    public void The_confusion_matrix_counts_the_test_set_by_true_and_predicted_class()
    {
        var network = TrainingFixtures.Synthetic("Dense");
        using var data = TrainingFixtures.SyntheticSplit();
        var result = Trainer.Train(network, data, TrainingFixtures.Fast());

        var matrix = result.ConfusionMatrix!;
        Assert.Equal(4, matrix.Count);
        Assert.All(matrix, row => Assert.Equal(4, row.Count));
        Assert.Equal(data.Test.ClassCounts.Select(c => (long)c), matrix.Select(row => row.Sum()));
        Assert.Equal(result.TestAccuracy!.Value, (double)Enumerable.Range(0, 4).Sum(i => matrix[i][i]) / data.Test.Count, 12);
        var json = RunResult.FromJson(result.ToJson());
        Assert.Equal(matrix.Select(r => r.ToArray()), json.ConfusionMatrix!.Select(r => r.ToArray()));
    }

    /// <summary>Everything of a run that does not depend on the clock.</summary>
    private static List<string> Figures(RunResult r)
    {
        var figures = r.Epochs.Select(e => string.Create(CultureInfo.InvariantCulture,
            $"{e.Epoch} {e.Steps} {e.LearningRate:R} {e.TrainLoss:R} {e.TrainAccuracy:R} {e.TestLoss:R} {e.TestAccuracy:R} {e.ValidationLoss:R} {e.ValidationAccuracy:R}")).ToList();
        figures.AddRange(r.Evaluations.Select(e => string.Create(CultureInfo.InvariantCulture, $"eval {e.Epoch} {e.Step} {e.TestLoss:R} {e.TestAccuracy:R}")));
        figures.AddRange(r.Health.Select(h => System.Text.Json.JsonSerializer.Serialize(h, RunResult.JsonOptions)));
        figures.AddRange(r.Convergence.Select(c => $"{c.Target} {c.Epoch} {c.Step}"));
        figures.Add(System.Text.Json.JsonSerializer.Serialize(r.ConfusionMatrix));
        figures.Add(System.Text.Json.JsonSerializer.Serialize(r.Best, RunResult.JsonOptions));
        figures.Add($"{r.TestAccuracy:R} {r.TestLoss:R} {r.StoppedEarly} {r.Parameters} {r.Diverged?.Reason}");
        return figures;
    }

    private static List<string[]> Csv(string folder) =>
        File.ReadAllLines(Path.Combine(folder, RunLog.MetricsFileName)).Select(l => l.Split(',')).ToList();

    /// <summary>The records of a TFRecord file (length, masked CRC of the length, data, masked CRC of the data).</summary>
    private static List<byte[]> TfRecords(string path)
    {
        var records = new List<byte[]>();
        using var reader = new BinaryReader(File.OpenRead(path));
        while (reader.BaseStream.Position < reader.BaseStream.Length)
        {
            long length = reader.ReadInt64();
            reader.ReadUInt32();
            records.Add(reader.ReadBytes((int)length));
            reader.ReadUInt32();
        }
        return records;
    }

    private sealed class Synchronous(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
