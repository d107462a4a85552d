using System.Linq;
using NormLab.Runtime.Building;
using NormLab.Runtime.Native;
using NormLab.Runtime.Tests.Agreement;
using NormLab.Runtime.Tests.Training;
using NormLab.Runtime.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NormLab.Runtime.Tests.Native;

/// <summary>
/// The convolutions NormLab trains with are right whatever the per-shape probe decided, and the probe's decision on one
/// shape is sound. oneDNN's state is process-wide and sticky, so nothing here depends on what other tests (or the order
/// of these) left it at; what a whole process does (oneDNN kept on for right shapes, <c>NORMLAB_MKLDNN</c>) is tested on
/// the real <c>normlab train</c>, one process each, in NormLab.Cli.Tests' <c>ConvolutionProbeTests</c>.
/// </summary>
[Collection(TorchState.Name)]
public sealed class LibTorchConvolutionsTests
{
    /// <summary>The shape libtorch 2.10's oneDNN got wrong on every call on an AVX-512 processor (batch 1 is right).</summary>
    private static readonly ConvolutionShape Strided = new(
        new long[] { 7, 21, 10, 14 }, new long[] { 8, 21, 3, 3 }, new long[] { 2, 2 }, new long[] { 0, 0 }, new long[] { 1, 1 }, 1, bias: false, threads: 1);

    private const string StridedSource = """
        network Strided(input: 21x10x14) {
            conv3x3(8, stride: 2, padding: valid, bias: false)
        }
        """;

    [Fact]
    public void The_bad_strided_shape_through_a_built_network_matches_float64_on_every_one_of_50_calls()
    {
        var network = NormLab.Dsl.NormLabCompiler.Check(StridedSource, "strided.normlab").Networks.Single();
        Assert.True(network.IsValid, string.Join("; ", network.Diagnostics));
        int threads = get_num_threads();
        try
        {
            set_num_threads(1);
            using var module = new NetworkModule(network);
            var convolution = module.modules().OfType<TorchSharp.Modules.Conv2d>().Single();
            using var scope = NewDisposeScope();
            var generator = new TorchSharp.torch.Generator(7);
            var input = randn(new long[] { 7, 21, 10, 14 }, generator: generator).requires_grad_();
            var upstream = randn(new long[] { 7, 8, 4, 6 }, generator: generator);
            Assert.Equal(Strided, ConvolutionShape.Of(convolution, input));
            var input64 = input.detach().to(float64).requires_grad_();
            var expected = nn.functional.conv2d(input64, convolution.weight.detach().to(float64), strides: new long[] { 2, 2 });
            var expectedGradient = autograd.grad(new[] { expected }, new[] { input64 }, new[] { upstream.to(float64) })[0];
            for (var i = 0; i < 50; i++)
            {
                // a training call: forward, and backward to the input (and the weight)
                var actual = module.call(input);
                var gradient = autograd.grad(new[] { actual }, new[] { input }, new[] { upstream })[0];
                var difference = (actual.detach().to(float64) - expected.detach()).abs().max().item<double>();
                var gradientDifference = (gradient.to(float64) - expectedGradient).abs().max().item<double>();
                Assert.True(difference <= 1e-4, $"call {i}: output off by {difference} ({LibTorchConvolutions.Outcome})");
                Assert.True(gradientDifference <= 1e-4, $"call {i}: input gradient off by {gradientDifference} ({LibTorchConvolutions.Outcome})");
            }

            // the module's first call probed its shape (unless oneDNN was already off or forced by the variable)
            if (LibTorchConvolutions.Probing)
            {
                Assert.Contains("all right", LibTorchConvolutions.Outcome);
            }
            else
            {
                Assert.Matches("^(oneDNN off since |oneDNN (on|off), not probed \\(NORMLAB_MKLDNN=[01]\\)|unchanged )", LibTorchConvolutions.Outcome);
            }
        }
        finally
        {
            set_num_threads(threads);
        }
    }

