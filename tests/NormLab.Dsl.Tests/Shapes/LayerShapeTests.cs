using NormLab.Dsl.Binding;
using NormLab.Dsl.Layers;
using NormLab.Dsl.Model;
using NormLab.Dsl.Tests.Infrastructure;

namespace NormLab.Dsl.Tests.Shapes;

/// <summary>
/// Output shape, parameter count and multiply-accumulates of every layer of the catalog, worked out from
/// PyTorch's documented formulas (written next to each case):
/// conv/pool out = floor((in + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1;
/// Conv2d parameters = out·(in/groups)·k² (+ out with bias); Linear = in·out (+ out);
/// BatchNorm/InstanceNorm/GroupNorm affine = 2·C; LayerNorm affine = 2·(normalized elements); PReLU = 1.
/// MACs: conv = output elements · (in/groups) · k²; linear = in · out; everything else 0.
/// </summary>
public class LayerShapeTests
{
    [Theory]
    // Conv2d(3, 16, 3, padding=1): 16*3*3*3 + 16 = 448; out = floor((32 + 2*1 - 1*(3-1) - 1)/1) + 1 = 32; MACs = 16*32*32 * 3*9 = 442368
    [InlineData("3x32x32", "conv(16)", "16x32x32", 448, 442368)]
    // Conv2d(3, 16, 5, stride=2, padding=0): 16*3*5*5 + 16 = 1216; out = floor((32 + 0 - 1*(5-1) - 1)/2) + 1 = floor(27/2) + 1 = 14; MACs = 16*14*14 * 3*25 = 235200
    [InlineData("3x32x32", "conv(16, kernel: 5, stride: 2, padding: valid)", "16x14x14", 1216, 235200)]
    // Conv2d(3, 16, 3, padding=2): 448; out = floor((32 + 4 - 2 - 1)/1) + 1 = 34; MACs = 16*34*34 * 27 = 499392
    [InlineData("3x32x32", "conv(16, padding: 2)", "16x34x34", 448, 499392)]
    // Conv2d(3, 16, 3, dilation=2, padding=same = 2*(3-1)/2 = 2): 448; out = floor((32 + 4 - 2*2 - 1)/1) + 1 = 32; MACs = 442368
    [InlineData("3x32x32", "conv(16, dilation: 2)", "16x32x32", 448, 442368)]
    // Conv2d(3, 16, 3, dilation=2, padding=0): out = floor((32 - 2*(3-1) - 1)/1) + 1 = 28; MACs = 16*28*28 * 27 = 338688
    [InlineData("3x32x32", "conv(16, dilation: 2, padding: valid)", "16x28x28", 448, 338688)]
    // same = dilation*(kernel-1)/2 with integer division (language.md): kernel 4 pads 3/2 = 1; out = floor((32 + 2 - 3 - 1)/1) + 1 = 31
    // Conv2d(3, 16, 4, padding=1): 16*3*16 + 16 = 784; MACs = 16*31*31 * 3*16 = 738048
    [InlineData("3x32x32", "conv(16, kernel: 4)", "16x31x31", 784, 738048)]
    // Conv2d(4, 8, 3, padding=1, groups=2): 8*(4/2)*3*3 + 8 = 152; MACs = 8*16*16 * 2*9 = 36864
    [InlineData("4x16x16", "conv(8, groups: 2)", "8x16x16", 152, 36864)]
    // depthwise Conv2d(8, 8, 3, padding=1, groups=8, bias=False): 8*1*3*3 = 72; MACs = 8*16*16 * 1*9 = 18432
    [InlineData("8x16x16", "conv(8, groups: 8, bias: false)", "8x16x16", 72, 18432)]
    // Conv2d(3, 16, 3, padding=1, bias=False): 16*3*3*3 = 432
    [InlineData("3x32x32", "conv(16, bias: false)", "16x32x32", 432, 442368)]
    // Conv2d(3, 16, 1): 16*3*1*1 + 16 = 64; same padding = 0; MACs = 16*32*32 * 3 = 49152
    [InlineData("3x32x32", "conv1x1(16)", "16x32x32", 64, 49152)]
    // conv3x3 = conv(kernel: 3): 448
    [InlineData("3x32x32", "conv3x3(16)", "16x32x32", 448, 442368)]
    // Conv2d(3, 16, 5, padding=2): 16*3*25 + 16 = 1216; out = floor((32 + 4 - 4 - 1)/1) + 1 = 32; MACs = 16*32*32 * 75 = 1228800
    [InlineData("3x32x32", "conv5x5(16)", "16x32x32", 1216, 1228800)]
    // Conv2d(3, 16, 7, padding=3): 16*3*49 + 16 = 2368; out = floor((32 + 6 - 6 - 1)/1) + 1 = 32; MACs = 16*32*32 * 147 = 2408448
    [InlineData("3x32x32", "conv7x7(16)", "16x32x32", 2368, 2408448)]
    // ResNet's stem, Conv2d(3, 64, 7, stride=2, padding=3, bias=False): 64*3*49 = 9408;
    // out = floor((224 + 6 - 6 - 1)/2) + 1 = floor(223/2) + 1 = 112; MACs = 64*112*112 * 147 = 118013952 (torchinfo: 118.01M)
    [InlineData("3x224x224", "conv7x7(64, stride: 2, bias: false)", "64x112x112", 9408, 118013952)]
    // conv3x3 with stride 2: out = floor((28 + 2 - 2 - 1)/2) + 1 = floor(27/2) + 1 = 14; Conv2d(1, 32, 3, bias=False) would be 288, with bias 320
    [InlineData("1x28x28", "conv3x3(32, stride: 2)", "32x14x14", 320, 32 * 14 * 14 * 9)]
    public void Convolution(string input, string layer, string output, long parameters, long macs) =>
        AssertLayer(input, layer, "conv1", output, parameters, macs);

