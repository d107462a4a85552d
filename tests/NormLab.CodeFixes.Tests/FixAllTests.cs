namespace NormLab.CodeFixes.Tests;

/// <summary>
/// Fix All (document, project and solution scopes, run by the harness): several fixes of one rule in one
/// literal become one rewrite of it; fixes in layer attributes and in literals of one document go together.
/// One fix at a time reaches the same result in as many steps as there are diagnostics.
/// </summary>
public sealed class FixAllTests
{
    [Fact]
    public Task NL1001_SeveralInOneLiteral() => Verify(3, """
        using NormLab;
        [Network("conv3x3(16) > relu > {|NL1001:bn|} > conv3x3(32) > gelu > {|NL1001:bn|} > conv3x3(32) > swish > {|NL1001:gn(groups: 4)|} > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """, """
        using NormLab;
        [Network("conv3x3(16) > bn > relu > conv3x3(32) > bn > gelu > conv3x3(32) > gn(groups: 4) > swish > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """);

    [Fact]
    public Task NL1001_LiteralsAndAttributesInOneDocument() => Verify(3, """"
        using NormLab;

        [Network(Input = "1x28x28", Classes = 10)]
        [Conv3x3(16), ReLU, {|NL1001:BatchNorm|}]
        [Conv3x3(32), ReLU]
        [{|NL1001:BatchNorm|}, Flatten, Linear(10)]
        public partial record First;

        [Network("""
            conv3x3(16) > relu > {|NL1001:bn|}
            > gap > linear(10)
            """, Input = "3x32x32")]
        public partial record Second;
        """", """"
        using NormLab;

        [Network(Input = "1x28x28", Classes = 10)]
        [Conv3x3(16), BatchNorm, ReLU]
        [Conv3x3(32), BatchNorm]
        [ReLU, Flatten, Linear(10)]
        public partial record First;

        [Network("""
            conv3x3(16) > bn > relu
            > gap > linear(10)
            """, Input = "3x32x32")]
        public partial record Second;
        """");

    [Fact]
    public Task NL1002_SeveralInOneLiteral() => Verify(2, """
        using NormLab;
        [Network("{|NL1002:conv3x3(16, bias: true)|} > bn > relu > {|NL1002:conv(32, kernel: 5, bias: true)|} > in > relu > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """, """
        using NormLab;
        [Network("conv3x3(16) > bn > relu > conv(32, kernel: 5) > in > relu > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """);

    [Fact]
    public Task NL2002_InSeveralNetworks() => Verify(3, """
        using NormLab;

        [Network(@"conv3x3(8) > relu > {|NL2002:linear(10)|}", Input = "1x28x28")]
        public partial record First;

        [Network(Input = "1x28x28", Classes = 10)]
        [Conv3x3(8), BatchNorm, ReLU, {|NL2002:Linear(10)|}]
        public partial record Second;

        [Network(Input = "1x28x28", Classes = 10)]
        [{|NL2002:Dense(10)|}]
        public partial record Third;
        """, """
        using NormLab;

        [Network(@"conv3x3(8) > relu > flatten > linear(10)", Input = "1x28x28")]
        public partial record First;

        [Network(Input = "1x28x28", Classes = 10)]
        [Conv3x3(8), BatchNorm, ReLU, Flatten, Linear(10)]
        public partial record Second;

        [Network(Input = "1x28x28", Classes = 10)]
        [Flatten, Dense(10)]
        public partial record Third;
        """);

    [Fact]
    public Task NL3001_SeveralTypes() => Verify(2, """
        using NormLab;

        [Network("flatten > linear(10)", Input = "1x28x28")]
        public record {|NL3001:First|};

        [Network("flatten > linear(10)", Input = "1x28x28")]
        internal sealed record class {|NL3001:Second|};
        """, """
        using NormLab;

        [Network("flatten > linear(10)", Input = "1x28x28")]
        public partial record First;

        [Network("flatten > linear(10)", Input = "1x28x28")]
        internal sealed partial record class Second;
        """);

    private static Task Verify(int diagnostics, string source, string fixedSource)
    {
        var test = new CodeFixTest
        {
            TestCode = source,
            FixedCode = fixedSource,
            NumberOfIncrementalIterations = diagnostics, // one fix at a time
            NumberOfFixAllIterations = 1,                // Fix All: one pass
        };
        return test.RunAsync();
    }
}
