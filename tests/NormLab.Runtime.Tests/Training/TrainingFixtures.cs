using System;
using System.IO;
using NormLab.Dsl.Model;
using NormLab.Runtime.Building;
using NormLab.Runtime.Data;
using NormLab.Runtime.Training;

namespace NormLab.Runtime.Tests.Training;

/// <summary>Small networks and data sets, so that a whole training run takes a fraction of a second.</summary>
internal static class TrainingFixtures
{
    /// <summary>Networks on 1x8x8 images with 4 classes (the synthetic task).</summary>
    public const string SyntheticNetworks = """
        network Tiny(input: 1x8x8, classes: 4) {
            conv3x3(4) > bn > relu > maxpool > flatten > dropout(0.2) > linear(classes)
        }

        network Dense(input: 1x8x8, classes: 4) {
            flatten > linear(16) > bn > relu > linear(classes)
        }

        network EndsWithRelu(input: 1x8x8, classes: 4) {
            flatten > linear(classes) > relu
        }

        network Squashing(input: 1x8x8, classes: 4) {
            flatten > linear(8) > sigmoid > linear(8) > tanh > ln > linear(classes)
        }

        network Skip(input: 1x8x8, classes: 4) {
            conv3x3(4) > residual { conv3x3(4) > bn > relu } > residual(project) { conv3x3(8) > relu } > gap > linear(classes)
        }
        """;

    /// <summary>A small CNN on MNIST digits.</summary>
    public const string MnistNetworks = """
        network SmallCnn(input: 1x28x28, classes: 10) {
            conv3x3(8) > relu > maxpool > conv3x3(16) > relu > maxpool > flatten > linear(classes)
        }
        """;

    public static NetworkModel Synthetic(string name) => NetworkBuilder.Check(SyntheticNetworks, "synthetic.normlab", name);

    public static NetworkModel Mnist(string name) => NetworkBuilder.Check(MnistNetworks, "mnist.normlab", name);

    /// <summary>Options for fast, quiet runs: one thread (the same in every test), no weights.</summary>
    public static TrainingOptions Fast(int epochs = 2) => new()
    {
        Epochs = epochs,
        BatchSize = 32,
        Threads = 1,
        Device = DeviceChoice.Cpu,
        HealthBatchSize = 64,
    };

    /// <summary>
    /// A separable 4-class task of 8x8 images: class k has a bright 4x4 quadrant k over dim noise. Deterministic.
    /// <paramref name="normalization"/> null: mean 0.25, std 0.3.
    /// </summary>
    public static DataSplit SyntheticSplit(int train = 256, int test = 128, Normalization? normalization = null, bool blank = false)
    {
        var norm = normalization ?? new Normalization(0.25, 0.3);
        return new DataSplit(Synthetic("synthetic/train", train, seed: 1, norm, blank), Synthetic("synthetic/test", test, seed: 2, norm, blank));
    }

    private static DataSet Synthetic(string name, int count, int seed, Normalization normalization, bool blank)
    {
        var random = new Random(seed);
        var pixels = new byte[count * 64];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            int label = i % 4;
            labels[i] = (byte)label;
            for (int y = 0; y < 8; y++)
            {
                for (int x = 0; x < 8; x++)
                {
                    int quadrant = (y / 4) * 2 + (x / 4);
                    pixels[i * 64 + y * 8 + x] = blank ? (byte)0 : (byte)(quadrant == label ? 160 + random.Next(96) : random.Next(80));
                }
            }
        }
        return DataSet.FromBytes(name, pixels, 8, 8, labels, normalization, classCount: 4);
    }

    /// <summary>
    /// A subset of the embedded MNIST sample (digit-major): of every 20 images, 4 train and 1 test, so 2,000 train and
    /// 500 test images, every digit in both.
    /// </summary>
    public static DataSplit MnistSubset()
    {
        var (images, labels) = DataSets.SampleBytes();
        int size = images.PixelsPerImage;
        var trainPixels = new MemoryStream();
        var testPixels = new MemoryStream();
        var trainLabels = new MemoryStream();
        var testLabels = new MemoryStream();
        for (int i = 0; i < labels.Length; i++)
        {
            int slot = i % 20;
            if (slot > 4)
                continue;
            var (pixels, targets) = slot < 4 ? (trainPixels, trainLabels) : (testPixels, testLabels);
            pixels.Write(images.Pixels, i * size, size);
            targets.WriteByte(labels[i]);
        }
        return new DataSplit(
            DataSet.FromBytes("mnist-subset/train", trainPixels.ToArray(), images.Rows, images.Columns, trainLabels.ToArray(), Normalization.Mnist),
            DataSet.FromBytes("mnist-subset/test", testPixels.ToArray(), images.Rows, images.Columns, testLabels.ToArray(), Normalization.Mnist));
    }

    /// <summary>A fresh temporary folder.</summary>
    public static string TempFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "normlab-training-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
