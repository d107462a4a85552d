using System;
using System.IO;

namespace NormLab.Cli;

/// <summary>
/// An output folder (<c>--out</c>), checked before any work: an empty path, a file, or a folder that cannot be
/// created or written to is refused at once in one line, instead of after a whole training. The check creates the
/// folder when it is missing and writes and deletes a probe file in it; <see cref="RemoveIfCreatedAndEmpty"/> takes
/// a folder it created away again when the command then writes nothing into it.
/// </summary>
internal sealed class OutputFolder
{
    private const string ProbePrefix = ".normlab-write-probe-";

    private readonly string? _topCreated;

    private OutputFolder(string fullPath, string displayPath, string? topCreated)
    {
        FullPath = fullPath;
        DisplayPath = displayPath;
        _topCreated = topCreated;
    }

    public string FullPath { get; }

    /// <summary>As the messages show it: relative to the current directory, with forward slashes.</summary>
    public string DisplayPath { get; }

    /// <summary>True when the check created the folder.</summary>
    public bool Created => _topCreated is not null;

    /// <summary>
    /// Resolves <paramref name="given"/> (or <paramref name="fallback"/> when the option is not given) against the
    /// current directory and checks it can be written to; null after one error line that names <paramref name="option"/>.
    /// </summary>
    public static OutputFolder? Prepare(string? given, string fallback, string option, CliContext context)
    {
        if (given is not null && string.IsNullOrWhiteSpace(given))
        {
            context.ReportError($"{option} expects a folder, not '{given}'.");
            return null;
        }

        if (InputFiles.FullPathOrReport(given ?? fallback, context, $"{option} expects a folder, and '{given}' is not a valid path") is not { } full)
        {
            return null;
        }

        var display = InputFiles.DisplayPath(full, given ?? fallback, context);
        if (File.Exists(full))
        {
            context.ReportError($"{option} expects a folder, and {display} is a file");
            return null;
        }

        string? created = null;
        try
        {
            if (!Directory.Exists(full))
            {
                // the highest folder that does not exist yet: what to take away again
                created = full;
                for (var parent = Path.GetDirectoryName(full); parent is not null && !Directory.Exists(parent); parent = Path.GetDirectoryName(parent))
                {
                    created = parent;
                }

                Directory.CreateDirectory(full);
            }

            var probe = Path.Combine(full, ProbePrefix + Guid.NewGuid().ToString("N"));
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            // DeleteOnClose is a request: make sure no probe is left behind
            if (File.Exists(probe))
            {
                File.Delete(probe);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or System.Security.SecurityException)
        {
            var folder = new OutputFolder(full, display, created);
            folder.RemoveIfCreatedAndEmpty();
            context.ReportError($"{option}: cannot write to {display}: {e.Message}");
            return null;
        }

        return new OutputFolder(full, display, created);
    }

    /// <summary>Takes the folders the check created away again, as far as nothing was written into them since.</summary>
    public void RemoveIfCreatedAndEmpty()
    {
        if (_topCreated is null)
        {
            return;
        }

        try
        {
            for (var folder = FullPath; folder is not null && folder.Length >= _topCreated.Length; folder = Path.GetDirectoryName(folder))
            {
                if (!Directory.Exists(folder) || Directory.GetFileSystemEntries(folder).Length > 0)
                {
                    return;
                }

                Directory.Delete(folder);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // leaving an empty folder behind is harmless
        }
    }
}
