using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using NormLab.Dsl;
using NormLab.Dsl.Model;
using NormLab.Runtime.Building;
using NormLab.Runtime.Data;
using NormLab.Runtime.Training;
using NormLab.Studies.Reports;

namespace NormLab.Studies;

/// <summary>What one call of <see cref="Study.Run"/> did.</summary>
/// <param name="Folder">The study folder (full path).</param>
/// <param name="Cells">Cells this study (or shard) owns.</param>
/// <param name="Trained">Runs trained and written by this call.</param>
/// <param name="Skipped">Runs whose file was already there.</param>
/// <param name="Report">The report written (null for a shard: <see cref="Study.Merge"/> writes it).</param>
public sealed record StudyRunSummary(string Folder, int Cells, int Trained, int Skipped, StudyReportFiles? Report);

/// <summary>What <see cref="Study.Merge"/> did.</summary>
/// <param name="Folder">The merged study folder (full path).</param>
/// <param name="Runs">Runs in the merged folder (the whole grid, unless a partial merge found fewer).</param>
/// <param name="Copied">Run files copied into <paramref name="Folder"/> from the other folders.</param>
/// <param name="Report">The report written.</param>
public sealed record StudyMergeSummary(string Folder, int Runs, int Copied, StudyReportFiles Report);

/// <summary>
/// A study (studies.md, "A study"): a grid of networks × seeds (× hyper-parameter values), each cell one training run
/// written atomically to <c>runs/&lt;network&gt;/seed-&lt;k&gt;.json</c> as soon as it finishes. Running a study again
/// skips the cells whose file is there, so a study stopped by Ctrl+C or killed resumes where it was and loses nothing
/// finished; the report is computed from <c>study.json</c> and the run files only, so it is the same either way. A
/// shard runs every n-th cell; <see cref="Merge"/> joins the shards' folders and writes the report.
/// </summary>
/// <remarks>
/// Runs train one after the other: libtorch's random generator and thread count are global, so two runs in one
/// process must not train at the same time.
/// </remarks>
public sealed class Study
{
    private readonly IReadOnlyDictionary<string, NetworkModel> _models;

    private Study(StudyDefinition definition, IReadOnlyDictionary<string, NetworkModel> models, StudyOptions options)
    {
        Definition = definition;
        _models = models;
        Options = options;
    }

    public StudyDefinition Definition { get; }

    public StudyOptions Options { get; }

    /// <summary>The whole grid, network-major and seed-minor.</summary>
    public IReadOnlyList<StudyCell> Cells => Definition.Cells();

    /// <summary>The cells this study runs: the whole grid, or its shard's.</summary>
    public IReadOnlyList<StudyCell> OwnCells => Cells.Where(c => Options.Shard?.Owns(c.Index) ?? true).ToArray();

    /// <summary>The checked network of grid row <paramref name="row"/>.</summary>
    public NetworkModel Model(string row) => _models[row];

    /// <summary>
    /// Checks the networks of <paramref name="source"/> that <paramref name="options"/> names (every one by default)
    /// and builds the grid. Throws <see cref="StudyException"/> for an unknown network, hyper-parameter or baseline,
    /// <see cref="ArchitectureException"/> for a network with errors, and <see cref="ArgumentException"/> for an option
    /// out of range.
    /// </summary>
    public static Study Create(string source, string sourcePath, StudyOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Seeds < 1)
            throw new ArgumentException($"a study needs at least 1 seed (got {options.Seeds})");
        if (options.Validation is double validation && (!double.IsFinite(validation) || validation <= 0 || (validation >= 1 && validation != Math.Floor(validation))))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--validation {validation}: give a fraction below 1 (0.1) or a whole number of images (5000)"));
        if (string.IsNullOrWhiteSpace(options.Name))
            throw new ArgumentException("a study needs a name");
        var training = TrainingOptionsFor(options, seed: 1);
        training.Validate();

