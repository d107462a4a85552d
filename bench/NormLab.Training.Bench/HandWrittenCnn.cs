using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NormLab.Training.Bench;

/// <summary>
/// BenchCnn of bench.normlab written by hand, as a TorchSharp user would: the same layers with the same arguments,
/// created in the same order (so the same seed gives the same initial weights) and with the same field names (so the
/// state dicts compare key by key).
/// </summary>
public sealed class HandWrittenCnn : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1 = nn.Conv2d(1, 16, 3, padding: 1, bias: false);
    private readonly BatchNorm2d bn1 = nn.BatchNorm2d(16);
    private readonly ReLU relu1 = nn.ReLU();
    private readonly MaxPool2d maxpool1 = nn.MaxPool2d(2, 2);
    private readonly Conv2d conv2 = nn.Conv2d(16, 32, 3, padding: 1, bias: false);
    private readonly BatchNorm2d bn2 = nn.BatchNorm2d(32);
    private readonly ReLU relu2 = nn.ReLU();
    private readonly Conv2d conv3 = nn.Conv2d(32, 32, 3, padding: 1, bias: false);
    private readonly BatchNorm2d bn3 = nn.BatchNorm2d(32);
    private readonly ReLU relu3 = nn.ReLU();
    private readonly MaxPool2d maxpool2 = nn.MaxPool2d(2, 2);
    private readonly Conv2d conv4 = nn.Conv2d(32, 32, 3, padding: 1, bias: false);
    private readonly BatchNorm2d bn4 = nn.BatchNorm2d(32);
    private readonly ReLU relu4 = nn.ReLU();
    private readonly Conv2d conv5 = nn.Conv2d(32, 32, 3, padding: 1, bias: false);
    private readonly BatchNorm2d bn5 = nn.BatchNorm2d(32);
    private readonly ReLU relu5 = nn.ReLU();
    private readonly Flatten flatten1 = nn.Flatten();
    private readonly Linear linear1 = nn.Linear(32 * 7 * 7, 10);

    public HandWrittenCnn() : base(nameof(HandWrittenCnn)) => RegisterComponents();

    public override Tensor forward(Tensor input)
    {
        var x = conv1.forward(input);
        x = bn1.forward(x);
        x = relu1.forward(x);
        x = maxpool1.forward(x);
        x = conv2.forward(x);
        x = bn2.forward(x);
        x = relu2.forward(x);
        x = conv3.forward(x);
        x = bn3.forward(x);
        x = relu3.forward(x);
        x = maxpool2.forward(x);
        x = conv4.forward(x);
        x = bn4.forward(x);
        x = relu4.forward(x);
        x = conv5.forward(x);
        x = bn5.forward(x);
        x = relu5.forward(x);
        x = flatten1.forward(x);
        return linear1.forward(x);
    }
}
