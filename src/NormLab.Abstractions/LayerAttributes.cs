// The layer attributes: one per layer of the catalog (language.md). The generator reads them by
// metadata name (NormLab.<Name>Attribute) and turns them into the pipeline they stand for.
using System;

namespace NormLab;

/// <summary>A 2-d convolution (<c>conv</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ConvAttribute : LayerAttribute
{
    /// <summary>Creates the attribute.</summary>
    public ConvAttribute(int outChannels, int kernel = 3)
    {
        OutChannels = outChannels;
        Kernel = kernel;
    }

    /// <summary>The <c>outChannels</c> argument.</summary>
    public int OutChannels { get; }

    /// <summary>The <c>kernel</c> argument.</summary>
    public int Kernel { get; }

    /// <summary>The <c>stride</c> argument; left out, the layer's default applies.</summary>
    public int Stride { get; set; }

    /// <summary>The <c>padding</c> argument; left out, the layer's default applies.</summary>
    public string? Padding { get; set; }

    /// <summary>The <c>dilation</c> argument; left out, the layer's default applies.</summary>
    public int Dilation { get; set; }

    /// <summary>The <c>groups</c> argument; left out, the layer's default applies.</summary>
    public int Groups { get; set; }

    /// <summary>The <c>bias</c> argument; left out, the layer's default applies.</summary>
    public bool Bias { get; set; }
}

/// <summary>A 1x1 convolution (<c>conv1x1</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv1x1Attribute : LayerAttribute
{
    /// <summary>Creates the attribute.</summary>
    public Conv1x1Attribute(int outChannels)
    {
        OutChannels = outChannels;
    }

    /// <summary>The <c>outChannels</c> argument.</summary>
    public int OutChannels { get; }

    /// <summary>The <c>stride</c> argument; left out, the layer's default applies.</summary>
    public int Stride { get; set; }

    /// <summary>The <c>padding</c> argument; left out, the layer's default applies.</summary>
    public string? Padding { get; set; }

    /// <summary>The <c>dilation</c> argument; left out, the layer's default applies.</summary>
    public int Dilation { get; set; }

    /// <summary>The <c>groups</c> argument; left out, the layer's default applies.</summary>
    public int Groups { get; set; }

    /// <summary>The <c>bias</c> argument; left out, the layer's default applies.</summary>
    public bool Bias { get; set; }
}

/// <summary>A 3x3 convolution (<c>conv3x3</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv3x3Attribute : LayerAttribute
{
    /// <summary>Creates the attribute.</summary>
    public Conv3x3Attribute(int outChannels)
    {
        OutChannels = outChannels;
    }

    /// <summary>The <c>outChannels</c> argument.</summary>
    public int OutChannels { get; }

    /// <summary>The <c>stride</c> argument; left out, the layer's default applies.</summary>
    public int Stride { get; set; }

    /// <summary>The <c>padding</c> argument; left out, the layer's default applies.</summary>
    public string? Padding { get; set; }

    /// <summary>The <c>dilation</c> argument; left out, the layer's default applies.</summary>
    public int Dilation { get; set; }

    /// <summary>The <c>groups</c> argument; left out, the layer's default applies.</summary>
    public int Groups { get; set; }

    /// <summary>The <c>bias</c> argument; left out, the layer's default applies.</summary>
    public bool Bias { get; set; }
}

/// <summary>A 5x5 convolution (<c>conv5x5</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv5x5Attribute : LayerAttribute
{
    /// <summary>Creates the attribute.</summary>
    public Conv5x5Attribute(int outChannels)
    {
        OutChannels = outChannels;
    }

    /// <summary>The <c>outChannels</c> argument.</summary>
    public int OutChannels { get; }

    /// <summary>The <c>stride</c> argument; left out, the layer's default applies.</summary>
    public int Stride { get; set; }

    /// <summary>The <c>padding</c> argument; left out, the layer's default applies.</summary>
    public string? Padding { get; set; }

    /// <summary>The <c>dilation</c> argument; left out, the layer's default applies.</summary>
    public int Dilation { get; set; }

    /// <summary>The <c>groups</c> argument; left out, the layer's default applies.</summary>
    public int Groups { get; set; }

    /// <summary>The <c>bias</c> argument; left out, the layer's default applies.</summary>
    public bool Bias { get; set; }
}

