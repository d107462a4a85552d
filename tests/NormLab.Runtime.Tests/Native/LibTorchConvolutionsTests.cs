using NormLab.Runtime.Native;
using NormLab.Runtime.Tests.Agreement;
using Xunit;
using static TorchSharp.torch;

namespace NormLab.Runtime.Tests.Native;

/// <summary>
/// The convolutions NormLab trains with are right: after <see cref="LibTorchConvolutions.EnsureApplied"/>, the
/// convolution that libtorch 2.10's oneDNN got wrong on every call on an AVX-512 processor matches float64.
/// </summary>
[Collection(TorchState.Name)]
public sealed class LibTorchConvolutionsTests
{
    [Fact]
    public void After_the_setting_a_strided_convolution_matches_float64_on_every_call()
    {
        LibTorchConvolutions.EnsureApplied();
        Assert.Matches("^(oneDNN on \\(its convolutions passed the probe\\)|oneDNN off \\(its convolutions failed the probe\\)|oneDNN kept on \\(NORMLAB_MKLDNN=1\\))$", LibTorchConvolutions.Outcome);

        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(7);
        var input = randn(new long[] { 7, 21, 10, 14 }, generator: generator);
        var weight = randn(new long[] { 8, 21, 3, 3 }, generator: generator);
        var expected = nn.functional.conv2d(input.to(float64), weight.to(float64), strides: new long[] { 2, 2 });
        for (var i = 0; i < 50; i++)
        {
            var actual = nn.functional.conv2d(input, weight, strides: new long[] { 2, 2 }).to(float64);
            var difference = (actual - expected).abs().max().item<double>();
            Assert.True(difference <= 1e-3, $"call {i}: off by {difference} ({LibTorchConvolutions.Outcome})");
        }
    }
}
