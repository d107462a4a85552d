using System;

namespace NormLab.Runtime.Data;

/// <summary>
/// A data set cannot be read, found or downloaded. The message names the file (or URL, or folder) and the
/// problem, for example <c>/data/mnist/train-images-idx3-ubyte.gz: truncated pixel data: ...</c>. Loaders never
/// let a raw <see cref="System.IO.EndOfStreamException"/> or <see cref="IndexOutOfRangeException"/> escape.
/// </summary>
public sealed class DataSetException : Exception
{
    public DataSetException(string path, string problem, Exception? innerException = null)
        : base($"{path}: {problem}", innerException)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The file, folder or URL at fault.</summary>
    public string Path { get; }

    /// <summary>What is wrong, without the path.</summary>
    public string Problem { get; }
}
