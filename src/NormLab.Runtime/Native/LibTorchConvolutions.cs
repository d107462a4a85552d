using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NormLab.Runtime.Native;

/// <summary>
/// Keeps libtorch's fast oneDNN (MKL-DNN) convolutions on where they are right, by probing each convolution shape the
/// first time it runs, and turns them off for the rest of the process the moment one shape is wrong.
/// </summary>
/// <remarks>
/// <para>
/// On an AVX-512 processor, libtorch 2.10's oneDNN float32 convolutions (TorchSharp-cpu 0.107.0) return wrong values for
/// some shapes on every call (a <c>conv2d</c> of a 7×21×10×14 input with 8×21×3×3 weights, stride 2: NaN or values off
/// by up to 18 against float64; batch 1 is right) and NaN now and then for others, while the shapes of most networks
/// are right and oneDNN trains them several times faster than libtorch's own kernels.
/// </para>
/// <para>
/// Every <c>Conv1d</c>/<c>Conv2d</c> that NormLab creates (<see cref="Building.LayerFactory"/>: the run-time builder and
/// generated modules) and every one inside a module the trainer trains gets a forward pre-hook (<see cref="Watch"/>).
/// The first time a <see cref="ConvolutionShape"/> runs, the hook runs that convolution alone on random data in float32
/// and in float64 (which oneDNN does not take), forward and backward, a few times (<see cref="Probe"/>). If any shape
/// fails, oneDNN is turned off through libtorch's C++ context before that convolution runs, and stays off (sticky: a
/// convolution running on another thread never sees it come back; off is always right). NNPACK, which cannot start on
/// such processors and then warns for every convolution it would have taken, is turned off in any case.
/// <c>NORMLAB_MKLDNN=1</c> keeps oneDNN on without probing, <c>NORMLAB_MKLDNN=0</c> turns it off without probing.
/// </para>
/// <para>
/// Verdicts are kept in a <see cref="ProbeCache"/> file shared by the processes of one user, keyed by the libtorch build
/// and the processor, so a shape is probed once per machine, not once per process (<c>NORMLAB_PROBE_CACHE</c>: a file,
/// or <c>off</c>). A kernel that crashes the process in its probe cannot be caught here; the cache records each probe
/// as begun before it runs, so the next process takes that shape as wrong instead of crashing in it again.
/// </para>
/// <para>
/// libtorch has no C entry point for this and TorchSharp does not expose it; the C++ members <c>at::globalContext()</c>,
/// <c>at::Context::setUserEnabledMkldnn(bool)</c> and <c>setUserEnabledNNPACK(bool)</c> are called by their Itanium-ABI
/// names (Linux and macOS). Elsewhere, or when the names are not found, nothing changes, nothing is probed and
/// <see cref="Outcome"/> says so.
/// </para>
/// </remarks>
public static class LibTorchConvolutions
{
    /// <summary>The environment variable: <c>1</c> keeps oneDNN on without probing, <c>0</c> turns it off without probing.</summary>
    public const string KeepVariable = "NORMLAB_MKLDNN";

    /// <summary>How many times <see cref="Probe"/> runs each shape in float32 by default.</summary>
    public const int DefaultRepetitions = 3;

    /// <summary>The largest difference from float64 a probe accepts, relative to max(1, the largest float64 value).</summary>
    public const double Tolerance = 1e-3;

    private enum Mode
    {
        NotApplied,
        Probing,
        ProbeFailed,
        ForcedOn,
        ForcedOff,
        Unchanged,
    }

    private static readonly object Gate = new();
    private static readonly object ProbeGate = new();
    private static readonly ConcurrentDictionary<ConvolutionShape, ProbeResult> Probed = new();
    private static readonly ConditionalWeakTable<Convolution, Watcher> Watched = new();
    private static volatile Mode _mode = Mode.NotApplied;
    private static string? _unchangedReason;
    private static ProbeResult? _failure;
    private static IntPtr _context;
    private static ProbeCache? _cache;

