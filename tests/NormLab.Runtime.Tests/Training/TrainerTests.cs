using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using NormLab.Runtime.Building;
using NormLab.Runtime.Training;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NormLab.Runtime.Tests.Training;

[Collection(TrainingCollection.Name)]
public sealed class TrainerTests(ITestOutputHelper output)
{
    [Fact]
    public void The_same_seed_gives_the_same_numbers_and_another_seed_others()
    {
        var network = TrainingFixtures.Synthetic("Tiny");
        using var data = TrainingFixtures.SyntheticSplit();
        var options = TrainingFixtures.Fast() with { EvaluateEvery = 3 };

        var first = Trainer.Train(network, data, options);
        var second = Trainer.Train(network, data, options);
        var other = Trainer.Train(network, data, options with { Seed = 2 });

        Assert.Equal(2, first.Epochs.Count);
        Assert.Equal(Numbers(first), Numbers(second));
        Assert.NotEmpty(Health(first));
        Assert.Equal(Health(first), Health(second));
        Assert.NotEqual(Numbers(first), Numbers(other));
        Assert.Equal(1, first.Seed);
        Assert.Equal(2, other.Seed);
    }

    [Fact]
    public void Sampling_health_and_evaluating_often_do_not_change_the_training()
    {
        var network = TrainingFixtures.Synthetic("Tiny");
        using var data = TrainingFixtures.SyntheticSplit();
        var options = TrainingFixtures.Fast();

        var plain = Trainer.Train(network, data, options with { Health = false });
        var probed = Trainer.Train(network, data, options with { Health = true, EvaluateEvery = 2 });

        Assert.Empty(plain.Health);
        Assert.Equal(3, probed.Health.Count);
        Assert.Equal(Numbers(plain), Numbers(probed));
    }

    [Fact]
    public void Each_run_saves_its_test_predictions_which_give_its_test_accuracy()
    {
        var network = TrainingFixtures.Synthetic("Tiny");
        using var data = TrainingFixtures.SyntheticSplit();

        var result = Trainer.Train(network, data, TrainingFixtures.Fast());
        var off = Trainer.Train(network, data, TrainingFixtures.Fast() with { SavePredictions = false });

        int[] predicted = RunResult.DecodePredictions(result.TestPredictions!);
        Assert.Equal(data.Test.Count, predicted.Length);
        double accuracy = Enumerable.Range(0, predicted.Length).Count(i => predicted[i] == data.Test.LabelAt(i)) / (double)predicted.Length;
        Assert.Equal(result.TestAccuracy!.Value, accuracy, 12);
        Assert.Equal(result.TestPredictions, RunResult.FromJson(result.ToJson()).TestPredictions);
        Assert.Null(off.TestPredictions);
        Assert.Equal("09az", RunResult.EncodePredictions(new[] { 0, 9, 10, 35 }));
        Assert.Null(RunResult.EncodePredictions(new[] { 36 }));
    }

