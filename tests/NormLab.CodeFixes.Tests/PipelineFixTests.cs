namespace NormLab.CodeFixes.Tests;

/// <summary>
/// The fixes of the inline pipeline: edits of the string literal, whatever its kind, that keep the kind and
/// every character the fix does not touch.
/// </summary>
public sealed class PipelineFixTests
{
    [Fact]
    public Task NL1001_SwapsInARegularLiteral() => CodeFixTest.VerifyAsync("""
        using NormLab;
        [Network("conv3x3(32) > relu > {|NL1001:bn|} > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """, """
        using NormLab;
        [Network("conv3x3(32) > bn > relu > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """);

    [Fact]
    public Task NL1001_KeepsEscapesOutsideTheSwappedLayers() => CodeFixTest.VerifyAsync("""
        using NormLab;
        [Network("conv3x3(32)\t> leakyrelu(slope: 0.2)\n> {|NL1001:bn(momentum: 0.2)|} > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """, """
        using NormLab;
        [Network("conv3x3(32)\t> bn(momentum: 0.2)\n> leakyrelu(slope: 0.2) > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """);

    [Fact]
    public Task NL1001_MovesAnEscapedLayerByItsValue() => CodeFixTest.VerifyAsync("""
        using NormLab;
        [Network("conv3x3(32) > \u0072elu > {|NL1001:bn|} > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """, """
        using NormLab;
        [Network("conv3x3(32) > bn > relu > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """);

    [Fact]
    public Task NL1001_SwapsInAVerbatimLiteral() => CodeFixTest.VerifyAsync("""
        using NormLab;
        [Network(@"/* a ""quoted"" word */ conv3x3(32) > relu
                   > {|NL1001:bn|} > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """, """
        using NormLab;
        [Network(@"/* a ""quoted"" word */ conv3x3(32) > bn
                   > relu > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """);

    [Fact]
    public Task NL1001_SwapsInASingleLineRawLiteral() => CodeFixTest.VerifyAsync(""""
        using NormLab;
        [Network("""conv3x3(32) > relu > {|NL1001:bn|} > gap > linear(10)""", Input = "3x32x32")]
        public partial record Net;
        """", """"
        using NormLab;
        [Network("""conv3x3(32) > bn > relu > gap > linear(10)""", Input = "3x32x32")]
        public partial record Net;
        """");

    [Fact]
    public Task NL1001_SwapsInAMultiLineRawLiteral() => CodeFixTest.VerifyAsync(""""
        using NormLab;
        namespace Consumer
        {
            [Network("""
                conv3x3(32) > relu
                    > {|NL1001:bn|}
                > gap > linear(10)
                """, Input = "3x32x32")]
            public partial record Net;
        }
        """", """"
        using NormLab;
        namespace Consumer
        {
            [Network("""
                conv3x3(32) > bn
                    > relu
                > gap > linear(10)
                """, Input = "3x32x32")]
            public partial record Net;
        }
        """");

    [Fact]
    public Task NL1001_InsideAResidualBranch() => CodeFixTest.VerifyAsync("""
        using NormLab;
        [Network("conv3x3(16) > bn > relu > residual { conv3x3(16) > relu > {|NL1001:bn|} } > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """, """
        using NormLab;
        [Network("conv3x3(16) > bn > relu > residual { conv3x3(16) > bn > relu } > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """);

    [Fact]
    public Task NL1001_NoFix_WhenTheActivationIsInAGroup() => CodeFixTest.VerifyAsync("""
        using NormLab;
        [Network("conv3x3(32) > (relu) > {|NL1001:bn|} > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """, """
        using NormLab;
        [Network("conv3x3(32) > (relu) > {|NL1001:bn|} > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """);

    [Fact]
    public Task NL1002_RemovesBias() => CodeFixTest.VerifyAsync("""
        using NormLab;
        [Network("{|NL1002:conv3x3(32, bias: true)|} > bn > relu > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """, """
        using NormLab;
        [Network("conv3x3(32) > bn > relu > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """);

    [Fact]
    public Task NL1002_RemovesBias_BeforeAnotherArgument() => CodeFixTest.VerifyAsync(""""
        using NormLab;
        [Network("""flatten > {|NL1002:linear(bias: true, out: 64)|} > bn > relu > linear(10)""", Input = "1x28x28")]
        public partial record Net;
        """", """"
        using NormLab;
        [Network("""flatten > linear(out: 64) > bn > relu > linear(10)""", Input = "1x28x28")]
        public partial record Net;
        """");

    [Fact]
    public Task NL2002_InsertsFlatten() => CodeFixTest.VerifyAsync("""
        using NormLab;
        [Network(@"conv3x3(8) > bn > relu > avgpool > {|NL2002:linear(10)|}", Input = "1x28x28")]
        public partial record Net;
        """, """
        using NormLab;
        [Network(@"conv3x3(8) > bn > relu > avgpool > flatten > linear(10)", Input = "1x28x28")]
        public partial record Net;
        """);

    [Fact]
    public Task NL2002_InsertsFlatten_AfterTheInput() => CodeFixTest.VerifyAsync("""
        using NormLab;
        [Network("{|NL2002:dense(10)|}", Input = "1x28x28")]
        public partial record Net;
        """, """
        using NormLab;
        [Network("flatten > dense(10)", Input = "1x28x28")]
        public partial record Net;
        """);

    // "\x20" + "flatten" would read as "\x20f", "\x20" + "bn" as "\x20b": the literal is rebuilt from its new value instead
    [Fact]
    public Task NL2002_RebuildsTheLiteral_WhenAnEscapeWouldSwallowTheInsertion() => CodeFixTest.VerifyAsync("""
        using NormLab;
        [Network("conv3x3(8) > relu >\x20{|NL2002:linear(10)|}", Input = "1x28x28")]
        public partial record Net;
        """, """
        using NormLab;
        [Network("conv3x3(8) > relu > flatten > linear(10)", Input = "1x28x28")]
        public partial record Net;
        """);

    [Fact]
    public Task NL1001_RebuildsTheLiteral_WhenAnEscapeWouldSwallowTheSwap() => CodeFixTest.VerifyAsync("""
        using NormLab;
        [Network("conv3x3(32) >\x20relu > {|NL1001:bn|} > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """, """
        using NormLab;
        [Network("conv3x3(32) > bn > relu > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """);
}