    [Theory]
    // bias: auto drops the bias before bn and in (their mean subtraction cancels it): Conv2d(1, 32, 3, bias=False) = 32*1*3*3 = 288
    [InlineData("conv3x3(32) > bn", 288)]
    [InlineData("conv3x3(32) > in", 288)]
    // ... but not before gn, ln or an activation: 288 + 32 = 320
    [InlineData("conv3x3(32) > gn(groups: 4)", 320)]
    [InlineData("conv3x3(32) > ln", 320)]
    [InlineData("conv3x3(32) > relu > bn", 320)]
    [InlineData("conv3x3(32)", 320)]
    // bias: true is kept (and reported, NL1002); bias: false is never added
    [InlineData("conv3x3(32, bias: true) > bn", 320)]
    [InlineData("conv3x3(32, bias: false) > relu", 288)]
    // the next layer counts even when it comes from a block
    [InlineData("conv3x3(32) > Norm", 288)]
    public void Convolution_bias(string pipeline, long parameters)
    {
        var network = Check($"block Norm = bn > relu\nnetwork N(input: 1x28x28) {{ {pipeline} }}");
        var conv = network.Layers[0];
        Assert.Equal(parameters, conv.Parameters);
        Assert.Equal(parameters == 320, conv.Bias);
    }

    [Theory]
    // Linear(784, 10): 784*10 + 10 = 7850; MACs = 784*10 = 7840
    [InlineData("784", "linear(10)", "10", 7850, 7840)]
    // dense is linear; Linear(784, 10, bias=False): 7840
    [InlineData("784", "dense(10, bias: false)", "10", 7840, 7840)]
    // Linear(784, 10) before BatchNorm1d: bias auto drops the bias: 7840
    [InlineData("784", "linear(10) > bn", "10", 7840, 7840)]
    [InlineData("784", "linear(10, bias: true) > bn", "10", 7850, 7840)]
    public void Fully_connected(string input, string layer, string output, long parameters, long macs) =>
        AssertLayer(input, layer, "linear1", output, parameters, macs);

