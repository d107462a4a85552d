using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using NormLab.Runtime.Training;
using ScottPlot;

namespace NormLab.Studies.Reports;

/// <summary>
/// A run's confusion matrix (<see cref="RunResult.ConfusionMatrix"/>) as a figure, PNG and SVG: one square per true
/// class (rows, class 0 at the top) and predicted class (columns), shaded by the share of the row, with its count.
/// </summary>
public static class ConfusionPlot
{
    /// <summary>The file name, without extension.</summary>
    public const string Name = "confusion";

    /// <summary>Writes <c>confusion.png</c> and <c>confusion.svg</c> into <paramref name="folder"/> (atomically); returns the PNG's path.</summary>
    public static string Write(IReadOnlyList<IReadOnlyList<long>> matrix, string title, string folder)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int n = matrix.Count;
        if (n == 0 || matrix.Any(row => row.Count != n))
            throw new ArgumentException("a confusion matrix is square and not empty", nameof(matrix));

        var plot = new Plot();
        plot.Title(title, 15);
        plot.XLabel("Predicted class", 14);
        plot.YLabel("True class", 14);
        for (int t = 0; t < n; t++)
        {
            long total = Math.Max(1, matrix[t].Sum());
            for (int p = 0; p < n; p++)
            {
                double share = (double)matrix[t][p] / total;
                double y = n - 1 - t;
                var cell = plot.Add.Rectangle(p - 0.5, p + 0.5, y - 0.5, y + 0.5);
                cell.FillStyle.Color = new ScottPlot.Colormaps.Blues().GetColor(1 - share); // this colormap runs from dark blue (0) to white (1)
                cell.LineStyle.Width = 0;
                if (n <= 20)
                {
                    var label = plot.Add.Text(matrix[t][p].ToString(CultureInfo.InvariantCulture), p, y);
                    label.LabelAlignment = Alignment.MiddleCenter;
                    label.LabelFontSize = n <= 10 ? 13 : 9;
                    label.LabelFontColor = share > 0.5 ? Colors.White : Colors.Black;
                }
            }
        }

        var xTicks = new ScottPlot.TickGenerators.NumericManual();
        var yTicks = new ScottPlot.TickGenerators.NumericManual();
        for (int k = 0; k < n; k++)
        {
            string text = k.ToString(CultureInfo.InvariantCulture);
            xTicks.AddMajor(k, text);
            yTicks.AddMajor(n - 1 - k, text);
        }
        plot.Axes.Bottom.TickGenerator = xTicks;
        plot.Axes.Left.TickGenerator = yTicks;
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        plot.Grid.IsVisible = false;

        int size = Math.Clamp(60 * n + 160, 400, 1200);
        byte[] png = plot.GetImageBytes(size, size, ImageFormat.Png);
        string svg = plot.GetSvgXml(size, size);
        string pngPath = Path.Combine(folder, Name + ".png");
        AtomicFile.Write(pngPath, temp => File.WriteAllBytes(temp, png));
        AtomicFile.Write(Path.Combine(folder, Name + ".svg"), temp => File.WriteAllText(temp, svg, new UTF8Encoding(false)));
        return pngPath;
    }
}
