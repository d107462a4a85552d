using System;
using System.Collections.Generic;
using System.CommandLine.Parsing;
using System.IO;
using System.Linq;

namespace NormLab.Cli;

/// <summary>One <c>.normlab</c> file to check: where it is, and the path the output shows.</summary>
internal sealed class InputFile
{
    public InputFile(string fullPath, string displayPath)
    {
        FullPath = fullPath;
        DisplayPath = displayPath;
    }

    public string FullPath { get; }

    /// <summary>Relative to the current directory (or absolute when given so, outside it), with forward slashes.</summary>
    public string DisplayPath { get; }

    public override string ToString() => DisplayPath;
}

/// <summary>
/// Turns the paths of a command line into files: folders are searched recursively for
/// <c>*.normlab</c>, the result is sorted (ordinal) and without duplicates, so the output is the same
/// on every machine. Problems are reported as one line each on stderr, never as an exception.
/// </summary>
internal static class InputFiles
{
    public const string Extension = ".normlab";

    /// <summary>Expands files and folders; false (after reporting every problem) when one does not exist or nothing was found.</summary>
    public static bool TryExpand(IReadOnlyList<string> paths, CliContext context, out IReadOnlyList<InputFile> files)
    {
        var found = new Dictionary<string, InputFile>(StringComparer.Ordinal);
        var ok = true;
        var folders = new List<string>();
        foreach (var path in paths)
        {
            if (!TryGetFullPath(path, context, out var full))
            {
                ok = false;
                continue;
            }

            if (File.Exists(full))
            {
                Add(found, full, path, context);
            }
            else if (Directory.Exists(full))
            {
                folders.Add(path);
                if (!TryWalkFolder(full, path, context, out var inFolder))
                {
                    ok = false;
                }

                foreach (var file in inFolder)
                {
                    Add(found, file, path, context);
                }
            }
            else
            {
                context.ReportError("no such file or directory: " + path);
                ok = false;
            }
        }

        if (ok && found.Count == 0)
        {
            context.ReportError($"no {Extension} files found in: {string.Join(", ", folders)}");
            ok = false;
        }

        files = ok
            ? found.Values.OrderBy(f => f.DisplayPath, StringComparer.Ordinal).ToArray()
            : Array.Empty<InputFile>();
        return ok;
    }

    /// <summary>
    /// A validator for path arguments: System.CommandLine takes an unknown option (<c>--foramt</c>)
    /// for a path, so a "path" that starts with <c>-</c> and names nothing is reported as an
    /// unknown option (a usage error) instead of a missing file.
    /// </summary>
    public static void RejectUnknownOptions(ArgumentResult result, CliContext context)
    {
        foreach (var token in result.Tokens)
        {
            if (token.Value.Length > 1 && token.Value[0] == '-' && !Exists(token.Value, context))
            {
                result.AddError($"Unrecognized command or argument '{token.Value}'.");
            }
        }
    }

    private static bool Exists(string path, CliContext context)
    {
        try
        {
            var full = Path.GetFullPath(path, context.CurrentDirectory);
            return File.Exists(full) || Directory.Exists(full);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false;
        }
    }

    /// <summary>
    /// The absolute path of <paramref name="given"/> (relative to the current directory), or null after the one-line
    /// error <paramref name="invalid"/> when it is not a valid path.
    /// </summary>
    public static string? FullPathOrReport(string given, CliContext context, string invalid)
    {
        try
        {
            return Path.GetFullPath(given, context.CurrentDirectory);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            context.ReportError(invalid);
            return null;
        }
    }

    /// <summary>Resolves the one file a command such as <c>summary</c> takes.</summary>
    public static bool TryResolveFile(string path, CliContext context, out InputFile? file)
    {
        file = null;
        if (!TryGetFullPath(path, context, out var full))
        {
            return false;
        }

        if (Directory.Exists(full))
        {
            context.ReportError("expected a file, not a folder: " + path);
            return false;
        }

        if (!File.Exists(full))
        {
            context.ReportError("no such file or directory: " + path);
            return false;
        }

        file = new InputFile(full, DisplayPath(full, path, context));
        return true;
    }

    /// <summary>
    /// The largest file the command line reads: 16 MiB, far above any real network file. Reading stops there,
    /// so that <c>/dev/zero</c>, a FIFO or a huge file cannot exhaust memory (README.md, "Limits").
    /// </summary>
    public const int MaxFileBytes = 16 * 1024 * 1024;

    /// <summary>Reads a file; false (after one line on stderr) when it cannot be read or is larger than <see cref="MaxFileBytes"/>.</summary>
    public static bool TryRead(InputFile file, CliContext context, out string text) =>
        TryRead(file, context, MaxFileBytes, out text);

