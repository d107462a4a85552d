using NormLab.Runtime.Training;

namespace NormLab.Studies;

/// <summary>What a progress report of <see cref="Study.Run"/> is about.</summary>
public enum StudyEvent
{
    /// <summary>The cell's run file was already there (a resumed study): nothing to do.</summary>
    Skipped,

    /// <summary>The cell's run is about to train.</summary>
    Started,

    /// <summary>A progress report of the running training (<see cref="StudyProgress.Training"/>).</summary>
    Training,

    /// <summary>The cell's run finished and its file was written (<see cref="StudyProgress.Result"/>).</summary>
    Finished,
}

/// <summary>
/// One progress report of a study, sent synchronously on the training thread.
/// </summary>
/// <param name="Event">What happened.</param>
/// <param name="Cell">The grid cell.</param>
/// <param name="Position">1-based position of the cell among those this study (or shard) runs.</param>
/// <param name="Count">Cells this study (or shard) runs.</param>
/// <param name="Training">For <see cref="StudyEvent.Training"/>: the trainer's report.</param>
/// <param name="Result">For <see cref="StudyEvent.Finished"/> and <see cref="StudyEvent.Skipped"/>: the run.</param>
/// <param name="Note">Why a run file that was there is trained again (it did not match the cell), or null.</param>
public sealed record StudyProgress(
    StudyEvent Event,
    StudyCell Cell,
    int Position,
    int Count,
    TrainingProgress? Training = null,
    RunResult? Result = null,
    string? Note = null);
