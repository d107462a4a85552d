using System;
using System.Linq;
using NormLab.Runtime.Building;
using NormLab.Runtime.Data;
using NormLab.Runtime.Training;
using Xunit;
using static TorchSharp.torch;

namespace NormLab.Runtime.Tests.Training;

[Collection(TrainingCollection.Name)]
public sealed class HealthTests
{
    [Fact]
    public void Every_layer_is_described_with_figures_in_range()
    {
        var network = TrainingFixtures.Synthetic("Tiny");
        using var data = TrainingFixtures.SyntheticSplit();

        var result = Trainer.Train(network, data, TrainingFixtures.Fast());

        Assert.Equal(new[] { 0, 1, 2 }, result.Health.Select(h => h.Epoch));
        Assert.Equal(new long[] { 0, 8, 16 }, result.Health.Select(h => h.Step));
        foreach (var snapshot in result.Health)
        {
            Assert.Equal(64, snapshot.Batch);
            Assert.True(snapshot.Loss > 0);
            Assert.Equal(
                new[] { "conv1:conv", "bn1:bn", "relu1:relu", "maxpool1:maxpool", "flatten1:flatten", "dropout1:dropout", "linear1:linear" },
                snapshot.Layers.Select(l => l.Name + ":" + l.Kind));
            Assert.All(snapshot.Layers, l => Assert.True(l.Mean is not null && l.Std >= 0));
            var relu = snapshot.Layers.Single(l => l.Kind == "relu");
            Assert.InRange(relu.DeadFraction!.Value, 0, 1);
            var bn = snapshot.Layers.Single(l => l.Kind == "bn");
            Assert.NotNull(bn.InputMean);
            Assert.NotNull(bn.InputStd);
            Assert.Null(snapshot.Layers.Single(l => l.Kind == "conv").DeadFraction);
            Assert.Equal(
                new[] { "conv1.weight", "bn1.weight", "bn1.bias", "linear1.weight", "linear1.bias" },
                snapshot.Gradients.Select(g => g.Parameter));
            Assert.All(snapshot.Gradients, g => Assert.True(g.Norm > 0, $"{g.Parameter}: {g.Norm}"));
        }

        // train mode on the fixed batch: batch norm's output is normalized (gamma 1, beta 0 at the start)
        var initialBn = result.Health[0].Layers.Single(l => l.Kind == "bn");
        Assert.Equal(0, initialBn.Mean!.Value, 4);
        Assert.Equal(1, initialBn.Std!.Value, 2);
    }

    [Fact]
    public void A_network_ending_with_relu_on_negative_input_shows_dead_units()
    {
        var network = TrainingFixtures.Synthetic("EndsWithRelu");
        // every pixel 0, normalized to (0 - 0.5) / 0.1 = -5: all examples identical and negative
        using var data = TrainingFixtures.SyntheticSplit(normalization: new Normalization(0.5, 0.1), blank: true);

        var result = Trainer.Train(network, data, TrainingFixtures.Fast(epochs: 1));

        Assert.Equal(2, result.Health.Count);
        foreach (var snapshot in result.Health)
        {
            var relu = snapshot.Layers.Single(l => l.Kind == "relu");
            Assert.InRange(relu.DeadFraction!.Value, 0.25, 1);
        }
    }

    [Fact]
    public void Saturation_is_counted_for_sigmoid_and_tanh_and_normalization_input_for_layer_norm()
    {
        var network = TrainingFixtures.Synthetic("Squashing");
        using var data = TrainingFixtures.SyntheticSplit();

        var result = Trainer.Train(network, data, TrainingFixtures.Fast(epochs: 1));

        var layers = result.Health[^1].Layers;
        Assert.Equal(7, layers.Count);
        Assert.InRange(layers.Single(l => l.Kind == "sigmoid").SaturatedFraction!.Value, 0, 1);
        Assert.InRange(layers.Single(l => l.Kind == "tanh").SaturatedFraction!.Value, 0, 1);
        Assert.Null(layers.Single(l => l.Kind == "sigmoid").DeadFraction);
        var ln = layers.Single(l => l.Kind == "ln");
        Assert.NotNull(ln.InputStd);
        Assert.InRange(ln.Std!.Value, 0, 2);
    }

    [Fact]
    public void Residual_blocks_are_walked_like_the_module_runs_them()
    {
        var network = TrainingFixtures.Synthetic("Skip");
        using var data = TrainingFixtures.SyntheticSplit();
        random.manual_seed(5);
        using var module = new NetworkModule(network);
        using var scope = NewDisposeScope();
        Tensor images = data.Train.Images[TensorIndex.Slice(0, 32)];
        Tensor labels = data.Train.Labels[TensorIndex.Slice(0, 32)];

        var snapshot = HealthProbe.Sample(module, network, images, labels, epoch: 0, step: 0);

        Assert.Equal(
            new[] { "conv1", "conv2", "bn1", "relu1", "residual1", "conv3", "relu2", "residual2_proj", "residual2_projbn", "residual2", "gap1", "linear1" },
            snapshot.Layers.Select(l => l.Name));
        // the walk computes what forward computes: the last layer's mean is the logits' mean
        module.train();
        using (no_grad())
        {
            double mean = module.forward(images).to(float64).mean().item<double>();
            Assert.Equal(mean, snapshot.Layers[^1].Mean!.Value, 6);
        }
    }

