using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NormLab.Runtime.Training;

namespace NormLab.Studies;

/// <summary>
/// A study as written to <c>study.json</c> in its folder: the grid (networks × seeds), the settings every run shares,
/// and a fingerprint of each network's architecture. The report is a function of this definition and the run files
/// alone, so a study that was stopped and started again, or run in shards and merged, reports the same.
/// </summary>
public sealed record StudyDefinition
{
    public const string FileName = "study.json";

    /// <summary>Version of this format.</summary>
    [JsonPropertyName("format")] public int Format { get; init; } = 1;

    [JsonPropertyName("study")] public string Name { get; init; } = string.Empty;

    /// <summary>The <c>.normlab</c> file the networks came from (as given).</summary>
    [JsonPropertyName("source")] public string Source { get; init; } = string.Empty;

    [JsonPropertyName("data")] public string Data { get; init; } = string.Empty;

    /// <summary>Runs per grid row: seeds 1..Seeds.</summary>
    [JsonPropertyName("seeds")] public int Seeds { get; init; }

    [JsonPropertyName("epochs")] public int Epochs { get; init; }

    /// <summary>The grid row the others are compared with.</summary>
    [JsonPropertyName("baseline")] public string Baseline { get; init; } = string.Empty;

    /// <summary>The grid's rows, in order (a network, or a network with one setting of the swept hyper-parameters).</summary>
    [JsonPropertyName("networks")] public IReadOnlyList<StudyNetwork> Networks { get; init; } = Array.Empty<StudyNetwork>();

    [JsonPropertyName("hyperParameters")] public IReadOnlyList<HyperParameterAxis> HyperParameters { get; init; } = Array.Empty<HyperParameterAxis>();

    [JsonPropertyName("training")] public StudyTrainingSettings Training { get; init; } = new();

    /// <summary>
    /// How each run's reported model is chosen: null, the final epoch's (no validation set); otherwise the best epoch on
    /// a validation set carved from the training data. Missing in files written before it existed (read as null).
    /// </summary>
    [JsonPropertyName("selection")] public StudySelection? Selection { get; init; }

    /// <summary>The shard that wrote this file; null: the whole grid (informational: not part of the study's identity).</summary>
    [JsonPropertyName("shard")] public Shard? Shard { get; init; }

    /// <summary>The grid, network-major and seed-minor: cell c is row c / seeds with seed c % seeds + 1.</summary>
    public IReadOnlyList<StudyCell> Cells() =>
        Networks.SelectMany((network, row) => Enumerable.Range(1, Seeds).Select(seed => new StudyCell(row * Seeds + seed - 1, network.Name, seed))).ToArray();

    public string ToJson() => JsonSerializer.Serialize(this, RunResult.JsonOptions);

    /// <summary>
    /// Reads a definition, checking every field (present, of the right type, not null) and the row names (which become
    /// folders): a <see cref="StudyException"/> naming <paramref name="file"/> and the field otherwise.
    /// </summary>
    public static StudyDefinition FromJson(string json, string file = FileName) => StudyFile.Parse(json, file);

    public void Save(string path) => AtomicFile.Write(path, temp => File.WriteAllText(temp, ToJson() + "\n", new UTF8Encoding(false)));

    /// <summary>Reads <c>study.json</c> from <paramref name="folder"/>; a <see cref="StudyException"/> when it is missing, unreadable or malformed.</summary>
    public static StudyDefinition Load(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            throw new StudyException($"{folder} is not a study folder (no {FileName})");
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StudyException($"cannot read {path}: {e.Message}", e);
        }
        return FromJson(json, path);
    }

    /// <summary>This definition as the whole study (no shard): what two shards of one study share.</summary>
    public StudyDefinition Unsharded() => this with { Shard = null };

    /// <summary>The settings every run depends on (data, epochs, training settings), as text, to compare two definitions.</summary>
    internal string RunSettingsKey() => JsonSerializer.Serialize(new { Data, Epochs, Training, Selection }, RunResult.JsonOptions);

    /// <summary>The whole grid and its settings, as text: everything but the shard and the source path (shards may be started from different folders; the fingerprints stand for the networks).</summary>
    internal string IdentityKey() => (Unsharded() with { Source = string.Empty }).ToJson();

    public StudyNetwork? FindNetwork(string name) => Networks.FirstOrDefault(n => n.Name == name);
}

