using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using NormLab.Dsl.Layers;
using NormLab.Dsl.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NormLab.Runtime.Building;

/// <summary>
/// The one place that turns a checked layer into a TorchSharp module: it creates the module its kind
/// describes (<see cref="LayerModel.Module"/>: a <c>torch.nn</c> factory or a NormLab module's constructor
/// and their arguments). Generated modules call <see cref="Create{T}"/> for their typed fields; the run-time
/// builder calls <see cref="Create"/>. Both create layers in the same order, so the same seed gives the
/// same initial weights.
/// </summary>
public static class LayerFactory
{
    private static readonly ConcurrentDictionary<string, Func<object?[], object>> Creators = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, (MethodBase Method, string[] Parameters)> Calls = new(StringComparer.Ordinal);

    /// <summary>The module of a layer, typed as the generated field is.</summary>
    public static T Create<T>(LayerModel layer)
        where T : nn.Module<Tensor, Tensor> =>
        Create(layer) as T ?? throw new InvalidOperationException($"'{layer.Name}' ({layer.KindName}) is a {layer.Module.TypeName}, not a {typeof(T).FullName}.");

    /// <summary>The module for any layer but a residual (which owns no module: its layers are fields of the network).</summary>
    public static nn.Module<Tensor, Tensor> Create(LayerModel layer)
    {
        if (!layer.HasModule)
        {
            throw new ArgumentOutOfRangeException(nameof(layer), layer.KindName, "A residual has no module of its own.");
        }

        var spec = layer.Module;
        var (method, parameters) = Resolve(spec);
        var arguments = new object?[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            var given = spec.Arguments.FirstOrDefault(a => a.Name == parameters[i]);
            var parameter = method.GetParameters()[i];
            arguments[i] = given is not null ? Convert(given.Value, parameter.ParameterType) : parameter.DefaultValue is DBNull ? null : parameter.DefaultValue;
        }

        var module = (nn.Module<Tensor, Tensor>)(method is ConstructorInfo constructor ? constructor.Invoke(arguments) : method.Invoke(null, arguments)!);
        Initialize(module);
        return Native.LibTorchConvolutions.Watch(module); // a convolution's shapes are probed the first time they run
    }

    /// <summary>
    /// What the runtime adds to a stock module. TorchSharp 0.107 allocates GroupNorm's weight and bias with
    /// <c>torch.empty</c> and never initializes them (garbage, NaN, different on every run); PyTorch starts
    /// them at ones and zeros.
    /// </summary>
    private static void Initialize(nn.Module module)
    {
        if (module is GroupNorm { weight: not null } norm)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            norm.weight.fill_(1.0);
            norm.bias?.zero_();
        }
    }

    /// <summary>
    /// The factory method (or constructor) a description names: the overload whose parameters take every given
    /// argument by name with its exact type (a <see cref="long"/> also fits <c>long?</c>) and whose other
    /// parameters are optional; the one with the fewest parameters when several fit. Cached per description shape.
    /// </summary>
    private static (MethodBase Method, string[] Parameters) Resolve(TorchModule spec)
    {
        var key = spec.TypeName + "|" + spec.Factory + "|" + string.Join(",", spec.Arguments.Select(a => a.Name + ":" + a.Value.GetType().Name));
        return Calls.GetOrAdd(key, _ =>
        {
            IEnumerable<MethodBase> candidates = spec.Factory is null
                ? FindType(spec.TypeName).GetConstructors()
                : typeof(nn).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == spec.Factory);
            var fits = candidates.Where(m => Fits(m, spec)).OrderBy(m => m.GetParameters().Length).ToList();
            if (fits.Count == 0)
            {
                throw new InvalidOperationException($"TorchSharp has no {spec} (no overload takes these arguments by name).");
            }

            var method = fits[0];
            if (method is MethodInfo info && info.ReturnType.FullName != spec.TypeName)
            {
                throw new InvalidOperationException($"{spec} returns a {info.ReturnType.FullName}, not the {spec.TypeName} the layer's kind names.");
            }

            return (method, method.GetParameters().Select(p => p.Name!).ToArray());
        });
    }

    private static bool Fits(MethodBase method, TorchModule spec)
    {
        var parameters = method.GetParameters();
        foreach (var argument in spec.Arguments)
        {
            var parameter = parameters.FirstOrDefault(p => p.Name == argument.Name);
            if (parameter is null || Convert(argument.Value, parameter.ParameterType) is null)
            {
                return false;
            }
        }

        return parameters.All(p => p.IsOptional || spec.Arguments.Any(a => a.Name == p.Name));
    }

    private static object? Convert(object value, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target == value.GetType() ? value : null;
    }

    private static Type FindType(string name) =>
        typeof(LayerFactory).Assembly.GetType(name) ?? typeof(nn).Assembly.GetType(name)
        ?? throw new InvalidOperationException($"No module type {name}.");

    /// <summary>
    /// The layers of <paramref name="network"/> by field name, after checking that they are the layers the
    /// generated module was compiled for (<paramref name="expected"/>: <see cref="LayerModel.Signature"/>s in field order).
    /// </summary>
    public static IReadOnlyDictionary<string, LayerModel> Index(NetworkModel network, IReadOnlyList<string> expected)
    {
        var layers = new Dictionary<string, LayerModel>(StringComparer.Ordinal);
        var actual = new List<string>();
        foreach (var layer in network.AllLayers())
        {
            if (layer.HasModule)
            {
                layers[layer.Name] = layer;
                actual.Add(layer.Signature);
            }
        }

        if (!actual.SequenceEqual(expected))
        {
            throw new ArchitectureException(
                $"The hyper-parameters of '{network.Name}' change its structure (its layers or their kinds), which a generated module cannot follow; build it with NetworkModule instead.",
                Array.Empty<Dsl.Diagnostics.Diagnostic>());
        }

        return layers;
    }
}
