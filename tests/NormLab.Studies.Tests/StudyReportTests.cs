using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using NormLab.Studies.Reports;
using Xunit;

namespace NormLab.Studies.Tests;

/// <summary>Reports of hand-made run files: parsed back, field by field.</summary>
public sealed class StudyReportTests : IDisposable
{
    private readonly string _folder = StudyFixtures.TempFolder();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static readonly string[] Networks = { "ConvBnRelu2Relu", "ConvReluBn2Relu", "BnReluConv2Relu" };

    private StudyReportFiles WriteStudy(int seeds = 4, int epochs = 3, bool divergeOne = false)
    {
        var runs = new List<NormLab.Runtime.Training.RunResult>();
        for (int n = 0; n < Networks.Length; n++)
        {
            for (int seed = 1; seed <= seeds; seed++)
            {
                double final = 0.975 + 0.005 * n + 0.001 * seed;
                runs.Add(StudyFixtures.Run(Networks[n], seed, StudyFixtures.Curve(final, epochs), diverged: divergeOne && n == 2 && seed == 1));
            }
        }
        StudyFixtures.WriteFolder(_folder, StudyFixtures.Definition(Networks, seeds, epochs, name: "ordering"), runs);
        return StudyReport.Write(_folder);
    }

    [Fact]
    public void Summary_json_has_the_fields_and_types_of_the_design()
    {
        var files = WriteStudy(divergeOne: true);

        using var json = JsonDocument.Parse(File.ReadAllText(files.Summary));
        var root = json.RootElement;
        Assert.Equal(new[] { "study", "data", "seeds", "epochs", "networks", "comparisons", "claims" }, root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("ordering", root.GetProperty("study").GetString());
        Assert.Equal("mnist-sample", root.GetProperty("data").GetString());
        Assert.Equal(4, root.GetProperty("seeds").GetInt32());
        Assert.Equal(3, root.GetProperty("epochs").GetInt32());

        var networks = root.GetProperty("networks").EnumerateArray().ToArray();
        Assert.Equal(Networks, networks.Select(n => n.GetProperty("name").GetString()).ToArray());
        foreach (var network in networks)
        {
            Assert.Equal(new[] { "name", "parameters", "runs", "diverged", "testAccuracy", "testLoss", "epochsTo", "imagesPerSecond" },
                network.EnumerateObject().Select(p => p.Name).ToArray());
            Assert.Equal(1234, network.GetProperty("parameters").GetInt64());
            Assert.Equal(4, network.GetProperty("runs").GetInt32());
            foreach (var metric in new[] { "testAccuracy", "testLoss" })
            {
                var statistics = network.GetProperty(metric);
                Assert.Equal(new[] { "mean", "std", "ci95" }, statistics.EnumerateObject().Select(p => p.Name).ToArray());
                Assert.Equal(JsonValueKind.Number, statistics.GetProperty("mean").ValueKind);
                Assert.Equal(JsonValueKind.Number, statistics.GetProperty("std").ValueKind);
                var ci = statistics.GetProperty("ci95").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                Assert.Equal(2, ci.Length);
                Assert.True(ci[0] < statistics.GetProperty("mean").GetDouble() && statistics.GetProperty("mean").GetDouble() < ci[1]);
            }
            Assert.Equal(new[] { "0.97", "0.98", "0.99" }, network.GetProperty("epochsTo").EnumerateObject().Select(p => p.Name).ToArray());
            Assert.True(network.GetProperty("imagesPerSecond").GetDouble() > 1000);
        }

        var first = networks[0];
        Assert.Equal(0, first.GetProperty("diverged").GetInt32());
        // finals 0.976..0.979: mean 0.9775, std of 1,2,3,4 thousandths
        Assert.Equal(0.9775, first.GetProperty("testAccuracy").GetProperty("mean").GetDouble(), 12);
        Assert.Equal(0.0012909944487358056, first.GetProperty("testAccuracy").GetProperty("std").GetDouble(), 12);
        // the curve rises from 0.9 to the final over 3 epochs: 0.97 is reached at epoch 3, 0.98 never
        Assert.Equal(3, first.GetProperty("epochsTo").GetProperty("0.97").GetDouble());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("epochsTo").GetProperty("0.98").ValueKind);
        Assert.Equal(1, networks[2].GetProperty("diverged").GetInt32());
        Assert.Equal(4, networks[2].GetProperty("runs").GetInt32());

        var comparisons = root.GetProperty("comparisons").EnumerateArray().ToArray();
        Assert.Equal(4, comparisons.Length);
        Assert.Equal(new[] { "testAccuracy", "testAccuracy", "testLoss", "testLoss" }, comparisons.Select(c => c.GetProperty("metric").GetString()).ToArray());
        foreach (var comparison in comparisons)
        {
            Assert.Equal(new[] { "baseline", "network", "metric", "difference", "ci95", "pValue", "paired" }, comparison.EnumerateObject().Select(p => p.Name).ToArray());
            Assert.Equal("ConvBnRelu2Relu", comparison.GetProperty("baseline").GetString());
            Assert.Equal(new[] { "difference", "ci95", "pValue" }, comparison.GetProperty("paired").EnumerateObject().Select(p => p.Name).ToArray());
        }
        Assert.Equal("ConvReluBn2Relu", comparisons[0].GetProperty("network").GetString());
        // every seed is 0.005 better (to rounding): the paired interval is (almost) the point itself
        var paired = comparisons[0].GetProperty("paired");
        Assert.Equal(0.005, paired.GetProperty("difference").GetDouble(), 12);
        Assert.True(paired.GetProperty("pValue").GetDouble() < 1e-6);
        var pairedCi = paired.GetProperty("ci95").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.True(pairedCi[1] - pairedCi[0] < 1e-9);
        Assert.Equal(0.005, comparisons[0].GetProperty("difference").GetDouble(), 12);
        Assert.InRange(comparisons[0].GetProperty("pValue").GetDouble(), 0.0001, 0.01);
        // the diverged seed 1 of BnReluConv2Relu is left out of its statistics: 3 runs, 3 pairs
        var definition = StudyDefinition.Load(_folder);
        var analysis = StudyAnalysis.Analyze(definition, Study.ReadRuns(_folder, definition).Select(r => r.Run!));
        Assert.Equal(3, analysis.Networks[2].TestAccuracy.Count);
        Assert.Equal(3, analysis.Comparisons[1].Paired.Count);
    }

