using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NormLab.Cli.Tests;

/// <summary>What the tests of special files need from the operating system.</summary>
internal static class Platform
{
    public static bool IsUnix => !OperatingSystem.IsWindows();

    /// <summary>Root reads every folder whatever its permissions: a chmod 000 folder is readable to it.</summary>
    public static bool IsRoot => IsUnix && GetEffectiveUserId() == 0;

    /// <summary>Makes a FIFO (a named pipe) with mkfifo(1).</summary>
    public static void MakeFifo(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("mkfifo", new[] { path }) { UseShellExecute = false })!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();
}

/// <summary>A test of FIFOs and links: Unix only.</summary>
internal sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (!Platform.IsUnix)
        {
            Skip = "FIFOs and Unix permissions are Unix only";
        }
    }
}

/// <summary>A test of unreadable folders: permissions do not apply to root, so it cannot make one.</summary>
internal sealed class UnixNotRootFactAttribute : FactAttribute
{
    public UnixNotRootFactAttribute()
    {
        if (!Platform.IsUnix)
        {
            Skip = "Unix permissions are Unix only";
        }
        else if (Platform.IsRoot)
        {
            Skip = "running as root: permissions do not apply, so chmod 000 leaves the folder readable";
        }
    }
}
