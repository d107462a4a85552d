using System;

namespace NormLab.Studies;

/// <summary>A study cannot run or be reported as asked: an unknown network, a folder that holds another study, missing runs.</summary>
public sealed class StudyException : Exception
{
    public StudyException(string message)
        : base(message)
    {
    }

    public StudyException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