/// <summary>A 7x7 convolution (<c>conv7x7</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv7x7Attribute : LayerAttribute
{
    /// <summary>Creates the attribute.</summary>
    public Conv7x7Attribute(int outChannels)
    {
        OutChannels = outChannels;
    }

    /// <summary>The <c>outChannels</c> argument.</summary>
    public int OutChannels { get; }

    /// <summary>The <c>stride</c> argument; left out, the layer's default applies.</summary>
    public int Stride { get; set; }

    /// <summary>The <c>padding</c> argument; left out, the layer's default applies.</summary>
    public string? Padding { get; set; }

    /// <summary>The <c>dilation</c> argument; left out, the layer's default applies.</summary>
    public int Dilation { get; set; }

    /// <summary>The <c>groups</c> argument; left out, the layer's default applies.</summary>
    public int Groups { get; set; }

    /// <summary>The <c>bias</c> argument; left out, the layer's default applies.</summary>
    public bool Bias { get; set; }
}

/// <summary>A fully connected layer (<c>linear</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LinearAttribute : LayerAttribute
{
    /// <summary>Creates the attribute.</summary>
    public LinearAttribute(int outFeatures)
    {
        OutFeatures = outFeatures;
    }

    /// <summary>The <c>outFeatures</c> argument.</summary>
    public int OutFeatures { get; }

    /// <summary>The <c>bias</c> argument; left out, the layer's default applies.</summary>
    public bool Bias { get; set; }
}

/// <summary>A fully connected layer (<c>dense</c>, an alias of <c>linear</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : LayerAttribute
{
    /// <summary>Creates the attribute.</summary>
    public DenseAttribute(int outFeatures)
    {
        OutFeatures = outFeatures;
    }

    /// <summary>The <c>outFeatures</c> argument.</summary>
    public int OutFeatures { get; }

    /// <summary>The <c>bias</c> argument; left out, the layer's default applies.</summary>
    public bool Bias { get; set; }
}

/// <summary>Batch normalization (<c>bn</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BatchNormAttribute : LayerAttribute
{
    /// <summary>The <c>eps</c> argument; left out, the layer's default applies.</summary>
    public double Eps { get; set; }

    /// <summary>The <c>momentum</c> argument; left out, the layer's default applies.</summary>
    public double Momentum { get; set; }

    /// <summary>The <c>affine</c> argument; left out, the layer's default applies.</summary>
    public bool Affine { get; set; }
}

/// <summary>Layer normalization (<c>ln</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LayerNormAttribute : LayerAttribute
{
    /// <summary>The <c>eps</c> argument; left out, the layer's default applies.</summary>
    public double Eps { get; set; }

    /// <summary>The <c>affine</c> argument; left out, the layer's default applies.</summary>
    public bool Affine { get; set; }
}

/// <summary>Instance normalization (<c>in</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class InstanceNormAttribute : LayerAttribute
{
    /// <summary>The <c>eps</c> argument; left out, the layer's default applies.</summary>
    public double Eps { get; set; }

    /// <summary>The <c>affine</c> argument; left out, the layer's default applies.</summary>
    public bool Affine { get; set; }
}

/// <summary>Group normalization (<c>gn</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GroupNormAttribute : LayerAttribute
{
    /// <summary>Creates the attribute.</summary>
    public GroupNormAttribute(int groups)
    {
        Groups = groups;
    }

    /// <summary>The <c>groups</c> argument.</summary>
    public int Groups { get; }

    /// <summary>The <c>eps</c> argument; left out, the layer's default applies.</summary>
    public double Eps { get; set; }

    /// <summary>The <c>affine</c> argument; left out, the layer's default applies.</summary>
    public bool Affine { get; set; }
}

/// <summary><c>relu</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ReLUAttribute : LayerAttribute
{
}

/// <summary><c>leakyrelu</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LeakyReLUAttribute : LayerAttribute
{
    /// <summary>Creates the attribute.</summary>
    public LeakyReLUAttribute(double slope = 0.01)
    {
        Slope = slope;
    }

    /// <summary>The <c>slope</c> argument.</summary>
    public double Slope { get; }
}