    [Theory]
    // BatchNorm2d(8): weight + bias = 2*8 = 16 (running mean and variance are buffers)
    [InlineData("8x4x4", "bn", "bn1", 16, true)]
    [InlineData("8x4x4", "batchnorm", "bn1", 16, true)]
    // BatchNorm1d(20): 2*20 = 40
    [InlineData("20", "bn", "bn1", 40, false)]
    [InlineData("8x4x4", "bn(affine: false)", "bn1", 0, true)]
    // LayerNorm([8, 4, 4]): 2 * 8*4*4 = 256
    [InlineData("8x4x4", "ln", "ln1", 256, true)]
    [InlineData("8x4x4", "layernorm", "ln1", 256, true)]
    // LayerNorm(20): 2*20 = 40
    [InlineData("20", "ln", "ln1", 40, false)]
    [InlineData("8x4x4", "ln(affine: false)", "ln1", 0, true)]
    // InstanceNorm2d(8): affine=False by default, as in PyTorch: 0; affine=True: 2*8 = 16
    [InlineData("8x4x4", "in", "in1", 0, true)]
    [InlineData("8x4x4", "instancenorm", "in1", 0, true)]
    [InlineData("8x4x4", "in(affine: true)", "in1", 16, true)]
    // GroupNorm(4, 8): 2*8 = 16
    [InlineData("8x4x4", "gn(groups: 4)", "gn1", 16, true)]
    [InlineData("8x4x4", "groupnorm(4)", "gn1", 16, true)]
    [InlineData("8x4x4", "gn(groups: 8, affine: false)", "gn1", 0, true)]
    public void Normalization(string input, string layer, string name, long parameters, bool spatial)
    {
        var model = AssertLayer(input, layer, name, input, parameters, 0);
        Assert.Equal(spatial, model.IsSpatial);
        Assert.Equal(model.InputShape.Channels, model.InFeatures);
    }

    [Fact]
    public void Normalization_arguments_are_resolved()
    {
        var network = Check("network N(input: 8x4x4) { bn(eps: 1e-3, momentum: 0.01) > relu > gn(groups: 2, eps: 0.5) > relu > in > relu > ln > relu }");
        Assert.Equal((1e-3, 0.01, true), (network.Layers[0].Eps, network.Layers[0].Momentum, network.Layers[0].Affine));
        Assert.Equal((0.5, 2), (network.Layers[2].Eps, network.Layers[2].Groups));
        Assert.Equal((1e-5, false), (network.Layers[4].Eps, network.Layers[4].Affine));
        Assert.Equal((1e-5, true), (network.Layers[6].Eps, network.Layers[6].Affine));
    }

    [Theory]
    [InlineData("relu", "relu1", 0)]
    [InlineData("leakyrelu", "leakyrelu1", 0)]
    [InlineData("leakyrelu(0.2)", "leakyrelu1", 0)]
    [InlineData("elu", "elu1", 0)]
    // PReLU() has one learnable slope shared by all channels
    [InlineData("prelu", "prelu1", 1)]
    [InlineData("sigmoid", "sigmoid1", 0)]
    [InlineData("tanh", "tanh1", 0)]
    [InlineData("softplus", "softplus1", 0)]
    [InlineData("swish", "swish1", 0)]
    [InlineData("silu", "swish1", 0)]
    [InlineData("gelu", "gelu1", 0)]
    [InlineData("mish", "mish1", 0)]
    [InlineData("selu", "selu1", 0)]
    [InlineData("relu6", "relu6_1", 0)]
    [InlineData("softmax", "softmax1", 0)]
    [InlineData("hardswish", "hardswish1", 0)]
    [InlineData("hardsigmoid", "hardsigmoid1", 0)]
    public void Activations_keep_the_shape(string layer, string name, long parameters)
    {
        AssertLayer("8x4x4", layer, name, "8x4x4", parameters, 0);
        AssertLayer("20", layer, name, "20", parameters, 0);
    }

