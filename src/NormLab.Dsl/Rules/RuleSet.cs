using System.Collections.Generic;
using NormLab.Dsl.Layers;
using NormLab.Dsl.Model;

namespace NormLab.Dsl.Rules;

/// <summary>Every architecture rule, run over a network's top level and each of its branches.</summary>
internal static class RuleSet
{
    public static IReadOnlyList<Rule> All { get; } = new Rule[]
    {
        new NormAfterActivationRule(),
        new BiasBeforeNormRule(),
        new DropoutBeforeBatchNormRule(),
        new ConsecutiveNormsRule(),
        new RedundantActivationRule(),
        new CollapsingLinearMapsRule(),
        new ActivationLastRule(),
        new NormLastRule(),
        new ActivationBeforeMaxPoolRule(),
        new SaturatingStackRule(),
        new PoolingFirstRule(),
        new BatchNormAfterResidualRule(),
        new DropoutBeforePoolingRule(),
        new SoftmaxSingleFeatureRule(),
        new DropPathOutsideResidualRule(),
        new WideningFullyConnectedRule(),
        new NarrowingConvolutionRule(),
        new InconsistentStageRule(),
        new AveragePoolingOnlyRule(),
        new PoolingAfterEveryConvRule(),
    };

    public static void Run(RuleContext context)
    {
        foreach (var rule in All)
        {
            rule.CheckNetwork(context);
            Visit(rule, context, context.Network.Layers, isTopLevel: true);
        }

        var across = AcrossBranches(context.Network.Layers);
        for (var i = 0; i < across.Count; i++)
        {
            foreach (var rule in All)
            {
                rule.CheckAcross(context, across[i].Before, across[i].After);
            }
        }
    }

    /// <summary>
    /// The pairs of layers where the second reads the first's output directly but across a branch boundary, so that no
    /// straight sequence holds them side by side: the layer before a branch container and each branch's first layer
    /// (every branch runs on the container's input), and each <c>concat</c> branch's last layer and the layer after the
    /// <c>concat</c> (which reads every branch's channels); an <c>identity</c> branch passes the <c>concat</c>'s input on.
    /// A residual, <c>scale</c> or <c>se</c> adds or multiplies: the layer after it reads a sum or a product, not a layer.
    /// </summary>
    internal static IReadOnlyList<(LayerModel Before, LayerModel After)> AcrossBranches(IReadOnlyList<LayerModel> layers)
    {
        var pairs = new List<(LayerModel, LayerModel)>();
        Walk(layers, new List<(LayerModel Layer, bool Crossed)>(), pairs);
        return pairs;
    }

    /// <summary>
    /// Walks one straight sequence whose first layer reads <paramref name="inputs"/> (each producer with whether a branch
    /// boundary lies between it and its reader); returns what the layer after the sequence reads.
    /// </summary>
    private static List<(LayerModel Layer, bool Crossed)> Walk(IReadOnlyList<LayerModel> sequence, List<(LayerModel Layer, bool Crossed)> inputs, List<(LayerModel, LayerModel)> pairs)
    {
        for (var i = 0; i < sequence.Count; i++)
        {
            var layer = sequence[i];
            var outputs = new List<(LayerModel Layer, bool Crossed)>(1);
            if (layer.Branches.Count == 0)
            {
                foreach (var input in inputs)
                {
                    if (input.Crossed)
                    {
                        pairs.Add((input.Layer, layer));
                    }
                }

                outputs.Add((layer, false));
            }
            else
            {
                var entering = inputs.ConvertAll(input => (input.Layer, Crossed: true));
                foreach (var branch in layer.Branches)
                {
                    var branchOutputs = branch.Count == 1 && branch[0].Kind == LayerKind.Identity ? entering : Walk(branch, entering, pairs);
                    if (layer.Kind == LayerKind.Concat)
                    {
                        foreach (var output in branchOutputs)
                        {
                            if (!outputs.Exists(o => ReferenceEquals(o.Layer, output.Layer)))
                            {
                                outputs.Add((output.Layer, true));
                            }
                        }
                    }
                }

                if (layer.Kind != LayerKind.Concat)
                {
                    outputs.Add((layer, false));
                }
            }

            inputs = outputs;
        }

        return inputs;
    }

    private static void Visit(Rule rule, RuleContext context, IReadOnlyList<LayerModel> sequence, bool isTopLevel)
    {
        rule.CheckSequence(context, sequence, isTopLevel);
        for (var i = 0; i < sequence.Count; i++)
        {
            // indexed loops: every rule visits every sequence, and an enumerator of an interface is an allocation
            var branches = sequence[i].Branches;
            for (var b = 0; b < branches.Count; b++)
            {
                Visit(rule, context, branches[b], isTopLevel: false);
            }
        }
    }
}