        var declared = NormLabCompiler.Check(source, sourcePath).Networks;
        IReadOnlyList<string> names = options.Networks ?? declared.Select(n => n.Name).ToArray();
        if (names.Count == 0)
            throw new StudyException($"{sourcePath} declares no network");
        var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new StudyException($"network '{duplicate.Key}' is named twice");
        var caseTwin = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (caseTwin is not null)
            throw new StudyException($"networks '{string.Join("' and '", caseTwin)}' differ only in case; they would share a folder on case-insensitive file systems: rename one, or study them apart");
        foreach (string name in names)
        {
            if (declared.All(n => n.Name != name))
                throw new StudyException($"no network '{name}' in {sourcePath}; its networks are: {string.Join(", ", declared.Select(n => n.Name))}");
        }
        foreach (var axis in options.HyperParameters)
        {
            if (axis.Values.Count == 0)
                throw new StudyException($"hyper-parameter '{axis.Name}' has no values");
            foreach (string name in names)
            {
                var network = declared.First(n => n.Name == name);
                if (network.HyperParameters.All(p => p.Name != axis.Name))
                {
                    string has = network.HyperParameters.Count == 0 ? "none" : string.Join(", ", network.HyperParameters.Select(p => p.Name));
                    throw new StudyException($"network '{name}' has no hyper-parameter '{axis.Name}' (it has: {has})");
                }
            }
        }
        if (options.HyperParameters.GroupBy(a => a.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new StudyException($"hyper-parameter '{twice.Key}' is swept twice");

        var rows = new List<StudyNetwork>();
        var models = new Dictionary<string, NetworkModel>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            foreach (var setting in Settings(options.HyperParameters))
            {
                var model = setting.Count == 0 ? NetworkBuilder.Check(source, sourcePath, name) : NetworkBuilder.Check(source, sourcePath, name, setting.ToDictionary(p => p.Key, p => p.Value));
                string row = RowName(name, setting);
                models[row] = model;
                rows.Add(new StudyNetwork
                {
                    Name = row,
                    Network = name,
                    HyperParameters = new SortedDictionary<string, double>(setting.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal),
                    Parameters = model.ParameterCount,
                    Fingerprint = Fingerprint(model),
                });
            }
        }

        string baseline = options.Baseline is null
            ? rows[0].Name
            : rows.FirstOrDefault(r => r.Name == options.Baseline)?.Name
              ?? rows.FirstOrDefault(r => r.Network == options.Baseline)?.Name
              ?? throw new StudyException($"the baseline '{options.Baseline}' is not one of the study's networks ({string.Join(", ", rows.Select(r => r.Name))})");

        var definition = new StudyDefinition
        {
            Name = options.Name,
            Source = sourcePath.Replace('\\', '/'),
            Data = options.DataName,
            Seeds = options.Seeds,
            Epochs = options.Epochs,
            Baseline = baseline,
            Networks = rows,
            HyperParameters = options.HyperParameters,
            Training = StudyTrainingSettings.From(training),
            Selection = options.Validation is double size ? new StudySelection { Validation = size, Monitor = options.Monitor } : null,
            Shard = options.Shard,
        };
        return new Study(definition, models, options);
    }

