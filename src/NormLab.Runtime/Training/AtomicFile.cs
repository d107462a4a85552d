using System;
using System.IO;

namespace NormLab.Runtime.Training;

/// <summary>
/// Writes a file so that readers see the old file or the whole new one, never a part: the content goes to a
/// temporary file in the same folder (same file system), which then replaces the target with one rename.
/// </summary>
public static class AtomicFile
{
    /// <summary>The prefix of temporary files (a folder holding one after a crash can be cleaned with it).</summary>
    public const string TemporaryPrefix = ".normlab-";

    /// <summary>Calls <paramref name="write"/> with a temporary path next to <paramref name="path"/>, then moves it over <paramref name="path"/>.</summary>
    public static void Write(string path, Action<string> write)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no folder", nameof(path));
        Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $"{TemporaryPrefix}{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            write(temp);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }
}
