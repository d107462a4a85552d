using System.Collections.Generic;
using NormLab.Dsl.Binding;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Layers;
using NormLab.Dsl.Model;

namespace NormLab.Dsl.Rules;

/// <summary>NL1001: normalization directly after an activation (reported at the normalization).</summary>
internal sealed class NormAfterActivationRule : Rule
{
    public override DiagnosticDescriptor Descriptor => DiagnosticDescriptors.NormAfterActivation;

    public override void CheckSequence(RuleContext context, IReadOnlyList<LayerModel> sequence, bool isTopLevel)
    {
        for (var i = 1; i < sequence.Count; i++)
        {
            if (IsNorm(sequence[i]) && IsActivation(sequence[i - 1]))
            {
                context.Report(Descriptor, sequence[i], sequence[i].WrittenName, sequence[i - 1].WrittenName);
            }
        }
    }

    /// <summary><c>relu > concat { bn > … | … }</c>, <c>concat { … > relu | … } > bn</c>: the same, across a branch boundary.</summary>
    public override void CheckAcross(RuleContext context, LayerModel before, LayerModel after)
    {
        if (IsNorm(after) && IsActivation(before))
        {
            context.ReportOnce(Descriptor, after, after.WrittenName, before.WrittenName);
        }
    }
}

/// <summary>NL1002: conv/linear with an explicit <c>bias: true</c> directly followed by bn or in (reported at the conv/linear).</summary>
internal sealed class BiasBeforeNormRule : Rule
{
    public override DiagnosticDescriptor Descriptor => DiagnosticDescriptors.BiasBeforeNorm;

    public override void CheckSequence(RuleContext context, IReadOnlyList<LayerModel> sequence, bool isTopLevel)
    {
        for (var i = 0; i + 1 < sequence.Count; i++)
        {
            if (IsLinearMap(sequence[i]) && sequence[i].BiasExplicit && sequence[i + 1].Is(LayerTraits.CancelsBias))
            {
                context.Report(Descriptor, sequence[i], sequence[i].WrittenName, sequence[i + 1].WrittenName);
            }
        }
    }
}

/// <summary>NL1003: dropout directly before batch normalization (reported at the dropout).</summary>
internal sealed class DropoutBeforeBatchNormRule : Rule
{
    public override DiagnosticDescriptor Descriptor => DiagnosticDescriptors.DropoutBeforeBatchNorm;

    public override void CheckSequence(RuleContext context, IReadOnlyList<LayerModel> sequence, bool isTopLevel)
    {
        for (var i = 0; i + 1 < sequence.Count; i++)
        {
            if (IsDropout(sequence[i]) && sequence[i + 1].Kind == LayerKind.BatchNorm)
            {
                context.Report(Descriptor, sequence[i], sequence[i].WrittenName, sequence[i + 1].WrittenName);
            }
        }
    }

    /// <summary><c>dropout > residual { bn > … }</c>: the same, across a branch boundary.</summary>
    public override void CheckAcross(RuleContext context, LayerModel before, LayerModel after)
    {
        if (IsDropout(before) && after.Kind == LayerKind.BatchNorm)
        {
            context.ReportOnce(Descriptor, before, before.WrittenName, after.WrittenName);
        }
    }
}

/// <summary>NL1004: two normalization layers in a row (reported at the second).</summary>
internal sealed class ConsecutiveNormsRule : Rule
{
    public override DiagnosticDescriptor Descriptor => DiagnosticDescriptors.ConsecutiveNorms;

    public override void CheckSequence(RuleContext context, IReadOnlyList<LayerModel> sequence, bool isTopLevel)
    {
        for (var i = 1; i < sequence.Count; i++)
        {
            if (IsNorm(sequence[i]) && IsNorm(sequence[i - 1]))
            {
                context.Report(Descriptor, sequence[i], sequence[i - 1].WrittenName, sequence[i].WrittenName);
            }
        }
    }

    /// <summary><c>bn > concat { bn > … | … }</c>, <c>concat { … > bn | … } > bn</c>: the same, across a branch boundary.</summary>
    public override void CheckAcross(RuleContext context, LayerModel before, LayerModel after)
    {
        if (IsNorm(after) && IsNorm(before))
        {
            context.ReportOnce(Descriptor, after, before.WrittenName, after.WrittenName);
        }
    }
}

/// <summary>
/// NL1005: two activations with nothing learnable between them: adjacent, or separated only by
/// pooling, global pooling, flatten, dropout or identity (reported at the second).
/// </summary>
internal sealed class RedundantActivationRule : Rule
{
    public override DiagnosticDescriptor Descriptor => DiagnosticDescriptors.RedundantActivation;

