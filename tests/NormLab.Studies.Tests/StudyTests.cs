using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using NormLab.Runtime.Tests.Training;
using NormLab.Studies.Reports;
using Xunit;

namespace NormLab.Studies.Tests;

/// <summary>Real studies of tiny networks on the synthetic 8x8 task (each run takes milliseconds).</summary>
[Collection(TrainingCollection.Name)]
public sealed class StudyTests : IDisposable
{
    private const string Source = """
        network Tiny(input: 1x8x8, classes: 4) {
            conv3x3(4) > bn > relu > maxpool > flatten > linear(classes)
        }

        network Dense(input: 1x8x8, classes: 4) {
            flatten > linear(16) > bn > relu > linear(classes)
        }

        network Wide(input: 1x8x8, classes: 4, width: 4) {
            conv3x3(width) > relu > gap > linear(classes)
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

    private StudyOptions Options(string folder, Shard? shard = null, int seeds = 3, int epochs = 1) => new()
    {
        Name = "tiny",
        Networks = new[] { "Tiny", "Dense" },
        Seeds = seeds,
        Epochs = epochs,
        Training = TrainingFixtures.Fast(),
        DataName = "synthetic",
        LoadData = () => TrainingFixtures.SyntheticSplit(),
        OutputFolder = Path.Combine(_root, folder),
        Shard = shard,
    };

    private static string Summary(string folder) => SummaryJson.WithoutMeasuredFields(File.ReadAllText(Path.Combine(folder, SummaryJson.FileName)));

    private static string[] RunFiles(string folder) =>
        Directory.Exists(Path.Combine(folder, "runs"))
            ? Directory.GetFiles(Path.Combine(folder, "runs"), "*.json", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(folder, p).Replace('\\', '/')).Order(StringComparer.Ordinal).ToArray()
            : Array.Empty<string>();

    [Fact]
    public void The_grid_is_network_major_and_shards_take_every_nth_cell()
    {
        var study = Study.Create(Source, "tiny.normlab", Options("grid"));

        Assert.Equal(new[] { "Tiny 1", "Tiny 2", "Tiny 3", "Dense 1", "Dense 2", "Dense 3" }, study.Cells.Select(c => $"{c.Network} {c.Seed}").ToArray());
        Assert.Equal(Enumerable.Range(0, 6), study.Cells.Select(c => c.Index));
        Assert.Equal("runs/Dense/seed-2.json", study.Cells[4].RelativePath.Replace('\\', '/'));
        Assert.Equal("Tiny", study.Definition.Baseline);
        Assert.Equal(new[] { 1, 5 }, Study.Create(Source, "tiny.normlab", Options("grid", new Shard(1, 4))).OwnCells.Select(c => c.Index));
        Assert.Equal(new[] { 0, 2, 4 }, Study.Create(Source, "tiny.normlab", Options("grid", new Shard(0, 2))).OwnCells.Select(c => c.Index));

        Assert.True(Shard.TryParse("3/8", out var shard, out _));
        Assert.Equal(new Shard(3, 8), shard);
        Assert.False(Shard.TryParse("8/8", out _, out var error));
        Assert.Contains("0..n-1", error, StringComparison.Ordinal);
        Assert.False(Shard.TryParse("1-4", out _, out _));
    }

    [Fact]
    public void Hyper_parameter_values_are_a_third_axis()
    {
        var options = Options("sweep") with
        {
            Networks = new[] { "Wide" },
            HyperParameters = new[] { new HyperParameterAxis("width", new[] { 2.0, 8.0 }) },
            Baseline = "Wide",
        };

        var study = Study.Create(Source, "tiny.normlab", options);

        Assert.Equal(new[] { "Wide@width=2", "Wide@width=8" }, study.Definition.Networks.Select(n => n.Name).ToArray());
        Assert.Equal("Wide@width=2", study.Definition.Baseline);
        Assert.Equal(2 * 9 + 2 + 2 * 4 + 4, study.Definition.Networks[0].Parameters);
        Assert.NotEqual(study.Definition.Networks[0].Fingerprint, study.Definition.Networks[1].Fingerprint);
        Assert.Equal(6, study.Cells.Count);

        var error = Assert.Throws<StudyException>(() => Study.Create(Source, "tiny.normlab", options with { Networks = new[] { "Wide", "Tiny" } }));
        Assert.Equal("network 'Tiny' has no hyper-parameter 'width' (it has: none)", error.Message);
    }

    [Fact]
    public void Unknown_networks_and_baselines_are_errors()
    {
        var unknown = Assert.Throws<StudyException>(() => Study.Create(Source, "tiny.normlab", Options("x") with { Networks = new[] { "Tiny", "Nope" } }));
        Assert.Equal("no network 'Nope' in tiny.normlab; its networks are: Tiny, Dense, Wide", unknown.Message);
        var baseline = Assert.Throws<StudyException>(() => Study.Create(Source, "tiny.normlab", Options("x") with { Baseline = "Wide" }));
        Assert.StartsWith("the baseline 'Wide' is not one of the study's networks", baseline.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Networks_whose_names_differ_only_in_case_are_refused()
    {
        const string twins = """
            network Net(input: 1x8x8, classes: 4) {
                flatten > linear(classes)
            }

