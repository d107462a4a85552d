using System;

namespace NormLab.Runtime.Training;

/// <summary>
/// A run cannot start: CUDA was asked for and is not there, or the data does not fit the network. The message is
/// one line, fit for a command line's error output.
/// </summary>
public sealed class TrainingException : Exception
{
    public TrainingException(string message)
        : base(message)
    {
    }
}
