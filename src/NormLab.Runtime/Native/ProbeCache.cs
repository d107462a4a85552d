using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace NormLab.Runtime.Native;

/// <summary>
/// The verdicts of earlier convolution probes (<see cref="LibTorchConvolutions.Probe"/>), kept in a file that every
/// NormLab process of one user reads and appends to, so that a shape is probed once per machine and libtorch build
/// instead of once per process: a study's jobs, shards and resumed sittings, and a large network whose float64 probe
/// costs minutes, start training at once the second time.
/// </summary>
/// <remarks>
/// <para>
/// One line per probe: <c>machine⇥shape⇥right|wrong⇥worst error⇥detail</c>. <c>machine</c> is a hash of what the
/// verdict depends on besides the shape: the libtorch library file NormLab loaded (path, size, modification time),
/// TorchSharp's version, the processor (model and instruction-set flags) and the probe's own tolerance and repetitions;
/// lines of other machines or builds are kept and ignored. The shape's text holds the thread count and which gradients
/// run. Lines are appended whole (one write each); a line that cannot be read is skipped, so two processes probing at
/// once cost at most a probe twice.
/// </para>
/// <para>
/// A probe runs the convolution's own kernel, and a kernel can crash the process instead of computing wrong values
/// (on an AVX-512 machine, one float32 oneDNN backward of ResNet-50 dies with SIGFPE). So before each probe the process
/// appends <c>machine⇥shape⇥probing⇥host:pid⇥started …</c> (<see cref="Begin"/>), and after it the verdict, or
/// <c>ended</c> when the probe could not run (<see cref="End"/>). A later process on the same host that finds a
/// <c>probing</c> line without a verdict, written by a process that no longer runs, takes the shape as wrong (the
/// process died in its probe, or was killed there) and appends that verdict, so oneDNN is off from the next run on
/// instead of crashing it again. A process still running, or one on another host, is not judged: the shape is probed.
/// </para>
/// <para>
/// Where: <c>NORMLAB_PROBE_CACHE</c> names the file, or turns the cache off with <c>off</c> (or <c>0</c>); by default
/// <c>$XDG_CACHE_HOME/normlab/convolution-probes.tsv</c> (<c>~/.cache/…</c> when it is unset; the local application
/// data folder on Windows). A cache that cannot be read or written is not used, and training goes on with probes.
/// </para>
/// </remarks>
public sealed class ProbeCache
{
    /// <summary>The environment variable: a file path, or <c>off</c>/<c>0</c> for no cache.</summary>
    public const string Variable = "NORMLAB_PROBE_CACHE";

    private const string Header = "# NormLab convolution probes (see docs/training.md): machine\tshape\tverdict\tworst error\tdetail";

