using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NormLab.CodeFixes.Literals;

namespace NormLab.CodeFixes.Tests;

/// <summary>Rebuilding a literal of the same kind from a new value (the fallback of the pipeline fixes).</summary>
public sealed class LiteralTextTests
{
    public static TheoryData<string, string> Cases { get; } = new()
    {
        { "\"relu > bn\"", "bn > relu" },
        { "\"relu > bn\"", "a \"quoted\" \\ word\ttab\nnewline" },
        { "@\"relu > bn\"", "a \"quoted\" \\ word\nnewline" },
        { "\"\"\"relu > bn\"\"\"", "bn > relu" },
        { "\"\"\"relu > bn\"\"\"", "three \"\"\" quotes" },
        { "\"\"\"relu > bn\"\"\"", "first line\nsecond line" },
        { "\"\"\"\n        relu\n        > bn\n        \"\"\"", "bn\n  > relu\n\nend" },
        { "\"\"\"\r\n    relu\r\n    \"\"\"", "bn\r\n> relu" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Build_KeepsTheKind_AndGivesTheValue(string original, string value)
    {
        var token = Token(original);
        var kind = PipelineLiteral.KindOf(token)!.Value;

        var rebuilt = LiteralText.Build(kind, value, token);

        Assert.NotNull(rebuilt);
        var parsed = Token(rebuilt);
        Assert.Equal(value, parsed.ValueText);
        Assert.False(parsed.ContainsDiagnostics, rebuilt);
        var expected = kind == LiteralKind.SingleLineRaw && value.Contains('\n') ? LiteralKind.MultiLineRaw : kind;
        Assert.Equal(expected, PipelineLiteral.KindOf(parsed));
    }

    [Fact]
    public void Build_KeepsTheIndentation_OfAMultiLineRawLiteral()
    {
        var token = Token("\"\"\"\n        relu\n        \"\"\"");

        var rebuilt = LiteralText.Build(LiteralKind.MultiLineRaw, "bn\n> relu", token);

        Assert.Equal("\"\"\"\n        bn\n        > relu\n        \"\"\"", rebuilt);
    }

    private static SyntaxToken Token(string literal) =>
        ((LiteralExpressionSyntax)SyntaxFactory.ParseExpression(literal, options: new CSharpParseOptions(LanguageVersion.Latest))).Token;
}
