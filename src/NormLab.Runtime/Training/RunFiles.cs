using System;
using System.IO;
using System.Security.Cryptography;

namespace NormLab.Runtime.Training;

/// <summary>
/// A run's two files in its folder, <c>run.json</c> and the weights, committed as a set. Two files cannot be replaced
/// with one rename, so <c>run.json</c> is the commit record: it names its weights file and holds the file's SHA-256, and
/// the commit never lets an old <c>run.json</c> sit beside new weights:
/// <list type="number">
/// <item>the weights are saved to a temporary file (<see cref="AtomicFile.TemporaryPath"/>) and hashed;</item>
/// <item>the old <c>run.json</c> is deleted;</item>
/// <item>the temporary weights are renamed over the weights file (or, for a run without weights, the old weights are deleted);</item>
/// <item>the new <c>run.json</c> is written atomically.</item>
/// </list>
/// A process killed at any point leaves the old pair, the new pair, or weights without a <c>run.json</c> (steps 2–4),
/// never a <c>run.json</c> beside weights that are not its own; a killed save leaves only a temporary file, which
/// <see cref="AtomicFile.DeleteTemporaryFiles"/> removes when the next command starts in the folder.
/// </summary>
public static class RunFiles
{
    /// <summary>
    /// Commits <paramref name="result"/> as <paramref name="runFileName"/> in <paramref name="folder"/>, with the weights
    /// saved in <paramref name="weightsTemporary"/> (moved to <paramref name="weightsFileName"/>), or without weights
    /// when it is null (an old weights file is deleted). Returns the result as written: <see cref="RunResult.Weights"/>
    /// is the weights file's name and <see cref="RunResult.WeightsSha256"/> its hash.
    /// </summary>
    public static RunResult Commit(string folder, RunResult result, string? weightsTemporary, string runFileName = "run.json", string weightsFileName = "model.bin")
    {
        ArgumentNullException.ThrowIfNull(result);
        string full = Path.GetFullPath(folder);
        string runPath = Path.Combine(full, runFileName);
        string weightsPath = Path.Combine(full, weightsFileName);
        result = weightsTemporary is null
            ? result with { Weights = null, WeightsSha256 = null }
            : result with { Weights = weightsFileName, WeightsSha256 = Sha256(weightsTemporary) };

        Directory.CreateDirectory(full);
        if (File.Exists(runPath))
            File.Delete(runPath);
        if (weightsTemporary is not null)
            File.Move(weightsTemporary, weightsPath, overwrite: true);
        else if (File.Exists(weightsPath))
            File.Delete(weightsPath);
        result.Save(runPath);
        return result;
    }

    /// <summary>
    /// Whether the weights that <paramref name="run"/> (read from <paramref name="folder"/>'s <c>run.json</c>) names are
    /// there and are its own (their SHA-256 is the recorded one); <paramref name="problem"/> says why not. A run without
    /// weights has none to check; a run written before the hash was recorded is taken as it is.
    /// </summary>
    public static bool CheckWeights(string folder, RunResult run, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(run);
        problem = null;
        if (run.Weights is null)
            return true;
        string name = Path.GetFileName(run.Weights);
        if (name != run.Weights || name is "." or "..")
        {
            problem = $"run.json names weights outside its folder ('{run.Weights}')";
            return false;
        }
        string path = Path.Combine(folder, name);
        if (!File.Exists(path))
        {
            problem = $"its weights file {name} is missing";
            return false;
        }
        if (run.WeightsSha256 is { } expected && !string.Equals(Sha256(path), expected, StringComparison.OrdinalIgnoreCase))
        {
            problem = $"{name} is not the weights this run.json belongs to (its SHA-256 differs)";
            return false;
        }
        return true;
    }

    /// <summary>The SHA-256 of a file, lowercase hex.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }
}
