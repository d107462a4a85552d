using System;
using System.IO;
using System.Linq;
using NormLab.Runtime.Native;
using Xunit;

namespace NormLab.Runtime.Tests.Native;

/// <summary>
/// The file of earlier probes' verdicts: what one process appends another reads, only for its own machine key, and a
/// damaged or unwritable file costs probes, never an exception. What a whole process does with it (a second study
/// probes nothing; a cached failure turns oneDNN off) is tested on real <c>normlab study</c> processes in
/// NormLab.Cli.Tests' <c>ConvolutionProbeTests</c>.
/// </summary>
public sealed class ProbeCacheTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("normlab-probe-cache-").FullName;

    private static readonly ConvolutionShape Plain = new(
        new long[] { 64, 1, 28, 28 }, new long[] { 8, 1, 3, 3 }, new long[] { 1 }, new long[] { 1 }, new long[] { 1 }, 1, bias: true, threads: 1,
        inputGradient: false);

    private static readonly ConvolutionShape Strided = new(
        new long[] { 7, 21, 10, 14 }, new long[] { 8, 21, 3, 3 }, new long[] { 2, 2 }, new long[] { 0, 0 }, new long[] { 1, 1 }, 1, bias: false, threads: 2);

    private static readonly ConvolutionShape Signal = new(
        new long[] { 32, 4, 100 }, new long[] { 16, 2, 5 }, new long[] { 2 }, new long[] { 2 }, new long[] { 3 }, 2, bias: true, threads: 1,
        inputGradient: false, weightGradient: false);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string File(string name = "probes.tsv") => Path.Combine(_folder, "sub", name);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void A_shape_reads_back_from_its_text(int which)
    {
        var shape = new[] { Plain, Strided, Signal }[which];
        var parsed = ConvolutionShape.Parse(shape.ToString());
        Assert.NotNull(parsed);
        Assert.Equal(shape, parsed);
        Assert.Equal(shape.Input, parsed!.Input);
        Assert.Equal(shape.Weight, parsed.Weight);
        Assert.Equal(shape.Stride, parsed.Stride);
        Assert.Equal(shape.Padding, parsed.Padding);
        Assert.Equal(shape.Dilation, parsed.Dilation);
        Assert.Equal((shape.Groups, shape.Bias, shape.Threads, shape.InputGradient, shape.WeightGradient),
            (parsed.Groups, parsed.Bias, parsed.Threads, parsed.InputGradient, parsed.WeightGradient));
    }

    [Theory]
    [InlineData("")]
    [InlineData("conv2d 64x1x28x28 * 8x1x3x3")]
    [InlineData("conv3d 1x1x2x2x2 * 1x1x1x1x1, stride 1x1x1, padding 0x0x0, dilation 1x1x1, groups 1, bias, 1 thread, forward only")]
    [InlineData("conv2d 64x1x28 * 8x1x3x3, stride 1x1, padding 1x1, dilation 1x1, groups 1, bias, 1 thread, forward only")]
    [InlineData("conv1d 64x1x28 * 8x1x3, stride 1, padding 1, dilation 1, groups 1, bias, 1 thread, backwards")]
    [InlineData("conv1d 64x1x28 * 8x1x3, stride 1, padding 1, dilation 1, groups 1, bias, 99999999999 thread, forward only")]
    public void Text_that_is_no_shape_reads_as_none(string text) => Assert.Null(ConvolutionShape.Parse(text));

    [Fact]
    public void A_verdict_one_process_adds_another_finds_and_other_machines_are_ignored()
    {
        var writer = new ProbeCache(File(), "machine-a");
        var reader = new ProbeCache(File(), "machine-a"); // a second process: it has not read the file yet
        var stranger = new ProbeCache(File(), "machine-b");
        Assert.Null(reader.Find(Plain));

        writer.Add(new ProbeResult(Plain, true, "within 1.2e-07 of float64", 1.2e-7, TimeSpan.FromSeconds(3)));
        writer.Add(new ProbeResult(Strided, false, "output off by 18.1 of its scale on run 1 of 3", 18.1, TimeSpan.FromSeconds(1)));

        var right = reader.Find(Plain);
        Assert.NotNull(right);
        Assert.True(right!.Right);
        Assert.True(right.Cached);
        Assert.Equal(1.2e-7, right.WorstError);
        Assert.Equal(TimeSpan.Zero, right.Elapsed);
        Assert.Equal("within 1.2e-07 of float64", right.Detail);
        var wrong = reader.Find(Strided);
        Assert.False(wrong!.Right);
        Assert.Equal(Strided, wrong.Shape);
        Assert.Null(reader.Find(Signal));
        Assert.Null(stranger.Find(Plain));
        Assert.Null(stranger.Find(Strided));

        // the file starts with one header line, then one line per verdict
        var lines = System.IO.File.ReadAllLines(File());
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("# NormLab convolution probes", lines[0], StringComparison.Ordinal);
        Assert.Equal($"machine-a\t{Strided}\twrong\t18.1\toutput off by 18.1 of its scale on run 1 of 3", lines[2]);
        Assert.Null(writer.Trouble);
        Assert.Null(reader.Trouble);
    }

    [Fact]
    public void Verdicts_read_from_the_cache_or_without_a_shape_are_not_added_again()
    {
        var cache = new ProbeCache(File(), "m");
        cache.Add(new ProbeResult(null, false, "a convolution ran without its hook", double.NaN, TimeSpan.Zero));
        cache.Add(new ProbeResult(Plain, true, "within 0 of float64", 0, TimeSpan.Zero, Cached: true));
        Assert.False(System.IO.File.Exists(File()));
        Assert.Null(cache.Find(Plain));
    }

    [Fact]
    public void Damaged_lines_are_skipped_and_the_good_ones_still_read()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(File())!);
        System.IO.File.WriteAllLines(File(), new[]
        {
            "# a comment",
            $"m\t{Plain}\tright",                                   // too few fields
            $"m\t{Plain}\tmaybe\t0\tdetail",                        // no verdict
            $"m\t{Plain}\tright\tzero\tdetail",                     // no number
            $"m\tconv2d nothing\tright\t0\tdetail",                 // no shape
            $"m\t{Strided}\twrong\tNaN\toutput NaN on run 2 of 3",  // good
        });
        System.IO.File.AppendAllText(File(), $"m\t{Signal}\tright\t0\tcut off mid-li"); // a line still being written

        var cache = new ProbeCache(File(), "m");
        Assert.Null(cache.Find(Plain));
        Assert.Null(cache.Find(Signal));
        var strided = cache.Find(Strided);
        Assert.False(strided!.Right);
        Assert.True(double.IsNaN(strided.WorstError));

        System.IO.File.AppendAllText(File(), "ne\n"); // the writer finishes the line: read on the next look
        Assert.True(cache.Find(Signal)!.Right);
        Assert.Null(cache.Trouble);
    }

    [Fact]
    public void A_cache_that_cannot_be_written_says_why_and_throws_nothing()
    {
        var blocker = Path.Combine(_folder, "a-file");
        System.IO.File.WriteAllText(blocker, "not a folder");
        var cache = new ProbeCache(Path.Combine(blocker, "probes.tsv"), "m");
        cache.Add(new ProbeResult(Plain, true, "within 0 of float64", 0, TimeSpan.Zero));
        Assert.NotNull(cache.Trouble);
        Assert.Contains("could not be written", cache.Trouble, StringComparison.Ordinal);
        Assert.True(cache.Find(Plain)!.Cached); // this process still knows what it probed
    }

    [Fact]
    public void The_machine_key_is_stable_within_a_process_and_names_the_probe_settings()
    {
        var key = ProbeCache.MachineKey(3, 1e-3);
        Assert.Matches("^[0-9a-f]{16}$", key);
        Assert.Equal(key, ProbeCache.MachineKey(3, 1e-3));
        Assert.NotEqual(key, ProbeCache.MachineKey(5, 1e-3));
        Assert.NotEqual(key, ProbeCache.MachineKey(3, 1e-4));
    }

    [Fact]
    public void The_variable_turns_the_cache_off_or_names_its_file()
    {
        LibTorchConvolutions.EnsureApplied(); // this process has read the variable already: changing it here changes nothing else
        var saved = Environment.GetEnvironmentVariable(ProbeCache.Variable);
        try
        {
            Environment.SetEnvironmentVariable(ProbeCache.Variable, "off");
            Assert.Null(ProbeCache.FromEnvironment(3, 1e-3));
            Environment.SetEnvironmentVariable(ProbeCache.Variable, "0");
            Assert.Null(ProbeCache.FromEnvironment(3, 1e-3));
            Environment.SetEnvironmentVariable(ProbeCache.Variable, File("named.tsv"));
            Assert.Equal(File("named.tsv"), ProbeCache.FromEnvironment(3, 1e-3)!.Path);
            Environment.SetEnvironmentVariable(ProbeCache.Variable, null);
            var fallback = ProbeCache.FromEnvironment(3, 1e-3);
            if (fallback is not null)
            {
                Assert.EndsWith(Path.Combine("normlab", "convolution-probes.tsv"), fallback.Path, StringComparison.Ordinal);
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(ProbeCache.Variable, saved);
        }
    }

    [Fact]
    public void Probe_texts_with_tabs_or_line_breaks_stay_on_one_line()
    {
        var cache = new ProbeCache(File(), "m");
        cache.Add(new ProbeResult(Plain, false, "the probe could not run:\tOutOfMemory\nat line 2", double.NaN, TimeSpan.Zero));
        var lines = System.IO.File.ReadAllLines(File()).Skip(1).ToArray();
        Assert.Single(lines);
        Assert.Equal("the probe could not run: OutOfMemory at line 2", new ProbeCache(File(), "m").Find(Plain)!.Detail);
    }

    [Fact]
    public void A_probe_whose_process_ended_before_its_verdict_is_wrong_from_then_on()
    {
        int ended = EndedProcessId();
        Directory.CreateDirectory(Path.GetDirectoryName(File())!);
        System.IO.File.WriteAllLines(File(), new[]
        {
            $"m\t{Strided}\tprobing\t{Environment.MachineName}:{ended}\tstarted 2026-12-06 02:00:00 UTC",
            $"other-machine\t{Plain}\tprobing\t{Environment.MachineName}:{ended}\tstarted 2026-12-06 02:00:00 UTC",
        });

        var cache = new ProbeCache(File(), "m");
        var died = cache.Find(Strided);
        Assert.NotNull(died);
        Assert.False(died!.Right);
        Assert.True(died.Cached);
        Assert.Equal(Strided, died.Shape);
        Assert.Equal($"process {ended} ended in this shape's probe (started 2026-12-06 02:00:00 UTC): its kernel crashes the process, or that process was killed there; delete the shape's lines from {File()} to probe it again", died.Detail);
        Assert.Null(cache.Find(Plain)); // another machine's probe: not this cache's
        // the verdict is written, so it stands even when a new process takes the ended one's id
        var lines = System.IO.File.ReadAllLines(File());
        Assert.Equal($"m\t{Strided}\twrong\tNaN\t{died.Detail}", lines[^1]);
        var later = new ProbeCache(File(), "m").Find(Strided);
        Assert.False(later!.Right);
        Assert.Equal(died.Detail, later.Detail);
        Assert.Null(cache.Trouble);
    }

    [Fact]
    public void A_probe_still_running_ended_without_verdict_or_on_another_host_is_probed_again()
    {
        using var running = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        int ended = EndedProcessId();
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(File())!);
            System.IO.File.WriteAllLines(File(), new[]
            {
                $"m\t{Plain}\tprobing\t{Environment.MachineName}:{running.Id}\tstarted 2026-12-06 02:00:00 UTC",
                $"m\t{Strided}\tprobing\t{Environment.MachineName}:{ended}\tstarted 2026-12-06 02:00:00 UTC",
                $"m\t{Strided}\tended\t{Environment.MachineName}:{ended}\tno verdict",
                $"m\t{Signal}\tprobing\tanother-host:{ended}\tstarted 2026-12-06 02:00:00 UTC",
            });

            var cache = new ProbeCache(File(), "m");
            Assert.Null(cache.Find(Plain));    // its process may still give the verdict
            Assert.Null(cache.Find(Strided));  // the probe could not run: no verdict, no crash
            Assert.Null(cache.Find(Signal));   // a process on another host cannot be looked at
            Assert.Equal(4, System.IO.File.ReadAllLines(File()).Length);
        }
        finally
        {
            running.Kill();
            running.WaitForExit();
        }
    }

    [Fact]
    public void A_probe_begun_and_finished_leaves_its_verdict_and_one_begun_here_is_not_taken_for_a_crash()
    {
        var cache = new ProbeCache(File(), "m");
        cache.Begin(Plain);
        cache.Begin(Strided);
        Assert.Null(cache.Find(Strided)); // this process's own probe, still running
        cache.Add(new ProbeResult(Plain, true, "within 1e-07 of float64", 1e-7, TimeSpan.FromSeconds(1)));
        cache.End(Strided);

        var lines = System.IO.File.ReadAllLines(File()).Skip(1).ToArray();
        Assert.Equal(4, lines.Length);
        Assert.Matches($"^m\t{System.Text.RegularExpressions.Regex.Escape(Plain.ToString())}\tprobing\t[^\t]+:{Environment.ProcessId}\tstarted \\d{{4}}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC$", lines[0]);
        Assert.Equal($"m\t{Strided}\tended\t{Environment.MachineName}:{Environment.ProcessId}\tno verdict", lines[3]);
        // a second reader (another process) sees the verdict, and the probe that ended without one as none
        var reader = new ProbeCache(File(), "m");
        Assert.True(reader.Find(Plain)!.Right);
        Assert.Null(reader.Find(Strided));
        // and this process's own id on a line it did not write is an earlier process's: ended
        System.IO.File.AppendAllText(File(), $"m\t{Signal}\tprobing\t{Environment.MachineName}:{Environment.ProcessId}\tstarted 2026-12-06 02:00:00 UTC\n");
        Assert.False(reader.Find(Signal)!.Right);
    }

    /// <summary>The id of a process that has ended (a child that ran <c>true</c>), so no process has it for a while.</summary>
    private static int EndedProcessId()
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