    [Fact]
    public void Sampling_restores_running_statistics_and_leaves_no_gradients()
    {
        var network = TrainingFixtures.Synthetic("Dense");
        using var data = TrainingFixtures.SyntheticSplit();
        random.manual_seed(5);
        using var module = new NetworkModule(network);
        using var scope = NewDisposeScope();
        float[][] before = module.buffers().Select(b => b.to(float32).data<float>().ToArray()).ToArray();

        HealthProbe.Sample(module, network, data.Train.Images, data.Train.Labels, epoch: 0, step: 0);

        float[][] after = module.buffers().Select(b => b.to(float32).data<float>().ToArray()).ToArray();
        Assert.Equal(before, after);
        Assert.All(module.parameters(), p => Assert.True(p.grad is null || p.grad.abs().sum().item<float>() == 0));
    }

    [Fact]
    public void Without_a_layer_model_only_gradients_are_sampled()
    {
        var network = TrainingFixtures.Synthetic("Dense");
        using var data = TrainingFixtures.SyntheticSplit();

        var result = Trainer.Train(() => new NetworkModule(network), null, data, TrainingFixtures.Fast(epochs: 1));

        Assert.Equal("Dense", result.Network);
        Assert.Equal(2, result.Health.Count);
        Assert.All(result.Health, h => Assert.Empty(h.Layers));
        // linear1 has no bias: batch norm follows it
        Assert.All(result.Health, h => Assert.Equal(new[] { "linear1.weight", "bn1.weight", "bn1.bias", "linear2.weight", "linear2.bias" }, h.Gradients.Select(g => g.Parameter)));
    }

    [Fact]
    public void Dead_fraction_counts_units_dead_for_every_example()
    {
        using var scope = NewDisposeScope();
        // 3 examples x 4 units: unit 0 always 0, unit 1 active once, unit 2 always 0, unit 3 always active
        Tensor output = tensor(new float[] { 0, 0, 0, 1, 0, 2, 0, 1, 0, 0, 0, 3 }).reshape(3, 4);

        Assert.Equal(0.5, HealthProbe.DeadFraction(output));
    }

    private const string HandNetworks = """
        network Logits(input: 1x1x2, classes: 2) {
            flatten > linear(2)
        }

        network Squash(input: 1x1x2, classes: 2) {
            flatten > linear(2) > relu > linear(2) > sigmoid
        }
        """;

    /// <summary>Sets every parameter of <paramref name="module"/> by name.</summary>
    private static void SetWeights(NetworkModule module, params (string Name, float[] Values)[] weights)
    {
        using var _ = no_grad();
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(weights.Select(w => w.Name).OrderBy(n => n), parameters.Keys.OrderBy(n => n));
        foreach (var (name, values) in weights)
            parameters[name].copy_(tensor(values).reshape(parameters[name].shape));
    }

