using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using NormLab.Runtime.Training;
using NormLab.Studies.Claims;
using ScottPlot;
using SkiaSharp;

namespace NormLab.Studies.Reports;

public static partial class StudyPlots
{
    public static readonly PlotFile AccuracyGrid = new("curves-test-accuracy", "Test accuracy per epoch, by activation (rows) and depth (columns)");
    public static readonly PlotFile TrainLossGrid = new("curves-train-loss", "Train loss per epoch, by activation (rows) and depth (columns)");
    public static readonly PlotFile GradientGrid = new("health-gradient-norms", "Gradient norm of each convolution's weight after training, by activation and depth");
    public static readonly PlotFile DeadChannelGrid = new("health-dead-channels", "Dead ReLU channels per ReLU layer after training, by activation and depth");

    /// <summary>The name of a claim's forest plot: <c>forest-O2a</c>.</summary>
    public static string ForestName(string claimId) => "forest-" + new string(claimId.Where(char.IsAsciiLetterOrDigit).ToArray());

    private const int PanelWidth = 520;
    private const int PanelHeight = 330;

    private static readonly Ordering[] OrderingsInOrder = { Ordering.ConvBnAct, Ordering.ConvActBn, Ordering.BnActConv };

    private static string OrderingLabel(Ordering ordering) => ordering switch
    {
        Ordering.ConvBnAct => "Conv→BN→act",
        Ordering.ConvActBn => "Conv→act→BN",
        _ => "BN→act→Conv",
    };

    private static string ActivationLabel(string activation) => activation switch
    {
        "relu" => "ReLU",
        "leakyrelu" => "LeakyReLU",
        "elu" => "ELU",
        _ => activation,
    };

    private sealed record Panel(string Activation, int? Depth, IReadOnlyDictionary<Ordering, NetworkAnalysis> Networks);

    /// <summary>Small multiples when at least two networks follow the ordering naming; false (nothing written) otherwise.</summary>
    private static bool WriteSmallMultiples(StudyAnalysis analysis, string subtitle, string target, List<PlotFile> written)
    {
        var known = analysis.Networks.Select(n => (Network: n, Name: OrderingNames.Default.Parse(n.Name))).Where(p => p.Name is not null).ToArray();
        if (known.Length < 2)
            return false;
        var activations = known.Select(k => k.Name!.Activation).Distinct().OrderBy(a => a switch { "relu" => 0, "leakyrelu" => 1, "elu" => 2, _ => 3 }).ThenBy(a => a, StringComparer.Ordinal).ToArray();
        var depths = known.Select(k => k.Name!.Depth).Distinct().OrderBy(d => d ?? 0).ToArray();
        var panels = new Panel?[activations.Length, depths.Length];
        for (int r = 0; r < activations.Length; r++)
        {
            for (int c = 0; c < depths.Length; c++)
            {
                var cell = known.Where(k => k.Name!.Activation == activations[r] && k.Name.Depth == depths[c])
                    .GroupBy(k => k.Name!.Ordering).ToDictionary(g => g.Key, g => g.First().Network);
                panels[r, c] = cell.Count == 0 ? null : new Panel(activations[r], depths[c], cell);
            }
        }

        string PanelTitle(Panel p) => $"{ActivationLabel(p.Activation)}{(p.Depth is int d ? $", depth {d}" : string.Empty)}";

        if (analysis.Networks.Any(n => n.TestAccuracyCurve.Count > 0))
        {
            SaveGrid(panels, AccuracyGrid, subtitle + " (line: mean over seeds; band: min–max)", target, written, p => CurvePanel(p, n => n.TestAccuracyCurve, 100, PanelTitle(p), "Epoch", "Test accuracy (%)"));
            SaveGrid(panels, TrainLossGrid, subtitle + " (line: mean over seeds; band: min–max)", target, written, p => CurvePanel(p, n => n.TrainLossCurve, 1, PanelTitle(p), "Epoch", "Train loss"));
        }
        if (analysis.Networks.Any(n => n.ConvGradients.Count > 0))
        {
            SaveGrid(panels, GradientGrid, subtitle + " (on the fixed health batch; mean over seeds, bars: min–max; log scale)", target, written,
                p => LayerPanel(p, n => n.ConvGradients.Select(g => (g.Mean, g.Min, g.Max)).ToArray(), PanelTitle(p), "Convolution (first to last)", "log10 gradient norm", log: true));
        }
        if (analysis.Networks.Any(n => n.Health.Any(h => h.DeadChannelFraction is not null)))
        {
            SaveGrid(panels, DeadChannelGrid, subtitle + " (a channel is dead when 0 at every position for every image of the health batch)", target, written,
                p => LayerPanel(p, n => n.Health.Where(h => h.DeadChannelFraction is not null).Select(h => (h.DeadChannelFraction!.Value * 100, double.NaN, double.NaN)).ToArray(),
                    PanelTitle(p), "ReLU layer (forward order)", "Dead channels (%)", log: false));
        }
        return true;
    }

