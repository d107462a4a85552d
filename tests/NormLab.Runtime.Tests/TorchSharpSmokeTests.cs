using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NormLab.Runtime.Tests;

/// <summary>TorchSharp loads and trains in this process: the build's patch took effect.</summary>
public sealed class TorchSharpSmokeTests
{
    [Fact]
    public void A_small_conv_net_runs_forward_and_backward()
    {
        random.manual_seed(1);
        using var scope = NewDisposeScope();
        using var net = nn.Sequential(
            ("conv", nn.Conv2d(1, 4, kernel_size: 3, padding: 1, bias: false)),
            ("bn", nn.BatchNorm2d(4)),
            ("relu", nn.ReLU()),
            ("pool", nn.MaxPool2d(kernel_size: 2)),
            ("flatten", nn.Flatten()),
            ("fc", nn.Linear(4 * 4 * 4, 3)));
        using var optimizer = optim.SGD(net.parameters(), learningRate: 0.1);
        Tensor images = randn(8, 1, 8, 8);
        Tensor labels = randint(0, 3, 8, dtype: int64);
        net.train();

        Tensor logits = net.forward(images);
        Assert.Equal(new long[] { 8, 3 }, logits.shape);

        Tensor firstLoss = nn.functional.cross_entropy(logits, labels);
        optimizer.zero_grad();
        firstLoss.backward();
        var conv = (TorchSharp.Modules.Conv2d)net[0];
        Assert.Equal(new long[] { 4, 1, 3, 3 }, conv.weight!.grad!.shape);
        Assert.True(conv.weight.grad.abs().sum().item<float>() > 0);
        optimizer.step();

        float loss = firstLoss.item<float>();
        for (int step = 0; step < 30; step++)
        {
            optimizer.zero_grad();
            Tensor stepLoss = nn.functional.cross_entropy(net.forward(images), labels);
            stepLoss.backward();
            optimizer.step();
            loss = stepLoss.item<float>();
        }

        Assert.True(loss < firstLoss.item<float>() / 2, $"loss went from {firstLoss.item<float>()} to {loss}");
    }
}
