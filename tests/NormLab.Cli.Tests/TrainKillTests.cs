using System.Diagnostics;
using NormLab.Runtime.Training;

namespace NormLab.Cli.Tests;

/// <summary>
/// The real <c>normlab train</c>, killed again and again while it writes its outputs into a folder that already holds
/// a run: after every kill the folder holds the old pair, the new pair, or weights without <c>run.json</c>, never a
/// <c>run.json</c> beside weights that are not its own (its <c>weightsSha256</c> says which are); the temporary files a
/// kill leaves are deleted by the next start in the folder.
/// </summary>
public sealed class TrainKillTests
{
    private const string Network = """
        network Tiny(input: 1x28x28, classes: 10) {
            flatten > linear(classes)
        }
        """;

    private static readonly string[] Train = { "train", "nets.normlab", "-n", "Tiny", "--epochs", "1", "--threads", "1", "--batch-size", "256", "--out", "run" };

    [Fact]
    public async Task A_killed_train_never_leaves_a_run_json_beside_weights_of_another_run()
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Network);
        string run = Path.Combine(folder.Path, "run");
        Assert.Equal(0, await RunToEnd(folder.Path, "1"));
        Check(run, expectPair: true);

        var random = new Random(20240611);
        int temporarySeen = 0;
        for (int i = 0; i < 8; i++)
        {
            string seed = (2 + i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var process = Process.Start(Start(folder.Path, seed))!;
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (i % 2 == 0)
            {
                // the moment the weights' temporary file (or any output) appears in the folder
                using var watcher = new FileSystemWatcher(run) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite };
                watcher.Created += (_, _) => Kill(process);
                watcher.Renamed += (_, _) => Kill(process);
                watcher.Deleted += (_, _) => Kill(process);
                watcher.EnableRaisingEvents = true;
                await WaitOrKill(process, TimeSpan.FromSeconds(120));
            }
            else
            {
                await Task.Delay(random.Next(200, 4000));
                Kill(process);
                await WaitOrKill(process, TimeSpan.FromSeconds(120));
            }
            temporarySeen += Directory.GetFiles(run, AtomicFile.TemporaryPattern).Length;
            Check(run, expectPair: false);
        }

        File.WriteAllText(Path.Combine(run, ".normlab-model.bin.0123456789.tmp"), "half the weights of a killed run");
        Assert.Equal(0, await RunToEnd(folder.Path, "7"));
        Check(run, expectPair: true);
        Assert.Equal(
            new[] { "confusion.png", "confusion.svg", "last.ckpt", "metrics.csv", "model.bin", "run.json" },
            Directory.GetFiles(run).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(7, RunResult.FromJson(File.ReadAllText(Path.Combine(run, "run.json"))).Seed);
        _ = temporarySeen; // how many kills hit a write varies with the machine; the invariant holds either way
    }

    private const string Resumable = """
        network Small(input: 1x28x28, classes: 10) {
            conv3x3(8) > bn > relu > maxpool > flatten > dropout(0.3) > linear(classes)
        }
        """;

    /// <summary>
    /// The real <c>normlab train</c> killed in the middle of an epoch (after the first epoch's checkpoint), then run again
    /// with <c>--resume</c>: run.json's figures, the weights and the best epoch's weights are exactly those of a run that was
    /// never stopped. Batch norm (buffers), dropout (the generator) and Adam (moments, step counts) all carry state.
    /// </summary>
    [Fact]
    public async Task A_train_killed_mid_epoch_and_resumed_ends_exactly_like_an_uninterrupted_one()
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Resumable);
        string[] train = { "train", "nets.normlab", "-n", "Small", "--epochs", "3", "--threads", "1", "--validation", "0.1", "--seed", "5" };
        Assert.Equal(0, await RunToEnd(folder.Path, train.Concat(new[] { "--out", "whole" }).ToArray()));

        string[] killed = train.Concat(new[] { "--out", "killed" }).ToArray();
        using (var process = Process.Start(StudyCommandTests.Start(folder.Path, killed))!)
        {
            _ = process.StandardError.ReadToEndAsync();
            // the first epoch's line comes after its checkpoint is written; a moment later the second epoch is under way
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("epoch 1/3:", StringComparison.Ordinal))
                    break;
            }
            await Task.Delay(150);
            Kill(process);
            await WaitOrKill(process, TimeSpan.FromSeconds(60));
        }

        string run = Path.Combine(folder.Path, "killed");
        Assert.False(File.Exists(Path.Combine(run, "run.json")));
        int checkpointEpoch = Checkpoint.ReadState(Path.Combine(run, "last.ckpt")).Epoch;
        Assert.InRange(checkpointEpoch, 1, 2);

        Assert.Equal(0, await RunToEnd(folder.Path, killed.Append("--resume").ToArray()));

        var whole = RunResult.FromJson(File.ReadAllText(Path.Combine(folder.Path, "whole", "run.json")));
        var resumed = RunResult.FromJson(File.ReadAllText(Path.Combine(run, "run.json")));
        Assert.Null(whole.ResumedAfterEpoch);
        Assert.Equal(checkpointEpoch, resumed.ResumedAfterEpoch);
        Assert.Equal(Figures(whole), Figures(resumed));
        foreach (string weights in new[] { "model.bin", "best.bin" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(folder.Path, "whole", weights)), File.ReadAllBytes(Path.Combine(run, weights)));
        Assert.Equal(new[] { "1", "2", "3" }, File.ReadAllLines(Path.Combine(run, "metrics.csv")).Skip(1).Select(l => l.Split(',')[0]));
    }

    /// <summary>run.json without what depends on the clock (times, throughput) and on having been resumed.</summary>
    private static string Figures(RunResult run)
    {
        var timeless = run with
        {
            Epochs = run.Epochs.Select(e => e with { Seconds = 0, TrainSeconds = 0, ImagesPerSecond = 0 }).ToArray(),
            ElapsedSeconds = 0,
            ImagesPerSecond = 0,
            ResumedAfterEpoch = null,
        };
        return timeless.ToJson();
    }

    /// <summary>run.json, when there, names model.bin, and model.bin's SHA-256 is the one it recorded.</summary>
    private static void Check(string folder, bool expectPair)
    {
        string runJson = Path.Combine(folder, "run.json");
        if (!File.Exists(runJson))
        {
            Assert.False(expectPair, "no run.json after a finished run");
            return;
        }
        var run = RunResult.FromJson(File.ReadAllText(runJson));
        Assert.Equal("model.bin", run.Weights);
        Assert.NotNull(run.WeightsSha256);
        Assert.True(RunFiles.CheckWeights(folder, run, out var problem), problem);
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static async Task WaitOrKill(Process process, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }
    }

    private static Task<int> RunToEnd(string folder, string seed) => RunToEnd(folder, Train.Append("--seed").Append(seed).ToArray());

    private static async Task<int> RunToEnd(string folder, string[] arguments)
    {
        using var process = Process.Start(StudyCommandTests.Start(folder, arguments))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await WaitOrKill(process, TimeSpan.FromSeconds(240));
        Assert.True(process.ExitCode == 0, await stderr + await stdout);
        return process.ExitCode;
    }

    private static ProcessStartInfo Start(string folder, string seed) =>
        StudyCommandTests.Start(folder, Train.Append("--seed").Append(seed).ToArray());
}
