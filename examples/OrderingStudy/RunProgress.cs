using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using NormLab.Runtime.Training;

namespace OrderingStudy;

/// <summary>
/// One run's progress: on a terminal a line redrawn in place (epoch, a bar, loss, accuracy, images/s), replaced by a
/// summary line when the run ends; when the output is redirected, only the summary line.
/// </summary>
public sealed class RunProgress(TextWriter writer, string label) : IProgress<TrainingProgress>
{
    private static readonly CultureInfo Invariant = Formatting.Culture;
    private readonly bool interactive = !Console.IsOutputRedirected && ReferenceEquals(writer, Console.Out);
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private long lastDraw = long.MinValue;
    private int lastLength;
    private double? lastTest;

    public void Report(TrainingProgress value)
    {
        if (!interactive)
            return;
        if (value.Evaluation is { } evaluation)
            lastTest = evaluation.TestAccuracy;
        bool last = value.Phase != TrainingPhase.Step || value.Step == value.StepsPerEpoch;
        long now = clock.ElapsedMilliseconds;
        if (!last && now - lastDraw < 100)
            return;
        lastDraw = now;
        const int width = 20;
        int filled = value.StepsPerEpoch > 0 ? value.Step * width / value.StepsPerEpoch : 0;
        string text = string.Create(Invariant,
            $"{label}  epoch {value.Epoch}/{value.Epochs} [{new string('#', filled)}{new string('.', width - filled)}] " +
            $"{value.Step}/{value.StepsPerEpoch}  loss {value.TrainLoss:0.000}  acc {value.TrainAccuracy:P1}  {value.ImagesPerSecond:N0} img/s");
        if (lastTest is double test)
            text += string.Create(Invariant, $"  test {test:P1}");
        Draw(text);
    }

    /// <summary>The run's summary line, replacing the progress line.</summary>
    public void Done(RunResult result)
    {
        string outcome = result.Diverged is { } diverged
            ? $"diverged in epoch {diverged.Epoch}, step {diverged.Step} ({diverged.Reason})"
            : string.Create(Invariant, $"test {result.TestAccuracy:P2}, loss {result.TestLoss:0.0000}");
        string text = string.Create(Invariant, $"{label}: {outcome}, {result.ImagesPerSecond:N0} img/s, {result.ElapsedSeconds:0.0} s");
        if (interactive)
            Draw(text);
        else
            writer.Write(text);
        writer.WriteLine();
        writer.Flush();
        lastLength = 0;
    }

    private void Draw(string text)
    {
        writer.Write('\r' + text + (text.Length < lastLength ? new string(' ', lastLength - text.Length) : string.Empty));
        writer.Flush();
        lastLength = text.Length;
    }
}
