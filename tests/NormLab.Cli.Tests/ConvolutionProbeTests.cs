using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using NormLab.Runtime.Training;

namespace NormLab.Cli.Tests;

/// <summary>
/// Which convolution kernels trained a run, process by process: the per-shape probe keeps libtorch's oneDNN on for a
/// network whose shapes are right, turns it off only for a shape it finds wrong, and <c>NORMLAB_MKLDNN</c> forces either
/// way without probing; <c>run.json</c> says which happened. oneDNN's state is process-wide and sticky, so each case is a
/// real <c>normlab study</c> process of its own (on 70 training images, one epoch).
/// </summary>
public sealed class ConvolutionProbeTests
{
    private const string Networks = """
        network Plain(input: 1x28x28, classes: 10) {
            conv3x3(8) > bn > relu > maxpool > conv3x3(16) > relu > maxpool > flatten > linear(classes)
        }
        network Strided(input: 1x28x28, classes: 10) {
            conv(21, kernel: 19x15, padding: valid) > relu > conv3x3(8, stride: 2, padding: valid, bias: false) > flatten > linear(classes)
        }
        """;

    [Fact]
    public async Task The_probe_and_the_variable_decide_the_kernels_and_run_json_says_which()
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);
        var runs = await Task.WhenAll(
            Study(folder.Path, "Plain", "probed", variable: null),
            Study(folder.Path, "Plain", "forced-off", variable: "0"),
            Study(folder.Path, "Plain", "forced-on", variable: "1"),
            Study(folder.Path, "Strided", "strided", variable: null, "--batch-size", "7"));

        // stride-1 shapes that oneDNN computes right: probed (training, evaluation and health batches), and oneDNN stays on
        Assert.Matches("^oneDNN on \\([1-9][0-9]* convolution shapes? probed, all right\\)$", runs[0].Convolutions);
        Assert.Equal("oneDNN off, not probed (NORMLAB_MKLDNN=0)", runs[1].Convolutions);
        Assert.Equal("oneDNN on, not probed (NORMLAB_MKLDNN=1)", runs[2].Convolutions);

        // where oneDNN gets the 21→8 stride-2 convolution of a 10x14 input wrong (this project's AVX-512 machine), that shape
        // turns it off; never the stride-1 convolution before it. Elsewhere every shape may pass.
        Assert.Matches("^(oneDNN on \\([1-9][0-9]* convolution shapes? probed, all right\\)|oneDNN off since conv2d [0-9]+x21x10x14 \\* 8x21x3x3, stride 2x2, padding 0x0, .* failed the probe \\(.+\\))$", runs[3].Convolutions);
        foreach (var run in runs)
        {
            Assert.Null(run.Diverged);
            Assert.InRange(run.TestAccuracy ?? -1, 0, 1);
        }
    }

    /// <summary>
    /// Two processes, one probe cache: the second probes nothing the first probed, and a verdict in the file decides
    /// without a probe (a forged "wrong" for a shape oneDNN computes right turns oneDNN off when that shape first runs,
    /// and so does a forged probe that an ended process began and never finished).
    /// </summary>
    [Fact]
    public async Task A_later_process_takes_the_verdicts_of_an_earlier_one_from_the_probe_cache()
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);
        string cache = Path.Combine(folder.Path, "cache", "probes.tsv");

        var first = await Study(folder.Path, "Plain", "first", variable: null, cache, Array.Empty<string>());
        var count = Regex.Match(first.Convolutions ?? "", "^oneDNN on \\(([1-9][0-9]*) convolution shapes? probed, all right\\)$");
        Assert.True(count.Success, first.Convolutions);
        int shapes = int.Parse(count.Groups[1].Value, CultureInfo.InvariantCulture);
        var lines = File.ReadAllLines(cache);
        Assert.StartsWith("# NormLab convolution probes", lines[0], StringComparison.Ordinal);
        var fields = lines.Skip(1).Select(line => line.Split('\t')).ToArray();
        var verdicts = fields.Where(f => f.Length < 3 || f[2] != "probing").ToArray();
        Assert.Equal(shapes, verdicts.Length);
        // each probe said that it began before its verdict (a crash in it would leave that line alone)
        Assert.Equal(verdicts.Select(f => f[1]), fields.Where(f => f.Length >= 3 && f[2] == "probing").Select(f => f[1]));
        Assert.All(fields.Where(f => f[2] == "probing"), f => Assert.Matches(":[1-9][0-9]*$", f[3]));
        Assert.All(verdicts, fields => Assert.Equal(5, fields.Length));
        Assert.All(verdicts, fields => Assert.Equal("right", fields[2]));
        Assert.Equal(shapes, verdicts.Select(fields => fields[1]).Distinct().Count());
        Assert.Single(verdicts.Select(fields => fields[0]).Distinct());

        var second = await Study(folder.Path, "Plain", "second", variable: null, cache, Array.Empty<string>());
        Assert.Equal($"oneDNN on ({shapes} convolution shape{(shapes == 1 ? "" : "s")} probed, all right; {shapes} of them known from earlier processes)", second.Convolutions);
        Assert.Equal(lines, File.ReadAllLines(cache)); // nothing probed, nothing added

        string forged = Path.Combine(folder.Path, "forged.tsv");
        File.WriteAllLines(forged, new[] { lines[0], string.Join('\t', verdicts[0][0], verdicts[0][1], "wrong", "18", "output off by 18 of its scale (forged)") });
        var third = await Study(folder.Path, "Plain", "third", variable: null, forged, Array.Empty<string>());
        Assert.StartsWith($"oneDNN off since {verdicts[0][1]} failed the probe (output off by 18 of its scale (forged), found by an earlier process (probe cache); ",
            third.Convolutions, StringComparison.Ordinal);
        Assert.Null(third.Diverged);

        // a probe begun by a process that ended before its verdict (a kernel that crashes the process: SIGFPE in one
        // oneDNN backward on an AVX-512 machine) keeps oneDNN off in the next process, which writes that verdict down
        using (var ended = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!)
        {
            ended.WaitForExit();
            string crashed = Path.Combine(folder.Path, "crashed.tsv");
            File.WriteAllLines(crashed, new[] { lines[0], string.Join('\t', verdicts[0][0], verdicts[0][1], "probing", $"{Environment.MachineName}:{ended.Id}", "started 2026-12-06 02:00:00 UTC") });
            var fourth = await Study(folder.Path, "Plain", "fourth", variable: null, crashed, Array.Empty<string>());
            Assert.StartsWith($"oneDNN off since {verdicts[0][1]} failed the probe (process {ended.Id} ended in this shape's probe (started 2026-12-06 02:00:00 UTC): its kernel crashes the process, or that process was killed there; delete the shape's lines from {crashed} to probe it again, found by an earlier process (probe cache); ",
                fourth.Convolutions, StringComparison.Ordinal);
            Assert.Null(fourth.Diverged);
            Assert.Equal($"{verdicts[0][0]}\t{verdicts[0][1]}\twrong\tNaN", string.Join('\t', File.ReadAllLines(crashed)[2].Split('\t').Take(4)));
        }
    }

    private static Task<RunResult> Study(string folder, string network, string output, string? variable, params string[] extra) =>
        Study(folder, network, output, variable, cache: null, extra);

    private static async Task<RunResult> Study(string folder, string network, string output, string? variable, string? cache, string[] extra)
    {
        var arguments = new[]
        {
            "study", "nets.normlab", "--networks", network, "--seeds", "1", "--epochs", "1", "--limit-train", "70", "--limit-test", "20",
            "--threads", "1", "--jobs", "1", "--out", output,
        }.Concat(extra).ToArray();
        var start = StudyCommandTests.Start(folder, arguments);
        start.Environment.Remove("NORMLAB_MKLDNN");
        if (variable is not null)
            start.Environment["NORMLAB_MKLDNN"] = variable;
        if (cache is not null)
            start.Environment["NORMLAB_PROBE_CACHE"] = cache;
        var result = await StudyCommandTests.RunProcess(start);
        Assert.True(result.ExitCode == 0, $"normlab {string.Join(" ", arguments)} (NORMLAB_MKLDNN={variable}) exited with {result.ExitCode}: {result.Stderr}{result.Stdout}");
        return RunResult.FromJson(File.ReadAllText(Path.Combine(folder, output, "runs", network, "seed-1.json")));
    }
}
