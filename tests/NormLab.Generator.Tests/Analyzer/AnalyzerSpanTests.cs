using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NormLab.Generator.Tests.Infrastructure;

namespace NormLab.Generator.Tests.Analyzer;

/// <summary>
/// Every diagnostic lands on the exact text it is about: inside a <c>.normlab</c> file, inside the pipeline
/// string whatever the literal kind, on the offending layer attribute, or on the C# declaration. The
/// expected span is marked <c>[|...|]</c> in the source.
/// </summary>
public sealed class AnalyzerSpanTests
{
    private const string NormlabPath = GeneratorHarness.ProjectDirectory + "networks/ordering.normlab";

    [Fact]
    public async Task NL1001_InANormlabFile_IsAtTheNormalization()
    {
        var source = AnnotatedSource.Parse("""
            namespace Study

            network ConvReluBn(input: 1x28x28, classes: 10) {
                conv3x3(32) > relu > [|bn|] > maxpool > gap > linear(classes)
            }
            """);

        var diagnostics = await GeneratorHarness.AnalyzeAsync(new[] { GeneratorHarness.File(NormlabPath, source.Text) });

        var diagnostic = Assert.Single(diagnostics, d => d.Id == "NL1001");
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.DefaultSeverity); // reported as an error here: warnings are errors
        Assert.Equal(LocationKind.ExternalFile, diagnostic.Location.Kind);
        var lines = diagnostic.Location.GetLineSpan();
        Assert.Equal(NormlabPath, lines.Path);
        Assert.Equal(source.Span, diagnostic.Location.SourceSpan);
        Assert.Equal(new LinePosition(3, 25), lines.StartLinePosition); // zero-based: line 4, column 26
        Assert.Equal(new LinePosition(3, 27), lines.EndLinePosition);
    }

    [Fact]
    public Task NL1001_InARegularLiteral() => AssertSpan("NL1001", """
        using NormLab;
        [Network("conv3x3(32) > relu > [|bn|] > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """);

    [Fact]
    public Task NL1001_InAVerbatimLiteral_AfterDoubledQuotes() => AssertSpan("NL1001", """
        using NormLab;
        [Network(@"/* a ""quoted"" word */ conv3x3(32) > relu > [|bn|] > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """);

    [Fact]
    public Task NL1001_InAMultiLineVerbatimLiteral() => AssertSpan("NL1001", """
        using NormLab;
        [Network(@"conv3x3(32) > relu
                   > [|bn|] > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """);

    [Fact]
    public Task NL1001_InAConcatBranch_InARegularLiteral() => AssertSpan("NL1001", """
        using NormLab;
        [Network("conv3x3(32) > concat { identity | relu > [|bn|] } > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """);

    [Fact]
    public Task NL2012_OnASignal_InARawLiteral() => AssertSpan("NL2012", "using NormLab;\n[Network(\"\"\"\n    [|conv3x3(8)|] > relu > gap > linear(5)\n    \"\"\", Input = \"signal 12x100\")]\npublic partial record Net;\n");

    [Fact]
    public Task NL2009_InANestedBranch_OfANormlabFile() => AssertSpan("NL2009", """
        using NormLab;
        [Network("conv3x3(8) > residual(project) { conv3x3(8) > [|concat|] { identity | maxpool } } > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """);

    [Theory]
    [InlineData(@"conv3x3(32)\t> relu > [|bn|] > gap > linear(10)")]
    [InlineData(@"conv3x3(32) > relu >\u0020[|bn|] > gap > linear(10)")]
    [InlineData(@"conv3x3(32)\n> relu\r\n> [|bn|] > gap > linear(10)")]
    [InlineData(@"/* \U0001F600 \""x\"" */ conv3x3(32) > relu > [|bn|] > gap > linear(10)")]
    [InlineData(@"conv3x3(32)\x09> relu\x0020> [|bn|] > gap > linear(10)")]
    public Task NL1001_InARegularLiteral_AfterAnEscape(string pipeline) => AssertSpan("NL1001",
        "using NormLab;\n[Network(\"" + pipeline + "\", Input = \"3x32x32\")]\npublic partial record Net;\n");

    [Fact]
    public Task NL1001_InASingleLineRawLiteral() => AssertSpan("NL1001", """"
        using NormLab;
        [Network("""conv3x3(32) > relu > [|bn|] > gap > linear(10)""", Input = "3x32x32")]
        public partial record Net;
        """");

    [Fact]
    public Task NL1001_InAMultiLineRawLiteral_Indented() => AssertSpan("NL1001", """"
        using NormLab;
        namespace Consumer
        {
            public static partial class Zoo
            {
                [Network("""
                    conv3x3(32) > relu
                        > [|bn|] > gap
                    > linear(10)
                    """, Input = "3x32x32")]
                public partial record Net;
            }
        }
        """");

    [Fact]
    public Task NL1001_InAMultiLineRawLiteral_WithMoreQuotes() => AssertSpan("NL1001", """""
        using NormLab;
        [Network(""""
            /* """ is not the end */ conv3x3(32) > relu
            > [|bn|] > gap > linear(10)
            """", Input = "3x32x32")]
        public partial record Net;
        """"");

    [Fact]
    public Task NL1001_InAConcatenatedConstant_IsOnTheWholeArgument() => AssertSpan("NL1001", """
        using NormLab;
        [Network([|"conv3x3(32) > relu > " + "bn > gap > linear(10)"|], Input = "3x32x32")]
        public partial record Net;
        """);

    [Fact]
    public Task NL1001_OnTheLayerAttribute() => AssertSpan("NL1001", """
        using NormLab;
        [Network(Input = "3x32x32", Classes = 10)]
        [Conv3x3(32), ReLU, [|BatchNorm|]]
        [GlobalAvgPool, Linear(10)]
        public partial record Net;
        """);

    [Fact]
    public Task NL1001_OnTheLayerAttribute_WithArguments_InALaterList() => AssertSpan("NL1001", """
        using NormLab;
        [Network(Input = "3x32x32", Classes = 10)]
        [Conv3x3(32)]
        [ReLU]
        [[|BatchNorm(Eps = 1e-3, Momentum = 0.05)|], GlobalAvgPool, Linear(10)]
        public partial record Net;
        """);

    [Fact]
    public Task NL2004_ClassesMismatch_IsOnTheLastLayer() => AssertSpan("NL2004", """
        using NormLab;
        [Network("conv3x3(8) > bn > relu > gap > [|linear(5)|]", Input = "3x32x32", Classes = 10)]
        public partial record Net;
        """);

    [Fact]
    public Task NL0002_UnknownLayer_InsideTheLiteral() => AssertSpan("NL0002", """
        using NormLab;
        [Network("conv3x3(8) > [|batchnrm|] > relu > gap > linear(10)", Input = "3x32x32")]
        public partial record Net;
        """);

    [Fact]
    public Task NL3001_NotPartial_IsAtTheIdentifier() => AssertSpan("NL3001", """
        using NormLab;
        [Network("linear(10)", Input = "784")]
        public record [|NotPartial|](int Width = 8);
        """);

    [Fact]
    public Task NL3003_MissingMember_IsAtTheNameInThePipeline() => AssertSpan("NL3003", """
        using NormLab;
        [Network("conv3x3([|Width|]) > bn > relu > gap > linear(10)", Input = "3x32x32")]
        public partial record Net(int Depth = 2);
        """);

    [Fact]
    public Task NL3003_StringMember_IsAtTheNameInThePipeline() => AssertSpan("NL3003", """
        using NormLab;
        [Network("conv3x3(8) > bn > relu > gap > linear([|Classes|])", Input = "3x32x32")]
        public partial record Net(string Classes = "ten");
        """);

    [Fact]
    public Task NL3003_ParameterWithoutDefault_IsAtTheParameter() => AssertSpan("NL3003", """
        using NormLab;
        [Network("linear(Width) > relu > linear(10)", Input = "784")]
        public partial record Net(int [|Width|]);
        """);

    [Fact]
    public Task NL3004_Generic_IsAtTheIdentifier() => AssertSpan("NL3004", """
        using NormLab;
        [Network("linear(10)", Input = "784")]
        public partial record [|Net|]<T>;
        """);

    [Fact]
    public Task NL3004_NestedInANonPartialType_IsAtTheIdentifier() => AssertSpan("NL3004", """
        using NormLab;
        public class Outer
        {
            [Network("linear(10)", Input = "784")]
            public partial record [|Net|];
        }
        """);

    [Fact]
    public Task NL3004_NestedInAGenericType_IsAtTheIdentifier() => AssertSpan("NL3004", """
        using NormLab;
        public partial class Outer<T>
        {
            [Network("linear(10)", Input = "784")]
            public partial record [|Net|];
        }
        """);

    [Fact]
    public Task NL3004_NestedTwoLevelsInAGenericType_IsReportedOnce() => AssertSpan("NL3004", """
        using NormLab;
        public partial class Outer<T>
        {
            public partial class Middle
            {
                [Network("linear(10)", Input = "784")]
                public partial record [|Net|];
            }
        }
        """);

    [Fact]
    public Task NL3004_OnAnInterface_IsAtTheIdentifier() => AssertSpan("NL3004", """
        using NormLab;
        [Network("linear(10)", Input = "784")]
        public partial interface [|INet|];
        """, allowCompilerErrors: true);

    [Fact]
    public Task NL3005_InlineAndLayerAttributes_IsOnTheNetworkAttribute() => AssertSpan("NL3005", """
        using NormLab;
        [[|Network("linear(10)", Input = "784")|]]
        [ReLU]
        public partial record Net;
        """);

    [Fact]
    public Task NL0009_MissingInput_IsOnTheNetworkAttribute() => AssertSpan("NL0009", """
        using NormLab;
        [[|Network("linear(10)", Classes = 10)|]]
        public partial record Net;
        """);

    [Theory]
    [InlineData("abc")]
    [InlineData("3x32x32x3")]
    [InlineData("")]
    [InlineData("-1")]
    public Task NL0009_BadInput_IsAtTheInputArgument(string input) => AssertSpan("NL0009",
        "using NormLab;\n[Network(\"linear(10)\", Input = [|\"" + input + "\"|])]\npublic partial record Net;\n");

    [Fact]
    public async Task NL0009_InANormlabFile_IsAtTheNetworkName()
    {
        var source = AnnotatedSource.Parse("network [|NoInput|](classes: 10) { linear(classes) }");
        var diagnostics = await GeneratorHarness.AnalyzeAsync(new[] { GeneratorHarness.File(NormlabPath, source.Text) });

        var diagnostic = Assert.Single(diagnostics, d => d.Id == "NL0009");
        Assert.Equal(NormlabPath, diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(source.Span, diagnostic.Location.SourceSpan);
    }

    [Fact]
    public Task NL3002_NonConstantPipeline_IsOnTheNetworkAttribute() => AssertSpan("NL3002", """
        using NormLab;
        public static class Pipelines
        {
            public static readonly string Mlp = "linear(10)";
        }

        [[|Network(Pipelines.Mlp, Input = "784")|]]
        public partial record Net;
        """, allowCompilerErrors: true);

    [Fact]
    public async Task ValidRecords_HaveNoDiagnostics()
    {
        var diagnostics = await GeneratorHarness.AnalyzeAsync(Array.Empty<AdditionalText>(), """
            using NormLab;
            [Network("conv3x3(Width) > bn > relu > maxpool > flatten > linear(Classes)", Input = "1x28x28")]
            public partial record SmallCnn(int Width = 32, int Classes = 10);

            [Network(Input = "1x28x28", Classes = 10)]
            [Conv3x3(32), BatchNorm, ReLU, MaxPool]
            [Flatten, Linear(10)]
            public partial record TinyCnn;
            """);

        Assert.Empty(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Info));
    }

    /// <summary>Exactly one <paramref name="id"/>, at the marked span of the (only) C# source.</summary>
    internal static async Task AssertSpan(string id, string annotated, bool allowCompilerErrors = false)
    {
        var source = AnnotatedSource.Parse(annotated);
        var compilation = GeneratorHarness.Compilation(source.Text);
        if (!allowCompilerErrors)
        {
            // the C# itself is fine: the diagnostic comes from NormLab alone
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        }

        var diagnostics = await GeneratorHarness.AnalyzeAsync(compilation, Array.Empty<AdditionalText>());
        var matching = diagnostics.Where(d => d.Id == id).ToList();
        Assert.True(matching.Count == 1, $"expected one {id}, got: {string.Join("; ", diagnostics)}");

        var location = matching[0].Location;
        Assert.True(location.IsInSource, $"{id} is not in source: {location}");
        Assert.Equal(compilation.SyntaxTrees.Single(), location.SourceTree);
        var actual = location.SourceSpan;
        Assert.True(source.Span == actual,
            $"{id} at {actual} '{Slice(source.Text, actual)}', expected {source.Span} '{source[source.Span]}' ({matching[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture)})");
    }

    private static string Slice(string text, TextSpan span) =>
        span.End <= text.Length ? text.Substring(span.Start, span.Length) : "<out of range>";
}
