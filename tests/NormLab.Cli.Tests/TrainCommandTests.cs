using System.Text.Json;
using NormLab.Cli.Commands;
using NormLab.Runtime.Training;

namespace NormLab.Cli.Tests;

/// <summary>
/// <c>normlab train</c> in-process. The runs are small (a linear classifier, one epoch on the embedded sample) so the
/// whole class takes seconds.
/// </summary>
public sealed class TrainCommandTests
{
    private const string Networks = """
        network Tiny(input: 1x28x28, classes: 10) {
            flatten > linear(classes)
        }

        network Colour(input: 3x32x32, classes: 10) {
            flatten > linear(classes)
        }

        network Deep(input: 1x28x28, classes: 10) {
            flatten > linear(64) > relu > linear(64) > relu > linear(classes)
        }
        """;

    [Fact]
    public void Trains_a_tiny_network_on_the_sample_and_writes_run_json_and_weights()
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);

        var result = Cli.RunIn(folder.Path, "train", "nets.normlab", "--network", "Tiny", "--epochs", "1", "--threads", "1");

        Assert.Equal(string.Empty, result.Stderr);
        Assert.Equal(0, result.ExitCode);
        var lines = result.StdoutLines;
        Assert.StartsWith("Training Tiny on mnist-sample (8,000 train / 2,000 test images): seed 1, cpu, adam lr 0.001, batch size 64, 1 epoch", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^epoch 1/1: train loss \d\.\d{4}, accuracy \d+\.\d\d% \| test loss \d\.\d{4}, accuracy \d+\.\d\d% \| \d+\.\d s, [\d,]+ images/s$", lines[1]);
        Assert.Equal("Epoch  Train loss  Train acc  Test loss  Test acc  Seconds  Images/s", lines[2]);
        Assert.Matches(@"^    1      \d\.\d{4}", lines[3]);
        Assert.Contains(lines, l => l.StartsWith("Test accuracy: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Reached: 97%: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Parameters: 7,850 ", StringComparison.Ordinal));
        Assert.Equal("Wrote runs/Tiny-seed1/run.json and runs/Tiny-seed1/model.bin", lines[^1]);

        var runFolder = Path.Combine(folder.Path, "runs", "Tiny-seed1");
        Assert.Equal("Also in runs/Tiny-seed1: metrics.csv, tensorboard/, confusion.png, last.ckpt", lines[^2]);
        Assert.Equal(
            new[] { "confusion.png", "confusion.svg", "last.ckpt", "metrics.csv", "model.bin", "run.json" },
            Directory.GetFiles(runFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
        Assert.Single(Directory.GetFiles(Path.Combine(runFolder, "tensorboard"), "events.out.tfevents.*"));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(runFolder, "metrics.csv")).Length);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(runFolder, "run.json")));
        var root = json.RootElement;
        Assert.Equal("Tiny", root.GetProperty("network").GetString());
        Assert.Equal("mnist-sample", root.GetProperty("data").GetString());
        Assert.Equal(1, root.GetProperty("seed").GetInt64());
        Assert.Equal(7850, root.GetProperty("parameters").GetInt64());
        Assert.Equal("model.bin", root.GetProperty("weights").GetString());
        Assert.Equal(1, root.GetProperty("epochs").GetArrayLength());
        Assert.InRange(root.GetProperty("testAccuracy").GetDouble(), 0.8, 1.0);
        Assert.Equal(2, root.GetProperty("health").GetArrayLength());
        Assert.True(new FileInfo(Path.Combine(runFolder, "model.bin")).Length > 7850 * 4);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(1, "Retried 1 step whose loss or gradients were not finite: run again from the same state, finite the second time")]
    [InlineData(3, "Retried 3 steps whose loss or gradients were not finite: run again from the same state, finite the second time")]
    public void The_summary_says_how_many_steps_were_retried_when_any_were(int? retried, string? expected)
    {
        var result = new RunResult { Network = "Tiny", Data = "mnist-sample", TestAccuracy = 0.9, TestLoss = 0.3, RetriedSteps = retried };
        var output = new StringWriter();

        TrainCommand.WriteSummary(output, result);

        var lines = output.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var retriedLines = lines.Where(l => l.StartsWith("Retried", StringComparison.Ordinal)).ToArray();
        if (expected is null)
        {
            Assert.Empty(retriedLines);
        }
        else
        {
            Assert.Equal(new[] { expected }, retriedLines);
            Assert.StartsWith("Test accuracy: ", lines[Array.IndexOf(lines, expected) - 1], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Options_reach_the_run()
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);

        var result = Cli.RunIn(folder.Path, "train", "nets.normlab", "-n", "Tiny", "--epochs", "1", "--seed", "3", "--optimizer", "sgd",
            "--lr", "0.05", "--batch-size", "128", "--schedule", "cosine", "--device", "cpu", "--out", "out/here", "--threads", "1");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Wrote out/here/run.json and out/here/model.bin", result.StdoutLines[^1]);
        var run = RunResult.FromJson(File.ReadAllText(Path.Combine(folder.Path, "out", "here", "run.json")));
        Assert.Equal(3, run.Seed);
        Assert.Equal(OptimizerKind.Sgd, run.Options.Optimizer);
        Assert.Equal(0.05, run.Options.LearningRate);
        Assert.Equal(128, run.Options.BatchSize);
        Assert.Equal(LearningRateSchedule.Cosine, run.Options.Schedule);
        Assert.Equal(63, run.Epochs[0].Steps);
        Assert.Equal(1, run.Threads);
    }

    [Fact]
    public void A_diverged_run_is_recorded_without_weights()
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);
        folder.Write("runs/Deep-seed1/model.bin", "the weights of an earlier run, which run.json would no longer describe");

        var result = Cli.RunIn(folder.Path, "train", "nets.normlab", "-n", "Deep", "--epochs", "2", "--optimizer", "sgd", "--lr", "1e6", "--threads", "1");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(result.StdoutLines, l => l.StartsWith("Diverged in epoch 1 at step ", StringComparison.Ordinal));
        Assert.Equal("Wrote runs/Deep-seed1/run.json (no weights: the run diverged)", result.StdoutLines[^1]);
        var runFolder = Path.Combine(folder.Path, "runs", "Deep-seed1");
        // no epoch finished: no checkpoint, no confusion matrix, and a metrics.csv with its header only
        Assert.Equal(new[] { "metrics.csv", "run.json" }, Directory.GetFiles(runFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
        Assert.Single(File.ReadAllLines(Path.Combine(runFolder, "metrics.csv")));
        var run = RunResult.FromJson(File.ReadAllText(Path.Combine(runFolder, "run.json")));
        Assert.NotNull(run.Diverged);
        Assert.Null(run.Weights);
    }

    [Fact]
    public void An_unknown_network_is_a_usage_error_listing_the_networks()
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);

        var result = Cli.RunIn(folder.Path, "train", "nets.normlab", "--network", "Nope");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Equal(new[] { "normlab: error: no network 'Nope' in nets.normlab; its networks are: Tiny, Colour, Deep" }, result.StderrLines);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "runs")));
    }

    [Fact]
    public void A_file_with_errors_exits_1_and_trains_nothing()
    {
        using var folder = new TempFolder();
        folder.Write("bad.normlab", "network Bad(input: 1x28x28, classes: 10) {\n    flatten > frobnicate > linear(classes)\n}\n");

        var result = Cli.RunIn(folder.Path, "train", "bad.normlab", "--network", "Bad");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Contains(result.StderrLines, l => l.StartsWith("bad.normlab(2,", StringComparison.Ordinal) && l.Contains(": error NL", StringComparison.Ordinal));
        Assert.Equal("normlab: error: bad.normlab has errors; nothing was trained", result.StderrLines[^1]);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "runs")));
    }

    [Fact]
    public void A_missing_data_folder_is_one_line()
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);

        var result = Cli.RunIn(folder.Path, "train", "nets.normlab", "-n", "Tiny", "--data", "no/such/folder");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("normlab: error: no data folder no/such/folder (--data takes mnist-sample, mnist, fashion-mnist, kmnist or a folder holding ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_that_does_not_fit_the_network_is_one_line()
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);

        var result = Cli.RunIn(folder.Path, "train", "nets.normlab", "-n", "Colour");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(new[] { "normlab: error: network 'Colour' takes 3x32x32 input but mnist-sample has 1x28x28 images" }, result.StderrLines);
    }

    [SkippableFact]
    public void Cuda_without_cuda_is_one_line()
    {
        Skip.If(Devices.CudaAvailable, "CUDA is available: the error for its absence cannot be seen here");

        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);

        var result = Cli.RunIn(folder.Path, "train", "nets.normlab", "-n", "Tiny", "--device", "cuda");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("normlab: error: CUDA was requested but is not available", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--optimizer", "rmsprop")]
    [InlineData("--device", "tpu")]
    [InlineData("--epochs", "0")]
    [InlineData("--batch-size", "-1")]
    [InlineData("--lr", "0")]
    [InlineData("--schedule", "linear")]
    public void Bad_values_are_usage_errors(string option, string value)
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);

        var result = Cli.RunIn(folder.Path, "train", "nets.normlab", "-n", "Tiny", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.EndsWith("Run 'normlab train --help' for usage.", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public void The_network_option_is_required()
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);

        var result = Cli.RunIn(folder.Path, "train", "nets.normlab");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--network", result.Stderr, StringComparison.Ordinal);
    }
}