    [Fact]
    public void Runs_csv_has_one_row_per_run_under_the_documented_columns()
    {
        var files = WriteStudy(divergeOne: true);

        var lines = File.ReadAllLines(files.Runs);
        var header = lines[0].Split(',');
        Assert.Equal(RunsCsv.Columns(new[] { 0.97, 0.98, 0.99 }), header);
        Assert.Equal(new[]
        {
            "network", "seed", "parameters", "epochs", "diverged", "divergedEpoch", "divergedStep", "testAccuracy", "testLoss", "selectedEpoch", "selectedBy", "trainAccuracy",
            "trainLoss", "bestTestAccuracy", "meanTestAccuracy", "epochsTo0.97", "epochsTo0.98", "epochsTo0.99", "stepsTo0.97", "stepsTo0.98",
            "stepsTo0.99", "imagesPerSecond", "elapsedSeconds", "device", "threads",
        }, header);
        Assert.Equal(1 + 3 * 4, lines.Length);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.All(rows, r => Assert.Equal(header.Length, r.Length));
        Assert.Equal(new[] { "ConvBnRelu2Relu", "1" }, rows[0].Take(2).ToArray());
        Assert.Equal(new[] { "BnReluConv2Relu", "4" }, rows[^1].Take(2).ToArray());
        var diverged = rows[8];
        Assert.Equal("BnReluConv2Relu", diverged[0]);
        Assert.Equal(new[] { "true", "3", "33" }, diverged.Skip(4).Take(3).ToArray());
        Assert.Equal(0.976, double.Parse(rows[0][Array.IndexOf(header, "testAccuracy")], System.Globalization.CultureInfo.InvariantCulture), 12);
        Assert.Equal("3", rows[0][Array.IndexOf(header, "epochsTo0.97")]);
        Assert.Equal(string.Empty, rows[0][Array.IndexOf(header, "epochsTo0.98")]);
    }

