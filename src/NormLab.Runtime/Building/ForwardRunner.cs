using System;
using System.Collections.Generic;
using NormLab.Dsl.Model;
using static TorchSharp.torch;

namespace NormLab.Runtime.Building;

/// <summary>Executes a network's <see cref="ForwardPlan"/> on tensors: the run-time module's forward and the health probe's walk.</summary>
internal static class ForwardRunner
{
    /// <summary>
    /// Runs <paramref name="plan"/> on <paramref name="input"/> with the module of each layer step;
    /// <paramref name="observe"/> (if given) sees each layer's or join's input and output.
    /// </summary>
    public static Tensor Run(ForwardPlan plan, IReadOnlyList<nn.Module<Tensor, Tensor>?> modules, Tensor input, Action<LayerModel, Tensor, Tensor>? observe = null)
    {
        var slots = new Tensor[plan.Slots.Count];
        slots[0] = input;
        var steps = plan.Steps;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            switch (step.Kind)
            {
                case ForwardStepKind.Layer:
                {
                    var x = slots[step.Source];
                    var y = modules[i]!.call(x); // call, not forward: the convolution probe is a forward pre-hook
                    observe?.Invoke(step.Layer, x, y);
                    slots[step.Target] = y;
                    break;
                }

                case ForwardStepKind.Save:
                    slots[step.Target] = slots[step.Source];
                    break;
                case ForwardStepKind.Add:
                {
                    var sum = slots[step.Sources[0]] + slots[step.Sources[1]];
                    for (var s = 2; s < step.Sources.Count; s++)
                    {
                        sum = sum + slots[step.Sources[s]];
                    }

                    observe?.Invoke(step.Layer, slots[step.Sources[step.Sources.Count - 1]], sum);
                    slots[step.Target] = sum;
                    break;
                }

                case ForwardStepKind.Concat:
                {
                    var parts = new Tensor[step.Sources.Count];
                    for (var s = 0; s < parts.Length; s++)
                    {
                        parts[s] = slots[step.Sources[s]];
                    }

                    var joined = NormLab.Runtime.Modules.Joins.Concat(parts);
                    observe?.Invoke(step.Layer, parts[parts.Length - 1], joined);
                    slots[step.Target] = joined;
                    break;
                }

                case ForwardStepKind.Multiply:
                {
                    var product = NormLab.Runtime.Modules.Joins.Multiply(slots[step.Sources[0]], slots[step.Sources[1]]);
                    observe?.Invoke(step.Layer, slots[step.Sources[1]], product);
                    slots[step.Target] = product;
                    break;
                }
            }
        }

        return slots[0];
    }

    /// <summary>The module of every layer step of <paramref name="plan"/> (null for saves and joins), found by layer.</summary>
    public static nn.Module<Tensor, Tensor>?[] Modules(ForwardPlan plan, Func<LayerModel, nn.Module<Tensor, Tensor>> module)
    {
        var modules = new nn.Module<Tensor, Tensor>?[plan.Steps.Count];
        for (var i = 0; i < modules.Length; i++)
        {
            if (plan.Steps[i].Kind == ForwardStepKind.Layer)
            {
                modules[i] = module(plan.Steps[i].Layer);
            }
        }

        return modules;
    }
}