    /// <summary>
    /// What happened so far in this process: <c>oneDNN on (3 convolution shapes probed, all right)</c>,
    /// <c>oneDNN off since conv2d 7x21x10x14 * 8x21x3x3, … failed the probe (…)</c>, <c>oneDNN on, not probed
    /// (NORMLAB_MKLDNN=1)</c>, <c>oneDNN off, not probed (NORMLAB_MKLDNN=0)</c>, or why nothing changed.
    /// </summary>
    public static string Outcome => _mode switch
    {
        Mode.NotApplied => "not applied yet",
        Mode.Probing => $"oneDNN on ({Count(Probed.Count)} probed, all right{FromCache()})",
        Mode.ProbeFailed => _failure!.Shape is { } shape
            ? $"oneDNN off since {shape} failed the probe ({_failure.Detail}{(_failure.Cached ? ", found by an earlier process (probe cache)" : string.Empty)}; {Count(Probed.Count)} probed{FromCache()})"
            : $"oneDNN off since {_failure.Detail}",
        Mode.ForcedOn => $"oneDNN on, not probed ({KeepVariable}=1)",
        Mode.ForcedOff => $"oneDNN off, not probed ({KeepVariable}=0)",
        _ => $"unchanged ({_unchangedReason})",
    };

    /// <summary>Whether convolutions that have not run yet are probed (oneDNN is on and the probe decides).</summary>
    public static bool Probing => _mode == Mode.Probing;

    /// <summary>The shape whose probe turned oneDNN off; null while none has.</summary>
    public static ProbeResult? Failure => _failure;

    /// <summary>
    /// The file of earlier processes' verdicts this process reads and adds to (<see cref="ProbeCache"/>), or null when
    /// there is none (<c>NORMLAB_PROBE_CACHE=off</c>, or nothing is probed).
    /// </summary>
    public static ProbeCache? Cache => _cache;

    /// <summary>How many shapes were checked in this process so far (probed now or known from <see cref="Cache"/>).</summary>
    public static int ProbedShapes => Probed.Count;

    /// <summary>The probes run in this process so far, one per shape (what each found and cost).</summary>
    public static System.Collections.Generic.IReadOnlyList<ProbeResult> Results => System.Linq.Enumerable.ToArray(Probed.Values);

    /// <summary>
    /// Reads <see cref="KeepVariable"/>, turns NNPACK off and, with <c>NORMLAB_MKLDNN=0</c>, oneDNN; once per process
    /// (later calls return at once). Called before NormLab builds or trains a module.
    /// </summary>
    public static void EnsureApplied()
    {
        if (_mode != Mode.NotApplied)
        {
            return;
        }

        lock (Gate)
        {
            if (_mode == Mode.NotApplied)
            {
                _mode = Apply();
            }
        }
    }

