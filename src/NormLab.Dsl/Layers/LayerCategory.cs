namespace NormLab.Dsl.Layers;

/// <summary>The groups of the catalog, as hover, completion and the docs show them.</summary>
public enum LayerCategory
{
    Convolution,
    FullyConnected,
    Normalization,
    Activation,
    Pooling,
    GlobalPooling,
    Shape,
    Regularization,
    Structure,
}

/// <summary>What rules and back ends ask of a layer kind instead of switching on it.</summary>
[System.Flags]
public enum LayerTraits
{
    None = 0,

    /// <summary>Normalizes its input (bn, ln, in, gn); the health probe records its input statistics.</summary>
    Normalization = 1 << 0,

    /// <summary>A non-linearity applied element-wise (or across pieces, for maxout).</summary>
    Activation = 1 << 1,

    /// <summary>An activation f with f(max(a, b)) = max(f(a), f(b)): max pooling commutes with it.</summary>
    Monotone = 1 << 2,

    /// <summary>An activation whose gradient vanishes at both ends (sigmoid, tanh).</summary>
    Saturating = 1 << 3,

    /// <summary>A learned linear map (conv, linear).</summary>
    LinearMap = 1 << 4,

    /// <summary>Affine in its input at inference (bn, dropout, average pooling, flatten, identity): two linear maps with only these between collapse into one.</summary>
    Affine = 1 << 5,

    /// <summary>Subtracts a per-channel batch mean (bn, in): a bias right before it is cancelled, so <c>bias: auto</c> drops it.</summary>
    CancelsBias = 1 << 6,

    /// <summary>Random zeroing in training, identity in evaluation.</summary>
    Dropout = 1 << 7,

    /// <summary>Windowed pooling (maxpool, avgpool).</summary>
    LocalPooling = 1 << 8,

    /// <summary>Pooling over the whole spatial extent (gap, gmp).</summary>
    GlobalPooling = 1 << 9,

    /// <summary>Leaves values alone (pooling, flatten, dropout, identity): a norm after an activation is still after it with only these between.</summary>
    Transparent = 1 << 10,

    /// <summary>Holds other layers (residual); has no module of its own.</summary>
    Structure = 1 << 11,

    /// <summary>Multiplies its input by a gate computed from it (<c>scale { }</c>, <c>se</c>).</summary>
    Gate = 1 << 12,

    /// <summary>Joins branches on channels (<c>concat { }</c>).</summary>
    Join = 1 << 13,

    /// <summary>A layer NormLab creates inside another (the pool of <c>se</c>); not a name of the language.</summary>
    Internal = 1 << 14,
}

/// <summary>What the health probe measures on a layer's output.</summary>
public enum HealthMetric
{
    /// <summary>Mean and standard deviation only.</summary>
    None,

    /// <summary>The fraction of units that are at most 0 for every example of the batch.</summary>
    DeadUnits,

    /// <summary>The fraction of outputs outside the kind's unsaturated band (<see cref="LayerKind.SaturationBand"/>).</summary>
    Saturation,
}
