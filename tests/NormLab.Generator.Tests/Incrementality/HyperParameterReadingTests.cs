using Microsoft.CodeAnalysis;
using NormLab.Generator.Model;
using NormLab.Generator.Parsing;
using NormLab.Generator.Tests.Infrastructure;

namespace NormLab.Generator.Tests.Incrementality;

/// <summary>
/// The hyper-parameters are read from syntax where the syntax decides them (the generator reads every record
/// again for each compilation, and reading them from symbols makes Roslyn build all of a record's members).
/// Wherever the syntax reader answers, it must answer what the symbol reader does; where it cannot, it must
/// say so (null) and leave the record to the symbols.
/// </summary>
public sealed class HyperParameterReadingTests
{
    private const string Prelude = """
        using System;
        using NormLab;
        using Size = System.Int32;

        namespace Consumer;

        public static class Defaults
        {
            public const int Width = 8;
            public const double Rate = 0.5;
        }

        """;

    /// <summary>Declarations whose syntax decides the hyper-parameters.</summary>
    public static TheoryData<string> DecidedBySyntax() => new()
    {
        "public partial record R;",
        "public partial record R();",
        "public partial record R(int Width = 32);",
        "public partial record R(int Width = 32, int Classes = 10, double Rate = 0.25);",
        "public partial record R(double Rate = 1, float Scale = 0.5f, float Count = 3, long Big = 5, long Bigger = 5000000000L, short Small = -3, byte Tiny = 255);",
        "public partial record R(int Width = -8, double Rate = -0.5, double Zero = -0.0, double Huge = 1e300, float Third = 0.333333f);",
        "public partial record R(int Width = 0x10, int Depth = 1_000);",
        "public partial record R(string Name = \"x\", bool Flag = true, decimal Price = 1m, uint Count = 3, int Width = 4);",
        "public partial record R(string Name, int Width = 4);",
        "public partial record R([property: Obsolete] int Width = 4);",
        "public partial record R(int @class = 4);",
        """
        public partial record R
        {
            public int Width { get; init; } = 16;
            public double Rate { get; init; } = 1;
            public float Scale { get; init; } = 0.5f;
            public long Big { get; init; } = -5;
            public static int Shared { get; } = 3;
            public int NoInitializer { get; init; }
            public string Name { get; init; } = "n";
            public int FromConstant { get; init; } = Defaults.Width;
            public Size Aliased { get; init; }
            public int Computed => Width * 2;
            public int this[int i] => i;
        }
        """,
        "public partial record R(int Width = 8) { public int Depth { get; init; } = 2; public int Width2 => Width * 2; }",
        "public partial record R(int Width = 8) { public int Width { get; init; } = 4; }",
        "public partial record R(double Rate = 0.5) { public int Rate2 { get; init; } = 2; public Size Other => 3; }",
        "public partial class R(int Width = 8) { public int Depth { get; set; } = 3; }",
        "public partial record struct R(int Width = 8);",
        "public partial class Outer { public partial record R(int Width = 8); }",
    };

    /// <summary>Declarations the syntax does not decide: constants, aliases, conversions, mistakes, several parts.</summary>
    public static TheoryData<string> LeftToSymbols() => new()
    {
        "public partial record R(int Width = Defaults.Width);",
        "public partial record R(int Width = Defaults.Width * 2);",
        "public partial record R(double Rate = Defaults.Rate);",
        "public partial record R(Int32 Width = 8);",
        "public partial record R(System.Int32 Width = 8);",
        "public partial record R(Size Width = 8);",
        "public partial record R(int Width);",
        "public partial record R(int Width = (8));",
        "public partial record R(int Width = +8);",
        "public partial record R(int Width = default);",
        "public partial record R(double Rate = 0.5f);",
        "public partial record R(double Rate = 5L);",
        "public partial record R(float Rate = 0.5);",
        "public partial record R(float Count = 16777217);",
        "public partial record R(int Width = 5L);",
        "public partial record R(int Width = 'a');",
        "public partial record R(byte Tiny = 256);",
        "public partial record R(short Small = 40000);",
        "public partial record R(in int Width = 8);",
        "public partial record R(params int[] Widths);",
        "public partial record R(R Other);",
        "public partial record R { public Int32 Width { get; init; } = 8; }",
        "public partial record R { public Size Width { get; init; } = 8; }",
        "public partial record R(int Width = 8); public partial record R { public int Depth { get; init; } = 2; }",
    };

    [Theory]
    [MemberData(nameof(DecidedBySyntax))]
    public void DecidedBySyntax_GivesWhatTheSymbolsGive(string declaration)
    {
        var (type, syntax, symbols, diagnostics) = ReadBoth(declaration);

        Assert.True(syntax is not null, $"the syntax reader left '{type.Name}' to the symbols: {declaration}");
        Assert.Equal(symbols, syntax);
        Assert.Empty(diagnostics);
    }

