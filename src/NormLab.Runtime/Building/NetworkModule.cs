using System.Collections.Generic;
using NormLab.Dsl.Model;
using NormLab.Runtime.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Runtime.Building;

/// <summary>
/// The run-time builder: a module built from a checked network without compiling anything. It registers
/// the same submodules, under the same names and in the same order, as the generated module, so both have
/// the same state-dict keys and, for the same seed, the same initial weights and outputs; its forward pass
/// executes the network's <see cref="ForwardPlan"/>, which the generator emits as C#.
/// </summary>
public sealed class NetworkModule : nn.Module<Tensor, Tensor>
{
    private readonly NetworkModel _network;
    private readonly nn.Module<Tensor, Tensor>?[] _steps;

    public NetworkModule(NetworkModel network)
        : base(network.Name)
    {
        Native.LibTorchConvolutions.EnsureApplied();
        _network = network;
        var modules = new Dictionary<LayerModel, nn.Module<Tensor, Tensor>>();
        foreach (var layer in network.AllLayers())
        {
            if (!layer.HasModule)
            {
                continue;
            }

            var module = LayerFactory.Create(layer);
            modules[layer] = module;
            register_module(layer.Name, module);
        }

        _steps = ForwardRunner.Modules(network.Plan, layer => modules[layer]);
    }

    /// <summary>
    /// Writes the module's state dict (parameters and buffers, under their state-dict names) to
    /// <paramref name="path"/> as safetensors, atomically, with the NormLab version, the network's name and, when
    /// given, the hash of its source (<see cref="SourceHash"/>) in the metadata (see <see cref="SafeTensors"/>).
    /// </summary>
    public void ExportSafeTensors(string path, string? sourceHash = null) =>
        SafeTensors.Save(this, path, SafeTensors.Metadata(_network.Name, sourceHash));

    /// <summary>
    /// Loads a safetensors file into the module; throws <see cref="WeightsException"/> naming the first tensor that
    /// does not fit (nothing is loaded then).
    /// </summary>
    public void LoadSafeTensors(string path) => SafeTensors.Load(this, path, _network.Name);

    public NetworkModel Network => _network;

    public override Tensor forward(Tensor input) => ForwardRunner.Run(_network.Plan, _steps, input);

    /// <summary>
    /// Writes this module as an ONNX model (opset <see cref="Export.OnnxExport.Opset"/>, evaluation semantics, a dynamic
    /// batch dimension) to <paramref name="path"/>, atomically; see <see cref="Export.OnnxExport.Write"/>.
    /// </summary>
    public void ExportOnnx(string path, Export.OnnxExportOptions? options = null) => Export.OnnxExport.Write(this, _network, path, options);
}