    [Fact]
    public void Activation_arguments_are_resolved_with_their_defaults()
    {
        var network = Check("network N(input: 20) { leakyrelu > elu > softplus > leakyrelu(0.2) > elu(alpha: 0.5) > softplus(beta: 2) }");
        Assert.Equal([0.01, 1.0, 1.0, 0.2, 0.5, 2.0], network.Layers.Select(l => l.Scalar));
    }

    [Theory]
    // maxout takes the max over groups of `pieces` channels: 8 / 2 = 4 channels
    [InlineData("8x4x4", "maxout", "4x4x4", 2)]
    [InlineData("8x4x4", "maxout(pieces: 4)", "2x4x4", 4)]
    // 20 features / 4 = 5 features
    [InlineData("20", "maxout(pieces: 4)", "5", 4)]
    public void Maxout_divides_the_channels(string input, string layer, string output, int pieces)
    {
        var model = AssertLayer(input, layer, "maxout1", output, 0, 0);
        Assert.Equal(pieces, model.Pieces);
    }

    [Theory]
    // MaxPool2d(2): stride = kernel = 2; out = floor((28 + 0 - 1*(2-1) - 1)/2) + 1 = 13 + 1 = 14
    [InlineData("maxpool", "maxpool1", "8x14x14", 2, 2, 0)]
    // MaxPool2d(3, stride=2, padding=1): out = floor((28 + 2 - 2 - 1)/2) + 1 = floor(27/2) + 1 = 14
    [InlineData("maxpool(kernel: 3, stride: 2, padding: 1)", "maxpool1", "8x14x14", 3, 2, 1)]
    // AvgPool2d(2): 14
    [InlineData("avgpool", "avgpool1", "8x14x14", 2, 2, 0)]
    // AvgPool2d(3): stride 3; out = floor((28 - 2 - 1)/3) + 1 = floor(25/3) + 1 = 9
    [InlineData("avgpool(3)", "avgpool1", "8x9x9", 3, 3, 0)]
    // AvgPool2d(2, stride=1): out = floor((28 - 1 - 1)/1) + 1 = 27
    [InlineData("avgpool(kernel: 2, stride: 1)", "avgpool1", "8x27x27", 2, 1, 0)]
    // AvgPool2d(3, 1, 1): out = floor((28 + 2 - 2 - 1)/1) + 1 = 28
    [InlineData("avgpool(3, 1, 1)", "avgpool1", "8x28x28", 3, 1, 1)]
    public void Pooling(string layer, string name, string output, int kernel, int stride, int padding)
    {
        var model = AssertLayer("8x28x28", "conv3x3(8) > " + layer, name, output, 0, 0);
        Assert.Equal((kernel, stride, padding), (model.Kernel, model.Stride, model.Padding));
    }

    [Theory]
    // global pools: C x H x W -> C features
    [InlineData("gap", "gap1", "8")]
    [InlineData("gmp", "gmp1", "8")]
    // Flatten: 8*7*7 = 392
    [InlineData("flatten", "flatten1", "392")]
    [InlineData("identity", "identity1", "8x7x7")]
    [InlineData("dropout", "dropout1", "8x7x7")]
    [InlineData("dropout2d", "dropout2d1", "8x7x7")]
    public void Shape_layers_regularization_and_identity(string layer, string name, string output) =>
        AssertLayer("8x7x7", "conv3x3(8) > " + layer, name, output, 0, 0);

    [Fact]
    public void Dropout_keeps_its_probability_and_rank()
    {
        var network = Check("network N(input: 8x7x7) { conv3x3(8) > relu > dropout2d(0.1) > dropout > flatten > linear(10) > relu > dropout(p: 0.25) > linear(10) }");
        Assert.Equal((0.1, true), (network.Layers[2].P, network.Layers[2].IsSpatial));
        Assert.Equal((0.5, true), (network.Layers[3].P, network.Layers[3].IsSpatial));
        Assert.Equal((0.25, false), (network.Layers[7].P, network.Layers[7].IsSpatial));
    }

