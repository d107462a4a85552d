using NormLab;

namespace OrderingStudy;

/// <summary>
/// <c>ConvBnRelu2Relu</c> of ordering.normlab written as an attributed record, one attribute per layer: the generator
/// turns both into modules with the same layers and field names, so with the same seed they train to the same
/// numbers (the study's table shows them side by side).
/// </summary>
[Network(Input = "1x28x28", Classes = 10)]
[Conv3x3(16), BatchNorm, ReLU, MaxPool]
[Conv3x3(32), BatchNorm, ReLU, MaxPool]
[Flatten, Linear(10)]
public partial record ConvBnRelu2ReluRecord;
