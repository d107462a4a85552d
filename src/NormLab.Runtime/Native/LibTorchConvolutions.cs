using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace NormLab.Runtime.Native;

/// <summary>
/// Turns libtorch's oneDNN (MKL-DNN) convolutions off, and NNPACK with them, before NormLab builds or trains a
/// module, when a probe finds them wrong on this machine. On an AVX-512 processor, libtorch 2.10's oneDNN convolutions (TorchSharp-cpu 0.107.0) return wrong
/// values for some shapes on every call (a <c>conv2d</c> of a 7×21×10×14 input with 8×21×3×3 weights, stride 2:
/// NaN or values off by up to 18 against float64, in 200 of 200 calls) and NaN now and then for others. With
/// oneDNN off, libtorch uses its own convolution kernels: 0 of 200 off by more than 1e-3. NNPACK, which cannot
/// start on such processors and then prints a warning for every convolution it would have taken, is turned off
/// before the probe in any case. oneDNN's
/// kernels train several times faster, so they stay on where the probe (<see cref="ProbeIsRight"/>) finds them
/// right. <c>NORMLAB_MKLDNN=1</c> in the environment keeps oneDNN on without the probe.
/// </summary>
/// <remarks>
/// libtorch has no C entry point for this and TorchSharp does not expose it; the C++ members
/// <c>at::globalContext()</c>, <c>at::Context::setUserEnabledMkldnn(bool)</c> and
/// <c>setUserEnabledNNPACK(bool)</c> are called by their Itanium-ABI names (Linux and macOS). Elsewhere, or when
/// the names are not found, nothing changes and <see cref="Outcome"/> says so.
/// </remarks>
public static class LibTorchConvolutions
{
    private static readonly object Gate = new();
    private static string? _outcome;

    /// <summary>The environment variable that keeps oneDNN on when it is <c>1</c>.</summary>
    public const string KeepVariable = "NORMLAB_MKLDNN";

    /// <summary>What <see cref="EnsureApplied"/> did: "oneDNN off", "oneDNN kept on (NORMLAB_MKLDNN=1)" or why nothing changed.</summary>
    public static string Outcome => _outcome ?? "not applied yet";

    /// <summary>Applies the setting once per process (later calls return at once).</summary>
    public static void EnsureApplied()
    {
        if (Volatile.Read(ref _outcome) is not null)
        {
            return;
        }

        lock (Gate)
        {
            _outcome ??= Apply();
        }
    }

    private static string Apply()
    {
        if (Environment.GetEnvironmentVariable(KeepVariable) == "1")
        {
            return $"oneDNN kept on ({KeepVariable}=1)";
        }

        if (OperatingSystem.IsWindows())
        {
            return "unchanged (Windows: libtorch's C++ names differ)";
        }

        try
        {
            // NNPACK first: where it cannot start (these processors) libtorch prints a warning for every convolution
            // it would have taken, the probe's included
            var context = GlobalContext();
            SetUserEnabledNnpack(context, false);
            if (ProbeIsRight())
            {
                return "oneDNN on (its convolutions passed the probe)";
            }

            SetUserEnabledMkldnn(context, false);
            return UserEnabledMkldnn(context) ? "unchanged (libtorch kept oneDNN on)" : "oneDNN off (its convolutions failed the probe)";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return $"unchanged ({e.GetType().Name}: {e.Message})";
        }
    }

    /// <summary>
    /// Two convolutions that oneDNN's AVX-512 kernels got wrong on this project's machine, each run a few times in
    /// float32 and compared with the same convolution in float64 (which oneDNN does not run): true when every run
    /// agrees within 1e-3. Costs a few milliseconds, once per process.
    /// </summary>
    private static bool ProbeIsRight()
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(20_261_205);
        var image = TorchSharp.torch.randn(new long[] { 7, 21, 10, 14 }, generator: generator);
        var imageWeight = TorchSharp.torch.randn(new long[] { 8, 21, 3, 3 }, generator: generator);
        var signal = TorchSharp.torch.randn(new long[] { 2, 22, 7 }, generator: generator);
        var signalWeight = TorchSharp.torch.randn(new long[] { 12, 22, 3 }, generator: generator);
        using var noGrad = TorchSharp.torch.no_grad();
        var imageExpected = TorchSharp.torch.nn.functional.conv2d(image.to(TorchSharp.torch.float64), imageWeight.to(TorchSharp.torch.float64), strides: new long[] { 2, 2 });
        var signalExpected = TorchSharp.torch.nn.functional.conv1d(signal.to(TorchSharp.torch.float64), signalWeight.to(TorchSharp.torch.float64), stride: 2);
        for (var i = 0; i < 20; i++)
        {
            var imageActual = TorchSharp.torch.nn.functional.conv2d(image, imageWeight, strides: new long[] { 2, 2 });
            var signalActual = TorchSharp.torch.nn.functional.conv1d(signal, signalWeight, stride: 2);
            if (!Close(imageActual, imageExpected) || !Close(signalActual, signalExpected))
            {
                return false;
            }
        }

        return true;

        static bool Close(TorchSharp.torch.Tensor actual, TorchSharp.torch.Tensor expected)
        {
            var difference = (actual.to(TorchSharp.torch.float64) - expected).abs().max().item<double>();
            return difference <= 1e-3; // false for NaN too
        }
    }

    private const string LibTorch = "libtorch_cpu";

    [DllImport(LibTorch, EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport(LibTorch, EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport(LibTorch, EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport(LibTorch, EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledMkldnn(IntPtr context);
}
