using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NormLab.Studies.Reports;

namespace NormLab.Cli.Tests;

/// <summary>
/// The real <c>normlab study</c> executable on 2 tiny networks × 3 seeds × 1 epoch of 1,000 sample images (the
/// convolution's runs take a few tenths of a second, so a study killed after the first run file of the linear network
/// surely has runs left to do): an
/// uninterrupted study (once, shared), a study killed after its first run file and started again, and two shards
/// merged. Every training runs in a child process (libtorch's generator and thread count are global, and other
/// test classes train in this process); merging trains nothing, so it runs in-process.
/// </summary>
public sealed class StudyCommandTests(StudyCommandTests.StraightStudy straight) : IClassFixture<StudyCommandTests.StraightStudy>
{
    public const string Networks = """
        network Linear(input: 1x28x28, classes: 10) {
            flatten > linear(classes)
        }

        network Conv(input: 1x28x28, classes: 10) {
            conv3x3(8) > bn > relu > maxpool > flatten > linear(classes)
        }
        """;

    /// <summary>The study every test runs, less <c>--out</c>.</summary>
    public static readonly string[] StudyArguments =
    {
        "study", "nets.normlab", "--seeds", "3", "--epochs", "1", "--limit-train", "1000", "--limit-test", "200", "--threads", "1",
        "--jobs", "1",
    };

    /// <summary>One uninterrupted study in <see cref="Folder"/>/straight, the reference of the other tests.</summary>
    public sealed class StraightStudy : IAsyncLifetime
    {
        internal TempFolder Folder { get; } = new();

        public string Summary { get; private set; } = string.Empty;

        public string[] Runs { get; private set; } = Array.Empty<string>();

        public async Task InitializeAsync()
        {
            Folder.Write("nets.normlab", Networks);
            var result = await RunProcess(Folder.Path, StudyArguments.Append("--out").Append("straight").ToArray());
            Assert.True(result.ExitCode == 0, result.Stderr);
            Summary = File.ReadAllText(Path.Combine(Folder.Path, "straight", SummaryJson.FileName));
            Runs = File.ReadAllLines(Path.Combine(Folder.Path, "straight", RunsCsv.FileName));
        }

        public Task DisposeAsync()
        {
            Folder.Dispose();
            return Task.CompletedTask;
        }
    }

