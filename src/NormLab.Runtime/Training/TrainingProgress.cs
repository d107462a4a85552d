namespace NormLab.Runtime.Training;

/// <summary>What a progress report is about.</summary>
public enum TrainingPhase
{
    /// <summary>A training step finished.</summary>
    Step,

    /// <summary>An evaluation in the middle of an epoch finished (<see cref="TrainingOptions.EvaluateEvery"/>).</summary>
    Evaluation,

    /// <summary>An epoch finished: <see cref="TrainingProgress.Metrics"/> holds its figures.</summary>
    EpochEnd,

    /// <summary>
    /// The run resumed from a checkpoint: <see cref="TrainingProgress.Epoch"/> is the checkpoint's last finished epoch and
    /// <see cref="TrainingProgress.Metrics"/> its figures.
    /// </summary>
    Resumed,
}

/// <summary>
/// One progress report of <see cref="Trainer"/>, sent synchronously on the training thread (use an
/// <see cref="System.IProgress{T}"/> that does not post to another thread, and keep it fast).
/// </summary>
/// <param name="Phase">What happened.</param>
/// <param name="Epoch">The current epoch, 1-based.</param>
/// <param name="Epochs">Epochs of the run.</param>
/// <param name="Step">Steps done in this epoch.</param>
/// <param name="StepsPerEpoch">Steps in one epoch.</param>
/// <param name="GlobalStep">Steps done over all epochs.</param>
/// <param name="TrainLoss">Mean train loss of this epoch so far.</param>
/// <param name="TrainAccuracy">Train accuracy of this epoch so far.</param>
/// <param name="ImagesPerSecond">Training throughput of this epoch so far.</param>
/// <param name="Evaluation">The evaluation just made (<see cref="TrainingPhase.Evaluation"/> and <see cref="TrainingPhase.EpochEnd"/>).</param>
/// <param name="Metrics">The finished epoch (<see cref="TrainingPhase.EpochEnd"/>).</param>
public sealed record TrainingProgress(
    TrainingPhase Phase,
    int Epoch,
    int Epochs,
    int Step,
    int StepsPerEpoch,
    long GlobalStep,
    double TrainLoss,
    double TrainAccuracy,
    double ImagesPerSecond,
    Evaluation? Evaluation = null,
    EpochMetrics? Metrics = null);