    [Fact]
    public void Residual_with_an_identity_shortcut()
    {
        // conv: Conv2d(8, 8, 3, padding=1, bias=False) = 8*8*9 = 576 (auto: bn follows); bn: 2*8 = 16
        // branch: 576 + 16 + 576 + 16 = 1184; MACs = 2 * 8*8*8 * 8*9 = 2 * 36864 = 73728
        var network = Check("network N(input: 8x8x8) { residual { conv3x3(8) > bn > relu > conv3x3(8) > bn } > relu > gap > linear(10) }");
        var residual = network.Layers[0];
        Assert.Equal(("residual1", LayerKind.Residual), (residual.Name, residual.Kind));
        Assert.Equal("8x8x8", residual.OutputShape.ToString());
        Assert.Equal(0, residual.Parameters);
        Assert.Equal(1184, residual.TotalParameters);
        Assert.Equal(73728, residual.TotalMacs);
        Assert.Empty(residual.Shortcut);
        Assert.Equal(["conv1", "bn1", "relu1", "conv2", "bn2"], Assert.Single(residual.Branches).Select(l => l.Name));
    }

    [Fact]
    public void Residual_with_a_projection_of_a_stride_2_branch()
    {
        var network = Check(
            "network N(input: 64x32x32) { residual(project) { conv3x3(128, stride: 2) > bn > relu > conv3x3(128) > bn } > relu > gap > linear(10) }");
        var residual = network.Layers[0];
        var branch = Assert.Single(residual.Branches);

        // Conv2d(64, 128, 3, stride=2, padding=1, bias=False): 128*64*9 = 73728; out = floor((32 + 2 - 2 - 1)/2) + 1 = floor(31/2) + 1 = 16
        // MACs = 128*16*16 * 64*9 = 18874368
        Assert.Equal(("128x16x16", 73728L, 18874368L), (branch[0].OutputShape.ToString(), branch[0].Parameters, branch[0].Macs));

        // Conv2d(128, 128, 3, padding=1, bias=False): 128*128*9 = 147456; MACs = 128*16*16 * 128*9 = 37748736
        Assert.Equal((147456L, 37748736L), (branch[3].Parameters, branch[3].Macs));

        // the shortcut: Conv2d(64, 128, 1, stride=2, bias=False): 64*128 = 8192; out = floor((32 - 0 - 1)/2) + 1 = 16;
        // MACs = 128*16*16 * 64 = 2097152; then BatchNorm2d(128): 2*128 = 256
        Assert.Equal(2, residual.Shortcut.Count);
        var projection = residual.Shortcut[0];
        Assert.Equal(("residual1_proj", LayerKind.Conv), (projection.Name, projection.Kind));
        Assert.Equal((1, 2, 0, false), (projection.Kernel, projection.Stride, projection.Padding, projection.Bias));
        Assert.Equal(("128x16x16", 8192L, 2097152L), (projection.OutputShape.ToString(), projection.Parameters, projection.Macs));
        var projectionNorm = residual.Shortcut[1];
        Assert.Equal(("residual1_projbn", LayerKind.BatchNorm, 256L), (projectionNorm.Name, projectionNorm.Kind, projectionNorm.Parameters));

        // 73728 + 256 + 147456 + 256 (branch) + 8192 + 256 (shortcut) = 230144
        Assert.Equal(230144, residual.TotalParameters);
        Assert.Equal("128x16x16", residual.OutputShape.ToString());

        // the whole network: + Linear(128, 10) = 1290
        Assert.Equal(230144 + 1290, network.ParameterCount);
        Assert.Equal(18874368 + 37748736 + 2097152 + 1280, network.Macs);
    }

    [Fact]
    public void Residual_projection_of_features_is_a_linear_map()
    {
        // branch Linear(20, 30) = 20*30 + 30 = 630; shortcut Linear(20, 30, bias=False) = 600 and BatchNorm1d(30) = 60
        var network = Check("network N(input: 20) { residual(project) { linear(30) > relu } > linear(10) }");
        var residual = network.Layers[0];
        Assert.Equal(["residual1_proj", "residual1_projbn"], residual.Shortcut.Select(l => l.Name));
        Assert.Equal(LayerKind.Linear, residual.Shortcut[0].Kind);
        Assert.Equal(600 + 60, residual.Shortcut.Sum(l => l.Parameters));
        Assert.Equal(630 + 600 + 60, residual.TotalParameters);
    }

