using System;
using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Layers;
using NormLab.Dsl.Model;
using NormLab.Runtime.Building;
using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Runtime.Training;

/// <summary>
/// Activation and gradient health on a fixed batch. The layers run one by one, in the network model's order, through
/// the module's own submodules (found by their field names), because the modules call their submodules'
/// <c>forward</c> directly and forward hooks would not fire. The module runs in train mode with dropout off, and every
/// buffer (batch norm's running statistics) is restored afterwards, so sampling health never changes the training.
/// </summary>
public static class HealthProbe
{
    /// <summary>Sigmoid outputs below this or above 1 minus this count as saturated (the kind's <see cref="LayerKind.SaturationBand"/>).</summary>
    public static double SigmoidMargin => LayerKind.Sigmoid.SaturationBand.Low;

    /// <summary>Tanh outputs whose magnitude exceeds this count as saturated (the kind's <see cref="LayerKind.SaturationBand"/>).</summary>
    public static double TanhLimit => LayerKind.Tanh.SaturationBand.High;

    /// <summary>
    /// One snapshot: every layer's output statistics (when <paramref name="network"/> is given and its layers are the
    /// module's submodules), the loss on the batch and the gradient norm of every parameter tensor. Leaves the module
    /// in train mode with no gradients.
    /// </summary>
    public static HealthSnapshot Sample(nn.Module<Tensor, Tensor> module, NetworkModel? network, Tensor images, Tensor labels, int epoch, long step)
    {
        var layers = new List<LayerHealth>();
        var gradients = new List<GradientNorm>();
        double loss;
        using (NewDisposeScope())
        {
            Tensor[] buffers = module.buffers().ToArray();
            Tensor[] saved;
            using (no_grad())
                saved = buffers.Select(b => b.detach().clone()).ToArray();
            try
            {
                module.train();
                foreach (var child in module.modules())
                {
                    if (IsDropout(child))
                        child.eval();
                }

                module.zero_grad();
                var modules = network is null ? null : Submodules(module, network);
                Tensor logits = modules is null
                    ? module.forward(images)
                    : Run(network!, images, modules, layers);
                Tensor lossTensor = nn.functional.cross_entropy(logits, labels);
                loss = lossTensor.item<float>();
                lossTensor.backward();
                foreach (var (name, parameter) in module.named_parameters())
                {
                    Tensor? grad = parameter.grad;
                    double? norm = grad is null ? null : Finite(grad.norm().item<float>());
                    gradients.Add(new GradientNorm { Parameter = name, Norm = norm });
                }
            }
            finally
            {
                module.zero_grad();
                module.train();
                using (no_grad())
                {
                    for (int i = 0; i < buffers.Length; i++)
                        buffers[i].copy_(saved[i]);
                }
            }
        }

        return new HealthSnapshot
        {
            Epoch = epoch,
            Step = step,
            Batch = (int)labels.shape[0],
            Loss = Finite(loss),
            Layers = layers,
            Gradients = gradients,
        };
    }

    /// <summary>The submodule of every layer with a module, or null when one is missing or has another type.</summary>
    internal static Dictionary<string, nn.Module<Tensor, Tensor>>? Submodules(nn.Module module, NetworkModel network)
    {
        var children = new Dictionary<string, nn.Module>(StringComparer.Ordinal);
        foreach (var (name, child) in module.named_children())
            children[name] = child;
        var found = new Dictionary<string, nn.Module<Tensor, Tensor>>(StringComparer.Ordinal);
        foreach (var layer in network.AllLayers())
        {
            if (!layer.HasModule)
                continue;
            if (!children.TryGetValue(layer.Name, out var child) || child is not nn.Module<Tensor, Tensor> typed)
                return null;
            found[layer.Name] = typed;
        }
        return found;
    }

    /// <summary>The network's forward plan (the one <c>NetworkModule</c> runs and generated modules compile), recording each layer's output.</summary>
    private static Tensor Run(NetworkModel network, Tensor x, Dictionary<string, nn.Module<Tensor, Tensor>> modules, List<LayerHealth> sink)
    {
        var steps = ForwardRunner.Modules(network.Plan, layer => modules[layer.Name]);
        return ForwardRunner.Run(network.Plan, steps, x, (layer, input, output) => sink.Add(Describe(layer, input, output)));
    }

    private static LayerHealth Describe(LayerModel layer, Tensor input, Tensor output)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Tensor y = output.detach();
        var (mean, std) = MeanStd(y);
        var health = new LayerHealth { Name = layer.Name, Kind = layer.KindName, Mean = mean, Std = std };
        switch (layer.Kind.Health)
        {
            case HealthMetric.DeadUnits:
                health = health with { DeadFraction = DeadFraction(y), DeadChannelFraction = DeadChannelFraction(y) };
                break;
            case HealthMetric.Saturation:
                var (low, high) = layer.Kind.SaturationBand;
                health = health with { SaturatedFraction = Finite(y.lt(low).logical_or(y.gt(high)).to(float32).mean().item<float>()) };
                break;
        }
        if (layer.Is(LayerTraits.Normalization))
        {
            var (inputMean, inputStd) = MeanStd(input.detach());
            health = health with { InputMean = inputMean, InputStd = inputStd };
        }
        return health;
    }

    /// <summary>The fraction of units (positions of one example's output) that are at most 0 for every example.</summary>
    internal static double? DeadFraction(Tensor output)
    {
        using var scope = NewDisposeScope();
        Tensor perExample = output.dim() == 1 ? output.reshape(-1, 1) : output.flatten(1);
        return Finite(perExample.amax(new long[] { 0 }).le(0).to(float32).mean().item<float>());
    }

    /// <summary>
    /// The fraction of channels (dimension 1; for a [B, F] output, features) that are at most 0 at every position for
    /// every example: a dead filter, not a position of the image's black border.
    /// </summary>
    internal static double? DeadChannelFraction(Tensor output)
    {
        using var scope = NewDisposeScope();
        if (output.dim() < 2)
            return DeadFraction(output);
        Tensor perChannel = output.transpose(0, 1).reshape(output.shape[1], -1);
        return Finite(perChannel.amax(new long[] { 1 }).le(0).to(float32).mean().item<float>());
    }

    private static (double? Mean, double? Std) MeanStd(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor values = x.to(float64);
        double mean = values.mean().item<double>();
        double std = values.numel() > 1 ? values.std(unbiased: false).item<double>() : 0;
        return (Finite(mean), Finite(std));
    }

    private static bool IsDropout(nn.Module module) =>
        module is TorchSharp.Modules.Dropout or TorchSharp.Modules.Dropout1d or TorchSharp.Modules.Dropout2d
            or TorchSharp.Modules.Dropout3d or TorchSharp.Modules.AlphaDropout or TorchSharp.Modules.FeatureAlphaDropout;

    internal static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
