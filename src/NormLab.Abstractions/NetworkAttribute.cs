using System;

namespace NormLab;

/// <summary>
/// Declares a network on a <c>partial record</c>. Either give the pipeline inline
/// (<c>[Network("conv3x3(Width) > bn > relu > flatten > linear(Classes)", Input = "1x28x28")]</c>; the
/// record's numeric parameters and properties are the hyper-parameters) or put one layer attribute per
/// layer after it (<c>[Network(Input = "1x28x28", Classes = 10)] [Conv3x3(32), BatchNorm, ReLU] …</c>).
/// The NormLab generator adds <c>Build()</c>, the module type and the architecture summary.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>A network whose layers are given by layer attributes.</summary>
    public NetworkAttribute()
    {
    }

    /// <summary>A network with an inline pipeline in the NormLab language.</summary>
    public NetworkAttribute(string pipeline) => Pipeline = pipeline;

    /// <summary>The inline pipeline, or null when layer attributes give the layers.</summary>
    public string? Pipeline { get; }

    /// <summary>The input shape: <c>CxHxW</c>, <c>HxW</c> (one channel) or a feature count.</summary>
    public string? Input { get; set; }

    /// <summary>When set, the output must have exactly this many features (NL2004).</summary>
    public int Classes { get; set; }

    /// <summary>Diagnostic IDs silenced for this network, comma separated (<c>"NL1001, NL1003"</c>).</summary>
    public string? Allow { get; set; }
}

/// <summary>The base of the layer attributes; each names one layer of the catalog.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public abstract class LayerAttribute : Attribute
{
}