    [Fact]
    public void Residual_project_without_a_shape_change_has_no_shortcut()
    {
        var network = Check("network N(input: 8x8x8) { residual(project) { conv3x3(8) > bn > relu } > gap > linear(10) }");
        Assert.Empty(network.Layers[0].Shortcut);
    }

    [Fact]
    public void Totals_add_up_every_layer()
    {
        var network = Check("network N(input: 8x8x8) { conv3x3(8) > bn > relu > residual(project) { conv3x3(16, stride: 2) > bn > relu } > gap > linear(10) }");
        Assert.Equal(network.AllLayers().Sum(l => l.Parameters), network.ParameterCount);
        Assert.Equal(network.AllLayers().Sum(l => l.Macs), network.Macs);
        Assert.Equal("10", network.Output!.ToString());
    }

    [Fact]
    public void Every_layer_name_of_the_catalog_has_a_shape_test()
    {
        // every string argument of this class's test data (residual has its own facts)
        var data = typeof(LayerShapeTests).GetMethods()
            .SelectMany(m => m.GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>())
            .SelectMany(a => a.GetData(null!).SelectMany(row => row).OfType<string>())
            .ToList();
        var untested = LayerCatalog.Names
            .Where(name => !data.Any(text => System.Text.RegularExpressions.Regex.IsMatch(text, $@"(?<![\w.]){System.Text.RegularExpressions.Regex.Escape(name)}(?![\w])")))
            .ToArray();
        Assert.True(untested.Length == 0, "layers without a shape test: " + string.Join(", ", untested));
        Assert.All(LayerKind.All, kind => Assert.Contains(kind, LayerCatalog.Names.Select(n => LayerCatalog.Find(n)!.Kind)
            .Append(LayerKind.Residual).Append(LayerKind.Concat).Append(LayerKind.Scale).Append(LayerKind.SqueezePool)));
    }

