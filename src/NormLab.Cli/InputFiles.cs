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
                foreach (var file in EnumerateFolder(full))
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

    /// <summary>Reads a file; false (after one line on stderr) when it cannot be read.</summary>
    public static bool TryRead(InputFile file, CliContext context, out string text)
    {
        try
        {
            text = File.ReadAllText(file.FullPath);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            context.ReportError($"cannot read {file.DisplayPath}: {e.Message}");
            text = string.Empty;
            return false;
        }
    }

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

    private static IEnumerable<string> EnumerateFolder(string folder)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            MatchCasing = MatchCasing.CaseInsensitive,
        };
        return Directory.EnumerateFiles(folder, "*" + Extension, options)
            .Where(f => string.Equals(Path.GetExtension(f), Extension, StringComparison.OrdinalIgnoreCase));
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
