using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Binding;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Layers;
using NormLab.Dsl.Model;

namespace NormLab.Dsl.Rules;

/// <summary>
/// Shared facts for the NL4xxx hints (NeuraLint's heuristics). NL4001–NL4003 read the top level only (residual branches
/// narrow and widen on purpose); NL4004 counts every layer and NL4005 follows every path of the data.
/// </summary>
internal abstract class ArchitectureRule : Rule
{
    protected static bool IsDownSampling(LayerModel layer) =>
        layer.Is(LayerTraits.LocalPooling) || (layer.Kind == LayerKind.Conv && layer.Stride > 1);

    protected static bool IsPointwise(LayerModel layer) => layer.Kind == LayerKind.Conv && layer.Kernel == 1;
}

/// <summary>NL4001: a fully connected layer wider than the fully connected layer before it.</summary>
internal sealed class WideningFullyConnectedRule : ArchitectureRule
{
    public override DiagnosticDescriptor Descriptor => DiagnosticDescriptors.WideningFullyConnected;

    public override void CheckSequence(RuleContext context, IReadOnlyList<LayerModel> sequence, bool isTopLevel)
    {
        if (!isTopLevel)
        {
            return;
        }

        LayerModel? previous = null;
        foreach (var layer in sequence.Where(l => l.Kind == LayerKind.Linear))
        {
            if (previous is not null && layer.OutFeatures > previous.OutFeatures)
            {
                context.Report(Descriptor, layer, layer.Name, layer.OutFeatures, previous.Name, previous.OutFeatures);
            }

            previous = layer;
        }
    }
}

/// <summary>NL4002: a convolution with fewer output channels than an earlier convolution (1x1 and branches left out).</summary>
internal sealed class NarrowingConvolutionRule : ArchitectureRule
{
    public override DiagnosticDescriptor Descriptor => DiagnosticDescriptors.NarrowingConvolution;

    public override void CheckSequence(RuleContext context, IReadOnlyList<LayerModel> sequence, bool isTopLevel)
    {
        if (!isTopLevel)
        {
            return;
        }

        LayerModel? widest = null;
        foreach (var layer in sequence.Where(l => l.Kind == LayerKind.Conv && !IsPointwise(l)))
        {
            if (widest is not null && layer.OutFeatures < widest.OutFeatures)
            {
                context.Report(Descriptor, layer, layer.Name, layer.OutFeatures, widest.Name, widest.OutFeatures);
            }

            if (widest is null || layer.OutFeatures > widest.OutFeatures)
            {
                widest = layer;
            }
        }
    }
}

/// <summary>NL4003: in a deep CNN, convolutions of one stage that differ in kernel size or width from the stage's first.</summary>
internal sealed class InconsistentStageRule : ArchitectureRule
{
    public override DiagnosticDescriptor Descriptor => DiagnosticDescriptors.InconsistentStage;

    public override void CheckSequence(RuleContext context, IReadOnlyList<LayerModel> sequence, bool isTopLevel)
    {
        if (!isTopLevel || !context.IsDeepCnn)
        {
            return;
        }

        LayerModel? first = null;
        foreach (var layer in sequence)
        {
            if (layer.Kind == LayerKind.Conv && !IsPointwise(layer))
            {
                if (first is null)
                {
                    first = layer;
                }
                else if (layer.Kernel != first.Kernel || layer.OutFeatures != first.OutFeatures)
                {
                    context.Report(Descriptor, layer, layer.Name, first.Name, $"{first.Kernel}x{first.Kernel}, {first.OutFeatures} channels");
                }
            }

            if (IsDownSampling(layer))
            {
                first = null;
            }
        }
    }
}

/// <summary>NL4004: a deep CNN that down-samples only with average pooling.</summary>
internal sealed class AveragePoolingOnlyRule : ArchitectureRule
{
    public override DiagnosticDescriptor Descriptor => DiagnosticDescriptors.AveragePoolingOnly;

    public override void CheckNetwork(RuleContext context)
    {
        if (!context.IsDeepCnn)
        {
            return;
        }

        var all = context.AllLayers;
        var averagePools = all.Where(l => l.Kind == LayerKind.AvgPool).ToList();
        if (averagePools.Count == 0 || all.Any(l => l.Kind == LayerKind.MaxPool || (l.Kind == LayerKind.Conv && l.Stride > 1)))
        {
            return;
        }

        foreach (var pool in averagePools)
        {
            context.Report(Descriptor, pool, pool.Name);
        }
    }
}

/// <summary>
/// NL4005: a deep CNN that pools after every convolution: along every path of the data (branches included), each
/// convolution is followed by a pooling before the next convolution or the end of the feature extractor. Reported at
/// each pooling that directly follows a convolution's path.
/// </summary>
internal sealed class PoolingAfterEveryConvRule : ArchitectureRule
{
    public override DiagnosticDescriptor Descriptor => DiagnosticDescriptors.PoolingAfterEveryConv;

    public override void CheckNetwork(RuleContext context)
    {
        if (!context.IsDeepCnn)
        {
            return;
        }

        var walk = new Walk();
        var end = walk.Sequence(context.Network.Layers, 0);
        if (walk.Stacked || end > 0 || walk.Convolutions < 2)
        {
            return;
        }

        foreach (var pool in walk.Pools)
        {
            context.Report(Descriptor, pool, pool.Name);
        }
    }

    /// <summary>
    /// Follows the data: the state is the largest number of convolutions since the last pooling on any path into a
    /// layer (0 or 1 where the rule can still hold).
    /// </summary>
    private sealed class Walk
    {
        public List<LayerModel> Pools { get; } = new();

        public int Convolutions { get; private set; }

        /// <summary>Two convolutions on one path with no pooling between them: the rule does not hold.</summary>
        public bool Stacked { get; private set; }

        public int Sequence(IReadOnlyList<LayerModel> sequence, int state)
        {
            foreach (var layer in sequence)
            {
                if (layer.Branches.Count > 0)
                {
                    // concat: every branch's channels go on; residual, scale, se: the input goes on beside the branch
                    int joined = layer.Kind == LayerKind.Concat ? 0 : state;
                    foreach (var branch in layer.Branches)
                    {
                        joined = System.Math.Max(joined, Sequence(branch, state));
                    }

                    foreach (var projection in layer.Shortcut)
                    {
                        joined = System.Math.Max(joined, Step(projection, state));
                    }

                    state = joined;
                }
                else
                {
                    state = Step(layer, state);
                }
            }

            return state;
        }

        private int Step(LayerModel layer, int state)
        {
            if (layer.Kind == LayerKind.Conv)
            {
                Convolutions++;
                Stacked |= state > 0;
                return state + 1;
            }

            if (layer.Is(LayerTraits.LocalPooling))
            {
                if (state > 0 && !Pools.Contains(layer))
                {
                    Pools.Add(layer);
                }

                return 0;
            }

            return state;
        }
    }
}
