using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using NormLab.Runtime.Training;
using ScottPlot;

namespace NormLab.Studies.Reports;

/// <summary>One figure of a report: its file name without extension and what it shows.</summary>
public sealed record PlotFile(string Name, string Title);

/// <summary>
/// The report's figures, each as PNG and SVG (ScottPlot, headless): test accuracy per epoch with the min–max band
/// across seeds, train loss per epoch likewise, final test accuracy as bars with 95% confidence intervals and each
/// seed's value, and activation health after training (dead ReLU units per ReLU layer; the input standard deviation
/// of each normalization layer). Up to 20 networks stay apart: 10 colours, and a different marker and line pattern
/// for each further ten; legends sit outside the data, to the right.
/// </summary>
public static partial class StudyPlots
{
    public const string Folder = "plots";

    public static readonly PlotFile Accuracy = new("test-accuracy", "Test accuracy per epoch");
    public static readonly PlotFile TrainLoss = new("train-loss", "Train loss per epoch");
    public static readonly PlotFile FinalAccuracy = new("final-accuracy", "Final test accuracy with 95% confidence intervals");
    public static readonly PlotFile DeadRelu = new("health-dead-relu", "Dead ReLU units (per position) after training");
    public static readonly PlotFile DeadChannels = new("health-dead-channels", "Dead ReLU channels after training");
    public static readonly PlotFile NormInput = new("health-norm-input-std", "Input standard deviation of each normalization layer after training");

    private const int Width = 1100;
    private const int Height = 620;

    private static readonly MarkerShape[] Markers =
    {
        MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond,
        MarkerShape.OpenCircle, MarkerShape.OpenSquare, MarkerShape.OpenTriangleUp, MarkerShape.OpenDiamond,
    };

    private static readonly LinePattern[] Patterns = { LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed };

    /// <summary>Draws every figure that has data into <paramref name="folder"/>/plots; returns those written.</summary>
    /// <remarks>
    /// When the networks follow the ordering study's naming (<see cref="Claims.OrderingNames"/>), curves, gradient norms and
    /// dead channels are drawn as small multiples (a panel per activation × depth, a line per ordering) instead of one
    /// crowded figure; each claim of <paramref name="claims"/> with tests gets a forest plot of its paired differences.
    /// </remarks>
    public static IReadOnlyList<PlotFile> Write(StudyAnalysis analysis, string folder, IReadOnlyList<Claims.ClaimResult>? claims = null)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        string target = Path.Combine(folder, Folder);
        var written = new List<PlotFile>();
        var networks = analysis.Networks;
        string subtitle = Subtitle(analysis);

        foreach (var claim in claims ?? Array.Empty<Claims.ClaimResult>())
        {
            if (claim.Parts.Count > 0)
                SaveForest(claim, subtitle, target, written);
        }
        bool grid = WriteSmallMultiples(analysis, subtitle, target, written);

