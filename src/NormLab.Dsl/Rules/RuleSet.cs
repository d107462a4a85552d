using System.Collections.Generic;
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