    [Fact]
    public void A_small_cnn_learns_mnist_digits()
    {
        var network = TrainingFixtures.Mnist("SmallCnn");
        using var data = TrainingFixtures.MnistSubset();
        var options = TrainingFixtures.Fast() with { BatchSize = 64, AccuracyTargets = new[] { 0.5, 0.999 } };

        var result = Trainer.Train(network, data, options);

        foreach (var epoch in result.Epochs)
        {
            output.WriteLine($"epoch {epoch.Epoch}: train {epoch.TrainLoss:0.0000} {epoch.TrainAccuracy:P2}, test {epoch.TestLoss:0.0000} {epoch.TestAccuracy:P2}, {epoch.ImagesPerSecond:0} images/s");
        }

        Assert.Null(result.Diverged);
        Assert.Equal("mnist-subset", result.Data);
        Assert.Equal((2000, 500), (result.TrainExamples, result.TestExamples));
        Assert.Equal(network.ParameterCount, result.Parameters);
        Assert.True(result.Epochs[0].TrainLoss < Math.Log(10), "the first epoch's mean loss is below chance level");
        Assert.True(result.Epochs[1].TrainLoss < result.Epochs[0].TrainLoss, "the loss falls");
        Assert.True(result.Epochs[1].TestLoss < result.Epochs[0].TestLoss, "the test loss falls");
        Assert.True(result.TestAccuracy > 0.75, $"test accuracy {result.TestAccuracy} is well above chance (0.1)");
        Assert.Equal(result.Epochs[^1].TestAccuracy, result.TestAccuracy);
        Assert.All(result.Epochs, e => Assert.Equal(32, e.Steps));
        Assert.All(result.Epochs, e => Assert.True(e.ImagesPerSecond > 0 && e.Seconds >= e.TrainSeconds));
        Assert.True(result.ImagesPerSecond > 0);

        var reached = result.Convergence[0];
        Assert.Equal(0.5, reached.Target);
        Assert.Equal(1, reached.Epoch);
        Assert.Equal(32, reached.Step);
        Assert.False(result.Convergence[1].Reached);
        Assert.Null(result.Convergence[1].Epoch);
    }