    private static Plot CurvePanel(Panel panel, Func<NetworkAnalysis, IReadOnlyList<CurvePoint>> curve, double scale, string title, string xLabel, string yLabel)
    {
        var plot = NewPlot(title, xLabel, yLabel);
        int maxEpoch = 1;
        foreach (var ordering in OrderingsInOrder)
        {
            if (!panel.Networks.TryGetValue(ordering, out var network))
                continue;
            var points = curve(network);
            if (points.Count == 0)
                continue;
            int index = Array.IndexOf(OrderingsInOrder, ordering);
            double[] xs = points.Select(p => (double)p.Epoch).ToArray();
            if (points.Count > 1 && points.Any(p => p.Runs > 1))
            {
                var band = plot.Add.FillY(xs, points.Select(p => p.Min * scale).ToArray(), points.Select(p => p.Max * scale).ToArray());
                band.FillColor = ColorOf(index).WithAlpha(0.15);
                band.LineWidth = 0;
                band.MarkerSize = 0;
            }
            var line = plot.Add.Scatter(xs, points.Select(p => p.Mean * scale).ToArray());
            Style(line, index);
            line.LegendText = OrderingLabel(ordering);
            maxEpoch = Math.Max(maxEpoch, points.Max(p => p.Epoch));
        }
        plot.Axes.SetLimitsX(0.7, maxEpoch + 0.3);
        plot.Axes.Bottom.TickGenerator = IntegerTicks(1, maxEpoch);
        plot.Legend.Alignment = Alignment.LowerRight;
        plot.ShowLegend();
        return plot;
    }

    private static Plot LayerPanel(Panel panel, Func<NetworkAnalysis, (double Mean, double Min, double Max)[]> values, string title, string xLabel, string yLabel, bool log)
    {
        var plot = NewPlot(title, xLabel, yLabel);
        int most = 1;
        foreach (var ordering in OrderingsInOrder)
        {
            if (!panel.Networks.TryGetValue(ordering, out var network))
                continue;
            var v = values(network);
            if (v.Length == 0)
                continue;
            int index = Array.IndexOf(OrderingsInOrder, ordering);
            double Y(double x) => log ? Math.Log10(Math.Max(x, 1e-12)) : x;
            double[] xs = Enumerable.Range(1, v.Length).Select(k => k + (index - 1) * 0.06).ToArray();
            double[] ys = v.Select(p => Y(p.Mean)).ToArray();
            if (v.All(p => double.IsFinite(p.Min) && double.IsFinite(p.Max)))
            {
                var bars = new ScottPlot.Plottables.ErrorBar(xs, ys, null, null, v.Select(p => Y(p.Max) - Y(p.Mean)).ToArray(), v.Select(p => Y(p.Mean) - Y(p.Min)).ToArray())
                {
                    Color = ColorOf(index),
                    LineWidth = 1.2f,
                    CapSize = 4,
                };
                plot.Add.Plottable(bars);
            }
            var line = plot.Add.Scatter(xs, ys);
            Style(line, index);
            line.LegendText = OrderingLabel(ordering);
            most = Math.Max(most, v.Length);
        }
        plot.Axes.SetLimitsX(0.6, most + 0.4);
        plot.Axes.Bottom.TickGenerator = IntegerTicks(1, most);
        plot.ShowLegend();
        return plot;
    }

