namespace NormLab.Dsl.Binding;

/// <summary>Every layer of the catalog, after aliases are resolved.</summary>
public enum LayerKind
{
    Conv,
    Linear,
    BatchNorm,
    LayerNorm,
    InstanceNorm,
    GroupNorm,
    ReLU,
    LeakyReLU,
    ELU,
    PReLU,
    Sigmoid,
    Tanh,
    Softplus,
    Swish,
    GELU,
    Mish,
    SELU,
    ReLU6,
    Softmax,
    Maxout,
    MaxPool,
    AvgPool,
    GlobalAvgPool,
    GlobalMaxPool,
    Flatten,
    Dropout,
    Dropout2d,
    Identity,
    Residual,
}

/// <summary>The groups of the catalog; the ordering rules speak in these terms.</summary>
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