    public override void CheckSequence(RuleContext context, IReadOnlyList<LayerModel> sequence, bool isTopLevel)
    {
        for (var i = 1; i < sequence.Count; i++)
        {
            if (!IsActivation(sequence[i]))
            {
                continue;
            }

            var j = i - 1;
            while (j >= 0 && IsTransparent(sequence[j]))
            {
                j--;
            }

            if (j >= 0 && IsActivation(sequence[j]))
            {
                var between = j == i - 1 ? string.Empty : " (only pooling, flatten or dropout between)";
                context.Report(Descriptor, sequence[i], sequence[j].WrittenName, sequence[i].WrittenName, between);
            }
        }
    }

    private static bool IsTransparent(LayerModel layer) => layer.Is(LayerTraits.Transparent);
}

/// <summary>
/// NL1006: two linear maps (conv, linear) with only bn, dropout, average pooling, flatten or identity
/// between and no non-linearity (reported at the second). Two factorizations are on purpose and not reported:
/// a grouped (depthwise) convolution next to a convolution (MobileNet, ShuffleNet, Xception: a fraction of the
/// cost of the full convolution it composes to), and a bottleneck, where the first map narrows below both its
/// input and the second map's output (MobileNetV2's linear bottleneck: a low-rank product, cheaper than one map).
/// </summary>
internal sealed class CollapsingLinearMapsRule : Rule
{
    public override DiagnosticDescriptor Descriptor => DiagnosticDescriptors.CollapsingLinearMaps;

    public override void CheckSequence(RuleContext context, IReadOnlyList<LayerModel> sequence, bool isTopLevel)
    {
        for (var i = 1; i < sequence.Count; i++)
        {
            if (!IsLinearMap(sequence[i]))
            {
                continue;
            }

            var j = i - 1;
            while (j >= 0 && IsAffine(sequence[j]))
            {
                j--;
            }

            if (j >= 0 && IsLinearMap(sequence[j]) && !IsFactorized(sequence[j], sequence[i]))
            {
                context.Report(Descriptor, sequence[i], sequence[j].WrittenName, sequence[i].WrittenName);
            }
        }
    }

    private static bool IsAffine(LayerModel layer) => layer.Is(LayerTraits.Affine);

    private static bool IsFactorized(LayerModel first, LayerModel second) =>
        (first.Kind == LayerKind.Conv && second.Kind == LayerKind.Conv && (first.Groups > 1 || second.Groups > 1))
        || (first.OutFeatures < first.InFeatures && first.OutFeatures < second.OutFeatures);
}

/// <summary>NL1007: an activation as the network's last layer.</summary>
internal sealed class ActivationLastRule : Rule
{
    public override DiagnosticDescriptor Descriptor => DiagnosticDescriptors.ActivationLast;

    public override void CheckSequence(RuleContext context, IReadOnlyList<LayerModel> sequence, bool isTopLevel)
    {
        if (isTopLevel && sequence.Count > 0 && IsActivation(sequence[sequence.Count - 1]))
        {
            context.Report(Descriptor, sequence[sequence.Count - 1], sequence[sequence.Count - 1].WrittenName);
        }
    }
}

/// <summary>NL1008: a normalization as the network's last layer.</summary>
internal sealed class NormLastRule : Rule
{
    public override DiagnosticDescriptor Descriptor => DiagnosticDescriptors.NormLast;

    public override void CheckSequence(RuleContext context, IReadOnlyList<LayerModel> sequence, bool isTopLevel)
    {
        if (isTopLevel && sequence.Count > 0 && IsNorm(sequence[sequence.Count - 1]))
        {
            context.Report(Descriptor, sequence[sequence.Count - 1], sequence[sequence.Count - 1].WrittenName);
        }
    }
}

/// <summary>NL1009 (hidden): a monotone activation directly before max pooling (reported at the activation).</summary>
internal sealed class ActivationBeforeMaxPoolRule : Rule
{
    public override DiagnosticDescriptor Descriptor => DiagnosticDescriptors.ActivationBeforeMaxPool;

    public override void CheckSequence(RuleContext context, IReadOnlyList<LayerModel> sequence, bool isTopLevel)
    {
        for (var i = 0; i + 1 < sequence.Count; i++)
        {
            if (sequence[i].Is(LayerTraits.Monotone) && sequence[i + 1].Kind == LayerKind.MaxPool)
            {
                context.Report(Descriptor, sequence[i], sequence[i].WrittenName, sequence[i + 1].WrittenName);
            }
        }
    }
}