    /// <summary>One figure of panels (rows × columns, empty cells left blank) as PNG and SVG, with a shared title on top.</summary>
    private static void SaveGrid(Panel?[,] panels, PlotFile file, string subtitle, string folder, List<PlotFile> written, Func<Panel, Plot> draw)
    {
        int rows = panels.GetLength(0), columns = panels.GetLength(1);
        const int Header = 56;
        int width = PanelWidth * columns, height = Header + PanelHeight * rows;
        var images = new List<(int X, int Y, byte[] Png, string Svg)>();
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                if (panels[r, c] is not { } panel)
                    continue;
                var plot = draw(panel);
                images.Add((c * PanelWidth, Header + r * PanelHeight, plot.GetImageBytes(PanelWidth, PanelHeight, ImageFormat.Png), plot.GetSvgXml(PanelWidth, PanelHeight)));
            }
        }

        byte[] png;
        using (var surface = SKSurface.Create(new SKImageInfo(width, height)))
        {
            var canvas = surface.Canvas;
            canvas.Clear(SKColors.White);
            using (var font = new SKFont(SKTypeface.Default, 17))
            using (var small = new SKFont(SKTypeface.Default, 13))
            using (var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true })
            {
                canvas.DrawText(file.Title, 12, 24, font, paint);
                canvas.DrawText(subtitle, 12, 45, small, paint);
            }
            foreach (var (x, y, bytes, _) in images)
            {
                using var image = SKImage.FromEncodedData(bytes);
                canvas.DrawImage(image, x, y);
            }
            using var snapshot = surface.Snapshot();
            using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
            png = data.ToArray();
        }

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        svg.Append("<text x=\"12\" y=\"24\" font-family=\"sans-serif\" font-size=\"17\">").Append(Escape(file.Title)).Append("</text>\n");
        svg.Append("<text x=\"12\" y=\"45\" font-family=\"sans-serif\" font-size=\"13\">").Append(Escape(subtitle)).Append("</text>\n");
        foreach (var (x, y, _, inner) in images)
        {
            string body = inner.Trim();
            if (body.StartsWith("<?xml", StringComparison.Ordinal))
                body = body[(body.IndexOf("?>", StringComparison.Ordinal) + 2)..].TrimStart();
            int open = body.IndexOf("<svg", StringComparison.Ordinal);
            body = body[..(open + 4)] + string.Create(CultureInfo.InvariantCulture, $" x=\"{x}\" y=\"{y}\"") + body[(open + 4)..];
            svg.Append(body).Append('\n');
        }
        svg.Append("</svg>\n");

        string svgText = svg.ToString();
        AtomicFile.Write(Path.Combine(folder, file.Name + ".png"), temp => File.WriteAllBytes(temp, png));
        AtomicFile.Write(Path.Combine(folder, file.Name + ".svg"), temp => File.WriteAllText(temp, svgText, new UTF8Encoding(false)));
        written.Add(file);
    }

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>A claim's tests as a forest plot: each estimate with its 95% CI, 0, and the declared minimal effect (or margin).</summary>
    private static void SaveForest(ClaimResult claim, string subtitle, string folder, List<PlotFile> written)
    {
        var parts = claim.Parts;
        string unit = parts[0].Unit == "log" ? "% more steps" : parts[0].Unit;
        double Show(double v, string u) => u == "log" ? (Math.Exp(v) - 1) * 100 : v;
        var plot = NewPlot($"{claim.Id}: {Verdict(claim)}\n{subtitle}", $"Paired difference in the claim's direction ({unit}), 95% CI", string.Empty);
        double low = 0, high = 0;
        var positions = new double[parts.Count];
        var labels = new string[parts.Count];
        for (int i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            double y = parts.Count - 1 - i;
            positions[i] = y;
            labels[i] = part.Label.Length > 60 ? part.Label[..57] + "…" : part.Label;
            double estimate = Show(part.Estimate, part.Unit);
            double minimal = Show(part.MinimalEffect, part.Unit);
            if (part.Kind != ClaimTestKind.Threshold && minimal > 0)
            {
                high = Math.Max(high, minimal);
                if (part.Kind == ClaimTestKind.Equivalence)
                    low = Math.Min(low, -minimal);
            }

            if (!double.IsFinite(estimate))
            {
                // too few runs for an estimate (an incomplete study): a row without a mark, which must not take the
                // axis limits with it (a NaN limit leaves the axis at ScottPlot's default 0 to 1)
                labels[i] = (part.Label.Length > 45 ? part.Label[..42] + "…" : part.Label) + " (too few runs)";
                continue;
            }

            var color = part.Verdict switch
            {
                ClaimVerdict.Supported => new Color(44, 160, 44),
                ClaimVerdict.NotSupported => new Color(214, 39, 40),
                _ => new Color(100, 100, 100),
            };
            if (part.Ci95 is Interval ci)
            {
                double a = Show(ci.Low, part.Unit), b = Show(ci.High, part.Unit);
                var bar = new ScottPlot.Plottables.ErrorBar(new[] { estimate }, new[] { y }, new[] { b - estimate }, new[] { estimate - a }, null, null)
                {
                    Color = color,
                    LineWidth = 2,
                    CapSize = 8,
                };
                plot.Add.Plottable(bar);
                low = Math.Min(low, a);
                high = Math.Max(high, b);
            }
            var marker = plot.Add.Marker(estimate, y, MarkerShape.FilledSquare, 10, color);
            marker.LegendText = string.Empty;
            low = Math.Min(low, estimate);
            high = Math.Max(high, estimate);
        }
        var zero = plot.Add.VerticalLine(0, 1.5f, Colors.Black);
        zero.LinePattern = LinePattern.Solid;
        var first = parts[0];
        double declared = Show(first.MinimalEffect, first.Unit);
        if (first.Kind == ClaimTestKind.Direction && declared > 0)
        {
            var line = plot.Add.VerticalLine(declared, 1.2f, Colors.Gray);
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = "declared minimal effect";
        }
        else if (first.Kind == ClaimTestKind.Equivalence)
        {
            foreach (double m in new[] { -declared, declared })
            {
                var line = plot.Add.VerticalLine(m, 1.2f, Colors.Gray);
                line.LinePattern = LinePattern.Dashed;
            }
        }
        (double from, double to) = Padded(low, high);
        plot.Axes.SetLimitsX(from, to);
        plot.Axes.SetLimitsY(-0.7, parts.Count - 0.3);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, labels);
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Grid.YAxisStyle.MajorLineStyle.Width = 0;
        var file = new PlotFile(ForestName(claim.Id), $"{claim.Id}: paired differences (forest plot)");
        Save(plot, folder, file, written, Math.Max(300, 140 + 44 * parts.Count));
    }

    private static string Verdict(ClaimResult claim) => claim.Verdict switch
    {
        ClaimVerdict.Supported => "supported",
        ClaimVerdict.NotSupported => claim.PointsOtherWay ? "not supported (estimates point the other way)" : "not supported",
        ClaimVerdict.Inconclusive => "inconclusive",
        ClaimVerdict.NotTestedAtThisScale => "not tested at this scale",
        _ => "not tested",
    };
}
