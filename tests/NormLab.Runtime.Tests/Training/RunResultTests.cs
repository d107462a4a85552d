using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using NormLab.Runtime.Training;
using Xunit;

namespace NormLab.Runtime.Tests.Training;

[Collection(TrainingCollection.Name)]
public sealed class RunResultTests
{
    [Fact]
    public void A_run_serializes_with_stable_camel_case_names_and_round_trips()
    {
        var network = TrainingFixtures.Synthetic("Tiny");
        using var data = TrainingFixtures.SyntheticSplit();
        var result = Trainer.Train(network, data, TrainingFixtures.Fast(epochs: 1));

        string json = result.ToJson();
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        Assert.Equal(
            new[]
            {
                "format", "network", "data", "trainExamples", "testExamples", "seed", "device", "threads", "convolutions", "parameters", "options", "epochs",
                "testAccuracy", "testLoss", "selected", "convergence", "evaluations", "health", "testPredictions", "diverged", "confusionMatrix", "elapsedSeconds", "imagesPerSecond", "weights",
            },
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Tiny", root.GetProperty("network").GetString());
        Assert.Equal("synthetic", root.GetProperty("data").GetString());
        Assert.Equal("cpu", root.GetProperty("device").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("diverged").ValueKind);
        Assert.Equal(
            new[] { "epochs", "batchSize", "optimizer", "learningRate", "momentum", "weightDecay", "schedule", "accuracyTargets", "evaluateEvery" },
            root.GetProperty("options").EnumerateObject().Select(p => p.Name));
        Assert.Equal("adam", root.GetProperty("options").GetProperty("optimizer").GetString());
        Assert.Equal("none", root.GetProperty("options").GetProperty("schedule").GetString());
        Assert.Equal(
            new[] { "epoch", "steps", "learningRate", "trainLoss", "trainAccuracy", "testLoss", "testAccuracy", "seconds", "trainSeconds", "imagesPerSecond" },
            root.GetProperty("epochs")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(new[] { "target", "epoch", "step" }, root.GetProperty("convergence")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(new[] { "epoch", "by", "reason" }, root.GetProperty("selected").EnumerateObject().Select(p => p.Name));
        Assert.Equal("finalEpoch", root.GetProperty("selected").GetProperty("by").GetString());
        var layers = root.GetProperty("health")[0].GetProperty("layers");
        Assert.Equal(new[] { "name", "kind", "mean", "std" }, layers[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(new[] { "name", "kind", "mean", "std", "inputMean", "inputStd" }, layers[1].EnumerateObject().Select(p => p.Name));
        Assert.Equal(new[] { "name", "kind", "mean", "std", "deadFraction", "deadChannelFraction" }, layers[2].EnumerateObject().Select(p => p.Name));
        Assert.Equal(new[] { "parameter", "norm" }, root.GetProperty("health")[0].GetProperty("gradients")[0].EnumerateObject().Select(p => p.Name));

        var back = RunResult.FromJson(json);
        Assert.Equal(json, back.ToJson());
    }

    [Fact]
    public void Numbers_that_are_not_finite_are_written_as_null()
    {
        var result = new RunResult
        {
            Network = "N",
            TestLoss = double.NaN,
            Health = new[] { new HealthSnapshot { Loss = double.PositiveInfinity, Layers = new[] { new LayerHealth { Name = "x", Kind = "relu", Mean = double.NaN } } } },
        };

        using var document = JsonDocument.Parse(result.ToJson());

        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("testLoss").ValueKind);
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("health")[0].GetProperty("loss").ValueKind);
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("health")[0].GetProperty("layers")[0].GetProperty("mean").ValueKind);
    }

    [Fact]
    public void Save_replaces_the_file_whole_and_leaves_no_temporary_file()
    {
        string folder = TrainingFixtures.TempFolder();
        try
        {
            string path = Path.Combine(folder, "run.json");
            new RunResult { Network = "First" }.Save(path);
            new RunResult { Network = "Second" }.Save(path);

            Assert.Equal("Second", RunResult.FromJson(File.ReadAllText(path)).Network);
            Assert.Equal(new[] { "run.json" }, Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).ToArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_failed_write_leaves_the_old_file_and_no_temporary_file()
    {
        string folder = TrainingFixtures.TempFolder();
        try
        {
            string path = Path.Combine(folder, "model.bin");
            File.WriteAllText(path, "old");

            Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, temp =>
            {
                File.WriteAllText(temp, "half");
                throw new InvalidOperationException("disk full");
            }));

            Assert.Equal("old", File.ReadAllText(path));
            Assert.Equal(new[] { "model.bin" }, Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).ToArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