    private readonly object _gate = new();
    private readonly Dictionary<string, ProbeResult> _known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Host, int ProcessId, string Started)> _pending = new(StringComparer.Ordinal);
    private readonly HashSet<string> _mine = new(StringComparer.Ordinal);
    private long _readUpTo;

    /// <summary>A cache in <paramref name="path"/> for the verdicts of <paramref name="machine"/>.</summary>
    public ProbeCache(string path, string machine)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(machine);
        if (machine.Contains('\t', StringComparison.Ordinal) || machine.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException("A machine key holds no tab or line break.", nameof(machine));
        }

        Path = path;
        Machine = machine;
    }

    /// <summary>The cache file.</summary>
    public string Path { get; }

    /// <summary>The key of this machine and build: only lines with it are read.</summary>
    public string Machine { get; }

    /// <summary>Why the cache was last not used (a read or write failed), or null.</summary>
    public string? Trouble { get; private set; }

    /// <summary>
    /// The cache <c>NORMLAB_PROBE_CACHE</c> and the default location give for this process, keyed by
    /// <see cref="MachineKey"/>; null when it is turned off or no location can be found.
    /// </summary>
    public static ProbeCache? FromEnvironment(int repetitions, double tolerance)
    {
        var variable = Environment.GetEnvironmentVariable(Variable);
        string? path;
        if (variable is "off" or "0" or "false" or "no")
        {
            return null;
        }

        if (!string.IsNullOrEmpty(variable))
        {
            path = variable;
        }
        else
        {
            string? root = OperatingSystem.IsWindows()
                ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
                : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                    ? xdg
                    : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home ? System.IO.Path.Combine(home, ".cache") : null;
            if (string.IsNullOrEmpty(root))
            {
                return null;
            }

            path = System.IO.Path.Combine(root, "normlab", "convolution-probes.tsv");
        }

        return new ProbeCache(path, MachineKey(repetitions, tolerance));
    }

    /// <summary>
    /// A short hash of what a probe's verdict depends on besides the shape: the libtorch library this process loaded
    /// (its path, size and modification time, where <c>/proc/self/maps</c> tells), TorchSharp's version, the processor
    /// (model name and flags from <c>/proc/cpuinfo</c>, or the architecture and operating system elsewhere), and the
    /// probe's repetitions and tolerance.
    /// </summary>
    public static string MachineKey(int repetitions, double tolerance)
    {
        var text = new StringBuilder();
        text.Append("probe 1; repetitions ").Append(repetitions).Append("; tolerance ").Append(tolerance.ToString("R", CultureInfo.InvariantCulture));
        text.Append("; TorchSharp ").Append(typeof(TorchSharp.torch).Assembly.GetName().Version);
        text.Append("; ").Append(RuntimeInformation.ProcessArchitecture).Append("; ").Append(RuntimeInformation.OSDescription);
        foreach (var part in LibTorchFile().Concat(Processor()))
        {
            text.Append("; ").Append(part);
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToHexString(hash, 0, 8).ToLowerInvariant();
    }

    private static IEnumerable<string> LibTorchFile()
    {
        string? library = null;
        try
        {
            if (File.Exists("/proc/self/maps"))
            {
                library = File.ReadLines("/proc/self/maps")
                    .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? line[slash..] : null)
                    .FirstOrDefault(file => file is not null && System.IO.Path.GetFileName(file).StartsWith("libtorch_cpu", StringComparison.Ordinal));
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        if (library is null)
        {
            yield break;
        }

        var info = new FileInfo(library);
        yield return $"{library} {(info.Exists ? info.Length : -1)} {(info.Exists ? info.LastWriteTimeUtc.Ticks : 0)}";
    }

    private static IEnumerable<string> Processor()
    {
        string? model = null, flags = null;
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                {
                    if (line.Length == 0 && (model is not null || flags is not null))
                    {
                        break; // the first processor is enough
                    }

                    int colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon < 0)
                    {
                        continue;
                    }

                    var name = line[..colon].Trim();
                    if (name is "model name" or "Processor" or "CPU part")
                    {
                        model ??= line[(colon + 1)..].Trim();
                    }
                    else if (name is "flags" or "Features")
                    {
                        flags ??= line[(colon + 1)..].Trim();
                    }
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        if (model is not null)
        {
            yield return model;
        }

        if (flags is not null)
        {
            yield return flags;
        }
    }

    /// <summary>
    /// An earlier verdict for <paramref name="shape"/> on this machine and build (<see cref="ProbeResult.Cached"/>
    /// set), or null when there is none. Reads what other processes appended since the last look. A probe of the shape
    /// that an ended process began and never finished (<see cref="Begin"/>) is a "wrong" verdict, appended to the file.
    /// </summary>
    public ProbeResult? Find(ConvolutionShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        lock (_gate)
        {
            if (_known.TryGetValue(shape.Key, out var known))
            {
                return known;
            }

            ReadNewLines();
            if (_known.TryGetValue(shape.Key, out known))
            {
                return known;
            }

            if (_pending.TryGetValue(shape.Key, out var pending) && Ended(pending.Host, pending.ProcessId, shape.Key))
            {
                var died = new ProbeResult(shape, false,
                    $"process {pending.ProcessId} ended in this shape's probe ({pending.Started}): its kernel crashes the process, or that process was killed there; delete the shape's lines from {Path} to probe it again",
                    double.NaN, TimeSpan.Zero);
                Append(Line(died));
                _pending.Remove(shape.Key);
                _known[shape.Key] = died with { Cached = true };
                return _known[shape.Key];
            }

            return null;
        }
    }

    /// <summary>
    /// Says that this process begins probing <paramref name="shape"/> (a <c>probing</c> line): should the probe crash the
    /// process, the next process finds the line without a verdict and takes the shape as wrong (<see cref="Find"/>).
    /// </summary>
    public void Begin(ConvolutionShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        lock (_gate)
        {
            _mine.Add(shape.Key);
            Append(ProbeLine(shape, "probing", "started " + DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC"));
        }
    }

    /// <summary>Says that the probe of <paramref name="shape"/> this process began ended without a verdict to keep (it could not run).</summary>
    public void End(ConvolutionShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        lock (_gate)
        {
            _mine.Remove(shape.Key);
            Append(ProbeLine(shape, "ended", "no verdict"));
        }
    }

    /// <summary>Appends a probe's verdict (one line, one write); a result without a shape or from the cache is not kept.</summary>
    public void Add(ProbeResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Shape is null || result.Cached)
        {
            return;
        }

        lock (_gate)
        {
            _mine.Remove(result.Shape.Key);
            Append(Line(result));
            _known[result.Shape.Key] = result with { Cached = true, Elapsed = TimeSpan.Zero };
        }
    }

    /// <summary>This host's name as <c>probing</c> lines give it (a process is judged only on its own host).</summary>
    private static string HostName { get; } = Clean(Environment.MachineName);

    private static string Clean(string text) => text.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');

    private string Line(ProbeResult result) =>
        string.Join('\t', Machine, result.Shape!.Key, result.Right ? "right" : "wrong",
            result.WorstError.ToString("R", CultureInfo.InvariantCulture), Clean(result.Detail)) + "\n";

    /// <summary>A <c>probing</c> or <c>ended</c> line of this process: <c>machine⇥shape⇥kind⇥host:pid⇥text</c>.</summary>
    private string ProbeLine(ConvolutionShape shape, string kind, string text) =>
        string.Join('\t', Machine, shape.Key, kind, $"{HostName}:{Environment.ProcessId}", text) + "\n";

    private void Append(string line)
    {
        try
        {
            if (System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)) is { Length: > 0 } folder)
            {
                Directory.CreateDirectory(folder);
            }

            using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            var bytes = Encoding.UTF8.GetBytes(stream.Position == 0 ? Header + "\n" + line : line);
            stream.Write(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            Trouble = $"{Path} could not be written: {e.Message}";
        }
    }

    /// <summary>
    /// Whether the process that wrote a <c>probing</c> line has ended: only on this host; this process's own pid counts
    /// as ended unless this process began that probe itself (the line is then an earlier process's with the same pid).
    /// </summary>
    private bool Ended(string host, int processId, string key)
    {
        if (!string.Equals(host, HostName, StringComparison.Ordinal))
        {
            return false;
        }

        if (processId == Environment.ProcessId)
        {
            return !_mine.Contains(key);
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true; // no process has that id
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            return false; // cannot tell: probe again
        }
    }

    private void ReadNewLines()
    {
        try
        {
            if (!File.Exists(Path))
            {
                return;
            }

            using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length < _readUpTo)
            {
                _readUpTo = 0; // replaced or cut: read it all again
            }

            stream.Position = _readUpTo;
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
            var text = reader.ReadToEnd();
            int end = text.LastIndexOf('\n'); // a line still being written is read next time
            if (end < 0)
            {
                return;
            }

            _readUpTo += Encoding.UTF8.GetByteCount(text.AsSpan(0, end + 1));
            foreach (var line in text[..end].Split('\n'))
            {
                if (Parse(line) is { } entry)
                {
                    _known[entry.Key] = entry.Result;
                    _pending.Remove(entry.Key);
                }
                else
                {
                    ParseProbing(line);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            Trouble = $"{Path} could not be read: {e.Message}";
        }
    }

    private (string Key, ProbeResult Result)? Parse(string line)
    {
        var fields = line.TrimEnd('\r').Split('\t');
        if (fields.Length != 5 || fields[0] != Machine || fields[2] is not ("right" or "wrong") ||
            !double.TryParse(fields[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var worst) ||
            ConvolutionShape.Parse(fields[1]) is not { } shape)
        {
            return null;
        }

        return (shape.Key, new ProbeResult(shape, fields[2] == "right", fields[4], worst, TimeSpan.Zero, Cached: true));
    }

    /// <summary>A <c>probing</c> line opens a probe of its shape, an <c>ended</c> line closes it without a verdict.</summary>
    private void ParseProbing(string line)
    {
        var fields = line.TrimEnd('\r').Split('\t');
        if (fields.Length != 5 || fields[0] != Machine || fields[2] is not ("probing" or "ended") ||
            fields[3].LastIndexOf(':') is not (> 0 and var colon) ||
            !int.TryParse(fields[3].AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var processId) ||
            ConvolutionShape.Parse(fields[1]) is not { } shape)
        {
            return;
        }

        if (fields[2] == "ended")
        {
            _pending.Remove(shape.Key);
        }
        else if (!_known.ContainsKey(shape.Key))
        {
            _pending[shape.Key] = (fields[3][..colon], processId, fields[4]);
        }
    }
}
