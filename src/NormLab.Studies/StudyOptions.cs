using System;
using System.Collections.Generic;
using NormLab.Runtime.Data;
using NormLab.Runtime.Training;

namespace NormLab.Studies;

/// <summary>One hyper-parameter swept by a study: every network of the study is trained with each value.</summary>
/// <param name="Name">A hyper-parameter every network of the study declares (<c>width</c>).</param>
/// <param name="Values">Its values, in the order the grid takes them.</param>
public sealed record HyperParameterAxis(string Name, IReadOnlyList<double> Values);

/// <summary>
/// What a study runs (studies.md, "A study"): networks × seeds (× hyper-parameter values), each run trained with
/// <see cref="Training"/> for <see cref="Epochs"/> epochs on the same data; run k of every network uses seed k, so the
/// same initial-weight seed and the same data order.
/// </summary>
public sealed record StudyOptions
{
    /// <summary>The study's name (<c>summary.json</c>'s <c>study</c>); the CLI uses the file name.</summary>
    public string Name { get; init; } = "study";

    /// <summary>The networks to train, in this order; null: every network of the source, in declaration order.</summary>
    public IReadOnlyList<string>? Networks { get; init; }

    /// <summary>Runs per network (and hyper-parameter setting): seeds 1..Seeds.</summary>
    public int Seeds { get; init; } = 10;

    /// <summary>Hyper-parameters to sweep (the grid's optional third axis); empty: the declared defaults.</summary>
    public IReadOnlyList<HyperParameterAxis> HyperParameters { get; init; } = Array.Empty<HyperParameterAxis>();

    public int Epochs { get; init; } = 5;

    /// <summary>
    /// Everything else of a run. <see cref="TrainingOptions.Seed"/>, <see cref="TrainingOptions.Epochs"/> and
    /// <see cref="TrainingOptions.WeightsPath"/> are set by the study (seed k for run k, <see cref="Epochs"/>, no weights).
    /// </summary>
    public TrainingOptions Training { get; init; } = new();

    /// <summary>The data's name, as recorded in the run files and the report (<c>mnist-sample</c>, a folder name).</summary>
    public string DataName { get; init; } = StudyData.Sample;

    /// <summary>Loads the data (called once, only when a run is left to train); the study disposes the split.</summary>
    public Func<DataSplit> LoadData { get; init; } = DataSets.MnistSample;

    /// <summary>The study folder: <c>study.json</c>, <c>runs/&lt;network&gt;/seed-&lt;k&gt;.json</c> and the report.</summary>
    public string OutputFolder { get; init; } = "study";

    /// <summary>Run only this shard's cells (and write no report: <see cref="Study.Merge"/> does); null: the whole grid.</summary>
    public Shard? Shard { get; init; }

    /// <summary>
    /// Other processes train cells of the same study into <see cref="OutputFolder"/> at the same time (<c>normlab study
    /// --jobs</c>): the temporary files found there are theirs, not a killed run's, and are left alone.
    /// </summary>
    public bool SharedFolder { get; init; }

    /// <summary>
    /// Carve a validation set from the training data (a fraction below 1, or a number of images; stratified, the same for
    /// every run) and report each run's best epoch by <see cref="Monitor"/> on it: its test figures and test predictions
    /// come from that epoch's model, never chosen on the test set. Null: no validation set; each run reports its final
    /// epoch's model.
    /// </summary>
    public double? Validation { get; init; }

    /// <summary>With <see cref="Validation"/>: the validation figure that chooses each run's reported epoch.</summary>
    public MonitorMetric Monitor { get; init; } = MonitorMetric.ValidationLoss;

    /// <summary>The network the others are compared with; null: the first.</summary>
    public string? Baseline { get; init; }
}
