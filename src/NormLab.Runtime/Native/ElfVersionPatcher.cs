// This file is compiled twice: into NormLab.Runtime (NORMLAB_RUNTIME defined), and by MSBuild's
// RoslynCodeTaskFactory from buildTransitive/NormLab.Runtime.targets, where the inline task at the
// bottom is included too. The task compilation targets netstandard2.0, so this file uses no Span,
// BinaryPrimitives or other newer APIs.
#nullable enable

using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace NormLab.Runtime.Native;

/// <summary>What <see cref="ElfVersionPatcher.MarkVersionWeak"/> found and did.</summary>
public enum PatchResult
{
    /// <summary>The version requirement was marked weak and the file rewritten.</summary>
    Patched,

    /// <summary>The version requirement is already weak; the file was not touched.</summary>
    AlreadyWeak,

    /// <summary>The file requires no such version (or has no version-needs section); not touched.</summary>
    NotFound,

    /// <summary>The file is not a well-formed 64-bit little-endian ELF file; not touched.</summary>
    NotElf,
}

/// <summary>
/// Edits the symbol-version requirements (<c>.gnu.version_r</c>) of an ELF64 little-endian shared
/// library. TorchSharp's <c>libLibTorchSharp.so</c> is linked with GCC 13 and requires
/// <c>GLIBCXX_3.4.32</c> for one symbol that nothing relocates against; marking that requirement
/// weak (<c>VER_FLG_WEAK</c>) lets the loader accept GCC 12's <c>libstdc++</c> (Debian 12,
/// Ubuntu 22.04).
/// </summary>
public static class ElfVersionPatcher
{
    /// <summary>The <c>vna_flags</c> bit that makes a version requirement optional.</summary>
    public const ushort VerFlagWeak = 0x2;

    /// <summary>The C++ runtime's shared-object name.</summary>
    public const string LibStdCxx = "libstdc++.so.6";

    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const int Elf64HeaderSize = 0x40;
    private const int Elf64SectionHeaderSize = 0x40;
    private const int VerneedSize = 16;
    private const int VernauxSize = 16;

