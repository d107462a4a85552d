using System;
using System.Runtime.InteropServices;

namespace NormLab.Testing;

/// <summary>
/// Limits libtorch's oneDNN to SSE4.1 kernels in a test process and the processes it starts. On an AVX-512
/// processor, libtorch 2.10's oneDNN convolutions now and then return NaN for finite inputs (docs/training.md,
/// "Known problem"); tests that compare two runs of the same network must not depend on that chance. SSE4.1 was the
/// first limit under which the random-architecture agreement tests needed no rerun; it only slows convolutions.
/// A value set outside the tests is kept. Call it from a module initializer, before libtorch's first convolution:
/// oneDNN reads the variable once.
/// </summary>
public static class OneDnnForTests
{
    public const string Variable = "ONEDNN_MAX_CPU_ISA";

    public const string Limit = "SSE41";

    public static void Apply()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not null || !System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            return;
        }

        Environment.SetEnvironmentVariable(Variable, Limit); // the environment of the processes the tests start
        if (!OperatingSystem.IsWindows())
        {
            _ = SetEnv(Variable, Limit, 0); // this process's native environment, which libtorch reads
        }
    }

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int SetEnv(string name, string value, int overwrite);
}
