using System;
using System.IO;
using System.Linq;
using NormLab.Runtime.Building;
using NormLab.Runtime.Data;
using NormLab.Runtime.Training;
using Xunit;
using static TorchSharp.torch;

namespace NormLab.Runtime.Tests.Training;

/// <summary>
/// The study's main figures (loss, accuracy, epochs to a target) worked out without the trainer: from the saved
/// weights, in a plain loop at another batch size, and on a data set small enough to work by hand.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class IndependentMetricsTests
{
    /// <summary>Not the trainer's evaluation batch size, and not a divisor of the 128 test examples: the last batch has 17.</summary>
    private const int OtherBatchSize = 37;

    /// <summary>
    /// Summed cross-entropy over N and argmax accuracy of <paramref name="module"/> (eval mode) on <paramref name="data"/>,
    /// from the logits, in doubles, one example at a time.
    /// </summary>
    private static (double Loss, double Accuracy) Recompute(nn.Module<Tensor, Tensor> module, DataSet data, int batchSize)
    {
        module.eval();
        double lossSum = 0;
        long correct = 0;
        int batches = 0;
        using var _ = no_grad();
        for (long start = 0; start < data.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            long end = Math.Min(start + batchSize, data.Count);
            batches++;
            Tensor logits = module.forward(data.Images[TensorIndex.Slice(start, end)]).to(float64);
            int classes = (int)logits.shape[1];
            double[] values = logits.data<double>().ToArray();
            long[] labels = data.Labels[TensorIndex.Slice(start, end)].data<long>().ToArray();
            for (int i = 0; i < labels.Length; i++)
            {
                var row = values.AsSpan(i * classes, classes);
                double max = double.NegativeInfinity;
                int best = 0;
                for (int c = 0; c < classes; c++)
                {
                    if (row[c] > max)
                    {
                        max = row[c];
                        best = c;
                    }
                }

                double sum = 0;
                for (int c = 0; c < classes; c++)
                    sum += Math.Exp(row[c] - max);
                lossSum += Math.Log(sum) + max - row[(int)labels[i]];
                correct += best == labels[i] ? 1 : 0;
            }
        }

        Assert.True(data.Count % batchSize != 0 && batches == data.Count / batchSize + 1, "the plain loop must end with an uneven batch");
        return (lossSum / data.Count, (double)correct / data.Count);
    }

    [Fact]
    public void Test_loss_accuracy_and_epochs_to_target_agree_with_the_saved_weights()
    {
        var network = TrainingFixtures.Synthetic("Tiny");
        using var data = TrainingFixtures.SyntheticSplit();
        string folder = TrainingFixtures.TempFolder();
        try
        {
            // one epoch, and two epochs from the same seed: the first epoch of both is the same run
            var one = Trainer.Train(network, data, TrainingFixtures.Fast(epochs: 1) with { WeightsPath = Path.Combine(folder, "one.bin") });
            var targets = new[] { 0.3, 0.6, 0.9, 0.95, 0.99, 1.0 };
            var two = Trainer.Train(network, data, TrainingFixtures.Fast(epochs: 2) with { WeightsPath = Path.Combine(folder, "two.bin"), AccuracyTargets = targets });
            two.Save(Path.Combine(folder, "run.json"));
            var run = RunResult.FromJson(File.ReadAllText(Path.Combine(folder, "run.json")));

            using var afterOne = new NetworkModule(network);
            afterOne.load(Path.Combine(folder, "one.bin"));
            using var afterTwo = new NetworkModule(network);
            afterTwo.load(Path.Combine(folder, "two.bin"));
            var (loss1, accuracy1) = Recompute(afterOne, data.Test, OtherBatchSize);
            var (loss2, accuracy2) = Recompute(afterTwo, data.Test, OtherBatchSize);

            Assert.Equal(2, run.Epochs.Count);
            Assert.Equal(accuracy1, one.Epochs[0].TestAccuracy);
            Assert.Equal(loss1, one.Epochs[0].TestLoss, 1e-5);
            Assert.Equal(accuracy1, run.Epochs[0].TestAccuracy);
            Assert.Equal(loss1, run.Epochs[0].TestLoss, 1e-5);
            Assert.Equal(accuracy2, run.Epochs[1].TestAccuracy);
            Assert.Equal(loss2, run.Epochs[1].TestLoss, 1e-5);
            Assert.Equal(accuracy2, run.TestAccuracy);
            Assert.Equal(loss2, run.TestLoss!.Value, 1e-5);

            // the epoch a target is first reached, from the recomputed accuracies
            Assert.Equal(targets, run.Convergence.Select(c => c.Target));
            Assert.Equal(
                targets.Select(t => accuracy1 >= t ? 1 : accuracy2 >= t ? 2 : (int?)null),
                run.Convergence.Select(c => c.Epoch));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_data_set_worked_by_hand()
    {
        // two pixels per image, normalized to the byte values themselves; logits = pixels (identity weights):
        //   (1, 0) label 1: loss ln(e^1 + e^0) - 0 = 1.3132617, wrong (argmax 0)
        //   (2, 0) label 0: loss ln(e^2 + 1) - 2 = 0.1269280, right
        //   (0, 3) label 1: loss ln(e^0 + e^3) - 3 = 0.0485874, right
        //   mean loss (1.3132617 + 0.1269280 + 0.0485874) / 3 = 0.4962590, accuracy 2/3
        // (no ties: a learning rate too small to move a weight of 1 still moves a weight of 0, and would break one)
        // A mean of the two batch means (batch size 2) would give a different figure: every example must weigh the same.
        var pixels = new byte[] { 1, 0, 2, 0, 0, 3 };
        var labels = new byte[] { 1, 0, 1 };
        var normalization = new Normalization(0, 1 / 255.0);
        using var data = new DataSplit(
            DataSet.FromBytes("hand/train", pixels, 1, 2, labels, normalization, classCount: 2),
            DataSet.FromBytes("hand/test", pixels, 1, 2, labels, normalization, classCount: 2));
        var network = NetworkBuilder.Check("network Hand(input: 1x1x2, classes: 2) { flatten > linear(2) }", "hand.normlab", "Hand");
        using var module = new NetworkModule(network);
        using (no_grad())
        {
            var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            parameters["linear1.weight"].copy_(eye(2));
            parameters["linear1.bias"].zero_();
        }

        const double Loss = 0.4962590;
        var (evaluatedLoss, evaluatedAccuracy) = Trainer.Evaluate(module, data.Test, batchSize: 2);
        Assert.Equal(Loss, evaluatedLoss, 1e-6);
        Assert.Equal(2 / 3.0, evaluatedAccuracy, 1e-12);

        // a learning rate too small to move a float32 weight: the training figures are the same by-hand figures
        var result = Trainer.Train(module, network, data, TrainingFixtures.Fast(epochs: 1) with
        {
            BatchSize = 2,
            Optimizer = OptimizerKind.Sgd,
            Momentum = 0,
            LearningRate = 1e-30,
            Health = false,
        });
        var epoch = Assert.Single(result.Epochs);
        Assert.Equal(2, epoch.Steps);
        Assert.Equal(Loss, epoch.TrainLoss, 1e-6);
        Assert.Equal(2 / 3.0, epoch.TrainAccuracy, 1e-12);
        Assert.Equal(Loss, epoch.TestLoss, 1e-6);
        Assert.Equal(2 / 3.0, epoch.TestAccuracy, 1e-12);
    }
}
