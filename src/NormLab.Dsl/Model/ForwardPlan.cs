using System.Collections.Generic;
using NormLab.Dsl.Layers;

namespace NormLab.Dsl.Model;

/// <summary>What one step of a forward pass does.</summary>
public enum ForwardStepKind
{
    /// <summary><c>target = layer(source)</c>.</summary>
    Layer,

    /// <summary><c>target = source</c>: keeps a value that a later join reads (a residual's input).</summary>
    Save,

    /// <summary><c>target = sources[0] + sources[1] + …</c>: a residual's branch and its (projected) input.</summary>
    Add,

    /// <summary><c>target = cat(sources, dim: 1)</c>: a <c>concat</c>'s branches, joined on channels (or features).</summary>
    Concat,

    /// <summary><c>target = sources[0] * sources[1]</c>, the gate (<c>C</c> features) broadcast over the positions: <c>scale</c>, <c>se</c>.</summary>
    Multiply,
}

/// <summary>One step of a <see cref="ForwardPlan"/>; slots are indexes into <see cref="ForwardPlan.Slots"/>.</summary>
public sealed class ForwardStep
{
    internal ForwardStep(ForwardStepKind kind, LayerModel layer, int target, IReadOnlyList<int> sources)
    {
        Kind = kind;
        Layer = layer;
        Target = target;
        Sources = sources;
    }

    public ForwardStepKind Kind { get; }

    /// <summary>The layer run (<see cref="ForwardStepKind.Layer"/>) or the structure that saves or joins (the residual).</summary>
    public LayerModel Layer { get; }

    /// <summary>The slot written.</summary>
    public int Target { get; }

    /// <summary>The slots read: one for a layer or a save, two or more for a join.</summary>
    public IReadOnlyList<int> Sources { get; }

    public int Source => Sources[0];
}

/// <summary>
/// The one definition of a network's evaluation order: which layer runs on which value, which values are
/// kept for later, and how branches join. The run-time module and the health probe execute it; the
/// generator emits it as C#; so all three agree by construction. Slot 0 (<c>x</c>) holds the input and, at
/// the end, the output.
/// </summary>
public sealed class ForwardPlan
{
    private readonly List<string> _slots = new() { "x" };
    private readonly List<ForwardStep> _steps = new();

    private ForwardPlan(IReadOnlyList<LayerModel> layers) => Append(layers, 0);

    /// <summary>The names of the values (<c>x</c>, <c>residual1</c>); generated code uses them as local variables.</summary>
    public IReadOnlyList<string> Slots => _slots;

    public IReadOnlyList<ForwardStep> Steps => _steps;

    /// <summary>The plan of a checked network (valid: every layer has a shape).</summary>
    public static ForwardPlan For(NetworkModel network) => new(network.Layers);

    private void Append(IReadOnlyList<LayerModel> layers, int slot)
    {
        foreach (var layer in layers)
        {
            if (layer.HasModule)
            {
                _steps.Add(new ForwardStep(ForwardStepKind.Layer, layer, slot, new[] { slot }));
            }
            else if (layer.Kind == LayerKind.Residual)
            {
                AppendResidual(layer, slot);
            }
            else if (layer.Kind == LayerKind.Concat)
            {
                AppendConcat(layer, slot);
            }
            else if (layer.Is(LayerTraits.Gate))
            {
                AppendGate(layer, slot);
            }
        }
    }

    /// <summary>
    /// <c>residual</c>: the input is kept in a slot of the residual's name; every branch runs on the input (the
    /// first in the running slot, others in slots of their own), the projection (if any) runs on the kept
    /// input, and the sum of all of them replaces the running value.
    /// </summary>
    private void AppendResidual(LayerModel residual, int slot)
    {
        var shortcut = NewSlot(residual.Name);
        _steps.Add(new ForwardStep(ForwardStepKind.Save, residual, shortcut, new[] { slot }));
        var sums = new List<int> { slot };
        for (var b = 0; b < residual.Branches.Count; b++)
        {
            var branchSlot = slot;
            if (b > 0)
            {
                branchSlot = NewSlot(residual.Name + "_branch" + (b + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                _steps.Add(new ForwardStep(ForwardStepKind.Save, residual, branchSlot, new[] { shortcut }));
                sums.Add(branchSlot);
            }

            Append(residual.Branches[b], branchSlot);
        }

        Append(residual.Shortcut, shortcut);
        sums.Add(shortcut);
        _steps.Add(new ForwardStep(ForwardStepKind.Add, residual, slot, sums));
    }

    /// <summary>
    /// <c>concat</c>: the input is kept in a slot of the concat's name; branch k runs in a slot of its own
    /// (<c>concat1_b2</c>), the first in the running slot; the branches' outputs, in order, joined on dimension 1.
    /// </summary>
    private void AppendConcat(LayerModel concat, int slot)
    {
        var input = NewSlot(concat.Name);
        _steps.Add(new ForwardStep(ForwardStepKind.Save, concat, input, new[] { slot }));
        var outputs = new List<int>();
        for (var b = 0; b < concat.Branches.Count; b++)
        {
            var branchSlot = slot;
            if (b > 0)
            {
                branchSlot = NewSlot(concat.Name + "_b" + (b + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                _steps.Add(new ForwardStep(ForwardStepKind.Save, concat, branchSlot, new[] { input }));
            }

            Append(concat.Branches[b], branchSlot);
            outputs.Add(branchSlot);
        }

        _steps.Add(new ForwardStep(ForwardStepKind.Concat, concat, slot, outputs));
    }

    /// <summary><c>scale</c> and <c>se</c>: the input kept, the branch run on it in the running slot, then input × gate.</summary>
    private void AppendGate(LayerModel gate, int slot)
    {
        var input = NewSlot(gate.Name);
        _steps.Add(new ForwardStep(ForwardStepKind.Save, gate, input, new[] { slot }));
        foreach (var branch in gate.Branches)
        {
            Append(branch, slot);
        }

        _steps.Add(new ForwardStep(ForwardStepKind.Multiply, gate, slot, new[] { input, slot }));
    }

    private int NewSlot(string name)
    {
        _slots.Add(name);
        return _slots.Count - 1;
    }
}