            network net(input: 1x8x8, classes: 4) {
                flatten > linear(classes)
            }
            """;

        var error = Assert.Throws<StudyException>(() => Study.Create(twins, "twins.normlab", Options("twins") with { Networks = null }));

        Assert.Equal("networks 'Net' and 'net' differ only in case; they would share a folder on case-insensitive file systems: rename one, or study them apart", error.Message);
    }

    [Fact]
    public void A_study_whose_data_cannot_load_leaves_nothing_behind()
    {
        var options = Options("no-data") with { LoadData = () => throw new NormLab.Runtime.Data.DataSetException("nowhere", "folder not found") };
        var study = Study.Create(Source, "tiny.normlab", options);

        Assert.Throws<NormLab.Runtime.Data.DataSetException>(() => study.Run());

        Assert.False(Directory.Exists(options.OutputFolder));
        var fixedRun = Study.Create(Source, "tiny.normlab", Options("no-data", seeds: 1) with { Networks = new[] { "Dense" } }).Run();
        Assert.Equal(1, fixedRun.Trained);
    }

    [Fact]
    public void A_study_start_deletes_the_temporary_files_a_killed_study_left()
    {
        string folder = Path.Combine(_root, "leftovers");
        Directory.CreateDirectory(Path.Combine(folder, "runs", "Dense"));
        File.WriteAllText(Path.Combine(folder, "runs", "Dense", ".normlab-seed-1.json.0123.tmp"), "{ half a run");
        File.WriteAllText(Path.Combine(folder, ".normlab-study.json.0123.tmp"), "{");
        File.WriteAllText(Path.Combine(folder, "notes.tmp"), "the user's");

        Study.Create(Source, "tiny.normlab", Options("leftovers", seeds: 1) with { Networks = new[] { "Dense" } }).Run();

        Assert.Empty(Directory.GetFiles(folder, ".normlab-*", SearchOption.AllDirectories));
        Assert.True(File.Exists(Path.Combine(folder, "notes.tmp")));
    }

    /// <summary>
    /// A job of <c>--jobs N</c> (a shared folder and a shard) takes runs from one queue, not from its shard: it trains
    /// every run that no other job has claimed, whatever shard it was given, and leaves the claimed one to its owner.
    /// </summary>
    [Fact]
    public void A_job_trains_every_unclaimed_run_and_leaves_the_claimed_one()
    {
        string folder = Path.Combine(_root, "queue");
        Directory.CreateDirectory(Path.Combine(folder, "runs", "Tiny"));
        string claim = Path.Combine(folder, "runs", "Tiny", ".normlab-seed-2.claim.tmp");
        var events = new List<StudyProgress>();

        using (new FileStream(claim, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            var summary = Study.Create(Source, "tiny.normlab", Options("queue", new Shard(1, 2)) with { SharedFolder = true }).Run(new SyncProgress(events.Add));
            Assert.Equal(5, summary.Trained);
            Assert.Null(summary.Report);
        }

        // shard 1/2 alone would own Tiny 2, Dense 1 and Dense 3; the queue gave this job the five unclaimed runs
        Assert.Equal(
            new[] { "runs/Dense/seed-1.json", "runs/Dense/seed-2.json", "runs/Dense/seed-3.json", "runs/Tiny/seed-1.json", "runs/Tiny/seed-3.json" },
            RunFiles(folder));
        Assert.Equal(new[] { "Tiny 1", "Tiny 3", "Dense 1", "Dense 2", "Dense 3" },
            events.Where(e => e.Event == StudyEvent.Finished).Select(e => $"{e.Cell.Network} {e.Cell.Seed}").ToArray());
        Assert.DoesNotContain(events, e => e.Event == StudyEvent.Skipped);
        Assert.Equal(new[] { claim }, Directory.GetFiles(folder, ".normlab-*", SearchOption.AllDirectories)); // its own claims are gone

        // the claim's owner is gone (a killed study): a plain start cleans it, and trains the one run left
        var rest = Study.Create(Source, "tiny.normlab", Options("queue")).Run();
        Assert.Empty(Directory.GetFiles(folder, ".normlab-*", SearchOption.AllDirectories));
        Assert.Equal(1, rest.Trained);
        Assert.Equal(5, rest.Skipped);
        Assert.NotNull(rest.Report);
    }

    [Fact]
    public void A_study_writes_every_run_and_the_report_and_a_rerun_trains_nothing()
    {
        var events = new List<StudyProgress>();
        var first = Study.Create(Source, "tiny.normlab", Options("full")).Run(new SyncProgress(events.Add));

        Assert.Equal((6, 6, 0), (first.Cells, first.Trained, first.Skipped));
        Assert.NotNull(first.Report);
        Assert.Equal(
            new[] { "runs/Dense/seed-1.json", "runs/Dense/seed-2.json", "runs/Dense/seed-3.json", "runs/Tiny/seed-1.json", "runs/Tiny/seed-2.json", "runs/Tiny/seed-3.json" },
            RunFiles(first.Folder));
        Assert.Equal(6, events.Count(e => e.Event == StudyEvent.Finished));
        Assert.Contains(events, e => e.Event == StudyEvent.Training);
        var run = NormLab.Runtime.Training.RunResult.FromJson(File.ReadAllText(Path.Combine(first.Folder, "runs", "Dense", "seed-2.json")));
        Assert.Equal(("Dense", 2L, "synthetic", 1), (run.Network, run.Seed, run.Data, run.Epochs.Count));
        Assert.True(File.Exists(Path.Combine(first.Folder, StudyDefinition.FileName)));
        string summary = File.ReadAllText(first.Report!.Summary);

        events.Clear();
        var again = Study.Create(Source, "tiny.normlab", Options("full")).Run(new SyncProgress(events.Add));

        Assert.Equal((0, 6), (again.Trained, again.Skipped));
        Assert.All(events, e => Assert.Equal(StudyEvent.Skipped, e.Event));
        Assert.Equal(summary, File.ReadAllText(again.Report!.Summary));
    }

    [Fact]
    public void Cancelling_abandons_the_running_run_and_resuming_reports_the_same()
    {
        using var cancellation = new CancellationTokenSource();
        int finished = 0;
        var progress = new SyncProgress(e =>
        {
            if (e.Event == StudyEvent.Finished)
                finished++;
            // in the middle of the second run's training
            if (e.Event == StudyEvent.Training && e.Position == 2 && e.Training!.Step == 3)
                cancellation.Cancel();
        });

        Assert.ThrowsAny<OperationCanceledException>(() => Study.Create(Source, "tiny.normlab", Options("resumed")).Run(progress, cancellation.Token));

        string folder = Path.Combine(_root, "resumed");
        Assert.Equal(1, finished);
        Assert.Equal(new[] { "runs/Tiny/seed-1.json" }, RunFiles(folder));
        Assert.Empty(Directory.GetFiles(folder, ".normlab-*", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(folder, SummaryJson.FileName)));

        var resumed = Study.Create(Source, "tiny.normlab", Options("resumed")).Run();
        var straight = Study.Create(Source, "tiny.normlab", Options("straight")).Run();

        Assert.Equal((5, 1), (resumed.Trained, resumed.Skipped));
        Assert.Equal(Summary(straight.Folder), Summary(resumed.Folder));
        Assert.Equal(File.ReadAllText(Path.Combine(straight.Folder, StudyDefinition.FileName)), File.ReadAllText(Path.Combine(resumed.Folder, StudyDefinition.FileName)));
    }

    [Fact]
    public void A_study_stopped_mid_run_goes_on_from_the_runs_last_finished_epoch()
    {
        using var cancellation = new CancellationTokenSource();
        var progress = new SyncProgress(e =>
        {
            // the second run, in its third epoch: epochs 1 and 2 are in its checkpoint
            if (e.Event == StudyEvent.Training && e.Position == 2 && e.Training is { Epoch: 3, Step: 2 })
                cancellation.Cancel();
        });
        Assert.ThrowsAny<OperationCanceledException>(() => Study.Create(Source, "tiny.normlab", Options("resumed", epochs: 3)).Run(progress, cancellation.Token));

        string folder = Path.Combine(_root, "resumed");
        Assert.Equal(new[] { "runs/Tiny/seed-1.json" }, RunFiles(folder));
        string checkpoint = Path.Combine(folder, "runs", "Tiny", "seed-2.ckpt");
        Assert.Equal(2, Runtime.Training.Checkpoint.ReadState(checkpoint).Epoch);

        var resumedEpochs = new List<int>();
        var resumed = Study.Create(Source, "tiny.normlab", Options("resumed", epochs: 3)).Run(new SyncProgress(e =>
        {
            if (e.Event == StudyEvent.Training && e.Training!.Phase == Runtime.Training.TrainingPhase.Resumed)
                resumedEpochs.Add(e.Training.Epoch);
        }));
        var straight = Study.Create(Source, "tiny.normlab", Options("straight", epochs: 3)).Run();

        Assert.Equal(new[] { 2 }, resumedEpochs);
        Assert.False(File.Exists(checkpoint));
        Assert.Empty(Directory.GetFiles(folder, "*.ckpt", SearchOption.AllDirectories));
        Assert.Equal(Summary(straight.Folder), Summary(resumed.Folder));
        var resumedRun = Runtime.Training.RunResult.FromJson(File.ReadAllText(Path.Combine(folder, "runs", "Tiny", "seed-2.json")));
        var straightRun = Runtime.Training.RunResult.FromJson(File.ReadAllText(Path.Combine(straight.Folder, "runs", "Tiny", "seed-2.json")));
        Assert.Equal(2, resumedRun.ResumedAfterEpoch);
        Assert.Equal(straightRun.Epochs.Select(e => (e.TrainLoss, e.TestLoss, e.TestAccuracy)), resumedRun.Epochs.Select(e => (e.TrainLoss, e.TestLoss, e.TestAccuracy)));
    }

    [Fact]
    public void A_checkpoint_that_does_not_belong_to_the_run_is_ignored()
    {
        string folder = Path.Combine(_root, "stale");
        Directory.CreateDirectory(Path.Combine(folder, "runs", "Tiny"));
        File.WriteAllText(Path.Combine(folder, "runs", "Tiny", "seed-1.ckpt"), "not a checkpoint");
        var stale = Study.Create(Source, "tiny.normlab", Options("stale")).Run();
        var straight = Study.Create(Source, "tiny.normlab", Options("straight")).Run();
        Assert.Equal(Summary(straight.Folder), Summary(stale.Folder));
    }

    [Fact]
    public void Shards_merged_give_the_summary_of_the_whole_study()
    {
        var whole = Study.Create(Source, "tiny.normlab", Options("whole")).Run();
        var shard0 = Study.Create(Source, "tiny.normlab", Options("shard0", new Shard(0, 2))).Run();

        Assert.Null(shard0.Report);
        Assert.Equal(3, shard0.Trained);
        Assert.Equal(new[] { "runs/Dense/seed-2.json", "runs/Tiny/seed-1.json", "runs/Tiny/seed-3.json" }, RunFiles(shard0.Folder));
        var missing = Assert.Throws<StudyException>(() => Study.Merge(new[] { shard0.Folder }, Path.Combine(_root, "merged")));
        Assert.Equal("3 of 6 runs are missing: Tiny seed 2, Dense seed 1, Dense seed 3 (run the shards that own them, then merge again)", missing.Message);

        var shard1 = Study.Create(Source, "tiny.normlab", Options("shard1", new Shard(1, 2))).Run();
        var merged = Study.Merge(new[] { shard0.Folder, shard1.Folder }, Path.Combine(_root, "merged"));

        Assert.Equal((6, 6), (merged.Runs, merged.Copied));
        Assert.Equal(Summary(whole.Folder), Summary(merged.Folder));
        Assert.Equal(File.ReadAllText(whole.Report!.Runs).Split('\n').Length, File.ReadAllText(merged.Report.Runs).Split('\n').Length);
        Assert.Null(StudyDefinition.Load(merged.Folder).Shard);
        Assert.Equal(new Shard(1, 2), StudyDefinition.Load(shard1.Folder).Shard);

        var other = Study.Create(Source, "tiny.normlab", Options("other", seeds: 2)).Run();
        var different = Assert.Throws<StudyException>(() => Study.Merge(new[] { shard0.Folder, other.Folder }, Path.Combine(_root, "merged2")));
        Assert.Contains("hold different studies (3 vs 2 seeds)", different.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_of_another_study_is_not_reused()
    {
        Study.Create(Source, "tiny.normlab", Options("folder")).Run();

        var error = Assert.Throws<StudyException>(() => Study.Create(Source, "tiny.normlab", Options("folder", epochs: 2)).Run());
        Assert.Contains("holds a study with other settings (1 vs 2 epochs: the folder's vs this one's)", error.Message, StringComparison.Ordinal);

        // more seeds in the same folder: the finished runs are kept
        var grown = Study.Create(Source, "tiny.normlab", Options("folder", seeds: 4)).Run();
        Assert.Equal((2, 6), (grown.Trained, grown.Skipped));
    }

    private sealed class SyncProgress(Action<StudyProgress> action) : IProgress<StudyProgress>
    {
        public void Report(StudyProgress value) => action(value);
    }
}
