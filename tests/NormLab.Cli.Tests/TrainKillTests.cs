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
        Assert.Equal(new[] { "model.bin", "run.json" }, Directory.GetFiles(run).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(7, RunResult.FromJson(File.ReadAllText(Path.Combine(run, "run.json"))).Seed);
        _ = temporarySeen; // how many kills hit a write varies with the machine; the invariant holds either way
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

    private static async Task<int> RunToEnd(string folder, string seed)
    {
        using var process = Process.Start(Start(folder, seed))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await WaitOrKill(process, TimeSpan.FromSeconds(240));
        Assert.True(process.ExitCode == 0, await stderr + await stdout);
        return process.ExitCode;
    }

    private static ProcessStartInfo Start(string folder, string seed) =>
        StudyCommandTests.Start(folder, Train.Append("--seed").Append(seed).ToArray());
}
