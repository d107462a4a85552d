using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NormLab.Cli.Tests;

/// <summary>What the tests of special files need from the operating system.</summary>
internal static class Platform
{
    public static bool IsUnix => !OperatingSystem.IsWindows();

    /// <summary>Root reads every folder whatever its permissions: a chmod 000 folder is readable to it.</summary>
    public static bool IsRoot => IsUnix && GetEffectiveUserId() == 0;

    /// <summary>setpriv(1) (util-linux), with which a test running as root runs a command without the capabilities that bypass permissions.</summary>
    public static string? SetPriv { get; } = new[] { "/usr/bin/setpriv", "/bin/setpriv" }.FirstOrDefault(File.Exists);

    /// <summary>
    /// Runs the real <c>normlab</c> in <paramref name="folder"/> as root without the capabilities that bypass file
    /// permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so that permissions apply to it although the tests run as
    /// root. (Running it as nobody needed every folder above the build output to be open to others, which a clone in
    /// a private temporary folder is not.)
    /// </summary>
    public static CliResult RunAsNobody(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo(SetPriv!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        foreach (var argument in new[] { "--bounding-set=-dac_override,-dac_read_search", "--", Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", typeof(Program).Assembly.Location })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HOME"] = Path.GetTempPath();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(120)), "normlab without permission-bypassing capabilities did not finish");
        return new CliResult(process.ExitCode, stdout.Result.Replace("\r\n", "\n", StringComparison.Ordinal), stderr.Result);
    }

    /// <summary>Makes a FIFO (a named pipe) with mkfifo(1).</summary>
    public static void MakeFifo(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("mkfifo", new[] { path }) { UseShellExecute = false })!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    /// <summary>
    /// Sends SIGINT (what Ctrl+C sends) to <paramref name="processId"/> with kill(2) itself: no kill(1) process to start
    /// first, so the signal is on its way when this returns, not a loaded machine's process start later.
    /// </summary>
    public static void Interrupt(int processId)
    {
        const int SigInt = 2; // the same on Linux and macOS
        Assert.True(Kill(processId, SigInt) == 0, $"kill({processId}, SIGINT) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int processId, int signal);
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

/// <summary>
/// A test of unreadable folders. Permissions do not apply to root: as root the test runs <c>normlab</c> without CAP_DAC_OVERRIDE
/// through setpriv, and only a root without setpriv cannot run it.
/// </summary>
internal sealed class UnixNotRootFactAttribute : FactAttribute
{
    public UnixNotRootFactAttribute()
    {
        if (!Platform.IsUnix)
        {
            Skip = "Unix permissions are Unix only";
        }
        else if (Platform.IsRoot && Platform.SetPriv is null)
        {
            Skip = "running as root without setpriv(1): permissions do not apply to root, so chmod 000 leaves the folder readable";
        }
    }
}
