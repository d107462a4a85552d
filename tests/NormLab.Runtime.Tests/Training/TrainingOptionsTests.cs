using System;
using System.Linq;
using NormLab.Runtime.Training;
using Xunit;

namespace NormLab.Runtime.Tests.Training;

public sealed class TrainingOptionsTests
{
    [Fact]
    public void Defaults_are_the_study_defaults()
    {
        var options = new TrainingOptions();

        Assert.Equal(OptimizerKind.Adam, options.Optimizer);
        Assert.Equal(1e-3, options.InitialLearningRate);
        Assert.Equal(1e-2, (options with { Optimizer = OptimizerKind.Sgd }).InitialLearningRate);
        Assert.Equal(64, options.BatchSize);
        Assert.Equal(new[] { 0.97, 0.98, 0.99 }, options.AccuracyTargets);
        Assert.Equal(LearningRateSchedule.None, options.Schedule);
        Assert.Equal(DeviceChoice.Auto, options.Device);
    }

    [Fact]
    public void Step_schedule_decays_every_third_of_the_run_by_default()
    {
        var options = new TrainingOptions { Epochs = 6, LearningRate = 1, Schedule = LearningRateSchedule.Step };

        Assert.Equal(new[] { 1, 1, 0.1, 0.1, 0.01, 0.01 }, Enumerable.Range(1, 6).Select(options.LearningRateAt).ToArray(),
            new DoubleTolerance(1e-15));
    }

    [Fact]
    public void Cosine_schedule_starts_at_the_learning_rate_and_falls()
    {
        var options = new TrainingOptions { Epochs = 10, LearningRate = 0.1, Schedule = LearningRateSchedule.Cosine };
        double[] rates = Enumerable.Range(1, 10).Select(options.LearningRateAt).ToArray();

        Assert.Equal(0.1, rates[0]);
        Assert.Equal(0.05, rates[5], 12);
        Assert.True(rates.Zip(rates.Skip(1)).All(p => p.Second < p.First));
        Assert.True(rates[^1] > 0);
    }

    [Theory]
    [InlineData(0, 64, 1e-3)]
    [InlineData(1, 0, 1e-3)]
    [InlineData(1, 64, 0.0)]
    [InlineData(1, 64, double.NaN)]
    public void Out_of_range_values_are_refused(int epochs, int batchSize, double learningRate)
    {
        var options = new TrainingOptions { Epochs = epochs, BatchSize = batchSize, LearningRate = learningRate };

        Assert.Throws<ArgumentException>(options.Validate);
    }
}