/// <summary>NL1010: a fourth saturating activation (sigmoid, tanh) with no normalization since the first.</summary>
internal sealed class SaturatingStackRule : Rule
{
    private const int Threshold = 4;

    public override DiagnosticDescriptor Descriptor => DiagnosticDescriptors.SaturatingStack;

    public override void CheckSequence(RuleContext context, IReadOnlyList<LayerModel> sequence, bool isTopLevel)
    {
        var count = 0;
        foreach (var layer in sequence)
        {
            if (IsNorm(layer))
            {
                count = 0;
            }
            else if (layer.Is(LayerTraits.Saturating) && ++count == Threshold)
            {
                context.Report(Descriptor, layer, layer.WrittenName, count);
            }
        }
    }
}

/// <summary>NL1011 (info): pooling before the first convolution or linear layer.</summary>
internal sealed class PoolingFirstRule : Rule
{
    public override DiagnosticDescriptor Descriptor => DiagnosticDescriptors.PoolingFirst;

    public override void CheckSequence(RuleContext context, IReadOnlyList<LayerModel> sequence, bool isTopLevel)
    {
        if (!isTopLevel)
        {
            return;
        }

        foreach (var layer in sequence)
        {
            if (IsLinearMap(layer) || layer.Is(LayerTraits.Structure))
            {
                return;
            }

            if (layer.Is(LayerTraits.LocalPooling) || layer.Is(LayerTraits.GlobalPooling))
            {
                context.Report(Descriptor, layer, layer.WrittenName);
            }
        }
    }
}

/// <summary>NL1012: batch normalization right after a residual addition (reported at the bn).</summary>
internal sealed class BatchNormAfterResidualRule : Rule
{
    public override DiagnosticDescriptor Descriptor => DiagnosticDescriptors.BatchNormAfterResidual;

    public override void CheckSequence(RuleContext context, IReadOnlyList<LayerModel> sequence, bool isTopLevel)
    {
        for (var i = 1; i < sequence.Count; i++)
        {
            if (sequence[i].Kind == LayerKind.BatchNorm && sequence[i - 1].Kind == LayerKind.Residual)
            {
                context.Report(Descriptor, sequence[i], sequence[i].WrittenName, sequence[i - 1].Name);
            }
        }
    }
}

/// <summary>NL1013 (info): dropout before max/average pooling, directly or with only activations between (reported at the dropout).</summary>
internal sealed class DropoutBeforePoolingRule : Rule
{
    public override DiagnosticDescriptor Descriptor => DiagnosticDescriptors.DropoutBeforePooling;

    public override void CheckSequence(RuleContext context, IReadOnlyList<LayerModel> sequence, bool isTopLevel)
    {
        for (var i = 0; i < sequence.Count; i++)
        {
            if (!IsDropout(sequence[i]))
            {
                continue;
            }

            var j = i + 1;
            while (j < sequence.Count && IsActivation(sequence[j]))
            {
                j++;
            }

            if (j < sequence.Count && IsLocalPooling(sequence[j]))
            {
                context.Report(Descriptor, sequence[i], sequence[i].WrittenName, sequence[j].WrittenName);
            }
        }
    }
}

/// <summary>NL1014 (error): softmax over a single feature or channel.</summary>
internal sealed class SoftmaxSingleFeatureRule : Rule
{
    public override DiagnosticDescriptor Descriptor => DiagnosticDescriptors.SoftmaxSingleFeature;

    public override void CheckSequence(RuleContext context, IReadOnlyList<LayerModel> sequence, bool isTopLevel)
    {
        foreach (var layer in sequence)
        {
            if (layer.Kind == LayerKind.Softmax && layer.InputShape.Channels == 1)
            {
                context.Report(Descriptor, layer, layer.WrittenName);
            }
        }
    }
}

/// <summary>NL1015: <c>droppath</c> in a sequence that is not a residual's branch (reported at the droppath).</summary>
internal sealed class DropPathOutsideResidualRule : Rule
{
    public override DiagnosticDescriptor Descriptor => DiagnosticDescriptors.DropPathOutsideResidual;

    public override void CheckNetwork(RuleContext context) => Check(context, context.Network.Layers, inResidual: false);

    private void Check(RuleContext context, IReadOnlyList<LayerModel> sequence, bool inResidual)
    {
        foreach (var layer in sequence)
        {
            if (layer.Kind == LayerKind.DropPath && !inResidual)
            {
                context.Report(Descriptor, layer);
            }

            foreach (var branch in layer.Branches)
            {
                Check(context, branch, layer.Kind == LayerKind.Residual);
            }
        }
    }
}
