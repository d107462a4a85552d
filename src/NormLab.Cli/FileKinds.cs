using System;
using System.IO;
using System.Runtime.InteropServices;

namespace NormLab.Cli;

/// <summary>What a path names, after following links.</summary>
internal enum FileKind
{
    /// <summary>Nothing (a broken link), or a path whose status cannot be read.</summary>
    Unknown,

    Regular,

    Directory,

    /// <summary>A FIFO, socket or device: reading may block forever or never end.</summary>
    Special,
}

/// <summary>
/// The type of a file. .NET does not tell a FIFO from a file, so on Linux this asks <c>statx(2)</c> (whose
/// layout is the same on every architecture); elsewhere it goes by what .NET can tell.
/// </summary>
internal static class FileKinds
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // struct statx: stx_mask, stx_blksize (u32), stx_attributes (u64), stx_nlink, stx_uid, stx_gid (u32), stx_mode (u16)
    private const int TypeMask = 0xF000;
    private const int RegularType = 0x8000;
    private const int DirectoryType = 0x4000;

    // statx from the C library, found at run time: "libc.so.6" first (a bare "libc" may name a linker script)
    private static readonly StatxFunction? Statx = LoadStatx();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int StatxFunction(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    public static FileKind Of(string path)
    {
        if (Statx is not null)
        {
            var buffer = new byte[256];
            if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
            {
                return FileKind.Unknown;
            }

            var type = BitConverter.ToUInt16(buffer, ModeOffset) & TypeMask;
            return type switch
            {
                RegularType => FileKind.Regular,
                DirectoryType => FileKind.Directory,
                _ => FileKind.Special,
            };
        }

        // elsewhere (or a C library without statx): go by what .NET tells
        return Directory.Exists(path) ? FileKind.Directory : File.Exists(path) ? FileKind.Regular : FileKind.Unknown;
    }

    private static StatxFunction? LoadStatx()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        foreach (var name in new[] { "libc.so.6", "libc" })
        {
            if (NativeLibrary.TryLoad(name, out var library) && NativeLibrary.TryGetExport(library, "statx", out var function))
            {
                return Marshal.GetDelegateForFunctionPointer<StatxFunction>(function);
            }
        }

        return null;
    }
}