    [Fact]
    public void The_probe_finds_the_shapes_of_the_ordering_networks_right()
    {
        // both kernels (oneDNN's, libtorch's own) compute these right, so the decision does not depend on which is on
        foreach (var (channels, size, batch) in new[] { (1L, 28L, 64L), (16L, 14L, 64L), (32L, 7L, 16L) })
        {
            var shape = new ConvolutionShape(
                new[] { batch, channels, size, size }, new[] { 32L, channels, 3, 3 }, new long[] { 1 }, new long[] { 1 }, new long[] { 1 }, 1, bias: true, threads: 1);
            var result = LibTorchConvolutions.Probe(shape);
            Assert.True(result.Right, $"{shape}: {result.Detail}");
            Assert.InRange(result.WorstError, 0, LibTorchConvolutions.Tolerance);
            Assert.Equal(shape, result.Shape);
        }
    }

    [Fact]
    public void The_probe_agrees_with_a_direct_comparison_on_the_bad_shape()
    {
        // with oneDNN on (on an affected processor) both say wrong; with it off, or where oneDNN is right, both say right
        int threads = get_num_threads();
        try
        {
            set_num_threads(1);
            bool directlyRight;
            using (NewDisposeScope())
            {
                var generator = new TorchSharp.torch.Generator(11);
                var input = randn(Strided.Input, generator: generator);
                var weight = randn(Strided.Weight, generator: generator);
                var expected = nn.functional.conv2d(input.to(float64), weight.to(float64), strides: Strided.Stride);
                var actual = nn.functional.conv2d(input, weight, strides: Strided.Stride).to(float64);
                var difference = (actual - expected).abs().max().item<double>();
                double scale = System.Math.Max(1, expected.abs().max().item<double>());
                directlyRight = difference / scale <= LibTorchConvolutions.Tolerance; // false for NaN
            }

            var result = LibTorchConvolutions.Probe(Strided, repetitions: 5);
            if (!directlyRight)
            {
                Assert.False(result.Right, $"a direct comparison found {Strided} wrong; the probe said: {result.Detail} ({LibTorchConvolutions.Outcome})");
            }

            if (!LibTorchConvolutions.OneDnnEnabled)
            {
                Assert.True(result.Right, $"with libtorch's own kernels {Strided} is right; the probe said: {result.Detail}");
            }
        }
        finally
        {
            set_num_threads(threads);
        }
    }

    [Fact]
    public void A_shape_is_what_the_convolution_runs()
    {
        using var scope = NewDisposeScope();
        int threads = get_num_threads();

        // padding 'same' with an even kernel pads the far side one more; libtorch pads the input by that first
        using var same = nn.Conv2d(3, 4, (2, 3), padding: TorchSharp.Padding.Same, dilation: (1, 1));
        var shape = ConvolutionShape.Of(same, zeros(5, 3, 8, 9))!;
        Assert.Equal(new long[] { 5, 3, 9, 9 }, shape.Input);
        Assert.Equal(new long[] { 0, 1 }, shape.Padding);
        Assert.Equal(threads, shape.Threads);

        // a padding mode other than zeros pads the input, then the convolution has none
        using var reflect = nn.Conv1d(2, 6, 3, stride: 2, padding: 1, padding_mode: TorchSharp.PaddingModes.Reflect, bias: false);
        shape = ConvolutionShape.Of(reflect, zeros(4, 2, 10))!;
        Assert.Equal(new long[] { 4, 2, 12 }, shape.Input);
        Assert.Equal(new long[] { 0 }, shape.Padding);
        Assert.Equal(new long[] { 2 }, shape.Stride);
        Assert.False(shape.Bias);
        Assert.Equal($"conv1d 4x2x12 * 6x2x3, stride 2, padding 0, dilation 1, groups 1, no bias, {threads} thread{(threads == 1 ? "" : "s")}, backward to weight", shape.ToString());

        // which gradients the backward computes is part of the shape: none without autograd
        using (no_grad())
        {
            Assert.EndsWith(", forward only", ConvolutionShape.Of(reflect, zeros(4, 2, 10))!.ToString());
        }

        Assert.True(ConvolutionShape.Of(reflect, zeros(4, 2, 10).requires_grad_())!.InputGradient);

        // unbatched input: libtorch adds a batch of one
        using var grouped = nn.Conv2d(4, 8, 3, stride: 1, padding: 2, dilation: 2, groups: 2);
        shape = ConvolutionShape.Of(grouped, zeros(4, 6, 7))!;
        Assert.Equal(new long[] { 1, 4, 6, 7 }, shape.Input);
        Assert.Equal(new long[] { 8, 2, 3, 3 }, shape.Weight);
        Assert.Equal(new long[] { 2, 2 }, shape.Dilation);
        Assert.Equal(2, shape.Groups);

        // float64 and transposed convolutions are not oneDNN's float32 kernels: nothing to probe
        Assert.Null(ConvolutionShape.Of(grouped, zeros(new long[] { 4, 6, 7 }, dtype: float64)));

        // equal shapes are one key; a different batch is another shape
        Assert.Equal(Strided, new ConvolutionShape(new long[] { 7, 21, 10, 14 }, new long[] { 8, 21, 3, 3 }, new long[] { 2 }, new long[] { 0 }, new long[] { 1 }, 1, false, 1));
        Assert.NotEqual(Strided, new ConvolutionShape(new long[] { 1, 21, 10, 14 }, new long[] { 8, 21, 3, 3 }, new long[] { 2 }, new long[] { 0 }, new long[] { 1 }, 1, false, 1));
    }