    /// <summary>
    /// Sets <c>VER_FLG_WEAK</c> on the requirement of <paramref name="versionName"/> in the ELF file
    /// at <paramref name="path"/>. The file is rewritten through a temporary file and a rename (so
    /// a hard or symbolic link to a shared copy is replaced, never written through), keeping its
    /// permissions and last-write time: an incremental copy that compares size and time then sees
    /// the patched copy as up to date. Idempotent. Malformed input gives <see cref="PatchResult.NotElf"/>;
    /// only I/O errors throw.
    /// </summary>
    public static PatchResult MarkVersionWeak(string path, string versionName)
    {
        byte[] image = File.ReadAllBytes(path);
        if (!TryLocateFlags(image, versionName, out int flagsOffset, out PatchResult failure))
        {
            return failure;
        }

        ushort flags = (ushort)(image[flagsOffset] | image[flagsOffset + 1] << 8);
        if ((flags & VerFlagWeak) != 0)
        {
            return PatchResult.AlreadyWeak;
        }

        flags |= VerFlagWeak;
        DateTime lastWrite = File.GetLastWriteTimeUtc(path);
        string temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            File.Copy(path, temp); // keeps the permission bits
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.Write))
            {
                stream.Position = flagsOffset;
                stream.WriteByte((byte)flags);
                stream.WriteByte((byte)(flags >> 8));
            }

            File.SetLastWriteTimeUtc(temp, lastWrite);
            File.Replace(temp, path, destinationBackupFileName: null);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }

        return PatchResult.Patched;
    }

    /// <summary>
    /// Reads the <c>vna_flags</c> of the requirement of <paramref name="versionName"/>, or null when
    /// the file is not ELF64 little-endian or requires no such version.
    /// </summary>
    public static ushort? ReadVersionFlags(string path, string versionName)
    {
        byte[] image = File.ReadAllBytes(path);
        return TryLocateFlags(image, versionName, out int offset, out _)
            ? (ushort)(image[offset] | image[offset + 1] << 8)
            : null;
    }

    /// <summary>
    /// The <c>libstdc++.so.6</c> the dynamic loader would pick (from <c>ldconfig -p</c>, else the
    /// usual library folders), or null when none is found.
    /// </summary>
    public static string? FindSystemLibStdCxx()
    {
        string? fromCache = FromLdconfig(LibStdCxx);
        if (fromCache is not null)
        {
            return fromCache;
        }

        string[] folders =
        {
            "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
            "/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib",
        };
        foreach (string folder in folders)
        {
            string candidate = Path.Combine(folder, LibStdCxx);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether the library at <paramref name="path"/> contains the NUL-terminated string
    /// <paramref name="versionName"/>, as a library that defines that symbol version does.
    /// </summary>
    public static bool ContainsVersionName(string path, string versionName)
    {
        byte[] image = File.ReadAllBytes(path);
        byte[] needle = Encoding.ASCII.GetBytes("\0" + versionName + "\0");
        for (int i = 0; i <= image.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && image[i + j] == needle[j])
            {
                j++;
            }

            if (j == needle.Length)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Walks section headers → <c>SHT_GNU_verneed</c> → <c>Verneed</c> → <c>Vernaux</c> records.
    /// On success gives the file offset of the matching <c>vna_flags</c>; otherwise why not
    /// (<see cref="PatchResult.NotFound"/> or <see cref="PatchResult.NotElf"/>).
    /// </summary>
    private static bool TryLocateFlags(byte[] image, string versionName, out int flagsOffset, out PatchResult failure)
    {
        flagsOffset = -1;
        failure = PatchResult.NotElf;
        bool isElf64Le = image.Length >= Elf64HeaderSize
            && image[0] == 0x7F && image[1] == (byte)'E' && image[2] == (byte)'L' && image[3] == (byte)'F'
            && image[4] == 2 // ELFCLASS64
            && image[5] == 1; // ELFDATA2LSB
        if (!isElf64Le)
        {
            return false;
        }

        ulong sectionTable = U64(image, 0x28);
        int entrySize = U16(image, 0x3A);
        int sectionCount = U16(image, 0x3C);
        if (sectionCount == 0)
        {
            failure = PatchResult.NotFound;
            return false;
        }

        if (entrySize < Elf64SectionHeaderSize || !InBounds(image, sectionTable, (ulong)entrySize * (ulong)sectionCount))
        {
            return false;
        }

        byte[] name = Encoding.ASCII.GetBytes(versionName);
        for (int s = 0; s < sectionCount; s++)
        {
            int header = (int)sectionTable + s * entrySize;
            if (U32(image, header + 4) != ShtGnuVerneed)
            {
                continue;
            }

            ulong start = U64(image, header + 24);
            ulong size = U64(image, header + 32);
            uint link = U32(image, header + 40);
            uint needCount = U32(image, header + 44);
            if (!InBounds(image, start, size) || link >= sectionCount)
            {
                return false;
            }

            int strHeader = (int)sectionTable + (int)link * entrySize;
            ulong strStart = U64(image, strHeader + 24);
            ulong strSize = U64(image, strHeader + 32);
            if (!InBounds(image, strStart, strSize))
            {
                return false;
            }

            ulong need = start;
            for (uint n = 0; n < needCount; n++)
            {
                if (!InBounds(image, need, VerneedSize) || need + VerneedSize > start + size)
                {
                    return false;
                }

                int auxCount = U16(image, (int)need + 2);
                ulong aux = need + U32(image, (int)need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    if (!InBounds(image, aux, VernauxSize) || aux + VernauxSize > start + size)
                    {
                        return false;
                    }

                    ulong nameOffset = U32(image, (int)aux + 8);
                    if (nameOffset < strSize && NameEquals(image, strStart + nameOffset, strStart + strSize, name))
                    {
                        flagsOffset = (int)aux + 4;
                        return true;
                    }

                    aux += U32(image, (int)aux + 12);
                }

                uint next = U32(image, (int)need + 12);
                if (next == 0)
                {
                    break;
                }

                need += next;
            }
        }

        failure = PatchResult.NotFound;
        return false;
    }

    private static bool NameEquals(byte[] image, ulong at, ulong end, byte[] name)
    {
        if (at + (ulong)name.Length >= end)
        {
            return false;
        }

        for (int i = 0; i < name.Length; i++)
        {
            if (image[(int)at + i] != name[i])
            {
                return false;
            }
        }

        return image[(int)at + name.Length] == 0;
    }

    private static bool InBounds(byte[] image, ulong offset, ulong length) =>
        offset <= (ulong)image.Length && length <= (ulong)image.Length - offset;

    private static int U16(byte[] b, int at) => b[at] | b[at + 1] << 8;

    private static uint U32(byte[] b, int at) => (uint)(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24);

    private static ulong U64(byte[] b, int at) => U32(b, at) | (ulong)U32(b, at + 4) << 32;

    private static string? FromLdconfig(string soname)
    {
        foreach (string ldconfig in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig" })
        {
            if (!File.Exists(ldconfig))
            {
                continue;
            }

            try
            {
                var start = new ProcessStartInfo(ldconfig, "-p") { RedirectStandardOutput = true, UseShellExecute = false };
                using Process process = Process.Start(start)!;
                string output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                return PickLdconfigEntry(output, soname);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>
    /// Picks <paramref name="soname"/>'s path from <c>ldconfig -p</c> output
    /// (<c>\tlibstdc++.so.6 (libc6,x86-64) =&gt; /lib/x86_64-linux-gnu/libstdc++.so.6</c>),
    /// preferring the entry for this process's architecture.
    /// </summary>
    internal static string? PickLdconfigEntry(string output, string soname)
    {
        string archTag = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x86-64",
            Architecture.Arm64 => "AArch64",
            _ => "",
        };
        string? first = null;
        foreach (string line in output.Split('\n'))
        {
            string trimmed = line.Trim();
            int arrow = trimmed.IndexOf("=>", StringComparison.Ordinal);
            if (arrow < 0 || !trimmed.StartsWith(soname + " ", StringComparison.Ordinal))
            {
                continue;
            }

            string target = trimmed.Substring(arrow + 2).Trim();
            if (archTag.Length > 0 && trimmed.Substring(0, arrow).IndexOf(archTag, StringComparison.Ordinal) >= 0)
            {
                return target;
            }

            first ??= target;
        }

        return first;
    }
}

#if !NORMLAB_RUNTIME
/// <summary>
/// MSBuild task: marks <see cref="VersionName"/> weak in each of <see cref="Files"/>, when the
/// system libstdc++ lacks it (<see cref="Mode"/> <c>auto</c>) or always (<c>always</c>). Never
/// fails the build: problems are warnings.
/// </summary>
public sealed class NormLabMarkElfVersionWeak : Microsoft.Build.Utilities.Task
{
    /// <summary>The ELF files to patch (copies in an output folder, never the package cache).</summary>
    [Microsoft.Build.Framework.Required]
    public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

    /// <summary>The version requirement to mark weak, e.g. GLIBCXX_3.4.32.</summary>
    [Microsoft.Build.Framework.Required]
    public string VersionName { get; set; } = "";

    /// <summary><c>auto</c> (patch when the system libstdc++ lacks the version) or <c>always</c>.</summary>
    public string Mode { get; set; } = "auto";

    /// <inheritdoc />
    public override bool Execute()
    {
        const Microsoft.Build.Framework.MessageImportance Low = Microsoft.Build.Framework.MessageImportance.Low;
        const Microsoft.Build.Framework.MessageImportance High = Microsoft.Build.Framework.MessageImportance.High;
        string reason = "forced by NormLabLibTorchSharpPatch=always";
        if (!string.Equals(Mode, "always", StringComparison.OrdinalIgnoreCase))
        {
            string? libStdCxx = ElfVersionPatcher.FindSystemLibStdCxx();
            if (libStdCxx is null)
            {
                Log.LogMessage(Low, "NormLab: no system {0} found; {1} left as is", ElfVersionPatcher.LibStdCxx, VersionName);
                return true;
            }

            if (ElfVersionPatcher.ContainsVersionName(libStdCxx, VersionName))
            {
                Log.LogMessage(Low, "NormLab: {0} has {1}; nothing to patch", libStdCxx, VersionName);
                return true;
            }

            reason = "system libstdc++ lacks it";
        }

        foreach (Microsoft.Build.Framework.ITaskItem item in Files)
        {
            string path = item.GetMetadata("FullPath");
            if (!File.Exists(path))
            {
                Log.LogMessage(Low, "NormLab: {0} does not exist; skipped", path);
                continue;
            }

            try
            {
                switch (ElfVersionPatcher.MarkVersionWeak(path, VersionName))
                {
                    case PatchResult.Patched:
                        Log.LogMessage(High, "NormLab: patched {0}: {1} marked weak ({2})", path, VersionName, reason);
                        break;
                    case PatchResult.AlreadyWeak:
                        Log.LogMessage(Low, "NormLab: {0}: {1} already weak", path, VersionName);
                        break;
                    case PatchResult.NotFound:
                        Log.LogMessage(Low, "NormLab: {0} does not require {1}", path, VersionName);
                        break;
                    default:
                        Log.LogWarning(null, "NLRT001", null, path, 0, 0, 0, 0, "NormLab: {0} is not a well-formed ELF64 little-endian file; {1} not patched", path, VersionName);
                        break;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.LogWarning(null, "NLRT002", null, path, 0, 0, 0, 0, "NormLab: could not patch {0}: {1}", path, e.Message);
            }
        }

        return true;
    }
}
#endif
