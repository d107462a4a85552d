using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using TorchSharp;

namespace NormLab.Runtime.Training;

/// <summary>
/// A run's logs in a folder: <c>metrics.csv</c>, one row appended (and flushed) after every epoch, so a plotting script
/// can read it while the run goes on; and TensorBoard event files in <c>tensorboard/</c> (TorchSharp's
/// <c>SummaryWriter</c>, with the wall time passed explicitly) holding loss, accuracy and learning rate of every epoch
/// and the health probes. A resumed run rewrites <c>metrics.csv</c> from its checkpoint, so the file never holds an
/// epoch twice; TensorBoard gets a new event file and shows the epochs it had already seen once more.
/// </summary>
public sealed class RunLog
{
    /// <summary>The CSV file's name.</summary>
    public const string MetricsFileName = "metrics.csv";

    /// <summary>The TensorBoard folder's name.</summary>
    public const string TensorBoardFolderName = "tensorboard";

    /// <summary>The columns of <c>metrics.csv</c>; validation columns are empty without a validation set.</summary>
    public static IReadOnlyList<string> Columns { get; } = new[]
    {
        "epoch", "step", "learningRate", "trainLoss", "trainAccuracy", "validationLoss", "validationAccuracy", "testLoss", "testAccuracy",
        "seconds", "imagesPerSecond",
    };

    private readonly string _folder;
    private TorchSharp.Modules.SummaryWriter? _writer;

    public RunLog(string folder)
    {
        _folder = Path.GetFullPath(folder);
    }

    public string MetricsPath => Path.Combine(_folder, MetricsFileName);

    public string TensorBoardFolder => Path.Combine(_folder, TensorBoardFolderName);

    /// <summary>
    /// Starts the logs with <paramref name="epochs"/> (none for a fresh run; a checkpoint's epochs for a resumed one):
    /// rewrites <c>metrics.csv</c> atomically, and for a fresh run deletes the event files an earlier run left.
    /// </summary>
    public void Start(IReadOnlyList<EpochMetrics> epochs)
    {
        long step = 0;
        Directory.CreateDirectory(_folder);
        var text = new StringBuilder();
        text.Append(string.Join(",", Columns)).Append('\n');
        foreach (var epoch in epochs)
        {
            step += epoch.Steps;
            text.Append(Row(epoch, step)).Append('\n');
        }
        AtomicFile.Write(MetricsPath, temp => File.WriteAllText(temp, text.ToString(), new UTF8Encoding(false)));
        if (epochs.Count == 0 && Directory.Exists(TensorBoardFolder))
        {
            foreach (string file in Directory.EnumerateFiles(TensorBoardFolder, "events.out.tfevents.*"))
                File.Delete(file);
        }
    }

    /// <summary>Appends the epoch to <c>metrics.csv</c> and writes its scalars (and the health snapshot, if any) to TensorBoard.</summary>
    public void Epoch(EpochMetrics metrics, long step, HealthSnapshot? health, DateTimeOffset now)
    {
        using (var stream = new FileStream(MetricsPath, FileMode.Append, FileAccess.Write, FileShare.Read))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            writer.Write(Row(metrics, step));
            writer.Write('\n');
        }

        _writer ??= torch.utils.tensorboard.SummaryWriter(TensorBoardFolder);
        // the wall time of the epoch's end, passed explicitly (seconds since 1970, as TensorBoard reads it)
        long wallTime = now.ToUnixTimeSeconds();
        int tbStep = (int)Math.Min(step, int.MaxValue);
        void Scalar(string tag, double? value)
        {
            if (value is double v && double.IsFinite(v))
                _writer!.add_scalar(tag, (float)v, tbStep, wallTime);
        }

        Scalar("loss/train", metrics.TrainLoss);
        Scalar("loss/validation", metrics.ValidationLoss);
        Scalar("loss/test", metrics.TestLoss);
        Scalar("accuracy/train", metrics.TrainAccuracy);
        Scalar("accuracy/validation", metrics.ValidationAccuracy);
        Scalar("accuracy/test", metrics.TestAccuracy);
        Scalar("learning_rate", metrics.LearningRate);
        Scalar("images_per_second", metrics.ImagesPerSecond);
        if (health is not null)
        {
            Scalar("health/loss", health.Loss);
            foreach (var layer in health.Layers)
            {
                Scalar($"health/{layer.Name}/mean", layer.Mean);
                Scalar($"health/{layer.Name}/std", layer.Std);
                Scalar($"health/{layer.Name}/dead_fraction", layer.DeadFraction);
                Scalar($"health/{layer.Name}/saturated_fraction", layer.SaturatedFraction);
            }
            foreach (var gradient in health.Gradients)
                Scalar($"gradient_norm/{gradient.Parameter}", gradient.Norm);
        }
    }

    private static string Row(EpochMetrics m, long step)
    {
        static string F(double? value) => value is double v && double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : string.Empty;
        return string.Join(",", new[]
        {
            m.Epoch.ToString(CultureInfo.InvariantCulture), step.ToString(CultureInfo.InvariantCulture), F(m.LearningRate), F(m.TrainLoss),
            F(m.TrainAccuracy), F(m.ValidationLoss), F(m.ValidationAccuracy), F(m.TestLoss), F(m.TestAccuracy), F(m.Seconds), F(m.ImagesPerSecond),
        });
    }
}
