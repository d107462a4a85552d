using System;
using System.Collections.Generic;

namespace NormLab.Runtime.Training;

/// <summary>The optimizer of a run.</summary>
public enum OptimizerKind
{
    /// <summary>Adam (default learning rate 1e-3).</summary>
    Adam,

    /// <summary>SGD with momentum (<see cref="TrainingOptions.Momentum"/>; default learning rate 1e-2).</summary>
    Sgd,
}

/// <summary>How the learning rate changes from epoch to epoch.</summary>
public enum LearningRateSchedule
{
    /// <summary>The same learning rate throughout.</summary>
    None,

    /// <summary>Multiplied by <see cref="TrainingOptions.StepGamma"/> every <see cref="TrainingOptions.StepEvery"/> epochs.</summary>
    Step,

    /// <summary>Cosine annealing from the learning rate towards 0 over the epochs.</summary>
    Cosine,
}

/// <summary>The validation figure that keeping the best weights and early stopping watch.</summary>
public enum MonitorMetric
{
    /// <summary>Lower is better (Keras's and Lightning's usual choice).</summary>
    ValidationLoss,

    /// <summary>Higher is better.</summary>
    ValidationAccuracy,
}

/// <summary>Where a run trains.</summary>
public enum DeviceChoice
{
    /// <summary>CUDA when <c>torch.cuda.is_available()</c>, else the CPU.</summary>
    Auto,

    Cpu,

    /// <summary>CUDA, or a <see cref="TrainingException"/> when it is not available.</summary>
    Cuda,
}

