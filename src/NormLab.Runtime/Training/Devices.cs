using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Runtime.Training;

/// <summary>Turns <c>--device auto|cpu|cuda</c> into a libtorch device.</summary>
public static class Devices
{
    /// <summary>True when libtorch sees a CUDA device (never with the TorchSharp-cpu backend).</summary>
    public static bool CudaAvailable => cuda.is_available();

    /// <summary>The device for <paramref name="choice"/>; throws <see cref="TrainingException"/> for CUDA when it is not available.</summary>
    public static Device Resolve(DeviceChoice choice) => choice switch
    {
        DeviceChoice.Cpu => CPU,
        DeviceChoice.Cuda when CudaAvailable => CUDA,
        DeviceChoice.Cuda => throw new TrainingException(
            "CUDA was requested but is not available: this build uses TorchSharp-cpu, or no CUDA device and driver were found " +
            "(build with -p:NormLabTorchBackend=cuda-linux or cuda-windows on a machine with CUDA, or use --device cpu)"),
        _ => CudaAvailable ? CUDA : CPU,
    };

    /// <summary><c>cpu</c> or <c>cuda</c>.</summary>
    public static string Name(Device device) => device.type == DeviceType.CUDA ? "cuda" : "cpu";
}
