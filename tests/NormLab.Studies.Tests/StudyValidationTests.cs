using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using NormLab.Runtime.Building;
using NormLab.Runtime.Data;
using NormLab.Runtime.Tests.Training;
using NormLab.Runtime.Training;
using NormLab.Studies.Reports;
using SkiaSharp;
using Xunit;

namespace NormLab.Studies.Tests;

/// <summary>
/// Studies with a validation set carved from the training data (each run reports the epoch it chose, never the test
/// set), and studies on colour data: an image folder of PNGs. Tiny networks on a few dozen images.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class StudyValidationTests : IDisposable
{
    private const string Source = """
        network Tiny(input: 1x8x8, classes: 4) {
            conv3x3(4) > bn > relu > maxpool > flatten > linear(classes)
        }

        network Dense(input: 1x8x8, classes: 4) {
            flatten > linear(16) > bn > relu > linear(classes)
        }
        """;

    private readonly string _root = StudyFixtures.TempFolder();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>2 networks × 2 seeds on 48 train (12 of them carved for validation) and 24 test images.</summary>
    private StudyOptions Options(string folder, double? validation = 0.25, int epochs = 1, Shard? shard = null, TrainingOptions? training = null) => new()
    {
        Name = "tiny",
        Networks = new[] { "Tiny", "Dense" },
        Seeds = 2,
        Epochs = epochs,
        Training = training ?? TrainingFixtures.Fast(),
        DataName = "synthetic",
        LoadData = () => TrainingFixtures.SyntheticSplit(train: 48, test: 24),
        OutputFolder = Path.Combine(_root, folder),
        Shard = shard,
        Validation = validation,
    };

    private static RunResult ReadRun(string folder, string network, int seed) =>
        RunResult.FromJson(File.ReadAllText(Path.Combine(folder, "runs", network, $"seed-{seed}.json")));

    /// <summary>A run file without what is measured (times and throughput) or says how the run went (resumed).</summary>
    private static string Deterministic(string folder, string network, int seed)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "runs", network, $"seed-{seed}.json")))!.AsObject();
        foreach (var field in new[] { "elapsedSeconds", "imagesPerSecond", "resumedAfterEpoch" })
            json.Remove(field);
        foreach (var epoch in json["epochs"]!.AsArray())
        {
            foreach (var field in new[] { "seconds", "trainSeconds", "imagesPerSecond" })
                epoch!.AsObject().Remove(field);
        }
        return json.ToJsonString();
    }

    [Fact]
    public void Each_run_reports_the_epoch_the_validation_set_chose_and_the_report_says_so()
    {
        var summary = Study.Create(Source, "tiny.normlab", Options("validated")).Run();

        foreach (var network in new[] { "Tiny", "Dense" })
        {
            foreach (int seed in new[] { 1, 2 })
            {
                var run = ReadRun(summary.Folder, network, seed);
                Assert.Equal((36, 12, 24), (run.TrainExamples, run.ValidationExamples!.Value, run.TestExamples));
                Assert.Equal(1, run.Selected!.Epoch);
                Assert.Equal(ModelSelection.ValidationLoss, run.Selected.By);
                Assert.StartsWith("the lowest validation loss (", run.Selected.Reason, StringComparison.Ordinal);
                Assert.EndsWith("of epochs 1-1, on 12 validation images carved from the training data; the test set was not used to choose", run.Selected.Reason, StringComparison.Ordinal);
                Assert.Equal(run.Epochs[0].ValidationLoss, run.Best!.Value);
                Assert.Null(run.Best.Weights);
                // the per-image predictions are the reported model's: they give its test accuracy back
                int[] predicted = RunResult.DecodePredictions(run.TestPredictions!);
                Assert.Equal(24, predicted.Length);
                Assert.Equal(run.TestAccuracy!.Value, predicted.Where((p, i) => p == i % 4).Count() / 24.0, 12);
            }
        }

        // the weights of the best epoch and the checkpoints go once their run is written
        Assert.Empty(Directory.GetFiles(summary.Folder, "*.bin", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(summary.Folder, "*.ckpt", SearchOption.AllDirectories));
        Assert.Equal(new StudySelection { Validation = 0.25, Monitor = MonitorMetric.ValidationLoss }, StudyDefinition.Load(summary.Folder).Selection);
        string report = File.ReadAllText(Path.Combine(summary.Folder, MarkdownReport.FileName));
        Assert.Contains("(36 train / 12 validation / 24 test images)", report, StringComparison.Ordinal);
        Assert.Contains("**Reported model:** each run's epoch with the lowest validation loss, on 12 validation images carved from the training data (stratified, the same for every run; `--validation 0.25 --monitor val-loss`); test accuracy, loss and the per-image test predictions are that epoch's model's. The test set was never used to choose. In 0 of 4 runs that epoch was not the last.", report, StringComparison.Ordinal);

        // without a validation set: the final epoch's model, and the run and the report say so
        var plain = Study.Create(Source, "tiny.normlab", Options("plain", validation: null)).Run();
        var final = ReadRun(plain.Folder, "Tiny", 1);
        Assert.Equal((48, (int?)null), (final.TrainExamples, final.ValidationExamples));
        Assert.Equal(new SelectedModel { Epoch = 1, By = ModelSelection.FinalEpoch, Reason = "the model after the last finished epoch (1 of 1): no validation set, so nothing was chosen" }, final.Selected);
        Assert.Null(StudyDefinition.Load(plain.Folder).Selection);
        Assert.Contains("**Reported model:** each run's model after its final epoch (no validation set, so nothing was chosen)", File.ReadAllText(Path.Combine(plain.Folder, MarkdownReport.FileName)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_study_with_validation_stopped_mid_run_resumes_to_the_same_runs()
    {
        // a minimum change no epoch can make: epoch 1 stays each run's best, so the reported model is not the last one,
        // and the resumed run must bring back the weights of an epoch trained before the stop
        var training = TrainingFixtures.Fast() with { MinDelta = 100 };
        using var cancellation = new CancellationTokenSource();
        var progress = new SyncProgress(e =>
        {
            // the second run, in its third epoch: epochs 1 and 2 are in its checkpoint, epoch 1's weights beside it
            if (e.Event == StudyEvent.Training && e.Position == 2 && e.Training is { Epoch: 3, Step: 1 })
                cancellation.Cancel();
        });
        Assert.ThrowsAny<OperationCanceledException>(() => Study.Create(Source, "tiny.normlab", Options("resumed", epochs: 3, training: training)).Run(progress, cancellation.Token));

        string folder = Path.Combine(_root, "resumed");
        Assert.Equal(2, Checkpoint.ReadState(Path.Combine(folder, "runs", "Tiny", "seed-2.ckpt")).Epoch);
        Assert.True(File.Exists(Path.Combine(folder, "runs", "Tiny", "seed-2.best.bin")));

        var resumed = Study.Create(Source, "tiny.normlab", Options("resumed", epochs: 3, training: training)).Run();
        var straight = Study.Create(Source, "tiny.normlab", Options("straight", epochs: 3, training: training)).Run();

        Assert.Equal((3, 1), (resumed.Trained, resumed.Skipped));
        Assert.Equal(2, ReadRun(folder, "Tiny", 2).ResumedAfterEpoch);
        foreach (var (network, seed) in new[] { ("Tiny", 1), ("Tiny", 2), ("Dense", 1), ("Dense", 2) })
        {
            var run = ReadRun(straight.Folder, network, seed);
            Assert.Equal((1, 3), (run.Selected!.Epoch, run.Epochs.Count));
            Assert.Equal(run.Epochs[0].TestAccuracy, run.TestAccuracy);
            Assert.Equal(Deterministic(straight.Folder, network, seed), Deterministic(folder, network, seed));
        }
        Assert.Equal(
            SummaryJson.WithoutMeasuredFields(File.ReadAllText(Path.Combine(straight.Folder, SummaryJson.FileName))),
            SummaryJson.WithoutMeasuredFields(File.ReadAllText(Path.Combine(folder, SummaryJson.FileName))));
        Assert.Empty(Directory.GetFiles(folder, "*.bin", SearchOption.AllDirectories));
        Assert.Contains("In 4 of 4 runs that epoch was not the last.", File.ReadAllText(Path.Combine(folder, MarkdownReport.FileName)), StringComparison.Ordinal);
        var csv = File.ReadAllLines(Path.Combine(folder, RunsCsv.FileName)).Select(l => l.Split(',')).ToArray();
        Assert.All(csv.Skip(1), row => Assert.Equal(("3", "1", "validationLoss"),
            (row[Array.IndexOf(csv[0], "epochs")], row[Array.IndexOf(csv[0], "selectedEpoch")], row[Array.IndexOf(csv[0], "selectedBy")])));
    }

    [Fact]
    public void Shards_and_folders_with_another_validation_are_refused_naming_the_option()
    {
        var validated = Study.Create(Source, "tiny.normlab", Options("shard0", shard: new Shard(0, 2))).Run();
        var plain = Study.Create(Source, "tiny.normlab", Options("shard1", validation: null, shard: new Shard(1, 2))).Run();

        var merge = Assert.Throws<StudyException>(() => Study.Merge(new[] { validated.Folder, plain.Folder }, Path.Combine(_root, "merged")));
        Assert.Contains("hold different studies (--validation 0.25 --monitor val-loss vs no --validation)", merge.Message, StringComparison.Ordinal);

        var reuse = Assert.Throws<StudyException>(() => Study.Create(Source, "tiny.normlab", Options("shard0", validation: 0.5, shard: new Shard(0, 2))).Run());
        Assert.Contains("holds a study with other settings (--validation 0.25 --monitor val-loss vs --validation 0.5 --monitor val-loss: the folder's vs this one's)", reuse.Message, StringComparison.Ordinal);

        var tooBig = Assert.Throws<StudyException>(() => Study.Create(Source, "tiny.normlab", Options("big", validation: 48)).Run());
        Assert.Equal("--validation 48 asks for 48 of the 48 training images; leave at least one to train on", tooBig.Message);
        Assert.False(Directory.Exists(Path.Combine(_root, "big")));
        Assert.Throws<ArgumentException>(() => Study.Create(Source, "tiny.normlab", Options("odd", validation: 2.5)));
    }

    [Fact]
    public void A_study_trains_on_an_image_folder_of_pngs()
    {
        const string colour = """
            network Rgb(input: 3x6x5, classes: 2) {
                conv3x3(4) > relu > gap > linear(classes)
            }

            network Flat(input: 3x6x5, classes: 2) {
                flatten > linear(classes)
            }
            """;
        string images = Path.Combine(_root, "images");
        var random = new Random(3);
        foreach (var (set, count) in new[] { ("train", 12), ("test", 6) })
        {
            for (int i = 0; i < count; i++)
            {
                WritePng(Path.Combine(images, set, "blue", $"{i}.png"), new SKColor((byte)random.Next(60), (byte)random.Next(60), (byte)(150 + random.Next(100))));
                WritePng(Path.Combine(images, set, "red", $"{i}.png"), new SKColor((byte)(150 + random.Next(100)), (byte)random.Next(60), (byte)random.Next(60)));
            }
        }

        var model = NetworkBuilder.Check(colour, "colour.normlab", "Rgb");
        var options = new StudyOptions
        {
            Name = "colour",
            Seeds = 2,
            Epochs = 1,
            Training = TrainingFixtures.Fast(),
            DataName = "images",
            LoadData = () => StudyData.Load(images, network: model),
            OutputFolder = Path.Combine(_root, "colour"),
            Validation = 4,
        };
        var summary = Study.Create(colour, "colour.normlab", options).Run();

        var run = ReadRun(summary.Folder, "Flat", 2);
        Assert.Equal((20, 4, 12), (run.TrainExamples, run.ValidationExamples!.Value, run.TestExamples));
        Assert.Equal(12, run.TestPredictions!.Length);
        Assert.Equal(2, run.ConfusionMatrix!.Count);
        Assert.Equal(12, run.ConfusionMatrix.Sum(row => row.Sum()));
        Assert.True(File.Exists(Path.Combine(summary.Folder, SummaryJson.FileName)));

        // a grayscale network does not fit the colour images: the sizes are said before anything is trained or written
        var error = Assert.Throws<TrainingException>(() => Study.Create("network G(input: 1x6x5, classes: 2) { flatten > linear(classes) }", "g.normlab",
            options with { Name = "gray", OutputFolder = Path.Combine(_root, "gray") }).Run());
        Assert.Equal("network 'G' takes 1x6x5 input but images has 3x6x5 images", error.Message);
        Assert.False(Directory.Exists(Path.Combine(_root, "gray")));
    }

    /// <summary>A 5×6 PNG of one colour.</summary>
    private static void WritePng(string path, SKColor colour)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(5, 6, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        bitmap.Erase(colour);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    private sealed class SyncProgress(Action<StudyProgress> action) : IProgress<StudyProgress>
    {
        public void Report(StudyProgress value) => action(value);
    }
}
