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

    /// <summary>The suffix of temporary files.</summary>
    public const string TemporarySuffix = ".tmp";

    /// <summary>The pattern of every temporary file this class (or a process killed while using it) leaves.</summary>
    public const string TemporaryPattern = TemporaryPrefix + "*" + TemporarySuffix;

    /// <summary>Calls <paramref name="write"/> with a temporary path next to <paramref name="path"/>, then moves it over <paramref name="path"/>.</summary>
    public static void Write(string path, Action<string> write)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no folder", nameof(path));
        Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $"{TemporaryPrefix}{Path.GetFileName(full)}.{Guid.NewGuid():N}{TemporarySuffix}");
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

    /// <summary>A fresh temporary path in <paramref name="folder"/> for <paramref name="name"/> (cleaned by <see cref="DeleteTemporaryFiles"/> if left behind).</summary>
    public static string TemporaryPath(string folder, string name) =>
        Path.Combine(folder, $"{TemporaryPrefix}{name}.{Guid.NewGuid():N}{TemporarySuffix}");

    /// <summary>
    /// Deletes the temporary files (<see cref="TemporaryPattern"/>) that a killed process left in <paramref name="folder"/>
    /// and its subfolders down to <paramref name="depth"/> levels (0: the folder only). Call it when a command starts in
    /// a folder that no other process writes to. A file that cannot be deleted is left; returns how many were deleted.
    /// </summary>
    public static int DeleteTemporaryFiles(string folder, int depth = 0)
    {
        if (!Directory.Exists(folder))
            return 0;
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = depth > 0,
            MaxRecursionDepth = Math.Max(depth, 0),
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.ReparsePoint,
            MatchType = MatchType.Simple,
        };
        int deleted = 0;
        foreach (string file in Directory.EnumerateFiles(folder, TemporaryPattern, options))
        {
            try
            {
                File.Delete(file);
                deleted++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return deleted;
    }
}