    /// <summary>
    /// Trains every cell of this study (or shard) whose run file is not there yet, writing each file atomically as its
    /// run finishes, then (for the whole grid) writes the report. Cancelling stops the running training and writes
    /// nothing for it (<see cref="OperationCanceledException"/>); every run finished before is kept, and the next call
    /// goes on from there. Throws <see cref="StudyException"/> when the folder holds a study with other settings.
    /// </summary>
    public StudyRunSummary Run(IProgress<StudyProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        string folder = Path.GetFullPath(Options.OutputFolder);
        CheckFolder(folder);
        if (Directory.Exists(folder) && !Options.SharedFolder)
            AtomicFile.DeleteTemporaryFiles(folder, depth: 2); // runs/<row>/.normlab-*.tmp of a killed study

        // study.json is written once the data has loaded and fits (or when every run is already there): a start that
        // fails leaves nothing behind, so the corrected command is not refused as "another study"
        bool committed = false;
        void Commit()
        {
            if (committed)
                return;
            Directory.CreateDirectory(folder);
            Definition.Save(Path.Combine(folder, StudyDefinition.FileName));
            committed = true;
        }

        // the jobs of `--jobs N` share one folder and take the runs from one queue: each goes down the whole grid and
        // trains the next run that is neither written nor claimed by another job (a claim file beside the run), so a
        // job that finishes early takes more, and a resumed study spreads what is left over every job
        bool queue = Options.SharedFolder && Options.Shard is not null;
        var cells = queue ? Cells : OwnCells;
        int trained = 0, skipped = 0;
        DataSplit? data = null;
        try
        {
            for (int i = 0; i < cells.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var cell = cells[i];
                string path = Path.Combine(folder, cell.RelativePath);
                var existing = TryReadRun(path, cell, Definition, out string? problem);
                if (existing is not null)
                {
                    skipped++;
                    if (!queue)
                        progress?.Report(new StudyProgress(StudyEvent.Skipped, cell, i + 1, cells.Count, Result: existing));
                    continue;
                }

                using var claim = queue ? Claim(path) : null;
                if (queue && (claim is null || TryReadRun(path, cell, Definition, out problem) is not null))
                {
                    continue; // another job trains it, or has just written it (it writes the run, then lets the claim go)
                }

                if (data is null)
                {
                    data = LoadData();
                    Commit();
                }

                progress?.Report(new StudyProgress(StudyEvent.Started, cell, i + 1, cells.Count, Note: problem));
                var reporter = progress is null ? null : new CellProgress(progress, cell, i + 1, cells.Count);
                // a checkpoint after every epoch: a killed study goes on from the last finished epoch of the run it was in
                string checkpoint = CheckpointPath(path);
                // with a validation set, the best epoch's weights wait beside it (seed-k.best.bin) until the run is written
                string bestWeights = BestWeightsPath(path);
                var training = TrainingOptionsFor(Options, cell.Seed) with
                {
                    CheckpointPath = checkpoint,
                    Resume = true,
                    RestartOnUnusableCheckpoint = true,
                    BestWeightsPath = Definition.Selection is null ? null : bestWeights,
                };
                var result = Trainer.Train(_models[cell.Network], data, training, reporter, cancellationToken);
                result = result with { Network = cell.Network, Data = Definition.Data, Best = result.Best is { } best ? best with { Weights = null } : null };
                result.Save(path);
                File.Delete(checkpoint);
                File.Delete(bestWeights);
                trained++;
                progress?.Report(new StudyProgress(StudyEvent.Finished, cell, i + 1, cells.Count, Result: result));
            }
        }
        finally
        {
            data?.Dispose();
        }

        Commit();
        var report = Options.Shard is null ? StudyReport.Write(folder) : null;
        return new StudyRunSummary(folder, cells.Count, trained, skipped, report);
    }