/// <summary>
/// Everything that decides a training run (studies.md, "A training run"). The defaults are the study defaults:
/// Adam with learning rate 1e-3, batch size 64, cross-entropy on logits, test accuracy targets 97/98/99%.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>The default accuracy targets of the convergence figures.</summary>
    public static IReadOnlyList<double> DefaultAccuracyTargets { get; } = new[] { 0.97, 0.98, 0.99 };

    public int Epochs { get; init; } = 5;

    public int BatchSize { get; init; } = 64;

    /// <summary>Seeds libtorch's generator before the module is built (initial weights), dropout, and the data order.</summary>
    public long Seed { get; init; } = 1;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>The (initial) learning rate; null: 1e-3 for Adam, 1e-2 for SGD.</summary>
    public double? LearningRate { get; init; }

    /// <summary>SGD's momentum (Adam ignores it).</summary>
    public double Momentum { get; init; } = 0.9;

    public double WeightDecay { get; init; }

    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.None;

    /// <summary>For <see cref="LearningRateSchedule.Step"/>: epochs between two decays; null: a third of the epochs (at least 1).</summary>
    public int? StepEvery { get; init; }

    /// <summary>For <see cref="LearningRateSchedule.Step"/>: the factor applied at each decay.</summary>
    public double StepGamma { get; init; } = 0.1;

    public DeviceChoice Device { get; init; } = DeviceChoice.Auto;

    /// <summary>libtorch's intra-op threads (<c>torch.set_num_threads</c>); null: the processor count. Fixed, so the same machine gives the same numbers.</summary>
    public int? Threads { get; init; }

    /// <summary>Test accuracies (fractions) whose first epoch and step are recorded.</summary>
    public IReadOnlyList<double> AccuracyTargets { get; init; } = DefaultAccuracyTargets;

    /// <summary>Also evaluate the test set every this many steps (for the step at which a target is reached); null: only at the end of each epoch.</summary>
    public int? EvaluateEvery { get; init; }

    /// <summary>Batch size of evaluation passes (only speed depends on it).</summary>
    public int EvaluationBatchSize { get; init; } = 500;

    /// <summary>Sample activation and gradient health before training and after every epoch.</summary>
    public bool Health { get; init; } = true;

    /// <summary>Size of the fixed health batch: train examples spread evenly over the train set.</summary>
    public int HealthBatchSize { get; init; } = 256;

    /// <summary>
    /// Save the predicted class of every test image after the last epoch in <see cref="RunResult.TestPredictions"/>
    /// (one character per image), so that the test set's own sampling error can be bootstrapped across runs.
    /// </summary>
    public bool SavePredictions { get; init; } = true;

    /// <summary>Where to save the trained weights (atomically); null: not saved. Not saved when the run diverged.</summary>
    public string? WeightsPath { get; init; }

    /// <summary>
    /// Where to write a checkpoint after every epoch (atomically: module, optimizer, random generator, figures so far);
    /// null: none. See <see cref="Resume"/>.
    /// </summary>
    public string? CheckpointPath { get; init; }

    /// <summary>
    /// Go on from <see cref="CheckpointPath"/> when it holds a checkpoint of this same run (same network, data, seed and
    /// settings): the run then ends with exactly the figures and weights of a run that was never stopped. A checkpoint of
    /// another run is a <see cref="TrainingException"/>, unless <see cref="RestartOnUnusableCheckpoint"/>.
    /// </summary>
    public bool Resume { get; init; }

    /// <summary>With <see cref="Resume"/>: start from epoch 1 instead of failing when the checkpoint belongs to another run or is damaged.</summary>
    public bool RestartOnUnusableCheckpoint { get; init; }

    /// <summary>Early stopping: end the run when the monitored validation figure has not improved by <see cref="MinDelta"/> for this many epochs; null: off. Needs a validation set.</summary>
    public int? Patience { get; init; }

    /// <summary>The smallest change of the monitored figure that counts as an improvement.</summary>
    public double MinDelta { get; init; }

    /// <summary>What keeping the best weights and early stopping watch.</summary>
    public MonitorMetric Monitor { get; init; } = MonitorMetric.ValidationLoss;

    /// <summary>Where to keep the weights of the best epoch by the monitored validation figure (atomically); null: not kept. Needs a validation set.</summary>
    public string? BestWeightsPath { get; init; }

    /// <summary>
    /// Report the model of the best epoch by <see cref="Monitor"/> on the validation set instead of the final epoch's:
    /// the run's test loss and accuracy, confusion matrix and test predictions then come from the weights kept in
    /// <see cref="BestWeightsPath"/> (required, with a validation set), and <see cref="RunResult.Selected"/> says which
    /// epoch that was and why. The test set is never used to choose. Off: the final epoch's model.
    /// </summary>
    public bool SelectBest { get; init; }

    /// <summary>A folder for <c>metrics.csv</c> (a row appended after every epoch) and TensorBoard event files (<c>tensorboard/</c>); null: no logs.</summary>
    public string? LogFolder { get; init; }

    /// <summary>The learning rate the run starts with.</summary>
    public double InitialLearningRate => LearningRate ?? (Optimizer == OptimizerKind.Adam ? 1e-3 : 1e-2);

    /// <summary>Throws <see cref="ArgumentException"/> when a value is out of range.</summary>
    public void Validate()
    {
        if (Epochs < 1)
            throw new ArgumentException($"epochs must be at least 1 (got {Epochs})");
        if (BatchSize < 1)
            throw new ArgumentException($"the batch size must be at least 1 (got {BatchSize})");
        if (!(InitialLearningRate > 0) || double.IsInfinity(InitialLearningRate))
            throw new ArgumentException($"the learning rate must be a positive number (got {InitialLearningRate})");
        if (!(Momentum >= 0) || !(WeightDecay >= 0))
            throw new ArgumentException("momentum and weight decay must not be negative");
        if (StepEvery is < 1)
            throw new ArgumentException($"the step schedule's period must be at least 1 epoch (got {StepEvery})");
        if (!(StepGamma > 0))
            throw new ArgumentException($"the step schedule's factor must be positive (got {StepGamma})");
        if (Threads is < 1)
            throw new ArgumentException($"threads must be at least 1 (got {Threads})");
        if (EvaluateEvery is < 1)
            throw new ArgumentException($"evaluate-every must be at least 1 step (got {EvaluateEvery})");
        if (Patience is < 1)
            throw new ArgumentException($"patience must be at least 1 epoch (got {Patience})");
        if (!(MinDelta >= 0) || double.IsInfinity(MinDelta))
            throw new ArgumentException($"the minimum change must be a number of at least 0 (got {MinDelta})");
        if (Resume && CheckpointPath is null)
            throw new ArgumentException("resuming needs a checkpoint path");
        if (EvaluationBatchSize < 1 || HealthBatchSize < 1)
            throw new ArgumentException("evaluation and health batch sizes must be at least 1");
    }

    /// <summary>The learning rate of epoch <paramref name="epoch"/> (1-based) under <see cref="Schedule"/>.</summary>
    public double LearningRateAt(int epoch)
    {
        double initial = InitialLearningRate;
        int index = Math.Max(0, epoch - 1);
        switch (Schedule)
        {
            case LearningRateSchedule.Step:
                int every = StepEvery ?? Math.Max(1, Epochs / 3);
                return initial * Math.Pow(StepGamma, index / every);
            case LearningRateSchedule.Cosine:
                return Epochs <= 1 ? initial : initial * 0.5 * (1 + Math.Cos(Math.PI * index / Epochs));
            default:
                return initial;
        }
    }
}
