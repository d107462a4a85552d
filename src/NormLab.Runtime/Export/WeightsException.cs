using System;

namespace NormLab.Runtime.Export;

/// <summary>What is wrong with a weights file.</summary>
public enum WeightsProblem
{
    /// <summary>The file cannot be opened or read (missing, a folder, no permission).</summary>
    Unreadable,

    /// <summary>The file is not a weights file of its format, or is cut short.</summary>
    Malformed,

    /// <summary>The file is a good weights file, of another architecture: a name, shape or type differs.</summary>
    Mismatch,
}

/// <summary>
/// Weights cannot be loaded into a module. <see cref="Exception.Message"/> is one line fit for a command line's
/// error output (<c>weights runs/a/model.bin do not fit network Clean: conv1.weight is 16x1x3x3 in the file,
/// 32x1x3x3 in the network</c>); <see cref="Detail"/> is its part after the path, for callers that show the path
/// their own way. Nothing was loaded when it is thrown for a malformed or mismatching file.
/// </summary>
public sealed class WeightsException : Exception
{
    public WeightsException(WeightsProblem problem, string path, string detail, string? network = null, Exception? inner = null)
        : base(Describe(problem, path, detail, network), inner)
    {
        Problem = problem;
        Path = path;
        Detail = detail;
        Network = network;
    }

    public WeightsProblem Problem { get; }

    /// <summary>The weights file, as the caller named it.</summary>
    public string Path { get; }

    /// <summary>What is wrong, without the path: <c>conv1.weight is 16x1x3x3 in the file, 32x1x3x3 in the network</c>.</summary>
    public string Detail { get; }

    /// <summary>The network the weights were loaded into (for <see cref="WeightsProblem.Mismatch"/>).</summary>
    public string? Network { get; }

    /// <summary>The one-line message for a problem with the weights file <paramref name="path"/>.</summary>
    public static string Describe(WeightsProblem problem, string path, string detail, string? network) => problem switch
    {
        WeightsProblem.Mismatch => network is null
            ? $"weights {path} do not fit the network: {detail}"
            : $"weights {path} do not fit network {network}: {detail}",
        _ => $"cannot read weights {path}: {detail}",
    };
}