    [Fact]
    public void Gradient_norms_and_loss_of_a_hand_worked_batch()
    {
        // logits = x (identity weights, zero bias) for x = (1, 0) with label 0 and x = (0, 0) with label 1:
        //   p1 = softmax(1, 0) = (e/(e+1), 1/(e+1)) = (0.7310586, 0.2689414), p2 = (0.5, 0.5)
        //   loss = (-ln 0.7310586 + ln 2) / 2 = (0.3132617 + 0.6931472) / 2 = 0.5032044
        //   dL/dz = (p - onehot) / 2: example 1 (-0.1344707, 0.1344707), example 2 (0.25, -0.25)
        //   dL/dW = sum over examples of dz x^T: only example 1 has x != 0: [[-0.1344707, 0], [0.1344707, 0]]
        //   |dL/dW| = 0.1344707 * sqrt 2 = 0.1901699; dL/db = (0.1155293, -0.1155293), |dL/db| = 0.1633831
        var network = NetworkBuilder.Check(HandNetworks, "hand.normlab", "Logits");
        using var module = new NetworkModule(network);
        SetWeights(module, ("linear1.weight", new float[] { 1, 0, 0, 1 }), ("linear1.bias", new float[] { 0, 0 }));
        using var scope = NewDisposeScope();
        Tensor images = tensor(new float[] { 1, 0, 0, 0 }).reshape(2, 1, 1, 2);
        Tensor labels = tensor(new long[] { 0, 1 });

        var snapshot = HealthProbe.Sample(module, network, images, labels, epoch: 0, step: 0);

        Assert.Equal(0.5032044, snapshot.Loss!.Value, 1e-6);
        Assert.Equal(new[] { "linear1.weight", "linear1.bias" }, snapshot.Gradients.Select(g => g.Parameter));
        Assert.Equal(0.1901699, snapshot.Gradients[0].Norm!.Value, 1e-6);
        Assert.Equal(0.1633831, snapshot.Gradients[1].Norm!.Value, 1e-6);

        // and what autograd gives on its own
        module.zero_grad();
        nn.functional.cross_entropy(module.forward(images), labels).backward();
        var byName = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var gradient in snapshot.Gradients)
            Assert.Equal(byName[gradient.Parameter].grad!.norm().item<float>(), gradient.Norm!.Value, 1e-6);
        module.zero_grad();
    }

    [Fact]
    public void Layer_figures_of_a_hand_worked_batch()
    {
        // x = (1, -1) and (2, -3); linear1 is the identity, so flatten and linear1 give x:
        //   mean -0.25, std sqrt((1 + 1 + 4 + 9) / 4 - 0.0625) = sqrt 3.6875 = 1.9202865
        // relu: (1, 0) and (2, 0): mean 0.75, std sqrt(5 / 4 - 0.5625) = 0.8291562; unit 1 is 0 for both: dead 1/2
        // linear2 = [[10, 0], [0, -10]], bias (0, 1): (10, 1) and (20, 1): mean 8, std sqrt((100 + 1 + 400 + 1) / 4 - 64) = 7.8421936
        // sigmoid: (0.9999546, 0.7310586) and (1.0000000, 0.7310586): 2 of 4 above 0.99 saturate: 1/2
        var network = NetworkBuilder.Check(HandNetworks, "hand.normlab", "Squash");
        using var module = new NetworkModule(network);
        SetWeights(module,
            ("linear1.weight", new float[] { 1, 0, 0, 1 }), ("linear1.bias", new float[] { 0, 0 }),
            ("linear2.weight", new float[] { 10, 0, 0, -10 }), ("linear2.bias", new float[] { 0, 1 }));
        using var scope = NewDisposeScope();
        Tensor images = tensor(new float[] { 1, -1, 2, -3 }).reshape(2, 1, 1, 2);
        Tensor labels = tensor(new long[] { 0, 1 });

        var snapshot = HealthProbe.Sample(module, network, images, labels, epoch: 0, step: 0);

        Assert.Equal(new[] { "flatten", "linear", "relu", "linear", "sigmoid" }, snapshot.Layers.Select(l => l.Kind));
        var (flatten, linear1, relu, linear2, sigmoid) = (snapshot.Layers[0], snapshot.Layers[1], snapshot.Layers[2], snapshot.Layers[3], snapshot.Layers[4]);
        Assert.Equal(-0.25, flatten.Mean!.Value, 1e-6);
        Assert.Equal(1.9202865, flatten.Std!.Value, 1e-6);
        Assert.Equal(-0.25, linear1.Mean!.Value, 1e-6);
        Assert.Equal(1.9202865, linear1.Std!.Value, 1e-6);
        Assert.Equal(0.75, relu.Mean!.Value, 1e-6);
        Assert.Equal(0.8291562, relu.Std!.Value, 1e-6);
        Assert.Equal(0.5, relu.DeadFraction!.Value, 1e-6);
        Assert.Equal(8, linear2.Mean!.Value, 1e-5);
        Assert.Equal(7.8421936, linear2.Std!.Value, 1e-5);
        Assert.Null(linear2.DeadFraction);
        Assert.Equal((0.9999546 + 0.7310586 + 1.0 + 0.7310586) / 4, sigmoid.Mean!.Value, 1e-6);
        Assert.Equal(0.5, sigmoid.SaturatedFraction!.Value, 1e-6);
        Assert.Null(sigmoid.DeadFraction);
    }

    [Fact]
    public void Dead_channel_fraction_ignores_positions_that_are_always_0()
    {
        using var scope = NewDisposeScope();
        // 2 examples x 3 channels x 2 positions: channel 0 is 0 at position 0 only (a black border), channel 1 is 0
        // everywhere (dead), channel 2 is active in one example only
        Tensor output = tensor(new float[] { 0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 3, 0 }).reshape(2, 3, 2);

        Assert.Equal(4.0 / 6, HealthProbe.DeadFraction(output)!.Value, 6);
        Assert.Equal(1.0 / 3, HealthProbe.DeadChannelFraction(output)!.Value, 6);
        // a [B, F] output: features are channels
        Assert.Equal(0.5, HealthProbe.DeadChannelFraction(tensor(new float[] { 0, 0, 0, 1, 0, 2, 0, 1, 0, 0, 0, 3 }).reshape(3, 4)));
    }
}