    [Theory]
    [MemberData(nameof(LeftToSymbols))]
    public void LeftToSymbols_WhenTheSyntaxDoesNotDecide(string declaration)
    {
        var (_, syntax, _, _) = ReadBoth(declaration);

        Assert.Null(syntax);
    }

    [Fact]
    public void DecidedBySyntax_ReadsTheValuesTheCompilerStores()
    {
        // the values, written out once, so that both readers being wrong the same way is caught too
        var (_, syntax, _, _) = ReadBoth("public partial record R(int Width = -8, double Rate = 1, float Scale = 0.1f, long Big = 5000000000L, byte Tiny = 255) { public double Eps { get; init; } = 1e-3; }");

        Assert.Equal(
            new[] { "Width: -8", "Rate: 1.0", "Scale: 0.10000000149011612", "Big: 5000000000", "Tiny: 255", "Eps: 0.001" },
            syntax!.Select(p => $"{p.DslName}: {p.DefaultLiteral}"));
        Assert.Equal(new[] { true, false, false, true, true, false }, syntax!.Select(p => p.IsInteger));
    }

    [Fact]
    public void RandomDeclarations_TheSyntaxReaderNeverDisagrees()
    {
        // random parameter lists and properties, many of them mistakes: wherever the syntax reader answers, the
        // symbols answer the same without a diagnostic
        var random = new Random(16);
        string[] types = { "int", "long", "short", "byte", "double", "float", "string", "bool", "Int32", "Size", "uint", "decimal", "int?" };
        string[] defaults = { "", "0", "7", "-7", "255", "256", "40000", "16777217", "3000000000", "5L", "0x1F", "0.5", "-0.25", "1e-3", "0.1f", "2f", "1m", "'c'", "\"s\"", "true", "Defaults.Width", "Defaults.Rate", "(3)", "+3", "default", "null", "3u" };
        var declarations = new List<string>();
        for (var i = 0; i < 120; i++)
        {
            var parameters = Enumerable.Range(0, random.Next(0, 4)).Select(k => Member(random, types, defaults, $"P{k}", parameter: true));
            var properties = Enumerable.Range(0, random.Next(0, 3)).Select(k => Member(random, types, defaults, $"Q{k}", parameter: false));
            declarations.Add($"[Network(\"linear(10)\", Input = \"784\")] public partial record R{i}({string.Join(", ", parameters)}) {{ {string.Join(" ", properties)} }}");
        }

        var compilation = GeneratorHarness.Compilation(Prelude + string.Join("\n", declarations));
        var decided = 0;
        for (var i = 0; i < declarations.Count; i++)
        {
            var type = compilation.GetTypeByMetadataName($"Consumer.R{i}")!;
            var syntax = AttributeReader.SyntaxHyperParameters(type, CancellationToken.None);
            if (syntax is null)
            {
                continue;
            }

            decided++;
            var result = new SyntheticNetwork(type, Location.None);
            var symbols = AttributeReader.SemanticHyperParameters(type, result, CancellationToken.None).ToList();
            Assert.True(symbols.SequenceEqual(syntax) && result.Diagnostics.Count == 0,
                $"{declarations[i]}\nsyntax:  {string.Join(", ", syntax)}\nsymbols: {string.Join(", ", symbols)}\n{string.Join("\n", result.Diagnostics)}");
        }

        // the comparison means something only if the syntax reader answered for a fair share
        Assert.InRange(decided, 10, declarations.Count);
    }

    private static string Member(Random random, string[] types, string[] defaults, string name, bool parameter)
    {
        var type = types[random.Next(types.Length)];
        var value = defaults[random.Next(defaults.Length)];
        if (parameter)
        {
            return value.Length == 0 ? $"{type} {name}" : $"{type} {name} = {value}";
        }

        var modifier = random.Next(6) == 0 ? "static " : string.Empty;
        return value.Length == 0 ? $"public {modifier}{type} {name} {{ get; init; }}" : $"public {modifier}{type} {name} {{ get; init; }} = {value};";
    }

    private static (INamedTypeSymbol Type, List<HyperParameterSpec>? Syntax, List<HyperParameterSpec> Symbols, List<Diagnostic> Diagnostics) ReadBoth(string declaration)
    {
        var attributed = declaration.StartsWith("public partial class Outer", StringComparison.Ordinal)
            ? declaration.Replace("public partial record R", "[Network(\"linear(10)\", Input = \"784\")] public partial record R", StringComparison.Ordinal)
            : "[Network(\"linear(10)\", Input = \"784\")]\n" + declaration;
        var compilation = GeneratorHarness.Compilation(Prelude + attributed);
        var type = compilation.GetTypeByMetadataName("Consumer.R") ?? compilation.GetTypeByMetadataName("Consumer.Outer+R")!;
        Assert.NotNull(type);
        var result = new SyntheticNetwork(type, Location.None);
        var symbols = AttributeReader.SemanticHyperParameters(type, result, CancellationToken.None).ToList();
        return (type, AttributeReader.SyntaxHyperParameters(type, CancellationToken.None), symbols, result.Diagnostics);
    }
}
