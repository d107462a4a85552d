using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using NormLab.Dsl.Model;
using NormLab.Runtime.Building;
using NormLab.Runtime.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NormLab.Runtime.Tests.Training;

/// <summary>
/// A training step whose loss or gradients are not finite is run once more from the same state; twice in a row is a
/// divergence. The NaN is injected by <see cref="Flaky"/>, which poisons chosen forward calls in train mode.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class RetryTests : IDisposable
{
    private readonly string _folder = TrainingFixtures.TempFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string At(string name) => Path.Combine(_folder, name);

    /// <summary>Tiny has batch norm (running statistics a NaN forward pollutes) and dropout (the generator); Adam has moments.</summary>
    private TrainingOptions Options(string run) => TrainingFixtures.Fast(epochs: 2) with
    {
        Health = false,
        EvaluateEvery = 3,
        WeightsPath = At(run + ".bin"),
        CheckpointPath = At(run + ".ckpt"),
    };

    [Theory]
    [InlineData(Poison.Input, 5)]
    [InlineData(Poison.Input, 1)]
    [InlineData(Poison.Gradient, 11)]
    public void A_step_that_is_not_finite_once_is_retried_and_the_run_ends_as_if_it_never_was(Poison poison, int call)
    {
        var network = TrainingFixtures.Synthetic("Tiny");
        using var data = TrainingFixtures.SyntheticSplit();

        var clean = Trainer.Train(() => new Flaky(network, poison), null, data, Options("clean"));
        Flaky? flaky = null;
        var retried = Trainer.Train(() => flaky = new Flaky(network, poison, call), null, data, Options("retried"));

        Assert.Equal(1, flaky!.Poisoned);
        Assert.Null(clean.Diverged);
        Assert.Null(clean.RetriedSteps);
        Assert.DoesNotContain("retriedSteps", clean.ToJson(), StringComparison.Ordinal);
        Assert.Null(retried.Diverged);
        Assert.Equal(1, retried.RetriedSteps);
        Assert.Contains("\"retriedSteps\": 1", retried.ToJson(), StringComparison.Ordinal);
        Assert.Equal(2, retried.Epochs.Count);
        Assert.Equal(Figures(clean), Figures(retried));
        Assert.Equal(File.ReadAllBytes(At("clean.bin")), File.ReadAllBytes(At("retried.bin")));
    }

    [Theory]
    [InlineData(Poison.Input, "^train loss is NaN$")]
    [InlineData(Poison.Gradient, "^a gradient is (NaN|infinite)$")]
    public void A_step_that_is_not_finite_twice_in_a_row_is_a_divergence(Poison poison, string reason)
    {
        var network = TrainingFixtures.Synthetic("Tiny");
        using var data = TrainingFixtures.SyntheticSplit();
        Flaky? flaky = null;

        // calls 1-4 are steps 1-4; calls 5 and 6 are step 5 and its retry
        var result = Trainer.Train(() => flaky = new Flaky(network, poison, 5, 6), null, data, Options("twice"));

        Assert.Equal(2, flaky!.Poisoned);
        Assert.NotNull(result.Diverged);
        Assert.Equal(1, result.Diverged!.Epoch);
        Assert.Equal(5, result.Diverged.Step);
        Assert.Equal(5, result.Diverged.GlobalStep);
        Assert.Matches(reason, result.Diverged.Reason);
        Assert.Null(result.RetriedSteps);
        Assert.Empty(result.Epochs);
        Assert.Null(result.Weights);
    }

    [Fact]
    public void Two_steps_each_not_finite_once_are_both_retried()
    {
        var network = TrainingFixtures.Synthetic("Tiny");
        using var data = TrainingFixtures.SyntheticSplit();

        var clean = Trainer.Train(() => new Flaky(network, Poison.Input), null, data, Options("clean"));
        // call 3 is step 3 (retried as call 4); call 6 is then step 5
        var retried = Trainer.Train(() => new Flaky(network, Poison.Input, 3, 6), null, data, Options("retried"));

        Assert.Equal(2, retried.RetriedSteps);
        Assert.Equal(Figures(clean), Figures(retried));
        Assert.Equal(File.ReadAllBytes(At("clean.bin")), File.ReadAllBytes(At("retried.bin")));
    }

    [Fact]
    public void The_count_of_retried_steps_survives_a_resume_and_the_run_ends_as_one_never_stopped()
    {
        var network = TrainingFixtures.Synthetic("Tiny");
        using var data = TrainingFixtures.SyntheticSplit();
        // one epoch is 8 steps of 32 images: call 5 is in the first epoch
        var whole = Trainer.Train(() => new Flaky(network, Poison.Input, 5), null, data, Options("whole"), new Synchronous(p =>
        {
            if (p.Phase == TrainingPhase.EpochEnd && p.Epoch == 1)
                File.Copy(At("whole.ckpt"), At("after-1.ckpt"));
        }));
        File.Copy(At("after-1.ckpt"), At("resumed.ckpt"));

        var resumed = Trainer.Train(() => new Flaky(network, Poison.Input), null, data, Options("resumed") with { Resume = true });

        Assert.Equal(1, whole.RetriedSteps);
        Assert.Equal(1, resumed.ResumedAfterEpoch);
        Assert.Equal(1, resumed.RetriedSteps);
        Assert.Equal(Figures(whole), Figures(resumed));
        Assert.Equal(File.ReadAllBytes(At("whole.bin")), File.ReadAllBytes(At("resumed.bin")));
    }

    public enum Poison
    {
        /// <summary>NaN in the input: the loss is NaN, and batch norm's running statistics become NaN.</summary>
        Input,

        /// <summary>A finite forward (the same loss) whose backward gives an infinite gradient.</summary>
        Gradient,
    }

    /// <summary>
    /// The network, whose forward in train mode is poisoned on the chosen calls (1-based, counting train-mode calls
    /// only): the inner network still runs (batch norm updates its statistics, dropout draws from the generator).
    /// </summary>
    private sealed class Flaky : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> inner;
        private readonly HashSet<int> _calls;
        private readonly Poison _poison;
        private int _count;

        public Flaky(NetworkModel network, Poison poison, params int[] calls) : base("Flaky")
        {
            inner = new NetworkModule(network);
            _poison = poison;
            _calls = calls.ToHashSet();
            RegisterComponents();
        }

        public int Poisoned { get; private set; }

        public override Tensor forward(Tensor input)
        {
            if (!training || !_calls.Contains(++_count))
                return inner.call(input);
            Poisoned++;
            if (_poison == Poison.Input)
                return inner.call(input + float.NaN);
            // zero in the forward, so the loss is the same; sqrt's derivative at zero is infinite
            var weight = inner.parameters().First();
            return inner.call(input) + (weight - weight.detach()).sum().sqrt();
        }
    }

    /// <summary>Everything of a run that does not depend on the clock.</summary>
    private static List<string> Figures(RunResult r)
    {
        var figures = r.Epochs.Select(e => string.Create(CultureInfo.InvariantCulture,
            $"{e.Epoch} {e.Steps} {e.TrainLoss:R} {e.TrainAccuracy:R} {e.TestLoss:R} {e.TestAccuracy:R}")).ToList();
        figures.AddRange(r.Evaluations.Select(e => string.Create(CultureInfo.InvariantCulture, $"eval {e.Epoch} {e.Step} {e.TestLoss:R} {e.TestAccuracy:R}")));
        figures.Add(System.Text.Json.JsonSerializer.Serialize(r.ConfusionMatrix));
        figures.Add(string.Create(CultureInfo.InvariantCulture, $"{r.TestAccuracy:R} {r.TestLoss:R} {r.TestPredictions}"));
        return figures;
    }

    private sealed class Synchronous(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
