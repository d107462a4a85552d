#!/usr/bin/python3
"""The reference figures of examples/zoo: parameters, output shape, MACs and published counts.

A tool, not a test dependency: run it by hand with Debian's PyTorch and torchvision
(`apt-get install python3-torchvision`: torch 1.13.1, torchvision 0.14.1):

    /usr/bin/python3 scripts/zoo/reference.py > scripts/zoo/reference.md

For each network it prints
- parameters: sum(p.numel() for p in model.parameters()), counted on the model built here;
- output: the output shape for one input (batch dimension left out);
- MACs: multiply-accumulates of the convolutions and fully connected layers for one input, the way
  NormLab counts them (output elements x input channels per group x kernel taps; a Linear applied at
  every position, as in ConvNeXt, counts once per position); normalizations, activations, pools and
  element-wise products count nothing;
- published: the `num_params` of the weights' metadata in torchvision 0.14 (`*_Weights.<name>.meta`).

The two 1-d networks are not in torchvision: their PyTorch definitions are below, written after the
papers, and they are counted the same way.
"""

import sys

import torch
import torch.nn as nn
import torchvision
from torchvision import models


# ---- the two 1-d networks --------------------------------------------------------------------------------


class M5(nn.Module):
    """M5 of Dai et al. 2017, "Very deep convolutional neural networks for raw waveforms", Table 1.

    Raw 8 kHz audio, 4 s clips (32,000 samples; UrbanSound8K, 10 classes): an 80-tap convolution with
    stride 4, then 3-tap convolutions of 128, 256 and 512 channels, each followed by batch norm, ReLU and
    a 4-wide max pooling; global average pooling and a fully connected layer. The convolutions have no
    bias (batch norm follows each one); the 3-tap ones keep the length (padding 1).
    """

    def __init__(self, classes=10):
        super().__init__()
        layers = []
        channels = 1
        for out, kernel, stride, padding in [(128, 80, 4, 0), (128, 3, 1, 1), (256, 3, 1, 1), (512, 3, 1, 1)]:
            layers += [
                nn.Conv1d(channels, out, kernel, stride=stride, padding=padding, bias=False),
                nn.BatchNorm1d(out),
                nn.ReLU(),
                nn.MaxPool1d(4),
            ]
            channels = out
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(channels, classes)

    def forward(self, x):
        return self.fc(self.features(x).mean(dim=2))


class BasicBlock1d(nn.Module):
    """He et al. 2016's basic block on signals: two k-tap convolutions, a 1x1 projection when the shape changes."""

    def __init__(self, cin, cout, stride, kernel=7):
        super().__init__()
        self.conv1 = nn.Conv1d(cin, cout, kernel, stride=stride, padding=kernel // 2, bias=False)
        self.bn1 = nn.BatchNorm1d(cout)
        self.conv2 = nn.Conv1d(cout, cout, kernel, padding=kernel // 2, bias=False)
        self.bn2 = nn.BatchNorm1d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv1d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm1d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(y)) + identity)


class EcgResNet(nn.Module):
    """A 1-d ResNet-18 for the 12-lead ECG, after the resnet1d models of the PTB-XL benchmark
    (Strodthoff et al. 2021, "Deep learning for ECG analysis: benchmarks and insights from PTB-XL").

    12 leads x 5,000 samples (10 s at 500 Hz), 5 diagnostic superclasses: a 15-tap stem with stride 2 and a
    max pooling, four stages of two basic blocks (7-tap convolutions; 64, 128, 256, 512 channels), and the
    concat-pooling head (average and maximum over time, side by side) with a fully connected layer.
    """

    def __init__(self, leads=12, classes=5):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv1d(leads, 64, 15, stride=2, padding=7, bias=False), nn.BatchNorm1d(64), nn.ReLU(),
            nn.MaxPool1d(3, stride=2, padding=1))
        blocks = []
        cin = 64
        for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
            blocks += [BasicBlock1d(cin, cout, stride), BasicBlock1d(cout, cout, 1)]
            cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(2 * cin, classes)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        x = torch.cat([x.mean(dim=2), x.amax(dim=2)], dim=1)
        return self.fc(self.dropout(x))


# ---- the table -------------------------------------------------------------------------------------------


def macs(model, x):
    total = 0

    def conv(module, inputs, output):
        nonlocal total
        taps = 1
        for k in module.kernel_size:
            taps *= k
        total += output[0].numel() * (module.in_channels // module.groups) * taps

    def linear(module, inputs, output):
        nonlocal total
        total += output[0].numel() * module.in_features

    hooks = []
    for m in model.modules():
        if isinstance(m, (nn.Conv1d, nn.Conv2d)):
            hooks.append(m.register_forward_hook(conv))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(linear))
    with torch.no_grad():
        y = model(x)
    for h in hooks:
        h.remove()
    return total, tuple(y.shape[1:])


