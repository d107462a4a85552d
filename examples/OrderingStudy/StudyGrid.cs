using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using NormLab.Runtime.Building;
using NormLab.Runtime.Data;
using NormLab.Runtime.Training;

namespace OrderingStudy;

/// <summary>One finished run: the network, the generated module type that trained, and what the trainer measured.</summary>
public sealed record StudyRun(StudyNetwork Network, string ModuleType, RunResult Result);

/// <summary>What to run: networks × seeds, each with the same training options (but its own seed).</summary>
public sealed record StudyPlan(IReadOnlyList<StudyNetwork> Networks, IReadOnlyList<long> Seeds, TrainingOptions Options)
{
    public int RunCount => Networks.Count * Seeds.Count;

    public static StudyPlan From(StudyOptions options) => new(
        options.SelectedNetworks(),
        Enumerable.Range(1, options.Seeds).Select(s => (long)s).ToArray(),
        new TrainingOptions
        {
            Epochs = options.Epochs,
            Threads = options.Threads,
            Device = DeviceChoice.Cpu,
            EvaluateEvery = options.EvaluateEvery,
            AccuracyTargets = new[] { 0.97, 0.98 },
        });
}

/// <summary>
/// Runs the grid. This is the example's one extension point: NormLab.Studies' runner
/// (resume, aggregates, paired comparisons, report) can replace <see cref="Run"/>, and the rest of the program stays.
/// </summary>
public static class StudyGrid
{
    /// <summary>Folder of the per-run JSON files under <c>--out</c>.</summary>
    public const string RunsFolder = "runs";

    public const string CsvFileName = "results.csv";

    /// <summary>
    /// Trains every network with every seed (seed-major, so that a grid stopped early has compared every network on
    /// the first seeds), one run at a time (libtorch's generator and thread count are process-wide). Each finished
    /// run's JSON, and the CSV of all finished runs, are written at once and atomically when <paramref name="outDir"/>
    /// is given. Cancellation stops the run in progress; the runs finished so far are returned through
    /// <paramref name="finished"/>, which fills as the grid goes.
    /// </summary>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled.</exception>
    public static void Run(StudyPlan plan, DataSplit data, string? outDir, List<StudyRun> finished, TextWriter console,
        CancellationToken cancellationToken)
    {
        int index = 0;
        foreach (long seed in plan.Seeds)
        {
            foreach (StudyNetwork network in plan.Networks)
            {
                index++;
                cancellationToken.ThrowIfCancellationRequested();
                var progress = new RunProgress(console, $"[{index}/{plan.RunCount}] {network.Name} seed {seed}");
                string moduleType = "?";
                RunResult result = Trainer.Train(
                    () =>
                    {
                        var module = network.Build();
                        if (module is NetworkModule)
                            throw new InvalidOperationException($"{network.Name} was built by the run-time builder, not by its generated Build()");
                        moduleType = module.GetType().Name;
                        return module;
                    },
                    network.Model(), data, plan.Options with { Seed = seed }, progress, cancellationToken);
                var run = new StudyRun(network, moduleType, result);
                finished.Add(run);
                progress.Done(result);
                if (outDir is not null)
                {
                    result.Save(Path.Combine(outDir, RunsFolder, $"{network.Name}-seed{seed}.json"));
                    AtomicFile.Write(Path.Combine(outDir, CsvFileName), temp => File.WriteAllText(temp, ResultTable.Csv(finished)));
                }
            }
        }
    }
}