/// <summary><c>elu</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ELUAttribute : LayerAttribute
{
    /// <summary>Creates the attribute.</summary>
    public ELUAttribute(double alpha = 1.0)
    {
        Alpha = alpha;
    }

    /// <summary>The <c>alpha</c> argument.</summary>
    public double Alpha { get; }
}

/// <summary><c>prelu</c> (one learned slope).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class PReLUAttribute : LayerAttribute
{
}

/// <summary><c>sigmoid</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SigmoidAttribute : LayerAttribute
{
}

/// <summary><c>tanh</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class TanhAttribute : LayerAttribute
{
}

/// <summary><c>softplus</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SoftplusAttribute : LayerAttribute
{
    /// <summary>Creates the attribute.</summary>
    public SoftplusAttribute(double beta = 1.0)
    {
        Beta = beta;
    }

    /// <summary>The <c>beta</c> argument.</summary>
    public double Beta { get; }
}

/// <summary><c>swish</c> (SiLU).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SwishAttribute : LayerAttribute
{
}

/// <summary><c>gelu</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GELUAttribute : LayerAttribute
{
}

/// <summary><c>mish</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MishAttribute : LayerAttribute
{
}

/// <summary><c>selu</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SELUAttribute : LayerAttribute
{
}

/// <summary><c>relu6</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ReLU6Attribute : LayerAttribute
{
}

/// <summary><c>softmax</c> over the features.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SoftmaxAttribute : LayerAttribute
{
}

/// <summary><c>maxout</c>: the maximum over groups of <c>pieces</c> channels.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxoutAttribute : LayerAttribute
{
    /// <summary>Creates the attribute.</summary>
    public MaxoutAttribute(int pieces = 2)
    {
        Pieces = pieces;
    }

    /// <summary>The <c>pieces</c> argument.</summary>
    public int Pieces { get; }
}

/// <summary>Max pooling (<c>maxpool</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPoolAttribute : LayerAttribute
{
    /// <summary>Creates the attribute.</summary>
    public MaxPoolAttribute(int kernel = 2)
    {
        Kernel = kernel;
    }

    /// <summary>The <c>kernel</c> argument.</summary>
    public int Kernel { get; }

    /// <summary>The <c>stride</c> argument; left out, the layer's default applies.</summary>
    public int Stride { get; set; }

    /// <summary>The <c>padding</c> argument; left out, the layer's default applies.</summary>
    public int Padding { get; set; }
}

/// <summary>Average pooling (<c>avgpool</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AvgPoolAttribute : LayerAttribute
{
    /// <summary>Creates the attribute.</summary>
    public AvgPoolAttribute(int kernel = 2)
    {
        Kernel = kernel;
    }

    /// <summary>The <c>kernel</c> argument.</summary>
    public int Kernel { get; }

    /// <summary>The <c>stride</c> argument; left out, the layer's default applies.</summary>
    public int Stride { get; set; }

    /// <summary>The <c>padding</c> argument; left out, the layer's default applies.</summary>
    public int Padding { get; set; }
}

/// <summary>Global average pooling (<c>gap</c>): <c>C</c> features.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GlobalAvgPoolAttribute : LayerAttribute
{
}

/// <summary>Global max pooling (<c>gmp</c>): <c>C</c> features.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GlobalMaxPoolAttribute : LayerAttribute
{
}

/// <summary><c>flatten</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FlattenAttribute : LayerAttribute
{
}

/// <summary><c>dropout</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute : LayerAttribute
{
    /// <summary>Creates the attribute.</summary>
    public DropoutAttribute(double p = 0.5)
    {
        P = p;
    }

    /// <summary>The <c>p</c> argument.</summary>
    public double P { get; }
}

/// <summary><c>dropout2d</c> (drops whole channels).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Dropout2dAttribute : LayerAttribute
{
    /// <summary>Creates the attribute.</summary>
    public Dropout2dAttribute(double p = 0.5)
    {
        P = p;
    }

    /// <summary>The <c>p</c> argument.</summary>
    public double P { get; }
}

/// <summary><c>identity</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class IdentityAttribute : LayerAttribute
{
}