    [Fact]
    public void An_uninterrupted_study_writes_its_runs_and_report()
    {
        string folder = Path.Combine(straight.Folder.Path, "straight");

        Assert.Equal(new[] { "seed-1.json", "seed-2.json", "seed-3.json" }, Directory.GetFiles(Path.Combine(folder, "runs", "Conv")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
        foreach (var file in new[] { "study.json", "summary.json", "runs.csv", "report.md", "plots/test-accuracy.png", "plots/final-accuracy.svg", "plots/health-dead-channels.png" })
            Assert.True(new FileInfo(Path.Combine(folder, file)).Length > 100, file);
        using var summary = JsonDocument.Parse(straight.Summary);
        Assert.Equal("nets", summary.RootElement.GetProperty("study").GetString());
        Assert.Equal("mnist-sample (1000 train / 200 test)", summary.RootElement.GetProperty("data").GetString());
        Assert.Equal(new[] { "Linear", "Conv" }, summary.RootElement.GetProperty("networks").EnumerateArray().Select(n => n.GetProperty("name").GetString()).ToArray());
        Assert.Equal(1 + 6, straight.Runs.Length);
        Assert.Contains("Conv vs Linear", File.ReadAllText(Path.Combine(folder, "report.md")).Replace("**", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_killed_study_resumes_and_reports_what_an_uninterrupted_one_does()
    {
        string root = straight.Folder.Path;
        string runs = Path.Combine(root, "resumed", "runs");
        using (var process = Process.Start(Start(root, StudyArguments.Append("--out").Append("resumed").ToArray()))!)
        {
            _ = process.StandardError.ReadToEndAsync();
            WaitForFirstRun(process);
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        var kept = Directory.GetFiles(runs, "seed-*.json", SearchOption.AllDirectories);
        Assert.InRange(kept.Length, 1, 5);
        foreach (var file in kept)
            Assert.NotNull(Runtime.Training.RunResult.FromJson(File.ReadAllText(file)));
        Assert.False(File.Exists(Path.Combine(root, "resumed", SummaryJson.FileName)));

        var resumed = await RunProcess(root, StudyArguments.Append("--out").Append("resumed").ToArray());

        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Equal(kept.Length, resumed.StdoutLines.Count(l => l.Contains(": already done (test accuracy ", StringComparison.Ordinal)));
        Assert.Equal(SummaryJson.WithoutMeasuredFields(straight.Summary), SummaryJson.WithoutMeasuredFields(File.ReadAllText(Path.Combine(root, "resumed", SummaryJson.FileName))));
        Assert.Equal(WithoutMeasuredColumns(straight.Runs), WithoutMeasuredColumns(File.ReadAllLines(Path.Combine(root, "resumed", RunsCsv.FileName))));
    }

    /// <summary>A real Ctrl+C (SIGINT, so Linux and macOS only): the study stops, keeps its finished runs and says how to go on.</summary>
    [Fact]
    public async Task Ctrl_c_stops_the_study_and_keeps_the_finished_runs()
    {
        if (OperatingSystem.IsWindows())
            return;
        string root = straight.Folder.Path;
        string runs = Path.Combine(root, "interrupted", "runs");
        var start = Start(root, StudyArguments.Append("--out").Append("interrupted").ToArray());
        // libtorch's own convolution kernels, as every run here used before oneDNN was kept on where it is right: with
        // oneDNN the five runs after the first can end before a loaded machine delivers the signal (exit code 0)
        start.Environment["NORMLAB_MKLDNN"] = "0";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string first = WaitForFirstRun(process);
        Platform.Interrupt(process.Id);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(130, process.ExitCode);
        string error = await stderr;
        Assert.Matches(@"^normlab: error: study stopped: [1-5] of 6 runs are done and kept in interrupted; run the same command again to go on \(the run in progress goes on from its last finished epoch\)\n$", error);
        var kept = Directory.GetFiles(runs, "seed-*.json", SearchOption.AllDirectories);
        Assert.InRange(kept.Length, 1, 5);
        Assert.All(kept, f => Runtime.Training.RunResult.FromJson(File.ReadAllText(f)));
        Assert.Empty(Directory.GetFiles(Path.Combine(root, "interrupted"), ".normlab-*", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(root, "interrupted", SummaryJson.FileName)));
        Assert.StartsWith("[1/6] Linear seed 1: test accuracy ", first, StringComparison.Ordinal);
        Assert.DoesNotContain("Wrote ", await stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>--jobs 2</c> with 2 threads: two processes side by side, one thread each, so every run is the one-thread run of
    /// the straight study and the report is the same.
    /// </summary>
    [Fact]
    public async Task Jobs_side_by_side_report_what_one_job_does()
    {
        string root = straight.Folder.Path;
        string[] arguments = StudyArguments.Where((a, i) => i < StudyArguments.Length - 4).Concat(new[] { "--threads", "2", "--jobs", "2", "--out", "jobs" }).ToArray();
        var result = await RunProcess(root, arguments);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("Study nets: 6 of 6 runs to train, 2 jobs side by side, 1 thread each → jobs", result.StdoutLines[0]);
        // the jobs take the runs from one queue: every run is trained once, by one job or the other
        var trained = result.StdoutLines.Where(l => (l.StartsWith("[job 1] [", StringComparison.Ordinal) || l.StartsWith("[job 2] [", StringComparison.Ordinal)) && l.Contains(": test accuracy ", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf("] [", StringComparison.Ordinal) + 2)..l.IndexOf(':', StringComparison.Ordinal)])
            .Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "[1/6] Linear seed 1", "[2/6] Linear seed 2", "[3/6] Linear seed 3", "[4/6] Conv seed 1", "[5/6] Conv seed 2", "[6/6] Conv seed 3" }, trained);
        Assert.DoesNotContain(result.StdoutLines, l => l.Contains("already done", StringComparison.Ordinal));
        Assert.Equal(SummaryJson.WithoutMeasuredFields(straight.Summary), SummaryJson.WithoutMeasuredFields(File.ReadAllText(Path.Combine(root, "jobs", SummaryJson.FileName))));
        Assert.Equal(WithoutMeasuredColumns(straight.Runs), WithoutMeasuredColumns(File.ReadAllLines(Path.Combine(root, "jobs", RunsCsv.FileName))));
        Assert.Equal(
            File.ReadAllText(Path.Combine(root, "straight", "study.json")).Replace("straight", "jobs", StringComparison.Ordinal),
            File.ReadAllText(Path.Combine(root, "jobs", "study.json")).Replace("straight", "jobs", StringComparison.Ordinal));

        var again = await RunProcess(root, arguments);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(6, again.StdoutLines.Count(l => l.Contains(": already done (test accuracy ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Shards_merged_give_the_summary_of_the_whole_study()
    {
        string root = straight.Folder.Path;
        var shards = await Task.WhenAll(
            RunProcess(root, StudyArguments.Concat(new[] { "--out", "shard-0", "--shard", "0/2" }).ToArray()),
            RunProcess(root, StudyArguments.Concat(new[] { "--out", "shard-1", "--shard", "1/2" }).ToArray()));

        Assert.All(shards, s => Assert.True(s.ExitCode == 0, s.Stderr));
        Assert.StartsWith("Study nets: 2 networks × 3 seeds = 6 runs (shard 0/2: 3 runs), 1 epoch each on mnist-sample (1000 train / 200 test), cpu → shard-0", shards[0].StdoutLines[0], StringComparison.Ordinal);
        Assert.Equal("Shard 1/2 done: 3 runs trained, 0 already there. When every shard is done: normlab study merge shard-1 ...", shards[1].StdoutLines[^1]);
        Assert.False(File.Exists(Path.Combine(root, "shard-0", SummaryJson.FileName)));

        var merged = Cli.RunIn(root, "study", "merge", "shard-0", "shard-1", "--out", "merged");

        Assert.True(merged.ExitCode == 0, merged.Stderr);
        Assert.Equal("Merged 2 folders: 6 runs (6 copied into merged)", merged.StdoutLines[0]);
        Assert.Equal("Wrote merged/report.md, summary.json, runs.csv and 10 plot files in merged/plots", merged.StdoutLines[^1]);
        Assert.Equal(SummaryJson.WithoutMeasuredFields(straight.Summary), SummaryJson.WithoutMeasuredFields(File.ReadAllText(Path.Combine(root, "merged", SummaryJson.FileName))));
        Assert.Equal(WithoutMeasuredColumns(straight.Runs), WithoutMeasuredColumns(File.ReadAllLines(Path.Combine(root, "merged", RunsCsv.FileName))));

        var incomplete = Cli.RunIn(root, "study", "merge", "shard-1", "--out", "half");
        Assert.Equal(2, incomplete.ExitCode);
        Assert.Equal("normlab: error: 3 of 6 runs are missing: Linear seed 1, Linear seed 3, Conv seed 2 (run the shards that own them, then merge again)", incomplete.StderrLines.Single());
        Assert.False(Directory.Exists(Path.Combine(root, "half")));

        // --partial: a look at a study in progress, from the runs there are, marked incomplete
        var partial = Cli.RunIn(root, "study", "merge", "shard-1", "--out", "half", "--partial");
        Assert.True(partial.ExitCode == 0, partial.Stderr);
        Assert.Equal("Merged 1 folder: 3 runs (3 copied into half)", partial.StdoutLines[0]);
        Assert.Contains("Incomplete: 3 runs are missing from the report; its figures and verdicts may change when they land.", partial.StdoutLines);
        Assert.Contains("> **Incomplete:** 3 of 6 runs are missing; the figures below use the runs found.", File.ReadAllText(Path.Combine(root, "half", "report.md")), StringComparison.Ordinal);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(root, "half", "runs"), "*.json", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public void Usage_errors_are_one_line_and_exit_2()
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);

        var unknown = Cli.RunIn(folder.Path, "study", "nets.normlab", "--networks", "Linear,Nope");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal("normlab: error: no network 'Nope' in nets.normlab; its networks are: Linear, Conv", unknown.StderrLines.Single());

        var shard = Cli.RunIn(folder.Path, "study", "nets.normlab", "--shard", "2/2");
        Assert.Equal(2, shard.ExitCode);
        Assert.StartsWith("normlab: error: shard 2/2: n must be at least 1 and i must lie in 0..n-1", shard.StderrLines[0], StringComparison.Ordinal);

        var param = Cli.RunIn(folder.Path, "study", "nets.normlab", "--param", "width");
        Assert.Equal(2, param.ExitCode);
        Assert.Contains("--param expects NAME=V1,V2,... with numbers (got 'width').", param.Stderr, StringComparison.Ordinal);

        var noStudy = Cli.RunIn(folder.Path, "study", "merge", ".");
        Assert.Equal(2, noStudy.ExitCode);
        Assert.Equal("normlab: error: " + folder.Path + " is not a study folder (no study.json)", noStudy.StderrLines.Single());

        var missing = Cli.RunIn(folder.Path, "study", "nope.normlab");
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal("normlab: error: no such file or directory: nope.normlab", missing.StderrLines.Single());
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "studies")));
    }

    /// <summary>
    /// Shards' <c>study.json</c> written by hand or by an attacker: names that climb out of <c>--out</c>, nulls, wrong
    /// types, names equal but for case. Each is one line naming the file and the field, exit code 2, and nothing is
    /// written anywhere (the merge reads everything before it writes).
    /// </summary>
    [Theory]
    [InlineData("[{0}\"name\": \"../../../escaped\", \"network\": \"../../../escaped\"{1}]", "'networks[0].network' must be a network name (letters, digits and _, not starting with a digit), got '../../../escaped'")]
    [InlineData("[{0}\"name\": \"../../escaped\", \"network\": \"Linear\"{1}]", "'networks[0].name' must be its network's name 'Linear' (letters, digits and _, not starting with a digit), got '../../escaped'")]
    [InlineData("null", "'networks' must be a list of networks, got null")]
    [InlineData("[null]", "'networks[0]' must be an object, got null")]
    [InlineData("{{}}", "'networks' must be a list of networks, got an object")]
    [InlineData("[{0}\"name\": 7, \"network\": \"Linear\"{1}]", "'networks[0].name' must be a string, got 7")]
    public void Merge_refuses_a_crafted_study_json_with_one_line_and_writes_nothing(string networks, string problem)
    {
        using var folder = new TempFolder();
        string valid = File.ReadAllText(Path.Combine(straight.Folder.Path, "straight", "study.json"));
        var json = System.Text.Json.Nodes.JsonNode.Parse(valid)!.AsObject();
        string row = """{"hyperParameters": {}, "parameters": 7850, "fingerprint": "0123456789abcdef", """;
        string text = string.Format(CultureInfo.InvariantCulture, networks, row, "}");
        json["networks"] = System.Text.Json.Nodes.JsonNode.Parse(text);
        folder.Write("work/shards/a/study.json", json.ToJsonString());
        folder.Write("work/shards/a/runs/Linear/seed-1.json", "{}");
        var before = Directory.GetFileSystemEntries(folder.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

        var result = Cli.RunIn(Path.Combine(folder.Path, "work"), "study", "merge", "shards/a", "--out", "out/merged");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("normlab: error: " + Path.Combine(folder.Path, "work", "shards", "a", "study.json") + ": " + problem, result.StderrLines.Single());
        Assert.Equal(before, Directory.GetFileSystemEntries(folder.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Merge_refuses_names_that_differ_only_in_case()
    {
        using var folder = new TempFolder();
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(straight.Folder.Path, "straight", "study.json")))!.AsObject();
        json["networks"]![1]!["name"] = "linear";
        json["networks"]![1]!["network"] = "linear";
        folder.Write("a/study.json", json.ToJsonString());

        var result = Cli.RunIn(folder.Path, "study", "merge", "a", "--out", "merged");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"normlab: error: {Path.Combine(folder.Path, "a", "study.json")}: 'networks' names 'Linear' and 'linear', which differ only in case (they would share a folder on case-insensitive file systems); rename one", result.StderrLines.Single());
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "merged")));
    }

    [Fact]
    public void A_study_whose_data_cannot_load_leaves_no_study_json()
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);
        folder.Write("broken/train-images-idx3-ubyte", "not an IDX file");

        var result = Cli.RunIn(folder.Path, "study", "nets.normlab", "--data", "broken", "--seeds", "1", "--out", "study");

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.StderrLines);
        Assert.StartsWith("normlab: error: ", result.StderrLines[0], StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "study")));
    }

    [Fact]
    public void Help_shows_the_options_but_not_the_hidden_ones()
    {
        var help = Cli.Run("study", "--help");

        Assert.Equal(0, help.ExitCode);
        foreach (var option in new[] { "--networks", "--seeds", "--epochs", "--out", "--shard", "--baseline", "--param", "--validation", "--monitor", "--jobs", "merge" })
            Assert.Contains(option, help.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("--limit-train", help.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, Cli.Run("study", "merge", "--help").ExitCode);
    }

    [Fact]
    public async Task Two_jobs_train_a_study_on_cifar10_files_with_a_validation_set()
    {
        using var folder = new TempFolder();
        folder.Write("colour.normlab", """
            network Flat(input: 3x32x32, classes: 10) {
                flatten > linear(classes)
            }

            network Pooled(input: 3x32x32, classes: 10) {
                conv3x3(4) > relu > gap > linear(classes)
            }
            """);
        // CIFAR-10's binary format: records of 1 label byte and 3,072 pixel bytes (red, green, blue planes of 32×32)
        Directory.CreateDirectory(Path.Combine(folder.Path, "cifar"));
        File.WriteAllBytes(Path.Combine(folder.Path, "cifar", "data_batch_1.bin"), Enumerable.Range(0, 60).SelectMany(i => CifarRecord(i % 10, i)).ToArray());
        File.WriteAllBytes(Path.Combine(folder.Path, "cifar", "test_batch.bin"), Enumerable.Range(0, 10).SelectMany(i => CifarRecord(i, 100 + i)).ToArray());

        var result = await RunProcess(folder.Path, new[]
        {
            "study", "colour.normlab", "--data", "cifar", "--seeds", "2", "--epochs", "1", "--validation", "0.2", "--monitor", "val-accuracy",
            "--threads", "2", "--jobs", "2", "--out", "study",
        });

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("2 jobs side by side, 1 thread each", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("on cifar (validation 0.2 of the training data; each run reports its best epoch by validation accuracy)", result.Stdout, StringComparison.Ordinal);
        foreach (var network in new[] { "Flat", "Pooled" })
        {
            foreach (int seed in new[] { 1, 2 })
            {
                using var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.Path, "study", "runs", network, $"seed-{seed}.json")));
                var root = run.RootElement;
                Assert.Equal((48, 12, 10), (root.GetProperty("trainExamples").GetInt32(), root.GetProperty("validationExamples").GetInt32(), root.GetProperty("testExamples").GetInt32()));
                Assert.Equal("validationAccuracy", root.GetProperty("selected").GetProperty("by").GetString());
                Assert.Equal(10, root.GetProperty("testPredictions").GetString()!.Length);
                Assert.Equal("cifar", root.GetProperty("data").GetString());
            }
        }
        Assert.Contains("`--validation 0.2 --monitor val-accuracy`", File.ReadAllText(Path.Combine(folder.Path, "study", "report.md")), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(folder.Path, "study"), "*.bin", SearchOption.AllDirectories));
    }

    private static byte[] CifarRecord(int label, int image)
    {
        var record = new byte[3073];
        record[0] = (byte)label;
        for (int c = 0; c < 3; c++)
        {
            for (int i = 0; i < 1024; i++)
                record[1 + c * 1024 + i] = (byte)((label * 25 + c * 40 + (image + i) % 32) % 256);
        }
        return record;
    }

    /// <summary>
    /// Reads the study's output until the line of its first finished run, which it prints (and flushes) right after
    /// writing the run file; the other runs are still to come (the convolution's take tenths of a second each). Reads
    /// synchronously, so the test reacts within microseconds whatever the thread pool is doing; a study that prints
    /// nothing for 90 s is killed.
    /// </summary>
    private static string WaitForFirstRun(Process process)
    {
        using var watchdog = new Timer(_ => process.Kill(entireProcessTree: true), null, TimeSpan.FromSeconds(90), Timeout.InfiniteTimeSpan);
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            if (line.StartsWith("[1/6] ", StringComparison.Ordinal))
                return line;
        }
        throw new Xunit.Sdk.XunitException("the study printed no finished run (it ended or hung)");
    }

    /// <summary>The rows without the columns that are measured (throughput and time).</summary>
    private static string[] WithoutMeasuredColumns(string[] lines)
    {
        var header = lines[0].Split(',');
        var keep = Enumerable.Range(0, header.Length).Where(i => header[i] is not "imagesPerSecond" and not "elapsedSeconds").ToArray();
        return lines.Select(l => string.Join(",", keep.Select(i => l.Split(',')[i]))).ToArray();
    }

    internal static ProcessStartInfo Start(string folder, string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        return start;
    }

    private static Task<CliResult> RunProcess(string folder, string[] arguments) => RunProcess(Start(folder, arguments));

    /// <summary>Runs <c>normlab</c> as <paramref name="start"/> says, reading both streams; killed after 240 s.</summary>
    internal static async Task<CliResult> RunProcess(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new CliResult(process.ExitCode, (await stdout).Replace("\r\n", "\n", StringComparison.Ordinal), await stderr);
    }
}
