using System.Collections.Generic;
using NormLab.Dsl.Binding;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Layers;
using NormLab.Dsl.Model;

namespace NormLab.Dsl.Rules;

/// <summary>One architecture rule with its descriptor; rules read the checked model and report.</summary>
internal abstract class Rule
{
    public abstract DiagnosticDescriptor Descriptor { get; }

    /// <summary>Called once per network.</summary>
    public virtual void CheckNetwork(RuleContext context)
    {
    }

    /// <summary>Called for the top level and for every residual branch, each a straight sequence.</summary>
    public virtual void CheckSequence(RuleContext context, IReadOnlyList<LayerModel> sequence, bool isTopLevel)
    {
    }

    /// <summary>
    /// Called for each pair of layers where <paramref name="after"/> reads <paramref name="before"/>'s output directly
    /// across a branch boundary (<see cref="RuleSet.AcrossBranches"/>): into a branch, or out of a <c>concat</c>. A layer
    /// can be in several such pairs (every branch of a <c>concat</c> feeds the layer after it): report with
    /// <see cref="RuleContext.ReportOnce"/>.
    /// </summary>
    public virtual void CheckAcross(RuleContext context, LayerModel before, LayerModel after)
    {
    }

    protected static bool IsActivation(LayerModel layer) => layer.Is(LayerTraits.Activation);

    protected static bool IsNorm(LayerModel layer) => layer.Is(LayerTraits.Normalization);

    protected static bool IsLinearMap(LayerModel layer) => layer.Is(LayerTraits.LinearMap);

    protected static bool IsDropout(LayerModel layer) => layer.Is(LayerTraits.Dropout);

    protected static bool IsLocalPooling(LayerModel layer) => layer.Is(LayerTraits.LocalPooling);
}

/// <summary>What a rule sees: the network and a way to report.</summary>
internal sealed class RuleContext
{
    private readonly DiagnosticBag _diagnostics;

    public RuleContext(NetworkModel network, DiagnosticBag diagnostics, bool shapesKnown)
    {
        Network = network;
        _diagnostics = diagnostics;
        ShapesKnown = shapesKnown;
    }

    public NetworkModel Network { get; }

    /// <summary>False when a shape error left later shapes unknown; shape-based rules stay quiet then.</summary>
    public bool ShapesKnown { get; }

    private IReadOnlyList<LayerModel>? _allLayers;

    /// <summary>Every layer of the network, branches included (<see cref="NetworkModel.AllLayers"/>), listed once for all rules.</summary>
    public IReadOnlyList<LayerModel> AllLayers => _allLayers ??= (IReadOnlyList<LayerModel>)Network.AllLayers();

    private bool? _isDeepCnn;

    /// <summary>10 or more convolution and pooling layers (branches included): the NL4xxx hints' notion of a deep CNN.</summary>
    public bool IsDeepCnn => _isDeepCnn ??= CountDeep(AllLayers) >= 10;

    private static int CountDeep(IReadOnlyList<LayerModel> layers)
    {
        var count = 0;
        for (var i = 0; i < layers.Count; i++)
        {
            if (layers[i].Kind == LayerKind.Conv || layers[i].Is(LayerTraits.LocalPooling))
            {
                count++;
            }
        }

        return count;
    }

    private HashSet<(string, LayerModel)>? _reported;

    /// <summary><see cref="Report"/>, unless <paramref name="descriptor"/> was reported at <paramref name="at"/> through this method already.</summary>
    public void ReportOnce(DiagnosticDescriptor descriptor, LayerModel at, params object?[] arguments)
    {
        _reported ??= new HashSet<(string, LayerModel)>();
        if (_reported.Add((descriptor.Id, at)))
        {
            Report(descriptor, at, arguments);
        }
    }

    /// <summary>Reports at the layer; a layer from a block expansion says which block it came from.</summary>
    public void Report(DiagnosticDescriptor descriptor, LayerModel at, params object?[] arguments)
    {
        var message = descriptor.Format(arguments);
        if (at.BlockPath.Count > 0)
        {
            message += $" (in block '{string.Join("' > '", at.BlockPath)}')";
        }

        _diagnostics.Add(new Diagnostic(descriptor, message, _diagnostics.Source, at.Span));
    }
}
