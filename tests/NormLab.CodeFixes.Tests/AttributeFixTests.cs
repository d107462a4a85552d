namespace NormLab.CodeFixes.Tests;

/// <summary>The fixes of the attribute form: each diagnostic at its exact span, then the fixed source.</summary>
public sealed class AttributeFixTests
{
    [Fact]
    public Task NL1001_SwapsTheNormalizationAndTheActivation() => CodeFixTest.VerifyAsync("""
        using NormLab;

        [Network(Input = "1x28x28", Classes = 10)]
        [Conv3x3(32), ReLU, {|NL1001:BatchNorm|}, AvgPool]
        [Flatten, Linear(10)]
        public partial record Net;
        """, """
        using NormLab;

        [Network(Input = "1x28x28", Classes = 10)]
        [Conv3x3(32), BatchNorm, ReLU, AvgPool]
        [Flatten, Linear(10)]
        public partial record Net;
        """);

    [Fact]
    public Task NL1001_SwapsAcrossAttributeLists() => CodeFixTest.VerifyAsync("""
        using NormLab;

        [Network(Input = "1x28x28", Classes = 10)]
        [Conv3x3(32), ELU(0.5)]
        [{|NL1001:LayerNorm|}, Flatten, Linear(10)]
        public partial record Net;
        """, """
        using NormLab;

        [Network(Input = "1x28x28", Classes = 10)]
        [Conv3x3(32), LayerNorm]
        [ELU(0.5), Flatten, Linear(10)]
        public partial record Net;
        """);

    [Fact]
    public Task NL1001_SkipsAttributesThatAreNotLayers() => CodeFixTest.VerifyAsync("""
        using System;
        using NormLab;

        [Network(Input = "1x28x28", Classes = 10)]
        [Conv3x3(32), Tanh]
        [Obsolete("kept for a study")]
        [{|NL1001:BatchNorm|}, Flatten, Linear(10)]
        public partial record Net;
        """, """
        using System;
        using NormLab;

        [Network(Input = "1x28x28", Classes = 10)]
        [Conv3x3(32), BatchNorm]
        [Obsolete("kept for a study")]
        [Tanh, Flatten, Linear(10)]
        public partial record Net;
        """);

    [Fact]
    public Task NL1002_RemovesBias() => CodeFixTest.VerifyAsync("""
        using NormLab;

        [Network(Input = "1x28x28", Classes = 10)]
        [{|NL1002:Conv3x3(32, Bias = true)|}, BatchNorm, ReLU]
        [Flatten, Linear(10)]
        public partial record Net;
        """, """
        using NormLab;

        [Network(Input = "1x28x28", Classes = 10)]
        [Conv3x3(32), BatchNorm, ReLU]
        [Flatten, Linear(10)]
        public partial record Net;
        """);

    [Fact]
    public Task NL1002_RemovesBias_AmongOtherNamedArguments() => CodeFixTest.VerifyAsync("""
        using NormLab;

        [Network(Input = "1x28x28", Classes = 10)]
        [{|NL1002:Conv(32, Bias = true, Stride = 2)|}, BatchNorm, ReLU]
        [Flatten, Linear(10)]
        public partial record Net;
        """, """
        using NormLab;

        [Network(Input = "1x28x28", Classes = 10)]
        [Conv(32, Stride = 2), BatchNorm, ReLU]
        [Flatten, Linear(10)]
        public partial record Net;
        """);

    [Fact]
    public Task NL2002_InsertsFlatten() => CodeFixTest.VerifyAsync("""
        using NormLab;

        [Network(Input = "1x28x28", Classes = 10)]
        [Conv3x3(8), BatchNorm, ReLU, AvgPool]
        [{|NL2002:Linear(10)|}]
        public partial record Net;
        """, """
        using NormLab;

        [Network(Input = "1x28x28", Classes = 10)]
        [Conv3x3(8), BatchNorm, ReLU, AvgPool]
        [Flatten, Linear(10)]
        public partial record Net;
        """);

    [Fact]
    public Task NL2002_InsertsFlatten_WithTheSameQualification() => CodeFixTest.VerifyAsync("""
        [NormLab.Network(Input = "1x28x28", Classes = 10)]
        [NormLab.Conv3x3(8), NormLab.BatchNorm, NormLab.ReLU, {|NL2002:NormLab.Linear(10)|}]
        public partial record Net;
        """, """
        [NormLab.Network(Input = "1x28x28", Classes = 10)]
        [NormLab.Conv3x3(8), NormLab.BatchNorm, NormLab.ReLU, NormLab.Flatten, NormLab.Linear(10)]
        public partial record Net;
        """);

    [Fact]
    public Task NL3001_AddsPartial() => CodeFixTest.VerifyAsync("""
        using NormLab;

        [Network(Input = "1x28x28", Classes = 10)]
        [Flatten, Linear(10)]
        public sealed record {|NL3001:Net|}(int Width = 32);
        """, """
        using NormLab;

        [Network(Input = "1x28x28", Classes = 10)]
        [Flatten, Linear(10)]
        public sealed partial record Net(int Width = 32);
        """);

    [Fact]
    public Task NL3001_AddsPartial_WithoutModifiers() => CodeFixTest.VerifyAsync("""
        using NormLab;

        [Network("flatten > linear(10)", Input = "1x28x28")]
        class {|NL3001:Net|}
        {
        }
        """, """
        using NormLab;

        [Network("flatten > linear(10)", Input = "1x28x28")]
        partial class Net
        {
        }
        """);
}