    [Fact]
    public void Plots_are_written_as_png_and_svg()
    {
        var files = WriteStudy();

        var names = files.Plots.Select(Path.GetFileName).ToArray();
        // ordering networks: small multiples instead of one crowded figure, and a forest plot per tested claim
        foreach (var plot in new[] { StudyPlots.AccuracyGrid, StudyPlots.TrainLossGrid, StudyPlots.FinalAccuracy, StudyPlots.GradientGrid, StudyPlots.DeadChannelGrid })
        {
            Assert.Contains(plot.Name + ".png", names);
            Assert.Contains(plot.Name + ".svg", names);
        }
        foreach (var path in files.Plots)
        {
            Assert.StartsWith(Path.Combine(_folder, StudyPlots.Folder), path, StringComparison.Ordinal);
            byte[] bytes = File.ReadAllBytes(path);
            Assert.True(bytes.Length > 2000, $"{path} has {bytes.Length} bytes");
            if (path.EndsWith(".png", StringComparison.Ordinal))
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes.Take(8).ToArray());
            else
                Assert.Contains("<svg", File.ReadAllText(path), StringComparison.Ordinal);
        }
        Assert.Empty(Directory.GetFiles(_folder, AtomicFileTemporaryPattern, SearchOption.AllDirectories));
    }

    /// <summary>
    /// An incomplete study (a partial merge): a claim part without runs has no estimate, and must not take the forest
    /// plot's axis with it (a NaN limit once left the axis at 0 to 1, cutting off a negative interval).
    /// </summary>
    [Fact]
    public void A_forest_plot_with_a_part_without_runs_still_shows_the_other_parts_intervals()
    {
        string[] networks = { "ConvBnRelu2Relu", "BnReluConv2Relu", "ConvReluBn2Relu" };
        var runs = new List<NormLab.Runtime.Training.RunResult>();
        for (int seed = 1; seed <= 4; seed++)
        {
            runs.Add(StudyFixtures.Run("ConvBnRelu2Relu", seed, StudyFixtures.Curve(0.99 + 0.001 * seed, 3)));
            // BN-ReLU-Conv worse by 0.3, 0.2, 0.1, 0 pp (95% CI of the mean about −0.36 to +0.06 pp); no ConvReluBn2Relu runs
            runs.Add(StudyFixtures.Run("BnReluConv2Relu", seed, StudyFixtures.Curve(0.986 + 0.002 * seed, 3)));
        }
        StudyFixtures.WriteFolder(_folder, StudyFixtures.Definition(networks, 4, 3, name: "ordering"), runs);

        var files = StudyReport.Write(_folder);

        Assert.Equal(4, files.MissingRuns);
        string svg = File.ReadAllText(Path.Combine(_folder, StudyPlots.Folder, StudyPlots.ForestName("O2a") + ".svg"));
        var texts = System.Text.RegularExpressions.Regex.Matches(svg, @"<text[^>]*>\s*([^<]*?)\s*</text>").Select(m => m.Groups[1].Value).ToArray();
        Assert.Contains("ConvReluBn2Relu − ConvBnRelu2Relu, final t… (too few runs)", texts);
        // the axis reaches the interval's negative end (about −0.36 pp): its ticks go below −0.3
        var ticks = texts.Where(t => System.Text.RegularExpressions.Regex.IsMatch(t, @"^-?\d+(\.\d+)?$")).Select(t => double.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Contains(ticks, t => t <= -0.3);
        Assert.Contains(ticks, t => t >= 0.1); // and the declared minimal effect
    }

    private const string AtomicFileTemporaryPattern = ".normlab-*";

    [Theory]
    [InlineData("mnist-sample (200 train / 100 test)", "mnist-sample")]
    [InlineData("fashion-mnist (all train / 50 test)", "fashion-mnist")]
    [InlineData("/data/my set (old) (640 train / all test)", "/data/my set (old)")]
    [InlineData("mnist", "mnist")]
    [InlineData("/data/set (200 train)", "/data/set (200 train)")]
    public void A_data_name_loses_only_its_limits(string name, string expected) => Assert.Equal(expected, StudyData.WithoutLimits(name));

    [Fact]
    public void The_header_names_the_data_once_with_the_sizes_the_runs_saw()
    {
        var definition = StudyFixtures.Definition(new[] { "Small" }, 2, 1) with { Data = StudyData.Name("mnist-sample", 200, 100) };
        var analysis = StudyAnalysis.Analyze(definition, Enumerable.Range(1, 2).Select(s => StudyFixtures.Run("Small", s, new[] { 0.9 }, trainExamples: 200)));
        string header = MarkdownReport.Write(analysis, Array.Empty<PlotFile>()).Split('\n')[2];
        Assert.Contains(", on mnist-sample (200 train / 2,000 test images). ", header, StringComparison.Ordinal);
        Assert.DoesNotContain("test) (", header, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_md_has_the_tables_verdicts_claims_and_plots()
    {
        var files = WriteStudy();

        string report = File.ReadAllText(files.Report);
        Assert.StartsWith("# Study: ordering\n", report, StringComparison.Ordinal);
        Assert.Contains("| Network | Parameters | Runs | Diverged | Test accuracy (mean ± std) | 95% CI | Test loss (mean ± std) | 95% CI | Epochs to 97% | Epochs to 98% | Epochs to 99% | Images/s |", report, StringComparison.Ordinal);
        Assert.Contains("| **ConvBnRelu2Relu** (baseline) | 1,234 | 4 | 0 | 97.75% ± 0.13 | ", report, StringComparison.Ordinal);
        Assert.Contains("## Against the baseline (ConvBnRelu2Relu)", report, StringComparison.Ordinal);
        Assert.Contains("- **ConvReluBn2Relu** vs ConvBnRelu2Relu, test accuracy: +0.50 pp (95% CI +0.50 pp to +0.50 pp, paired p = <0.0001, n = 4). ConvReluBn2Relu is better; the gap is larger than the seed-to-seed noise.", report, StringComparison.Ordinal);
        Assert.Contains("## The ordering study's claims", report, StringComparison.Ordinal);
        Assert.Contains("](plots/curves-test-accuracy.png)", report, StringComparison.Ordinal);
        Assert.Contains("](plots/forest-O2a.png)", report, StringComparison.Ordinal);
        // the claims table comes before the per-network tables, and the header names the baseline plainly
        Assert.True(report.IndexOf("| Claim | Setup that tested it | Data (train / test) | Epochs | Verdict | Evidence |", StringComparison.Ordinal) < report.IndexOf("## Networks", StringComparison.Ordinal));
        Assert.Contains("Per-network comparisons are against `ConvBnRelu2Relu`.", report, StringComparison.Ordinal);
        Assert.DoesNotContain("**.", report.Split('\n')[2], StringComparison.Ordinal);
        Assert.Contains("| O1b. BN → ReLU → Conv and ReLU → BN → Conv both reach about 99% on MNIST. | ReLU, depth 2; 4 seeds; Adam 0.001, constant schedule, batch 64 | 8,000 / 2,000 | 3 | **not tested at this scale** |", report, StringComparison.Ordinal);
        Assert.Contains("`runs.csv` columns: `network`, `seed`,", report, StringComparison.Ordinal);
        Assert.DoesNotContain("Too few seeds", report, StringComparison.Ordinal);
    }

    [Fact]
    public void A_study_with_too_few_seeds_says_so()
    {
        var files = WriteStudy(seeds: 2);

        string report = File.ReadAllText(files.Report);
        Assert.Contains("> **Too few seeds to tell:** with 2 seeds there is no confidence interval worth reading.", report, StringComparison.Ordinal);
        Assert.Contains("Too few seeds to tell: at least 3 runs of each are needed for an interval.", report, StringComparison.Ordinal);
        Assert.Contains("| test accuracy | +0.50 pp | ", report, StringComparison.Ordinal);
        Assert.Contains("| too few seeds |", report, StringComparison.Ordinal);
    }

    [Fact]
    public void A_report_is_a_function_of_the_run_files()
    {
        var first = File.ReadAllText(WriteStudy().Summary);
        var again = File.ReadAllText(StudyReport.Write(_folder).Summary);

        Assert.Equal(first, again);
        Assert.Equal(SummaryJson.WithoutMeasuredFields(first), SummaryJson.WithoutMeasuredFields(again));
        Assert.DoesNotContain("imagesPerSecond", SummaryJson.WithoutMeasuredFields(first), StringComparison.Ordinal);
    }

    [Fact]
    public void Twenty_networks_get_twenty_styles()
    {
        var names = Enumerable.Range(1, 20).Select(i => $"Network{i:00}WithALongerName").ToArray();
        var runs = names.SelectMany((n, i) => Enumerable.Range(1, 3).Select(s => StudyFixtures.Run(n, s, StudyFixtures.Curve(0.96 + 0.0015 * i + 0.001 * s, 5, 0.85 + 0.004 * i))));
        StudyFixtures.WriteFolder(_folder, StudyFixtures.Definition(names, 3, 5, name: "twenty"), runs);

        var files = StudyReport.Write(_folder);

        Assert.Equal(10, files.Plots.Count);
        Assert.All(files.Plots, p => Assert.True(new FileInfo(p).Length > 2000));
    }
}
