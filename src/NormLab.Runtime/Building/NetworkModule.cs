using System.Collections.Generic;
using NormLab.Dsl.Binding;
using NormLab.Dsl.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Runtime.Building;

/// <summary>
/// The run-time builder: a module built from a checked network without compiling anything. It registers
/// the same submodules, under the same names and in the same order, as the generated module, so both have
/// the same state-dict keys and, for the same seed, the same initial weights and outputs.
/// </summary>
public sealed class NetworkModule : nn.Module<Tensor, Tensor>
{
    private readonly NetworkModel _network;
    private readonly Dictionary<LayerModel, nn.Module<Tensor, Tensor>> _modules = new();

    public NetworkModule(NetworkModel network)
        : base(network.Name)
    {
        _network = network;
        foreach (var layer in network.AllLayers())
        {
            if (layer.Kind == LayerKind.Residual)
            {
                continue;
            }

            var module = LayerFactory.Create(layer);
            _modules[layer] = module;
            register_module(layer.Name, module);
        }
    }

    public NetworkModel Network => _network;

    public override Tensor forward(Tensor input) => Run(_network.Layers, input);

    private Tensor Run(IReadOnlyList<LayerModel> layers, Tensor x)
    {
        foreach (var layer in layers)
        {
            if (layer.Kind != LayerKind.Residual)
            {
                x = _modules[layer].forward(x);
                continue;
            }

            var shortcut = x;
            var branch = Run(layer.Branches[0], x);
            foreach (var projection in layer.Shortcut)
            {
                shortcut = _modules[projection].forward(shortcut);
            }

            x = branch + shortcut;
        }

        return x;
    }
}