    private static Mode Apply()
    {
        var variable = Environment.GetEnvironmentVariable(KeepVariable);
        if (OperatingSystem.IsWindows())
        {
            return variable == "1" ? Mode.ForcedOn : Unchanged("Windows: libtorch's C++ names differ");
        }

        try
        {
            // NNPACK off in any case: where it cannot start (these processors) libtorch warns for every convolution it
            // would have taken, the probes' included
            _context = GlobalContext();
            SetUserEnabledNnpack(_context, false);
            if (variable == "1")
            {
                return Mode.ForcedOn;
            }

            if (variable == "0")
            {
                SetUserEnabledMkldnn(_context, false);
                return UserEnabledMkldnn(_context) ? Unchanged("libtorch kept oneDNN on") : Mode.ForcedOff;
            }

            _cache = ProbeCache.FromEnvironment(DefaultRepetitions, Tolerance);
            return Mode.Probing;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return variable == "1" ? Mode.ForcedOn : Unchanged($"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>
    /// Gives every 1-d and 2-d convolution in <paramref name="module"/> (itself included) a forward pre-hook that
    /// probes its shape the first time it runs (<see cref="BeforeConvolution"/>); a convolution is hooked once however
    /// often it is watched. The hook runs when the convolution is called with <c>call(x)</c>, as PyTorch's
    /// <c>module(x)</c> runs hooks; a hand-written module that calls a convolution's <c>forward(x)</c> directly
    /// bypasses it.
    /// </summary>
    public static T Watch<T>(T module)
        where T : nn.Module
    {
        HookAll(module);
        return module;
    }

    /// <summary>
    /// Watches a module the trainer was given (<see cref="Watch"/>), and when it holds convolutions NormLab did not
    /// create (a hand-written module), runs it once on <paramref name="sample"/> (a batch of the training batch size) in
    /// evaluation mode, so that their shapes are probed before training; the output is discarded and
    /// each module's training mode is restored. Autograd is on, as in training, so the shapes probed then are those the
    /// training steps run. A convolution whose hook did not run then (its module calls
    /// <c>forward</c>, not <c>call</c>) cannot be probed: oneDNN is turned off for the process, as for a failed probe.
    /// </summary>
    public static void WatchTrained(nn.Module<Tensor, Tensor> module, Func<Tensor> sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var fresh = HookAll(module);
        if (fresh.Count == 0 || _mode != Mode.Probing)
        {
            return;
        }

        // parents before children, so that restoring a parent's mode (which sets its children's) comes first
        var modes = new System.Collections.Generic.List<(nn.Module Module, bool Training)> { (module, module.training) };
        foreach (var child in module.modules())
        {
            if (!ReferenceEquals(child, module))
            {
                modes.Add((child, child.training));
            }
        }

        try
        {
            module.eval();
            using var scope = NewDisposeScope();
            using var grad = enable_grad();
            module.call(sample());
        }
        finally
        {
            foreach (var (child, training) in modes)
            {
                child.train(training);
            }
        }

        foreach (var (convolution, watcher) in fresh)
        {
            if (!watcher.Fired)
            {
                TurnOff(new ProbeResult(null, false,
                    $"a convolution of {module.GetName()} ({convolution.GetName()}) ran without its forward pre-hook, so its shapes cannot be probed (call it with call(x), not forward(x))",
                    double.NaN, TimeSpan.Zero));
                return;
            }
        }
    }

    private static System.Collections.Generic.List<(Convolution, Watcher)> HookAll(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        EnsureApplied();
        var fresh = new System.Collections.Generic.List<(Convolution, Watcher)>();
        if (module is Convolution convolution && Hook(convolution) is { } watcher)
        {
            fresh.Add((convolution, watcher));
        }

        foreach (var child in module.modules())
        {
            if (!ReferenceEquals(child, module) && child is Convolution inner && Hook(inner) is { } innerWatcher)
            {
                fresh.Add((inner, innerWatcher));
            }
        }

        return fresh;
    }

    /// <summary>Hooks a convolution not hooked yet; null when it was (or is not one oneDNN's float32 kernels take).</summary>
    private static Watcher? Hook(Convolution convolution)
    {
        if (convolution.transposed || convolution.kernel_size.Length is < 1 or > 2)
        {
            return null;
        }

        var watcher = new Watcher();
        lock (Watched)
        {
            if (Watched.TryGetValue(convolution, out _))
            {
                return null;
            }

            Watched.Add(convolution, watcher);
        }

        convolution.register_forward_pre_hook((self, input) =>
        {
            watcher.Fired = true;
            BeforeConvolution((Convolution)self, input);
            return input;
        });
        return watcher;
    }

    private sealed class Watcher
    {
        public volatile bool Fired;
    }

    /// <summary>
    /// Before <paramref name="convolution"/> runs on <paramref name="input"/>: while probing, probes its shape the first
    /// time it is seen (<see cref="EnsureRight"/>); nothing otherwise. Costs a dictionary look-up once the shape is known.
    /// </summary>
    public static void BeforeConvolution(Convolution convolution, Tensor input)
    {
        if (_mode != Mode.Probing)
        {
            return;
        }

        if (ConvolutionShape.Of(convolution, input) is { } shape)
        {
            EnsureRight(shape);
        }
    }

    /// <summary>
    /// While probing: probes <paramref name="shape"/> unless it was probed already in this process, and turns oneDNN off
    /// for good when it fails. Thread-safe: one probe runs at a time, and each shape is probed once.
    /// </summary>
    public static void EnsureRight(ConvolutionShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        EnsureApplied();
        if (_mode != Mode.Probing || Probed.ContainsKey(shape))
        {
            return;
        }

        lock (ProbeGate)
        {
            if (_mode != Mode.Probing || Probed.ContainsKey(shape))
            {
                return;
            }

            ProbeResult result;
            if (_cache?.Find(shape) is { } known)
            {
                result = known;
            }
            else
            {
                // a kernel that crashes the process ends it inside the probe: the next process finds the probe begun
                // and never finished, and keeps oneDNN off (ProbeCache.Find)
                _cache?.Begin(shape);
                try
                {
                    result = Probe(shape);
                    _cache?.Add(result);
                }
                catch (Exception e)
                {
                    _cache?.End(shape);
                    if (e is OperationCanceledException)
                    {
                        throw;
                    }

                    // a probe that cannot run (memory, say) proves nothing: off is always right (and not cached)
                    result = new ProbeResult(shape, false, $"the probe could not run: {e.GetType().Name}: {e.Message}", double.NaN, TimeSpan.Zero);
                }
            }

            if (!result.Right)
            {
                TurnOff(result); // before the convolution runs, and before anyone can read the shape as probed
            }

            Probed[shape] = result;
        }
    }

    private static void TurnOff(ProbeResult failure)
    {
        lock (ProbeGate)
        {
            if (_mode != Mode.Probing)
            {
                return;
            }

            SetUserEnabledMkldnn(_context, false);
            _failure = failure;
            _mode = UserEnabledMkldnn(_context) ? Unchanged("libtorch kept oneDNN on after a failed probe") : Mode.ProbeFailed;
        }
    }

    private static Mode Unchanged(string reason)
    {
        _unchangedReason = reason;
        return Mode.Unchanged;
    }

    /// <summary>
    /// The probe's decision for one shape, with whatever kernels libtorch selects now: the convolution on random data
    /// (normal, from a fixed seed; the global generator is not touched) in float32, <paramref name="repetitions"/>
    /// times, forward and, as the shape says, backward (the gradients of the input and/or of the weight for a random
    /// upstream gradient; without either, a forward without autograd), each compared with the same in float64. Right when every float32 value is within <see cref="Tolerance"/> ×
    /// max(1, max |float64|) of float64, per tensor; NaN is wrong. A convolution is linear, so float32 and float64
    /// differ only by rounding (no ReLU kink or max-pool tie to flip).
    /// </summary>
    public static ProbeResult Probe(ConvolutionShape shape, int repetitions = DefaultRepetitions)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        bool backward = shape.InputGradient || shape.WeightGradient;
        using var grad = enable_grad(backward);
        var generator = new TorchSharp.torch.Generator(20_261_205);
        var input = randn(shape.Input, generator: generator);
        var weight = randn(shape.Weight, generator: generator);
        var bias = shape.Bias ? randn(new[] { shape.Weight[0] }, generator: generator) : null;
        var upstream = randn(OutputShape(shape), generator: generator);
        var expected = Run(shape, input.to(float64), weight.to(float64), bias?.to(float64), upstream.to(float64));
        double worst = 0;
        for (int i = 0; i < repetitions; i++)
        {
            var actual = Run(shape, input, weight, bias, upstream);
            foreach (var (name, a, e) in new[]
            {
                ("output", actual.Output, expected.Output),
                ("input gradient", actual.InputGradient, expected.InputGradient),
                ("weight gradient", actual.WeightGradient, expected.WeightGradient),
            })
            {
                if (a is null || e is null)
                {
                    continue;
                }

                double error = RelativeError(a, e);
                if (!(error <= Tolerance))
                {
                    var what = double.IsNaN(error) ? "NaN" : $"off by {error:G3} of its scale";
                    return new ProbeResult(shape, false, $"{name} {what} on run {i + 1} of {repetitions}", error, clock.Elapsed);
                }

                worst = Math.Max(worst, error);
            }
        }

        return new ProbeResult(shape, true, $"within {worst:G3} of float64", worst, clock.Elapsed);
    }

    private static (Tensor Output, Tensor? InputGradient, Tensor? WeightGradient) Run(ConvolutionShape shape, Tensor input, Tensor weight, Tensor? bias, Tensor upstream)
    {
        if (shape.InputGradient)
        {
            input = input.detach().requires_grad_();
        }

        if (shape.WeightGradient)
        {
            weight = weight.detach().requires_grad_();
        }

        var output = shape.Dimensions == 1
            ? nn.functional.conv1d(input, weight, bias, shape.Stride[0], shape.Padding[0], shape.Dilation[0], shape.Groups)
            : nn.functional.conv2d(input, weight, bias, shape.Stride, shape.Padding, shape.Dilation, shape.Groups);
        if (!shape.InputGradient && !shape.WeightGradient)
        {
            return (output, null, null);
        }

        var wanted = new System.Collections.Generic.List<Tensor>();
        if (shape.InputGradient)
        {
            wanted.Add(input);
        }

        if (shape.WeightGradient)
        {
            wanted.Add(weight);
        }

        var gradients = autograd.grad(new[] { output }, wanted, new[] { upstream });
        return (output.detach(), shape.InputGradient ? gradients[0] : null, shape.WeightGradient ? gradients[^1] : null);
    }

    private static long[] OutputShape(ConvolutionShape shape)
    {
        var output = new long[shape.Input.Length];
        output[0] = shape.Input[0];
        output[1] = shape.Weight[0];
        for (int i = 0; i < shape.Dimensions; i++)
        {
            long span = shape.Dilation[i] * (shape.Weight[2 + i] - 1) + 1;
            output[2 + i] = (shape.Input[2 + i] + 2 * shape.Padding[i] - span) / shape.Stride[i] + 1;
        }

        return output;
    }

    /// <summary>max |actual − expected| / max(1, max |expected|), in float64; NaN when either holds a NaN.</summary>
    private static double RelativeError(Tensor actual, Tensor expected)
    {
        var difference = (actual.to(float64) - expected).abs();
        if (difference.isnan().any().item<bool>())
        {
            return double.NaN;
        }

        double scale = Math.Max(1.0, expected.abs().max().item<double>());
        return difference.max().item<double>() / scale;
    }

    private static string FromCache()
    {
        int cached = Probed.Values.Count(r => r.Cached);
        return cached == 0 ? string.Empty : $"; {cached} of them known from earlier processes";
    }

    private static string Count(int shapes) => $"{shapes} convolution shape{(shapes == 1 ? string.Empty : "s")}";

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

    /// <summary>Whether libtorch's oneDNN convolutions are on now (false where that cannot be read, e.g. Windows).</summary>
    public static bool OneDnnEnabled
    {
        get
        {
            if (OperatingSystem.IsWindows())
            {
                return false;
            }

            try
            {
                return UserEnabledMkldnn(GlobalContext());
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
            {
                return false;
            }
        }
    }
}

/// <summary>
/// One shape's probe: whether float32 matched float64, how (or where it did not), and what it cost. <see cref="Shape"/>
/// is null for the one failure that is no probe: a convolution that could not be watched. <see cref="Cached"/> when the
/// verdict was read from the <see cref="ProbeCache"/> (an earlier process probed the shape on this machine and build)
/// rather than probed now.
/// </summary>
public sealed record ProbeResult(ConvolutionShape? Shape, bool Right, string Detail, double WorstError, TimeSpan Elapsed, bool Cached = false);