def published(weights):
    if weights is None:
        return None
    return weights.IMAGENET1K_V1.meta["num_params"]


IMAGE = (3, 224, 224)

# (file, network, how it is built here, builder, weights enum or None, input, note)
ZOO = [
    ("alexnet", "AlexNet", "alexnet()", lambda: models.alexnet(), models.AlexNet_Weights, IMAGE, ""),
    ("vgg16_bn", "VGG-16-BN", "vgg16_bn()", lambda: models.vgg16_bn(), models.VGG16_BN_Weights, IMAGE, ""),
    ("resnet50", "ResNet-50", "resnet50()", lambda: models.resnet50(), models.ResNet50_Weights, IMAGE, ""),
    ("resnext50_32x4d", "ResNeXt-50 32x4d", "resnext50_32x4d()", lambda: models.resnext50_32x4d(),
     models.ResNeXt50_32X4D_Weights, IMAGE, ""),
    ("wide_resnet50_2", "Wide ResNet-50-2", "wide_resnet50_2()", lambda: models.wide_resnet50_2(),
     models.Wide_ResNet50_2_Weights, IMAGE, ""),
    ("squeezenet1_1", "SqueezeNet 1.1", "squeezenet1_1()", lambda: models.squeezenet1_1(),
     models.SqueezeNet1_1_Weights, IMAGE, ""),
    ("googlenet", "GoogLeNet", "googlenet(aux_logits=False, init_weights=True)",
     lambda: models.googlenet(aux_logits=False, init_weights=True), models.GoogLeNet_Weights, IMAGE,
     "without the two auxiliary classifiers (the published weights drop them too)"),
    ("inception_v3", "Inception v3", "inception_v3(aux_logits=False, init_weights=True)",
     lambda: models.inception_v3(aux_logits=False, init_weights=True), models.Inception_V3_Weights, (3, 299, 299),
     "without the auxiliary classifier; the published count includes it"),
    ("densenet121", "DenseNet-121", "densenet121()", lambda: models.densenet121(), models.DenseNet121_Weights, IMAGE,
     ""),
    ("mobilenet_v2", "MobileNetV2", "mobilenet_v2()", lambda: models.mobilenet_v2(), models.MobileNet_V2_Weights,
     IMAGE, ""),
    ("mobilenet_v3_large", "MobileNetV3-Large", "mobilenet_v3_large()", lambda: models.mobilenet_v3_large(),
     models.MobileNet_V3_Large_Weights, IMAGE, ""),
    ("efficientnet_b0", "EfficientNet-B0", "efficientnet_b0()", lambda: models.efficientnet_b0(),
     models.EfficientNet_B0_Weights, IMAGE, ""),
    ("shufflenet_v2_x1_0", "ShuffleNetV2 x1.0", "shufflenet_v2_x1_0()", lambda: models.shufflenet_v2_x1_0(),
     models.ShuffleNet_V2_X1_0_Weights, IMAGE, ""),
    ("regnet_y_400mf", "RegNetY-400MF", "regnet_y_400mf()", lambda: models.regnet_y_400mf(),
     models.RegNet_Y_400MF_Weights, IMAGE, ""),
    ("convnext_tiny", "ConvNeXt-Tiny", "convnext_tiny()", lambda: models.convnext_tiny(), models.ConvNeXt_Tiny_Weights,
     IMAGE, ""),
    ("mnasnet1_0", "MNASNet 1.0", "mnasnet1_0()", lambda: models.mnasnet1_0(), models.MNASNet1_0_Weights, IMAGE, ""),
    ("m5", "M5 (audio)", "M5(classes=10), below", lambda: M5(classes=10), None, (1, 32000),
     "not in torchvision; Dai et al. 2017 give 0.5M"),
    ("ecg_resnet", "ECG ResNet (12 leads)", "EcgResNet(leads=12, classes=5), below",
     lambda: EcgResNet(leads=12, classes=5), None, (12, 5000), "not in torchvision"),
]


def main():
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}")
    print()
    print("| file | network | built with | input | parameters | output | MACs | published num_params | note |")
    print("|---|---|---|---|---:|---|---:|---:|---|")
    for file, name, built, build, weights, shape, note in ZOO:
        model = build().eval()
        parameters = sum(p.numel() for p in model.parameters())
        count, output = macs(model, torch.zeros((1,) + shape))
        paper = published(weights)
        print(f"| {file}.normlab | {name} | `{built}` | {'x'.join(map(str, shape))} | {parameters:,} "
              f"| {'x'.join(map(str, output))} | {count:,} | {'—' if paper is None else f'{paper:,}'} | {note} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
