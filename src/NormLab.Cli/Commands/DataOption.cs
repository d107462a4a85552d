using System;
using System.IO;
using NormLab.Runtime.Data;

namespace NormLab.Cli.Commands;

/// <summary>
/// <c>--data</c> of <c>normlab train</c> and <c>normlab study</c>: the embedded sample, a full data set by name, or a
/// folder (relative to the current directory) of IDX files, CIFAR-10 binary files or class folders of images. Both
/// commands resolve it here and load it with <see cref="DataSets.Load"/>, so they take the same spellings and say the
/// same things about a bad one.
/// </summary>
internal static class DataOption
{
    /// <summary>
    /// What <see cref="DataSets.Load"/> takes for <paramref name="data"/>: the sample's or a data set's name as given,
    /// or the folder's full path; null after one error line (a path that is not valid, a missing folder, a file, or with
    /// <paramref name="verifyKnown"/> a named data set that is absent or fails its MD5 check).
    /// </summary>
    public static string? Resolve(string data, CliContext context, bool verifyKnown)
    {
        if (data == DataSets.SampleName)
            return data;

        if (DataCatalog.Find(data) is { } known)
        {
            if (verifyKnown)
            {
                try
                {
                    DataCatalog.Resolve(known);
                }
                catch (DataSetException e)
                {
                    context.ReportError(e.Message);
                    return null;
                }
            }
            return data;
        }

        if (InputFiles.FullPathOrReport(data, context, $"not a valid path: '{data}'") is not { } folder)
        {
            return null;
        }

        if (!Directory.Exists(folder))
        {
            context.ReportError(File.Exists(folder)
                ? $"--data expects {DataSets.SampleName} or a folder, and {data} is a file"
                : $"no data folder {data} (--data takes {DataSets.SampleName}, mnist, fashion-mnist, kmnist or a folder holding {string.Join(", ", DataSets.FolderFiles)}, CIFAR-10's binary files, or train/<class>/ and test/<class>/ images)");
            return null;
        }

        return folder;
    }
}
