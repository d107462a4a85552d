using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NormLab.Runtime.Training;

namespace NormLab.Studies.Tests;

/// <summary>Run files and study definitions made by hand, so report and claim tests need no training.</summary>
internal static class StudyFixtures
{
    /// <summary>
    /// A run of <paramref name="network"/> with seed <paramref name="seed"/> whose test accuracy after each epoch is
    /// <paramref name="accuracies"/> (the losses follow from them), with health after the last epoch.
    /// </summary>
    public static RunResult Run(string network, int seed, double[] accuracies, bool diverged = false, int data = 0, int trainExamples = 8000)
    {
        var targets = TrainingOptions.DefaultAccuracyTargets;
        var epochs = accuracies.Select((a, i) => new EpochMetrics
        {
            Epoch = i + 1,
            Steps = 10,
            LearningRate = 1e-3,
            TrainLoss = 1.5 - a,
            TrainAccuracy = a - 0.01,
            TestLoss = 1.2 - a,
            TestAccuracy = a,
            Seconds = 1.5,
            TrainSeconds = 1.2,
            ImagesPerSecond = 1000 + seed,
        }).ToArray();
        return new RunResult
        {
            Network = network,
            Data = data == 0 ? "mnist-sample" : "other",
            TrainExamples = trainExamples,
            TestExamples = 2000,
            Seed = seed,
            Threads = 1,
            Parameters = 1234,
            Options = new RunSettings { Epochs = accuracies.Length, BatchSize = 64, LearningRate = 1e-3, AccuracyTargets = targets },
            Epochs = diverged ? epochs.Take(accuracies.Length - 1).ToArray() : epochs,
            TestAccuracy = diverged ? (accuracies.Length > 1 ? accuracies[^2] : null) : accuracies[^1],
            TestLoss = diverged ? (accuracies.Length > 1 ? 1.2 - accuracies[^2] : null) : 1.2 - accuracies[^1],
            Convergence = targets.Select(t =>
            {
                int index = Array.FindIndex(accuracies, a => a >= t);
                return new ConvergencePoint { Target = t, Epoch = index < 0 ? null : index + 1, Step = index < 0 ? null : (index + 1) * 10 };
            }).ToArray(),
            Health = new[]
            {
                new HealthSnapshot
                {
                    Epoch = accuracies.Length,
                    Batch = 64,
                    Layers = new[]
                    {
                        new LayerHealth { Name = "conv1", Kind = "conv", Mean = 0.1, Std = 1.2 },
                        new LayerHealth { Name = "bn1", Kind = "bn", Mean = 0, Std = 1.0, InputMean = 0.2, InputStd = 2.5 + seed * 0.1 },
                        new LayerHealth { Name = "relu1", Kind = "relu", Mean = 0.4, Std = 0.6, DeadFraction = 0.05 * seed, DeadChannelFraction = 0.01 * seed },
                        new LayerHealth { Name = "relu2", Kind = "relu", Mean = 0.4, Std = 0.6, DeadFraction = 0.1, DeadChannelFraction = 0 },
                    },
                    Gradients = new[]
                    {
                        new GradientNorm { Parameter = "conv1.weight", Norm = 0.01 * seed },
                        new GradientNorm { Parameter = "bn1.weight", Norm = 0.5 },
                        new GradientNorm { Parameter = "conv2.weight", Norm = 0.02 },
                        new GradientNorm { Parameter = "linear.weight", Norm = 0.3 },
                    },
                },
            },
            Diverged = diverged ? new DivergenceInfo { Epoch = accuracies.Length, Step = 3, GlobalStep = 33, Reason = "train loss is NaN" } : null,
            ElapsedSeconds = 4.5,
            ImagesPerSecond = 1000 + seed,
        };
    }

    /// <summary>A definition of <paramref name="networks"/> × <paramref name="seeds"/> seeds (the first network the baseline).</summary>
    public static StudyDefinition Definition(IReadOnlyList<string> networks, int seeds, int epochs, string name = "test") => new()
    {
        Name = name,
        Source = "test.normlab",
        Data = "mnist-sample",
        Seeds = seeds,
        Epochs = epochs,
        Baseline = networks[0],
        Networks = networks.Select(n => new StudyNetwork { Name = n, Network = n, Parameters = 1234, Fingerprint = "0123456789abcdef" }).ToArray(),
        Training = new StudyTrainingSettings { BatchSize = 64, LearningRate = 1e-3, AccuracyTargets = TrainingOptions.DefaultAccuracyTargets.ToArray(), Health = true, HealthBatchSize = 256 },
    };

    /// <summary>Writes a study folder: <c>study.json</c> and every run file.</summary>
    public static void WriteFolder(string folder, StudyDefinition definition, IEnumerable<RunResult> runs)
    {
        Directory.CreateDirectory(folder);
        definition.Save(Path.Combine(folder, StudyDefinition.FileName));
        foreach (var run in runs)
            run.Save(Path.Combine(folder, StudyCell.RunPath(run.Network, (int)run.Seed)));
    }

    /// <summary>Accuracies per epoch that end at <paramref name="final"/>, rising to it over <paramref name="epochs"/> epochs.</summary>
    public static double[] Curve(double final, int epochs, double start = 0.9) =>
        Enumerable.Range(1, epochs).Select(e => epochs == 1 ? final : start + (final - start) * (e - 1) / (epochs - 1)).ToArray();

    public static string TempFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "normlab-study-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