    [Fact]
    public void Convolutions_NormLab_builds_are_watched_and_probed_once_per_shape()
    {
        var network = NormLab.Dsl.NormLabCompiler.Check("""
            network Twice(input: 3x9x9) {
                conv3x3(5) > relu > conv3x3(5)
            }
            """, "twice.normlab").Networks.Single();
        using var module = new NetworkModule(network);
        using var scope = NewDisposeScope();
        var input = randn(2, 3, 9, 9);
        module.call(input);
        int after = LibTorchConvolutions.ProbedShapes;
        for (int i = 0; i < 3; i++)
        {
            module.call(input);
        }

        Assert.Equal(after, LibTorchConvolutions.ProbedShapes); // known shapes are not probed again
        if (LibTorchConvolutions.Probing)
        {
            // both convolutions' shapes (3→5, 5→5 channels, batch 2) were probed and found right
            Assert.Contains("all right", LibTorchConvolutions.Outcome);
        }
    }

    /// <summary>A hand-written CNN for the synthetic 1x8x8 images that calls its layers as PyTorch code does.</summary>
    private sealed class CallingCnn : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Conv2d conv1 = nn.Conv2d(1, 6, 3, padding: 1);
        private readonly TorchSharp.Modules.BatchNorm2d bn1 = nn.BatchNorm2d(6);
        private readonly TorchSharp.Modules.Conv2d conv2 = nn.Conv2d(6, 5, 3, stride: 2, padding: 1);
        private readonly TorchSharp.Modules.Linear linear1 = nn.Linear(5 * 4 * 4, 4);

        public CallingCnn()
            : base(nameof(CallingCnn)) => RegisterComponents();

        public TorchSharp.Modules.BatchNorm2d Norm => bn1;

        public override Tensor forward(Tensor input)
        {
            var x = nn.functional.relu(bn1.call(conv1.call(input)));
            x = nn.functional.relu(conv2.call(x));
            return linear1.call(x.flatten(1));
        }
    }

    [Fact]
    public void A_hand_written_module_that_calls_its_convolutions_is_watched_and_trains()
    {
        using var data = TrainingFixtures.SyntheticSplit();
        using var module = new CallingCnn();
        module.train();
        module.Norm.eval();
        LibTorchConvolutions.WatchTrained(module, () => randn(32, 1, 8, 8));

        // the pass that makes its shapes known leaves every module's mode as it was, and finds every hook run
        Assert.True(module.training);
        Assert.False(module.Norm.training);
        Assert.DoesNotContain("without its forward pre-hook", LibTorchConvolutions.Outcome);

        var run = Trainer.Train(module, null, data, TrainingFixtures.Fast(epochs: 1));
        Assert.Equal(LibTorchConvolutions.Outcome, run.Convolutions);
        Assert.DoesNotContain("without its forward pre-hook", run.Convolutions);
        Assert.True(run.TestAccuracy > 0.25, $"accuracy {run.TestAccuracy}");
    }
}
