using System;
using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl;
using NormLab.Dsl.Model;
using TorchSharp;

namespace NormLab.Runtime.Building;

/// <summary>Checks a network at run time with the compiler's own checker.</summary>
public static class NetworkBuilder
{
    /// <summary>
    /// Checks network <paramref name="name"/> of <paramref name="source"/> with the given hyper-parameters
    /// (null: the defaults) and returns its model; throws <see cref="ArchitectureException"/> carrying the
    /// diagnostics when it has errors.
    /// </summary>
    public static NetworkModel Check(string source, string path, string name, IReadOnlyDictionary<string, double>? hyperParameters = null)
    {
        Native.LibTorchConvolutions.EnsureApplied(); // before the generated module registers its first layer
        var options = hyperParameters is null
            ? null
            : new CheckOptions { HyperParameters = new Dictionary<string, IReadOnlyDictionary<string, double>> { [name] = hyperParameters } };
        var result = NormLabCompiler.Check(source, path, options);
        var network = result.FindNetwork(name)
            ?? throw new ArgumentException($"'{path}' declares no network '{name}' (it declares: {string.Join(", ", result.Networks.Select(n => n.Name))}).", nameof(name));
        var errors = network.Diagnostics.Where(d => d.IsError).ToArray();
        if (errors.Length > 0 || !network.IsValid)
        {
            var settings = hyperParameters is null ? string.Empty : " with " + string.Join(", ", hyperParameters.Select(p => $"{p.Key} = {p.Value}"));
            var message = $"Network '{name}'{settings} is not valid:" + Environment.NewLine +
                string.Join(Environment.NewLine, errors.Select(e => "  " + e));
            throw new ArchitectureException(message, errors);
        }

        // the ONNX export writes the source's hash into the model's metadata
        Export.OnnxExport.RememberSource(network, source);
        return network;
    }

    /// <summary>Moves a module to <paramref name="device"/> when one is given (generated <c>Build</c> methods call this).</summary>
    public static T MoveTo<T>(T module, TorchSharp.torch.Device? device)
        where T : TorchSharp.torch.nn.Module
    {
        if (device is not null)
        {
            module.to(device);
        }

        return module;
    }
}