    [Theory]
    // Conv1d(12, 32, 7, stride=2, padding=3): 32*12*7 + 32 = 2720; out = floor((1000 + 6 - 6 - 1)/2) + 1 = 500; MACs = 32*500 * 12*7 = 1344000
    [InlineData("signal 12x1000", "conv(32, kernel: 7, stride: 2)", "conv1", "32x500", 2720, 1344000)]
    // Conv1d(4, 8, 5): 8*4*5 + 8 = 168; out = 100 - 4 = 96; MACs = 8*96 * 20 = 15360
    [InlineData("signal 4x100", "conv1d(8, kernel: 5, padding: valid)", "conv1", "8x96", 168, 15360)]
    // Conv2d(3, 8, (1, 7), padding=(0, 3)): 8*3*1*7 + 8 = 176; out 17x17; MACs = 8*17*17 * 21 = 48552
    [InlineData("3x17x17", "conv(8, kernel: 1x7, padding: 0x3)", "conv1", "8x17x17", 176, 48552)]
    // Conv2d(3, 4, (3, 5), stride=(2, 1), dilation=(1, 2)): 4*3*15 + 4 = 184; H = floor((9 - 2 - 1)/2) + 1 = 4, W = floor((11 - 8 - 1)/1) + 1 = 3; MACs = 4*4*3 * 45 = 2160
    [InlineData("3x9x11", "conv(4, kernel: 3x5, stride: 2x1, dilation: 1x2, padding: valid)", "conv1", "4x4x3", 184, 2160)]
    // MaxPool1d(3): floor((100 - 3)/3) + 1 = 33
    [InlineData("signal 4x100", "maxpool1d(kernel: 3)", "maxpool1", "4x33", 0, 0)]
    // AvgPool1d(4, 2): floor((100 - 4)/2) + 1 = 49
    [InlineData("signal 4x100", "avgpool1d(kernel: 4, stride: 2)", "avgpool1", "4x49", 0, 0)]
    // MaxPool2d(3, 2, ceil_mode=True): ceil((112 - 3)/2) + 1 = 56; (56 - 1)*2 = 110 < 112, so the last window starts inside
    [InlineData("8x112x112", "maxpool(kernel: 3, stride: 2, ceil: true)", "maxpool1", "8x56x56", 0, 0)]
    // AvgPool2d(2, ceil_mode=True): ceil((7 - 2)/2) + 1 = 4
    [InlineData("4x7x7", "avgpool(kernel: 2, ceil: true)", "avgpool1", "4x4x4", 0, 0)]
    // Hardswish, Hardsigmoid: element-wise, no parameters
    [InlineData("8x7x7", "hardswish", "hardswish1", "8x7x7", 0, 0)]
    [InlineData("8x7x7", "hardsigmoid", "hardsigmoid1", "8x7x7", 0, 0)]
    // stochastic depth: no parameters, the shape kept
    [InlineData("8x7x7", "residual { conv3x3(8) > droppath(0.2) }", "droppath1", "8x7x7", 0, 0)]
    // layer scale: C parameters; ln(over: channels): weight and bias of C
    [InlineData("8x7x7", "layerscale", "layerscale1", "8x7x7", 8, 0)]
    [InlineData("8x7x7", "ln(over: channels)", "ln1", "8x7x7", 16, 0)]
    [InlineData("8x7x7", "channels(2, 6)", "channels1", "4x7x7", 0, 0)]
    [InlineData("8x7x7", "shuffle(4)", "shuffle1", "8x7x7", 0, 0)]
    [InlineData("signal 4x10", "dropout1d(0.1)", "dropout1d1", "4x10", 0, 0)]
    // se(4) on 16 channels: Conv2d(16, 4, 1) = 16*4 + 4 = 68 with 16*4 MACs; Conv2d(4, 16, 1) = 4*16 + 16 = 80
    [InlineData("16x7x7", "se(4)", "se1_fc1", "4x1x1", 68, 64)]
    [InlineData("16x7x7", "se(4)", "se1_fc2", "16x1x1", 80, 64)]
    [InlineData("16x7x7", "se(4)", "se1", "16x7x7", 0, 0)]
    [InlineData("signal 16x9", "se(4)", "se1_pool", "16x1", 0, 0)]
    // concat: 8 + 4 channels; the branch's Conv2d(8, 4, 1): 4*8 + 4 = 36, MACs 4*49*8 = 1568
    [InlineData("8x7x7", "concat { identity | conv1x1(4) }", "concat1", "12x7x7", 0, 0)]
    [InlineData("8x7x7", "concat { identity | conv1x1(4) }", "concat1_b2_conv1", "4x7x7", 36, 1568)]
    [InlineData("8x7x7", "scale { gap > linear(8) > sigmoid }", "scale1", "8x7x7", 0, 0)]
    [InlineData("8", "concat { identity | linear(3) } > scale { linear(11) > sigmoid }", "concat1", "11", 0, 0)]
    public void Second_release_layers(string input, string pipeline, string name, string output, long parameters, long macs) =>
        AssertLayer(input, pipeline, name, output, parameters, macs);

    private static LayerModel AssertLayer(string input, string pipeline, string name, string output, long parameters, long macs)
    {
        var network = Check($"network N(input: {input}) {{ {pipeline} }}");
        var layer = Assert.Single(network.AllLayers(), l => l.Name == name);
        Assert.Equal(output, layer.OutputShape.ToString());
        Assert.Equal(parameters, layer.Parameters);
        Assert.Equal(macs, layer.Macs);
        return layer;
    }

    private static NetworkModel Check(string text)
    {
        var result = NormLabCompiler.Check(text);
        Assert.False(result.HasErrors, DiagnosticAssert.Describe(result));
        return Assert.Single(result.Networks);
    }
}