    internal static bool TryRead(InputFile file, CliContext context, int maxBytes, out string text)
    {
        text = string.Empty;
        try
        {
            // a bounded read: at most maxBytes + 1 bytes, whatever the file claims to be (a device, a pipe)
            using var stream = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            while (true)
            {
                var wanted = (int)Math.Min(chunk.Length, (long)maxBytes + 1 - buffer.Length);
                var read = stream.Read(chunk, 0, wanted);
                if (read == 0)
                {
                    break;
                }

                buffer.Write(chunk, 0, read);
                if (buffer.Length > maxBytes)
                {
                    context.ReportError($"cannot read {file.DisplayPath}: larger than {FormatSize(maxBytes)}, the limit of a {Extension} file");
                    return false;
                }
            }

            buffer.Position = 0;

            // as File.ReadAllText: UTF-8 unless a byte order mark says otherwise
            using var reader = new StreamReader(buffer, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            text = reader.ReadToEnd();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException or NotSupportedException)
        {
            context.ReportError($"cannot read {file.DisplayPath}: {e.Message}");
            return false;
        }
    }

    private static string FormatSize(int bytes) =>
        bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB" : $"{bytes} bytes";

    private static bool TryGetFullPath(string path, CliContext context, out string full)
    {
        try
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new ArgumentException("empty path");
            }

            full = Path.GetFullPath(path, context.CurrentDirectory);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            context.ReportError($"not a valid path: '{path}'");
            full = string.Empty;
            return false;
        }
    }

    /// <summary>
    /// The <c>*.normlab</c> files under a folder, recursively. Links to folders are not followed (a loop
    /// would never end, and a linked folder would be checked twice); FIFOs, sockets and devices named
    /// <c>*.normlab</c> are skipped with a note (reading a FIFO waits for a writer forever); hidden entries
    /// are skipped as before. A folder or entry that cannot be read is reported, and the walk returns false
    /// (exit code 2) after reporting them all.
    /// </summary>
    private static bool TryWalkFolder(string root, string given, CliContext context, out List<string> files)
    {
        files = new List<string>();
        var ok = true;
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = false,
            IgnoreInaccessible = false,
            ReturnSpecialDirectories = false,
        };
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var folder = pending.Pop();
            List<FileSystemInfo> entries;
            try
            {
                entries = new DirectoryInfo(folder).EnumerateFileSystemInfos("*", options).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
            {
                context.ReportError($"cannot read folder {DisplayPath(folder, given, context)}: {e.Message}");
                ok = false;
                continue;
            }

            foreach (var entry in entries)
            {
                var isLink = (entry.Attributes & FileAttributes.ReparsePoint) != 0;
                if (entry is DirectoryInfo)
                {
                    if (!isLink)
                    {
                        pending.Push(entry.FullName);
                    }

                    continue; // a link to a folder: not followed
                }

                if (!string.Equals(Path.GetExtension(entry.Name), Extension, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                switch (FileKinds.Of(entry.FullName))
                {
                    case FileKind.Regular:
                        files.Add(entry.FullName);
                        break;
                    case FileKind.Directory:
                        break; // a link to a folder named *.normlab: not followed
                    case FileKind.Special:
                        context.ReportNote($"skipped {DisplayPath(entry.FullName, given, context)}: not a regular file (a FIFO, socket or device)");
                        break;
                    default:
                        context.ReportError($"cannot read {DisplayPath(entry.FullName, given, context)}: " +
                            (isLink ? "a link to nothing" : "its type cannot be read"));
                        ok = false;
                        break;
                }
            }
        }

        return ok;
    }

    private static void Add(Dictionary<string, InputFile> found, string full, string given, CliContext context)
    {
        if (!found.ContainsKey(full))
        {
            found.Add(full, new InputFile(full, DisplayPath(full, given, context)));
        }
    }

    /// <summary>
    /// Relative to the current directory when the user wrote a relative path or the file lies inside
    /// it; otherwise the absolute path. Always with forward slashes.
    /// </summary>
    internal static string DisplayPath(string full, string given, CliContext context)
    {
        var inside = full.StartsWith(context.CurrentDirectory.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        var display = !Path.IsPathRooted(given) || inside
            ? Path.GetRelativePath(context.CurrentDirectory, full)
            : full;
        return ToForwardSlashes(display);
    }

    internal static string ToForwardSlashes(string path) =>
        Path.DirectorySeparatorChar == '/' ? path : path.Replace(Path.DirectorySeparatorChar, '/');
}