        if (!grid && networks.Any(n => n.TestAccuracyCurve.Count > 0))
        {
            Save(Curves(networks, n => n.TestAccuracyCurve, 100, Accuracy.Title, subtitle, "Test accuracy (%)", "band: min–max over seeds; line: mean"), target, Accuracy, written);
            Save(Curves(networks, n => n.TrainLossCurve, 1, TrainLoss.Title, subtitle, "Train loss (cross-entropy)", "band: min–max over seeds; line: mean"), target, TrainLoss, written);
        }
        if (networks.Any(n => n.TestAccuracy.Count > 0))
        {
            var (plot, height) = Bars(analysis, subtitle);
            Save(plot, target, FinalAccuracy, written, height);
        }
        if (grid)
            return written;
        if (networks.Any(n => n.Health.Any(h => h.DeadChannelFraction is not null)))
        {
            Save(Health(networks, h => h.DeadChannelFraction, 100, DeadChannels.Title, subtitle, "ReLU layer (in forward order)", "Dead channels (%)", minimumTop: 5), target, DeadChannels, written);
        }
        else if (networks.Any(n => n.Health.Any(h => h.DeadFraction is not null)))
        {
            Save(Health(networks, h => h.DeadFraction, 100, DeadRelu.Title, subtitle, "ReLU layer (in forward order)", "Dead units (%)", minimumTop: 5), target, DeadRelu, written);
        }
        if (networks.Any(n => n.Health.Any(h => h.InputStd is not null)))
        {
            Save(Health(networks, h => h.InputStd, 1, NormInput.Title, subtitle, "Normalization layer (in forward order)", "Standard deviation of its input", minimumTop: 0.1), target, NormInput, written);
        }
        return written;
    }

    private static string Subtitle(StudyAnalysis analysis)
    {
        var d = analysis.Definition;
        return $"{d.Name}: {d.Data}, {d.Seeds} seed{(d.Seeds == 1 ? string.Empty : "s")}, {d.Epochs} epoch{(d.Epochs == 1 ? string.Empty : "s")}";
    }

    private static Plot Curves(IReadOnlyList<NetworkAnalysis> networks, Func<NetworkAnalysis, IReadOnlyList<CurvePoint>> curve, double scale,
        string title, string subtitle, string yLabel, string note)
    {
        if (networks.All(n => curve(n).Count <= 1))
            note = "bar: min–max over seeds; point: mean";
        var plot = NewPlot($"{title}\n{subtitle} ({note})", "Epoch", yLabel);
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        int maxEpoch = 1;
        for (int i = 0; i < networks.Count; i++)
        {
            var points = curve(networks[i]);
            if (points.Count == 0)
                continue;
            double[] xs = points.Select(p => (double)p.Epoch).ToArray();
            double[] mean = points.Select(p => p.Mean * scale).ToArray();
            double[] min = points.Select(p => p.Min * scale).ToArray();
            double[] max = points.Select(p => p.Max * scale).ToArray();
            var color = ColorOf(i);
            if (points.Count == 1)
            {
                // one epoch: no band to draw; the min–max range as an error bar, each network a little apart
                xs[0] += (i - (networks.Count - 1) / 2.0) * Math.Min(0.04, 0.5 / networks.Count);
                var range = new ScottPlot.Plottables.ErrorBar(xs, mean, null, null, new[] { max[0] - mean[0] }, new[] { mean[0] - min[0] })
                {
                    Color = color,
                    LineWidth = 1.5f,
                    CapSize = 6,
                };
                plot.Add.Plottable(range);
            }
            else if (points.Any(p => p.Runs > 1))
            {
                var band = plot.Add.FillY(xs, min, max);
                band.FillColor = color.WithAlpha(0.14);
                band.LineWidth = 0;
                band.MarkerSize = 0;
            }
            var line = plot.Add.Scatter(xs, mean);
            Style(line, i);
            line.LegendText = networks[i].Name;
            low = Math.Min(low, min.Min());
            high = Math.Max(high, max.Max());
            maxEpoch = Math.Max(maxEpoch, points.Max(p => p.Epoch));
        }
        plot.Axes.SetLimitsX(0.7, maxEpoch + 0.3);
        SetRange(plot, low, high);
        plot.Axes.Bottom.TickGenerator = IntegerTicks(1, maxEpoch);
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    private static (Plot Plot, int Height) Bars(StudyAnalysis analysis, string subtitle)
    {
        var networks = analysis.Networks;
        var plot = NewPlot($"{FinalAccuracy.Title}\n{subtitle}\ndots: single seeds; per-network intervals hold the seed noise that paired comparisons remove", "Final test accuracy (%)", string.Empty);
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        var bars = new List<Bar>();
        var positions = new double[networks.Count];
        var labels = new string[networks.Count];
        for (int i = 0; i < networks.Count; i++)
        {
            var network = networks[i];
            double position = networks.Count - 1 - i; // the first network on top
            positions[i] = position;
            labels[i] = network.Name == analysis.Definition.Baseline ? network.Name + " (baseline)" : network.Name;
            var s = network.TestAccuracy;
            if (s.Count == 0)
                continue;
            double half = s.Ci95 is { } ci ? (ci.High - ci.Low) / 2 * 100 : 0;
            bars.Add(new Bar { Position = position, Value = s.Mean * 100, Error = half, FillColor = ColorOf(i).WithAlpha(0.75), LineWidth = 1.6f, LineColor = Colors.Black, ErrorSize = 0.25 });
            double[] seeds = network.FinalAccuracyBySeed.OrderBy(p => p.Key).Select(p => p.Value * 100).ToArray();
            low = Math.Min(low, Math.Min(s.Mean * 100 - half, seeds.Min()));
            high = Math.Max(high, Math.Max(s.Mean * 100 + half, seeds.Max()));
            var dots = plot.Add.Markers(seeds, seeds.Select((_, k) => position - 0.22 + 0.44 * (k + 0.5) / seeds.Length).ToArray(), MarkerShape.OpenCircle, 6, Colors.Black.WithAlpha(0.7));
            dots.LegendText = string.Empty;
        }
        (double from, double to) = Padded(low, high);
        foreach (var bar in bars)
            bar.ValueBase = from;
        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        // bars under the seed dots
        plot.MoveToBack(barPlot);
        plot.Axes.SetLimitsX(from, to);
        plot.Axes.SetLimitsY(-0.7, networks.Count - 0.3);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, labels);
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Grid.YAxisStyle.MajorLineStyle.Width = 0;
        int height = Math.Max(360, 150 + 34 * networks.Count);
        return (plot, height);
    }

    private static Plot Health(IReadOnlyList<NetworkAnalysis> networks, Func<LayerHealthSummary, double?> value, double scale, string title,
        string subtitle, string xLabel, string yLabel, double minimumTop)
    {
        var plot = NewPlot($"{title}\n{subtitle} (mean over seeds, on a fixed train batch)", xLabel, yLabel);
        double high = double.NegativeInfinity;
        int most = 1;
        for (int i = 0; i < networks.Count; i++)
        {
            double[] ys = networks[i].Health.Select(value).Where(v => v is double d && double.IsFinite(d)).Select(v => v!.Value * scale).ToArray();
            if (ys.Length == 0)
                continue;
            double[] xs = Enumerable.Range(1, ys.Length).Select(k => (double)k).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            Style(line, i);
            line.LegendText = networks[i].Name;
            high = Math.Max(high, ys.Max());
            most = Math.Max(most, ys.Length);
        }
        plot.Axes.SetLimitsX(0.7, most + 0.3);
        // both figures are of quantities that start at 0: show 0, and room above the highest value
        plot.Axes.SetLimitsY(0, Math.Max(double.IsFinite(high) ? high * 1.15 : 0, minimumTop));
        plot.Axes.Bottom.TickGenerator = IntegerTicks(1, most);
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title, 15);
        plot.XLabel(xLabel, 14);
        if (yLabel.Length > 0)
            plot.YLabel(yLabel, 14);
        plot.Legend.FontSize = 12;
        return plot;
    }

    private static void Style(ScottPlot.Plottables.Scatter line, int index)
    {
        var color = ColorOf(index);
        line.Color = color;
        line.LineWidth = 2;
        line.MarkerSize = 7;
        line.MarkerShape = Markers[(index / 10 + index) % Markers.Length];
        line.LinePattern = Patterns[(index / 10) % Patterns.Length];
    }

    private static Color ColorOf(int index) => new ScottPlot.Palettes.Category10().GetColor(index % 10);

    private static void SetRange(Plot plot, double low, double high)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high))
            return;
        (double from, double to) = Padded(low, high);
        plot.Axes.SetLimitsY(from, to);
    }

    /// <summary>The data range with 8% room on each side (at least a small span, so a flat line is not a hairline).</summary>
    private static (double From, double To) Padded(double low, double high)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high))
            return (0, 1);
        double span = Math.Max(high - low, Math.Max(Math.Abs(high), 1e-3) * 0.01);
        return (low - span * 0.08, high + span * 0.08);
    }

    private static ScottPlot.TickGenerators.NumericManual IntegerTicks(int from, int to)
    {
        int step = Math.Max(1, (int)Math.Ceiling((to - from + 1) / 12.0));
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int k = from; k <= to; k += step)
            ticks.AddMajor(k, k.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return ticks;
    }

    private static void Save(Plot plot, string folder, PlotFile file, List<PlotFile> written, int height = Height)
    {
        byte[] png = plot.GetImageBytes(Width, height, ImageFormat.Png);
        string svg = plot.GetSvgXml(Width, height);
        AtomicFile.Write(Path.Combine(folder, file.Name + ".png"), temp => File.WriteAllBytes(temp, png));
        AtomicFile.Write(Path.Combine(folder, file.Name + ".svg"), temp => File.WriteAllText(temp, svg, new UTF8Encoding(false)));
        written.Add(file);
    }
}