/// <summary>One row of the grid.</summary>
public sealed record StudyNetwork
{
    /// <summary>
    /// The row's name: the network's, or with swept hyper-parameters <c>Network@width=16,depth=2</c>. Also its folder
    /// under <c>runs/</c>.
    /// </summary>
    [JsonPropertyName("name")] public string Name { get; init; } = string.Empty;

    /// <summary>The network as declared in the source.</summary>
    [JsonPropertyName("network")] public string Network { get; init; } = string.Empty;

    /// <summary>The swept hyper-parameters' values for this row (empty: the declared defaults).</summary>
    [JsonPropertyName("hyperParameters")] public IReadOnlyDictionary<string, double> HyperParameters { get; init; } = new SortedDictionary<string, double>(StringComparer.Ordinal);

    [JsonPropertyName("parameters")] public long Parameters { get; init; }

    /// <summary>A hash of the checked architecture (every layer's kind, shape and settings): runs of another architecture are not reused.</summary>
    [JsonPropertyName("fingerprint")] public string Fingerprint { get; init; } = string.Empty;
}

/// <summary>A study's validation set and the rule that chooses each run's reported epoch on it.</summary>
public sealed record StudySelection
{
    /// <summary>The validation set's size as asked for: a fraction of the training images below 1, or a number of images.</summary>
    [JsonPropertyName("validation")] public double Validation { get; init; }

    /// <summary><c>validationLoss</c> (lowest wins) or <c>validationAccuracy</c> (highest wins).</summary>
    [JsonPropertyName("monitor")] public MonitorMetric Monitor { get; init; }

    /// <summary>The option as a user writes it: <c>--validation 0.1 --monitor val-loss</c>.</summary>
    [JsonIgnore]
    public string Options => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"--validation {Validation:R} --monitor {(Monitor == MonitorMetric.ValidationAccuracy ? "val-accuracy" : "val-loss")}");
}

/// <summary>The training settings every run of a study shares (everything of <see cref="TrainingOptions"/> that changes the numbers, less the seed).</summary>
public sealed record StudyTrainingSettings
{
    [JsonPropertyName("batchSize")] public int BatchSize { get; init; }

    [JsonPropertyName("optimizer")] public OptimizerKind Optimizer { get; init; }

    [JsonPropertyName("learningRate")] public double LearningRate { get; init; }

    [JsonPropertyName("momentum")] public double? Momentum { get; init; }

    [JsonPropertyName("weightDecay")] public double WeightDecay { get; init; }

    [JsonPropertyName("schedule")] public LearningRateSchedule Schedule { get; init; }

    [JsonPropertyName("stepEvery")] public int? StepEvery { get; init; }

    [JsonPropertyName("stepGamma")] public double? StepGamma { get; init; }

    [JsonPropertyName("accuracyTargets")] public IReadOnlyList<double> AccuracyTargets { get; init; } = Array.Empty<double>();

    [JsonPropertyName("evaluateEvery")] public int? EvaluateEvery { get; init; }

    [JsonPropertyName("health")] public bool Health { get; init; }

    [JsonPropertyName("healthBatchSize")] public int HealthBatchSize { get; init; }

    internal static StudyTrainingSettings From(TrainingOptions options) => new()
    {
        BatchSize = options.BatchSize,
        Optimizer = options.Optimizer,
        LearningRate = options.InitialLearningRate,
        Momentum = options.Optimizer == OptimizerKind.Sgd ? options.Momentum : null,
        WeightDecay = options.WeightDecay,
        Schedule = options.Schedule,
        StepEvery = options.Schedule == LearningRateSchedule.Step ? options.StepEvery : null,
        StepGamma = options.Schedule == LearningRateSchedule.Step ? options.StepGamma : null,
        AccuracyTargets = options.AccuracyTargets.ToArray(),
        EvaluateEvery = options.EvaluateEvery,
        Health = options.Health,
        HealthBatchSize = options.HealthBatchSize,
    };
}

/// <summary>One cell of the grid: run <see cref="Seed"/> of row <see cref="Network"/>; <see cref="Index"/> is its place in the grid.</summary>
public sealed record StudyCell(int Index, string Network, int Seed)
{
    /// <summary>The run file, relative to the study folder: <c>runs/&lt;network&gt;/seed-&lt;k&gt;.json</c>.</summary>
    public string RelativePath => RunPath(Network, Seed);

    public static string RunPath(string network, int seed) =>
        Path.Combine("runs", network, "seed-" + seed.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".json");

    public override string ToString() => $"{Network} seed {Seed}";
}