    [Fact]
    public void Sgd_with_a_huge_learning_rate_diverges_and_says_where()
    {
        var network = TrainingFixtures.Synthetic("Dense");
        using var data = TrainingFixtures.SyntheticSplit();
        string folder = TrainingFixtures.TempFolder();
        try
        {
            var options = TrainingFixtures.Fast(epochs: 3) with
            {
                Optimizer = OptimizerKind.Sgd,
                LearningRate = 1e6,
                WeightsPath = Path.Combine(folder, "model.bin"),
            };

            var result = Trainer.Train(network, data, options);

            Assert.NotNull(result.Diverged);
            Assert.Equal(1, result.Diverged!.Epoch);
            Assert.InRange(result.Diverged.Step, 2, 8);
            Assert.Equal(result.Diverged.Step, result.Diverged.GlobalStep);
            Assert.Matches("^train loss is (NaN|\\+infinity)$", result.Diverged.Reason);
            Assert.Empty(result.Epochs);
            Assert.Null(result.TestAccuracy);
            Assert.Null(result.Weights);
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
            Assert.Equal(OptimizerKind.Sgd, result.Options.Optimizer);
            Assert.Equal(0.9, result.Options.Momentum);
            Assert.Contains("\"diverged\": {", result.ToJson(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void After_training_eval_mode_uses_running_statistics()
    {
        var network = TrainingFixtures.Synthetic("Dense");
        using var data = TrainingFixtures.SyntheticSplit();
        random.manual_seed(7);
        using var module = new NetworkModule(network);

        Trainer.Train(module, network, data, TrainingFixtures.Fast(epochs: 1));

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Tensor sample = data.Test.Images[TensorIndex.Slice(0, 1)];
        Tensor withOthers = data.Test.Images[TensorIndex.Slice(0, 16)];
        Tensor withOtherOthers = cat(new[] { sample, data.Test.Images[TensorIndex.Slice(40, 47)] }, 0);

        module.eval();
        float[] alone = module.forward(sample).data<float>().ToArray();
        float[] inBatch = module.forward(withOthers)[0].data<float>().ToArray();
        Assert.Equal(alone, inBatch, new FloatTolerance(1e-5f));

        module.train();
        float[] trainA = module.forward(withOthers)[0].data<float>().ToArray();
        float[] trainB = module.forward(withOtherOthers)[0].data<float>().ToArray();
        Assert.NotEqual(trainA, trainB, new FloatTolerance(1e-3f));
    }

    [Fact]
    public void Weights_are_written_atomically_and_load_into_a_fresh_module()
    {
        var network = TrainingFixtures.Synthetic("Skip");
        using var data = TrainingFixtures.SyntheticSplit();
        string folder = TrainingFixtures.TempFolder();
        try
        {
            string path = Path.Combine(folder, "run", "model.bin");
            random.manual_seed(3);
            using var trained = new NetworkModule(network);
            var result = Trainer.Train(trained, network, data, TrainingFixtures.Fast(epochs: 1) with { WeightsPath = path });

            Assert.Equal(Path.GetFullPath(path), result.Weights);
            Assert.Equal(new[] { "model.bin" }, Directory.EnumerateFileSystemEntries(Path.Combine(folder, "run")).Select(Path.GetFileName).ToArray());

            random.manual_seed(99);
            using var loaded = new NetworkModule(network);
            loaded.load(path);
            loaded.eval();
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            Tensor input = data.Test.Images[TensorIndex.Slice(0, 8)];
            Assert.Equal(trained.forward(input).data<float>().ToArray(), loaded.forward(input).data<float>().ToArray());
            var (loss, accuracy) = Trainer.Evaluate(loaded, data.Test);
            Assert.Equal(result.TestLoss!.Value, loss, 5);
            Assert.Equal(result.TestAccuracy, accuracy);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Cancelling_stops_the_run_and_writes_nothing()
    {
        var network = TrainingFixtures.Synthetic("Tiny");
        using var data = TrainingFixtures.SyntheticSplit();
        string folder = TrainingFixtures.TempFolder();
        try
        {
            using var cancellation = new CancellationTokenSource();
            var progress = new Synchronous(p =>
            {
                if (p.GlobalStep == 3)
                    cancellation.Cancel();
            });
            var options = TrainingFixtures.Fast() with { WeightsPath = Path.Combine(folder, "model.bin") };

            Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Train(network, data, options, progress, cancellation.Token));
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Progress_reports_every_step_and_every_epoch()
    {
        var network = TrainingFixtures.Synthetic("Dense");
        using var data = TrainingFixtures.SyntheticSplit(train: 100);
        var reports = new List<TrainingProgress>();

        var result = Trainer.Train(network, data, TrainingFixtures.Fast() with { EvaluateEvery = 2 }, new Synchronous(reports.Add));

        var steps = reports.Where(r => r.Phase == TrainingPhase.Step).ToArray();
        Assert.Equal(8, steps.Length);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), steps.Select(s => s.GlobalStep));
        Assert.All(steps, s => Assert.Equal(4, s.StepsPerEpoch));
        var ends = reports.Where(r => r.Phase == TrainingPhase.EpochEnd).ToArray();
        Assert.Equal(new[] { 1, 2 }, ends.Select(e => e.Epoch));
        Assert.Equal(result.Epochs, ends.Select(e => e.Metrics!));
        // evaluations every 2 steps inside an epoch (step 2 of each), plus one at each epoch's end
        Assert.Equal(new long[] { 2, 4, 6, 8 }, result.Evaluations.Select(e => e.Step));
        Assert.Equal(2, reports.Count(r => r.Phase == TrainingPhase.Evaluation));
    }

    [Fact]
    public void The_learning_rate_follows_the_schedule()
    {
        var network = TrainingFixtures.Synthetic("Dense");
        using var data = TrainingFixtures.SyntheticSplit(train: 64, test: 32);
        var options = TrainingFixtures.Fast(epochs: 4) with { Health = false, LearningRate = 0.01 };

        var step = Trainer.Train(network, data, options with { Schedule = LearningRateSchedule.Step, StepEvery = 2, StepGamma = 0.5 });
        var cosine = Trainer.Train(network, data, options with { Schedule = LearningRateSchedule.Cosine });

        Assert.Equal(new[] { 0.01, 0.01, 0.005, 0.005 }, step.Epochs.Select(e => e.LearningRate));
        Assert.Equal(new[] { 0.01, 0.01 * (1 + Math.Cos(Math.PI / 4)) / 2, 0.005, 0.01 * (1 + Math.Cos(3 * Math.PI / 4)) / 2 },
            cosine.Epochs.Select(e => e.LearningRate).ToArray(), new DoubleTolerance(1e-15));
        Assert.Equal(LearningRateSchedule.Cosine, cosine.Options.Schedule);
    }

    [Fact]
    public void Data_that_does_not_fit_the_network_is_refused_before_training()
    {
        var network = TrainingFixtures.Mnist("SmallCnn");
        using var data = TrainingFixtures.SyntheticSplit();

        var error = Assert.Throws<TrainingException>(() => Trainer.Train(network, data, TrainingFixtures.Fast()));

        Assert.Equal("network 'SmallCnn' takes 1x28x28 input but synthetic has 1x8x8 images", error.Message);
    }

    [SkippableFact]
    public void Cuda_without_cuda_is_a_clear_error()
    {
        Skip.If(Devices.CudaAvailable, "CUDA is available: the error for its absence cannot be seen here");
        var network = TrainingFixtures.Synthetic("Dense");
        using var data = TrainingFixtures.SyntheticSplit();

        var error = Assert.Throws<TrainingException>(() => Trainer.Train(network, data, TrainingFixtures.Fast() with { Device = DeviceChoice.Cuda }));

        Assert.StartsWith("CUDA was requested but is not available", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal("cpu", Devices.Name(Devices.Resolve(DeviceChoice.Auto)));
    }

    [SkippableFact]
    public void Training_on_cuda_gives_the_figures_of_the_cpu()
    {
        Skip.IfNot(Devices.CudaAvailable, "no CUDA device (or a TorchSharp-cpu build): nothing to compare the CPU with");
        var network = TrainingFixtures.Synthetic("Dense");
        using var data = TrainingFixtures.SyntheticSplit();

        var cpu = Trainer.Train(network, data, TrainingFixtures.Fast(epochs: 1));
        var gpu = Trainer.Train(network, data, TrainingFixtures.Fast(epochs: 1) with { Device = DeviceChoice.Cuda });

        Assert.Equal("cuda", gpu.Device);
        Assert.Equal("cuda", Devices.Name(Devices.Resolve(DeviceChoice.Auto)));
        Assert.Equal(cpu.Epochs[0].TestLoss, gpu.Epochs[0].TestLoss, 1e-3);
        Assert.Equal(cpu.Epochs[0].TestAccuracy, gpu.Epochs[0].TestAccuracy, 0.05);
    }

    [Fact]
    public void No_tensor_outlives_its_batch()
    {
        var network = TrainingFixtures.Synthetic("Tiny");
        using var data = TrainingFixtures.SyntheticSplit();
        var options = TrainingFixtures.Fast(epochs: 1) with { EvaluateEvery = 3 };
        Trainer.Train(network, data, options);

        long before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Trainer.Train(network, data, options);
        long afterOneEpoch = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Trainer.Train(network, data, options with { Epochs = 4 });
        long afterFourEpochs = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        output.WriteLine($"live tensors: {before}, after 1 epoch {afterOneEpoch}, after 4 epochs {afterFourEpochs}");
        Assert.Equal(before, afterOneEpoch);
        Assert.Equal(before, afterFourEpochs);
    }

    /// <summary>Every number of a run except times: the figures that must repeat exactly.</summary>
    private static List<double> Numbers(RunResult result)
    {
        var numbers = new List<double>();
        foreach (var e in result.Epochs)
            numbers.AddRange(new[] { e.TrainLoss, e.TrainAccuracy, e.TestLoss, e.TestAccuracy, e.LearningRate });
        return numbers;
    }

    private static List<double?> Health(RunResult result) =>
        result.Health.SelectMany(h => h.Layers.SelectMany(l => new[] { l.Mean, l.Std, l.DeadFraction, l.InputMean, l.InputStd })
            .Concat(h.Gradients.Select(g => g.Norm)).Append(h.Loss)).ToList();

    private sealed class Synchronous(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}

internal sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
{
    public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));

    public int GetHashCode(float obj) => 0;
}

internal sealed class DoubleTolerance(double tolerance) : IEqualityComparer<double>
{
    public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

    public int GetHashCode(double obj) => 0;
}