    /// <summary>
    /// Loads the data (<see cref="StudyOptions.LoadData"/>), carves the validation set when the study has one, and checks
    /// that every network fits the images. The caller owns the split. Throws <see cref="StudyException"/> for a
    /// validation size that leaves nothing to train on, <see cref="TrainingException"/> for a network that does not fit.
    /// </summary>
    public DataSplit LoadData()
    {
        var data = Options.LoadData();
        try
        {
            if (Options.Validation is double size)
            {
                int count = DataSplit.ValidationCount(size, data.Train.Count);
                if (count >= data.Train.Count)
                    throw new StudyException(string.Create(CultureInfo.InvariantCulture,
                        $"--validation {size} asks for {count:N0} of the {data.Train.Count:N0} training images; leave at least one to train on"));
                data.CarveValidation(count);
            }
            foreach (var model in _models.Values)
                Trainer.CheckFits(model, data.Train);
            return data;
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Joins the run files of <paramref name="folders"/> (the shards of one study, each with its <c>study.json</c>)
    /// into <paramref name="output"/> and writes the report there. Every cell of the grid must be in one of the
    /// folders, unless <paramref name="partial"/>: then the report covers the runs found and says it is incomplete (a look
    /// at a study in progress). A <see cref="StudyException"/> names the missing runs, or the folders that hold different
    /// studies.
    /// </summary>
    public static StudyMergeSummary Merge(IReadOnlyList<string> folders, string output, bool partial = false)
    {
        ArgumentNullException.ThrowIfNull(folders);
        if (folders.Count == 0)
            throw new ArgumentException("merge needs at least one study folder", nameof(folders));
        string[] full = folders.Select(f => Path.GetFullPath(f)).Distinct(StringComparer.Ordinal).ToArray();
        var definitions = full.Select(StudyDefinition.Load).ToArray();
        var definition = definitions[0].Unsharded();
        for (int i = 1; i < definitions.Length; i++)
        {
            if (definitions[i].IdentityKey() != definition.IdentityKey())
                throw new StudyException($"{folders[0]} and {folders[i]} hold different studies ({Difference(definition, definitions[i])}); only shards of one study merge");
        }

        string target = Path.GetFullPath(output);
        string targetDefinition = Path.Combine(target, StudyDefinition.FileName);
        if (!full.Contains(target, StringComparer.Ordinal) && File.Exists(targetDefinition)
            && StudyDefinition.Load(target).IdentityKey() != definition.IdentityKey())
            throw new StudyException($"{output} holds another study ({Difference(definition, StudyDefinition.Load(target))}); merge into an empty folder");

        var cells = definition.Cells();
        var sources = new Dictionary<StudyCell, string>();
        var missing = new List<StudyCell>();
        foreach (var cell in cells)
        {
            string? found = null;
            foreach (string folder in full.Prepend(target).Distinct(StringComparer.Ordinal))
            {
                string path = Path.Combine(folder, cell.RelativePath);
                if (TryReadRun(path, cell, definition, out _) is not null)
                {
                    found = path;
                    break;
                }
            }
            if (found is null)
                missing.Add(cell);
            else
                sources[cell] = found;
        }
        if (missing.Count > 0 && !partial)
        {
            string list = string.Join(", ", missing.Take(10)) + (missing.Count > 10 ? $" and {missing.Count - 10} more" : string.Empty);
            throw new StudyException($"{missing.Count} of {cells.Count} runs are missing: {list} (run the shards that own them, then merge again)");
        }

        Directory.CreateDirectory(target);
        int copied = 0;
        foreach (var (cell, path) in sources)
        {
            string destination = Path.Combine(target, cell.RelativePath);
            if (string.Equals(Path.GetFullPath(path), destination, StringComparison.Ordinal))
                continue;
            byte[] bytes = File.ReadAllBytes(path);
            AtomicFile.Write(destination, temp => File.WriteAllBytes(temp, bytes));
            copied++;
        }
        definition.Save(targetDefinition);
        var report = StudyReport.Write(target);
        return new StudyMergeSummary(target, sources.Count, copied, report);
    }

    /// <summary>
    /// The run of <paramref name="cell"/> in <paramref name="path"/>, or null when there is none or it does not belong to
    /// the cell (another network, seed, data or epoch count; <paramref name="problem"/> says which).
    /// </summary>
    public static RunResult? TryReadRun(string path, StudyCell cell, StudyDefinition definition, out string? problem)
    {
        problem = null;
        if (!File.Exists(path))
            return null;
        RunResult run;
        try
        {
            run = RunResult.FromJson(File.ReadAllText(path));
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException or UnauthorizedAccessException)
        {
            problem = $"{cell.RelativePath} is not a run file ({e.Message})";
            return null;
        }
        if (MissingField(run) is { } field)
        {
            problem = $"{cell.RelativePath} is not a run file ('{field}' is missing or null)";
            return null;
        }

        var training = definition.Training;
        problem = run.Network != cell.Network ? $"it is a run of {run.Network}"
            : run.Seed != cell.Seed ? $"it has seed {run.Seed}"
            : run.Data != definition.Data ? $"it was trained on {run.Data}"
            : run.Options.Epochs != definition.Epochs ? $"it has {run.Options.Epochs} epochs"
            : run.Options.BatchSize != training.BatchSize || run.Options.Optimizer != training.Optimizer || run.Options.LearningRate != training.LearningRate
                ? "it was trained with other settings"
            : definition.Selection is null && run.ValidationExamples is not null ? "it was trained with a validation set"
            : definition.Selection is not null && run.ValidationExamples is null ? "it was trained without a validation set"
            : definition.Selection is { } chosen && run.Selected is { By: not ModelSelection.FinalEpoch } picked
                && picked.By != (chosen.Monitor == MonitorMetric.ValidationAccuracy ? ModelSelection.ValidationAccuracy : ModelSelection.ValidationLoss)
                ? "its epoch was chosen by another validation figure"
            : null;
        if (problem is not null)
        {
            problem = $"{cell.RelativePath} does not match the study: {problem}";
            return null;
        }
        return run;
    }

    /// <summary>The first field a report needs that a run file lacks (or holds null, or a list with a null in it); null when none.</summary>
    private static string? MissingField(RunResult run) =>
        run.Network is null ? "network"
        : run.Data is null ? "data"
        : run.Device is null ? "device"
        : run.Options is null ? "options"
        : run.Options.AccuracyTargets is null ? "options.accuracyTargets"
        : run.Epochs is null || run.Epochs.Any(e => e is null) ? "epochs"
        : run.Convergence is null || run.Convergence.Any(c => c is null) ? "convergence"
        : run.Evaluations is null || run.Evaluations.Any(e => e is null) ? "evaluations"
        : run.Health is null || run.Health.Any(h => h is null || h.Layers is null || h.Gradients is null || h.Layers.Any(l => l is null || l.Name is null || l.Kind is null) || h.Gradients.Any(g => g is null || g.Parameter is null)) ? "health"
        : run.Diverged is { Reason: null } ? "diverged.reason"
        : null;

    /// <summary>The runs of <paramref name="definition"/>'s grid found in <paramref name="folder"/>, in grid order.</summary>
    public static IReadOnlyList<(StudyCell Cell, RunResult? Run)> ReadRuns(string folder, StudyDefinition definition) =>
        definition.Cells().Select(c => (c, TryReadRun(Path.Combine(folder, c.RelativePath), c, definition, out _))).ToArray();

    /// <summary>Writes the report of the study in <paramref name="folder"/> from its <c>study.json</c> and run files.</summary>
    public static StudyReportFiles WriteReport(string folder) => StudyReport.Write(Path.GetFullPath(folder));

    /// <summary>Where the run whose file is <paramref name="runPath"/> keeps its best epoch's weights while it trains (<c>seed-k.best.bin</c>).</summary>
    public static string BestWeightsPath(string runPath) => Path.ChangeExtension(runPath, ".best.bin");

    /// <summary>
    /// The claim of one run by one job of <c>--jobs N</c>: a file created only if absent (so one job wins), deleted
    /// when the job lets it go. Named like a temporary file: a killed study's claims go with its temporary files when
    /// the next <c>--jobs</c> study starts, before any job runs. Null when another job holds it.
    /// </summary>
    private static FileStream? Claim(string runPath)
    {
        string folder = Path.GetDirectoryName(runPath)!;
        Directory.CreateDirectory(folder);
        string claim = Path.Combine(folder, AtomicFile.TemporaryPrefix + Path.GetFileNameWithoutExtension(runPath) + ".claim" + AtomicFile.TemporarySuffix);
        try
        {
            return new FileStream(claim, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException) when (File.Exists(claim))
        {
            return null;
        }
    }

    /// <summary>The checkpoint of the run whose file is <paramref name="runPath"/> (<c>seed-k.json</c> → <c>seed-k.ckpt</c>), there while it trains.</summary>
    public static string CheckpointPath(string runPath) => Path.ChangeExtension(runPath, ".ckpt");

    /// <summary>The options of run <paramref name="seed"/>.</summary>
    internal static TrainingOptions TrainingOptionsFor(StudyOptions options, int seed) =>
        options.Training with
        {
            Seed = seed,
            Epochs = options.Epochs,
            WeightsPath = null,
            Monitor = options.Validation is null ? options.Training.Monitor : options.Monitor,
            SelectBest = options.Validation is not null,
        };

    /// <summary>Refuses a folder whose study has other run settings or other architectures under the same names.</summary>
    private void CheckFolder(string folder)
    {
        if (!File.Exists(Path.Combine(folder, StudyDefinition.FileName)))
            return;
        var existing = StudyDefinition.Load(folder);
        if (existing.RunSettingsKey() != Definition.RunSettingsKey())
        {
            throw new StudyException(
                $"{Options.OutputFolder} holds a study with other settings ({Difference(existing, Definition)}: the folder's vs this one's); its runs cannot be reused: use another --out, or delete the folder");
        }
        foreach (var network in Definition.Networks)
        {
            if (existing.FindNetwork(network.Name) is { } before && before.Fingerprint != network.Fingerprint)
            {
                throw new StudyException(
                    $"network '{network.Name}' changed since its runs in {Options.OutputFolder} were trained; use another --out, or delete {Path.Combine(Options.OutputFolder, "runs", network.Name)}");
            }
        }
    }

    /// <summary>A few words on how two definitions differ.</summary>
    private static string Difference(StudyDefinition a, StudyDefinition b)
    {
        var parts = new List<string>();
        if (a.Name != b.Name)
            parts.Add($"study {a.Name} vs {b.Name}");
        if (a.Data != b.Data)
            parts.Add($"data {a.Data} vs {b.Data}");
        if (a.Epochs != b.Epochs)
            parts.Add($"{a.Epochs} vs {b.Epochs} epochs");
        if (a.Seeds != b.Seeds)
            parts.Add($"{a.Seeds} vs {b.Seeds} seeds");
        if (!a.Networks.Select(n => n.Name).SequenceEqual(b.Networks.Select(n => n.Name)))
            parts.Add("other networks");
        if (a.Networks.Select(n => n.Fingerprint).SequenceEqual(b.Networks.Select(n => n.Fingerprint)) is false && parts.Count == 0)
            parts.Add("other architectures");
        if (a.Selection != b.Selection)
            parts.Add($"{a.Selection?.Options ?? "no --validation"} vs {b.Selection?.Options ?? "no --validation"}");
        if (a.Baseline != b.Baseline)
            parts.Add($"baseline {a.Baseline} vs {b.Baseline}");
        if (JsonSerializer.Serialize(a.Training, RunResult.JsonOptions) != JsonSerializer.Serialize(b.Training, RunResult.JsonOptions))
            parts.Add("other training settings");
        return parts.Count == 0 ? "other settings" : string.Join(", ", parts);
    }

    /// <summary>Every combination of the swept values, the first axis slowest; one empty setting without axes.</summary>
    private static IEnumerable<IReadOnlyList<KeyValuePair<string, double>>> Settings(IReadOnlyList<HyperParameterAxis> axes)
    {
        IEnumerable<IReadOnlyList<KeyValuePair<string, double>>> settings = new[] { Array.Empty<KeyValuePair<string, double>>() };
        foreach (var axis in axes)
        {
            var current = axis;
            settings = settings.SelectMany(s => current.Values.Select(v => (IReadOnlyList<KeyValuePair<string, double>>)s.Append(new(current.Name, v)).ToArray())).ToArray();
        }
        return settings;
    }

    internal static string RowName(string network, IReadOnlyList<KeyValuePair<string, double>> setting) =>
        setting.Count == 0
            ? network
            : network + "@" + string.Join(",", setting.Select(p => p.Key + "=" + p.Value.ToString("R", CultureInfo.InvariantCulture)));

    /// <summary>A SHA-256 of every layer's kind, output shape, parameters and settings (16 hex digits).</summary>
    internal static string Fingerprint(NetworkModel model)
    {
        var text = new StringBuilder();
        text.Append(model.Input).Append('>').Append(model.Output).Append('\n');
        foreach (var layer in model.AllLayers())
        {
            text.Append(string.Join("/", layer.BlockPath)).Append('|').Append(layer.Name).Append('|').Append(layer.KindName).Append('|')
                .Append(layer.InputShape).Append('|').Append(layer.OutputShape).Append('|')
                .Append(string.Create(CultureInfo.InvariantCulture,
                    $"{layer.Parameters}|{layer.Kernel}|{layer.Stride}|{layer.Padding}|{layer.Dilation}|{layer.Groups}|{layer.Bias}|{layer.Eps:R}|{layer.Momentum:R}|{layer.Affine}|{layer.P:R}|{layer.Scalar:R}|{layer.Pieces}|{layer.Branches.Count}|{layer.Shortcut.Count}"))
                .Append('\n');
        }
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToHexString(hash, 0, 8).ToLowerInvariant();
    }

    /// <summary>Passes the trainer's reports on as <see cref="StudyEvent.Training"/>.</summary>
    private sealed class CellProgress(IProgress<StudyProgress> inner, StudyCell cell, int position, int count) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => inner.Report(new StudyProgress(StudyEvent.Training, cell, position, count, Training: value));
    }
}
