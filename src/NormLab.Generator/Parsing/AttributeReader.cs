using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NormLab.Generator.Model;
using DslDescriptors = NormLab.Dsl.Diagnostics.DiagnosticDescriptors;
using DslSpan = NormLab.Dsl.Text.TextSpan;

namespace NormLab.Generator.Parsing;

/// <summary>
/// Reads a <c>[Network]</c> type (inline pipeline or layer attributes) into NormLab text. Shared by the
/// generator (which keeps only values) and the analyzer (which also maps diagnostics back to C#).
/// </summary>
internal static class AttributeReader
{
    public const string NetworkAttributeName = "NormLab.NetworkAttribute";
    public const string LayerAttributeBaseName = "NormLab.LayerAttribute";

    /// <summary>The catalog's name of each layer attribute seen (LayerKind.NameOfAttribute searches the whole catalog).</summary>
    private static readonly ConcurrentDictionary<string, string> LayerNames = new(StringComparer.Ordinal);

    private static readonly Regex InputPattern = new(@"^\s*(?:(?<kind>signal|image|features)\s+)?(?<dims>[0-9]+(\s*[xX]\s*[0-9]+){0,2})\s*$", RegexOptions.CultureInvariant);
    private static readonly Regex IdPattern = new(@"^[A-Za-z0-9_]+$", RegexOptions.CultureInvariant);
    private static readonly Regex PaddingPattern = new(@"^(same|valid|[0-9]+)$", RegexOptions.CultureInvariant);

    /// <summary>Reads the type into NormLab text.</summary>
    /// <param name="mapSpans">
    /// Whether to keep the map from the text back to C# (<see cref="SyntheticNetwork.Map"/>): the analyzer needs it
    /// to place the checker's diagnostics; the generator, which runs this on every compilation, does not.
    /// </param>
    public static SyntheticNetwork Read(INamedTypeSymbol type, AttributeData network, CancellationToken cancellationToken, bool mapSpans = true)
    {
        var attributeSyntax = network.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        var result = new SyntheticNetwork(type, attributeSyntax?.GetLocation() ?? type.Locations.FirstOrDefault() ?? Location.None, mapSpans);
        CheckDeclaration(type, result, cancellationToken);

        var text = new StringBuilder();
        text.Append("network ").Append(type.Name).Append('(');

        // input
        var input = NamedString(network, "Input");
        var inputLocation = NamedArgumentLocation(attributeSyntax, "Input") ?? result.Fallback;
        if (input is null)
        {
            Report(result, DslDescriptors.BadInput, result.Fallback,
                $"Network '{type.Name}' has no input; declare its shape: [Network(..., Input = \"1x28x28\")]");
            input = "1";
        }
        else if (!InputPattern.IsMatch(input))
        {
            Report(result, DslDescriptors.BadInput, inputLocation,
                $"Input \"{input}\" is not a shape; use CxHxW (\"1x28x28\"), HxW (\"28x28\"), a feature count (\"784\") or a signal (\"signal 12x1000\")");
            input = "1";
        }

        var match = InputPattern.Match(input);
        var inputText = match.Groups["kind"].Success
            ? match.Groups["kind"].Value + " " + match.Groups["dims"].Value.Replace(" ", string.Empty).ToLowerInvariant()
            : input.Replace(" ", string.Empty).ToLowerInvariant();
        var inputStart = text.Length + "input: ".Length;
        text.Append("input: ").Append(inputText);
        result.AddSegment(DslSpan.FromBounds(inputStart, text.Length), inputLocation);

        // classes
        if (NamedValue(network, "Classes") is int classes)
        {
            var start = text.Length + 2;
            text.Append(", classes: ").Append(classes.ToString(CultureInfo.InvariantCulture));
            result.AddSegment(DslSpan.FromBounds(start, text.Length), NamedArgumentLocation(attributeSyntax, "Classes") ?? result.Fallback);
        }

        // hyper-parameters: the record's numeric parameters and properties with constant defaults
        foreach (var parameter in HyperParameters(type, result, cancellationToken))
        {
            text.Append(", ").Append(parameter.DslName).Append(": ").Append(parameter.DefaultLiteral);
            result.HyperParameters.Add(parameter);
        }

        text.Append(')');

        // allow
        var allow = NamedString(network, "Allow");
        if (!string.IsNullOrWhiteSpace(allow))
        {
            var ids = allow!.Split(new[] { ',', ' ', ';' }, StringSplitOptions.RemoveEmptyEntries);
            var valid = ids.Where(id => IdPattern.IsMatch(id)).ToArray();
            if (valid.Length != ids.Length)
            {
                Report(result, DslDescriptors.BadAllow, NamedArgumentLocation(attributeSyntax, "Allow") ?? result.Fallback,
                    $"Allow = \"{allow}\" must list diagnostic IDs separated by commas, such as \"NL1001, NL1003\"");
            }

            if (valid.Length > 0)
            {
                var start = text.Length + " allow ".Length;
                text.Append(" allow ").Append(string.Join(", ", valid));
                result.AddSegment(DslSpan.FromBounds(start, text.Length), NamedArgumentLocation(attributeSyntax, "Allow") ?? result.Fallback);
            }
        }

        text.Append(" {\n");
        var hasPipeline = network.ConstructorArguments.Length == 1;
        var pipeline = hasPipeline ? network.ConstructorArguments[0] : default;
        var layerAttributes = LayerAttributes(type, cancellationToken);
        if (hasPipeline && pipeline.Kind == TypedConstantKind.Error)
        {
            Report(result, DslDescriptors.NotConstant, result.Fallback, $"The pipeline of '{type.Name}' must be a constant string");
            result.CanCheck = false;
        }
        else if (hasPipeline && pipeline.Value is string inline)
        {
            if (layerAttributes.Count > 0)
            {
                Report(result, DslDescriptors.InlineAndAttributes, result.Fallback, type.Name);
                result.CanCheck = false;
            }

            var start = text.Length;
            text.Append(inline);
            var argument = attributeSyntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals is null && a.NameColon is null)?.Expression;
            var literal = mapSpans && argument is LiteralExpressionSyntax { Token: var token } ? StringLiteralMap.Create(token) : null;
            result.AddSegment(DslSpan.FromBounds(start, text.Length), argument?.GetLocation() ?? result.Fallback, literal);
        }
        else
        {
            var first = true;
            foreach (var (attribute, syntax) in layerAttributes)
            {
                var rendered = RenderLayer(attribute, syntax, result);
                if (rendered is null)
                {
                    continue;
                }

                if (!first)
                {
                    text.Append(" > ");
                }

                first = false;
                var start = text.Length;
                text.Append(rendered);
                result.AddSegment(DslSpan.FromBounds(start, text.Length), syntax?.GetLocation() ?? result.Fallback);
            }
        }

        text.Append("\n}\n");
        result.Text = text.ToString();
        return result;
    }

    private static void CheckDeclaration(INamedTypeSymbol type, SyntheticNetwork result, CancellationToken cancellationToken)
    {
        result.Namespace = type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : string.Empty;
        result.Accessibility = type.DeclaredAccessibility switch
        {
            Accessibility.Public => "public",
            Accessibility.Private => "private",
            Accessibility.Protected => "protected",
            Accessibility.ProtectedOrInternal => "protected internal",
            _ => "internal",
        };
        result.RecordKeyword = type.IsRecord ? "record" : "class";
        var declarations = type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>().ToList();
        if (declarations.Count > 0 && !declarations.Any(d => d.Modifiers.Any(SyntaxKind.PartialKeyword)))
        {
            Report(result, DslDescriptors.NotPartial, declarations[0].Identifier.GetLocation(), type.Name);
            result.CanCheck = false;
        }

        if (type.Arity > 0 || type.TypeKind != TypeKind.Class || type.IsStatic)
        {
            var what = type.Arity > 0 ? "generic" : type.TypeKind switch
            {
                TypeKind.Class => "static",
                TypeKind.Interface => "an interface",
                TypeKind.Struct => "a struct",
                _ => "not a class",
            };
            Report(result, DslDescriptors.BadContainingType, type.Locations.FirstOrDefault() ?? result.Fallback,
                $"'{type.Name}' is {what}; a [Network] type must be a non-generic record or class");
            result.CanCheck = false;
        }

        var containing = new List<ContainingTypeSpec>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            var outerDeclarations = outer.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>().ToList();
            if (outer.Arity > 0 || !outerDeclarations.Any(d => d.Modifiers.Any(SyntaxKind.PartialKeyword)))
            {
                Report(result, DslDescriptors.BadContainingType, type.Locations.FirstOrDefault() ?? result.Fallback,
                    $"'{type.Name}' is nested in '{outer.Name}', which is {(outer.Arity > 0 ? "generic" : "not partial")}; make '{outer.Name}' a non-generic partial type");
                result.CanCheck = false;
            }

            var keyword = outer.IsRecord ? (outer.IsValueType ? "record struct" : "record") : outer.TypeKind switch
            {
                TypeKind.Struct => "struct",
                TypeKind.Interface => "interface",
                _ => "class",
            };
            containing.Insert(0, new ContainingTypeSpec(keyword, outer.Name));
        }

        result.ContainingTypes.AddRange(containing);
    }

    /// <summary>
    /// The record's hyper-parameters: read from its declaration's syntax where that decides them (<see
    /// cref="SyntaxHyperParameters"/>), else from its symbols. The symbols cost: asking a record for its
    /// constructors makes Roslyn build all its members, and the generator reads every record again for each
    /// new compilation.
    /// </summary>
    private static IEnumerable<HyperParameterSpec> HyperParameters(INamedTypeSymbol type, SyntheticNetwork result, CancellationToken cancellationToken) =>
        SyntaxHyperParameters(type, cancellationToken) ?? SemanticHyperParameters(type, result, cancellationToken);

    /// <summary>
    /// The hyper-parameters as <see cref="SemanticHyperParameters"/> reads them, from syntax alone, or null where
    /// the syntax does not decide them: a type declared in several parts, a type that is not a keyword (an alias
    /// may stand for <c>int</c>), a default that is not a plain literal of the parameter's type (a constant, an
    /// expression, a conversion the compiler would make or reject), anything that would be reported. Null sends
    /// the record to the symbols, which give the same values and every diagnostic.
    /// </summary>
    internal static List<HyperParameterSpec>? SyntaxHyperParameters(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var references = type.DeclaringSyntaxReferences;
        if (references.Length != 1 || references[0].GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration)
        {
            return null;
        }

        var parameters = new List<HyperParameterSpec>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        // the primary constructor's parameters (the semantic reader's constructor: the one the declaration declares)
        if (declaration.ParameterList is { } parameterList)
        {
            foreach (var parameter in parameterList.Parameters)
            {
                if (parameter.Modifiers.Count > 0 || parameter.Type is not PredefinedTypeSyntax { Keyword: var keyword })
                {
                    return null;
                }

                if (!IsNumericKeyword(keyword, out var isInteger))
                {
                    continue;
                }

                var name = parameter.Identifier.ValueText;
                if (!seen.Add(name) || parameter.Default is not { Value: var value } ||
                    Literal(ConvertedDefault(ConstantOf(value), keyword), isInteger) is not string literal)
                {
                    return null;
                }

                parameters.Add(new HyperParameterSpec(name, name, isInteger, literal));
            }
        }

        // properties with a constant initializer, in declaration order, as GetMembers lists them
        foreach (var member in declaration.Members)
        {
            if (member is not PropertyDeclarationSyntax property)
            {
                continue;
            }

            if (property.ExplicitInterfaceSpecifier is not null || property.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return null;
            }

            var name = property.Identifier.ValueText;
            if (property.Modifiers.Any(SyntaxKind.StaticKeyword) || seen.Contains(name) || property.Initializer is not { Value: var initializer })
            {
                continue;
            }

            var constant = ConstantOf(initializer);
            if (Literal(constant, isInteger: false) is null)
            {
                continue; // not a usable constant, whatever the property's type
            }

            if (property.Type is not PredefinedTypeSyntax { Keyword: var keyword })
            {
                return null;
            }

            if (IsNumericKeyword(keyword, out var isInteger) && Literal(constant, isInteger) is string literal)
            {
                seen.Add(name);
                parameters.Add(new HyperParameterSpec(name, name, isInteger, literal));
            }
        }

        return parameters;
    }

    /// <summary>What <see cref="IsNumeric"/> says of the type a keyword names.</summary>
    private static bool IsNumericKeyword(SyntaxToken keyword, out bool isInteger)
    {
        isInteger = keyword.Kind() is SyntaxKind.IntKeyword or SyntaxKind.LongKeyword or SyntaxKind.ShortKeyword or SyntaxKind.ByteKeyword;
        return isInteger || keyword.Kind() is SyntaxKind.DoubleKeyword or SyntaxKind.FloatKeyword;
    }

    /// <summary>
    /// A literal default converted to the parameter's type as the compiler stores it (the parameter's
    /// ExplicitDefaultValue), for the conversions that are exact; null for every other case.
    /// </summary>
    private static object? ConvertedDefault(object? value, SyntaxToken keyword) => (keyword.Kind(), value) switch
    {
        (SyntaxKind.IntKeyword, int i) => i,
        (SyntaxKind.LongKeyword, int i) => (long)i,
        (SyntaxKind.LongKeyword, long l) => l,
        (SyntaxKind.ShortKeyword, int i) when i is >= short.MinValue and <= short.MaxValue => (short)i,
        (SyntaxKind.ByteKeyword, int i) when i is >= byte.MinValue and <= byte.MaxValue => (byte)i,
        (SyntaxKind.DoubleKeyword, int i) => (double)i,
        (SyntaxKind.DoubleKeyword, double d) => d,
        (SyntaxKind.FloatKeyword, int i) when i is >= -(1 << 24) and <= 1 << 24 => (float)i,
        (SyntaxKind.FloatKeyword, float f) => f,
        _ => null,
    };

    /// <summary>
    /// How many times this thread read hyper-parameters from symbols (<see cref="SemanticHyperParameters"/>): the
    /// tests check that a warm run reads none for records whose syntax decides them.
    /// </summary>
    internal static int SymbolReads => t_symbolReads;

    [ThreadStatic]
    private static int t_symbolReads;

    /// <summary>The hyper-parameters read from the type's symbols, reporting the ones without a constant default.</summary>
    internal static IEnumerable<HyperParameterSpec> SemanticHyperParameters(INamedTypeSymbol type, SyntheticNetwork result, CancellationToken cancellationToken)
    {
        t_symbolReads++;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var constructor = type.InstanceConstructors
            .Where(c => c.Parameters.Length > 0 && !(c.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(c.Parameters[0].Type, type)))
            .OrderByDescending(c => c.Parameters.Length)
            .FirstOrDefault(c => c.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax));
        foreach (var parameter in constructor is null ? ImmutableArrayOfParameters.Empty : constructor.Parameters.ToArray())
        {
            if (!IsNumeric(parameter.Type, out var isInteger) || !seen.Add(parameter.Name))
            {
                continue;
            }

            var literal = parameter.HasExplicitDefaultValue ? Literal(parameter.ExplicitDefaultValue, isInteger) : null;
            if (literal is null)
            {
                Report(result, DslDescriptors.BadHyperParameter, parameter.Locations.FirstOrDefault() ?? result.Fallback,
                    $"Hyper-parameter '{parameter.Name}' of '{type.Name}' needs a constant default value ({parameter.Name} = 32)");
                result.CanCheck = false;
                continue;
            }

            yield return new HyperParameterSpec(parameter.Name, parameter.Name, isInteger, literal);
        }

        foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
        {
            if (property.IsStatic || !IsNumeric(property.Type, out var isInteger) || seen.Contains(property.Name))
            {
                continue;
            }

            var initializer = property.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken))
                .OfType<PropertyDeclarationSyntax>().Select(p => p.Initializer?.Value).FirstOrDefault(v => v is not null);
            if (initializer is null)
            {
                continue;
            }

            var value = ConstantOf(initializer);
            if (Literal(value, isInteger) is string literal)
            {
                seen.Add(property.Name);
                yield return new HyperParameterSpec(property.Name, property.Name, isInteger, literal);
            }
        }
    }

    private static object? ConstantOf(ExpressionSyntax expression) => expression switch
    {
        LiteralExpressionSyntax literal => literal.Token.Value,
        PrefixUnaryExpressionSyntax { OperatorToken.RawKind: (int)SyntaxKind.MinusToken, Operand: LiteralExpressionSyntax operand } => operand.Token.Value switch
        {
            int i => -i,
            long l => -l,
            double d => -d,
            float f => -f,
            _ => null,
        },
        _ => null,
    };

    private static bool IsNumeric(ITypeSymbol type, out bool isInteger)
    {
        isInteger = type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Int16 or SpecialType.System_Byte;
        return isInteger || type.SpecialType is SpecialType.System_Double or SpecialType.System_Single;
    }

    private static string? Literal(object? value, bool isInteger) => value switch
    {
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        short s => s.ToString(CultureInfo.InvariantCulture),
        byte b => b.ToString(CultureInfo.InvariantCulture),
        double d when !double.IsNaN(d) && !double.IsInfinity(d) => FormatDouble(d, isInteger),
        float f when !float.IsNaN(f) && !float.IsInfinity(f) => FormatDouble(f, isInteger),
        _ => null,
    };

    private static string FormatDouble(double value, bool isInteger)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return isInteger || text.Contains(".") || text.Contains("E") ? text : text + ".0";
    }

    /// <summary>The layer attributes with their syntax, in source order: declarations, attribute lists, attributes.</summary>
    private static List<(AttributeData Attribute, AttributeSyntax? Syntax)> LayerAttributes(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var result = new List<(AttributeData Attribute, AttributeSyntax? Syntax)>();
        var layers = new List<AttributeData>();
        foreach (var attribute in type.GetAttributes())
        {
            if (attribute.ApplicationSyntaxReference is not null && IsLayerAttribute(attribute.AttributeClass))
            {
                layers.Add(attribute);
            }
        }

        if (layers.Count == 0)
        {
            return result;
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration)
            {
                continue;
            }

            foreach (var list in declaration.AttributeLists)
            {
                foreach (var attribute in list.Attributes)
                {
                    // a handful of attributes: a linear search beats building a dictionary for each record
                    foreach (var data in layers)
                    {
                        var application = data.ApplicationSyntaxReference!;
                        if (application.Span == attribute.Span && application.SyntaxTree == reference.SyntaxTree)
                        {
                            result.Add((data, attribute));
                            break;
                        }
                    }
                }
            }
        }

        return result;
    }

    /// <summary>Whether the class derives from <c>NormLab.LayerAttribute</c>, compared by name, part by part (no display string).</summary>
    public static bool IsLayerAttribute(INamedTypeSymbol? attributeClass)
    {
        for (var current = attributeClass?.BaseType; current is not null; current = current.BaseType)
        {
            if (current is { Name: "LayerAttribute", Arity: 0, ContainingType: null, ContainingNamespace: { Name: "NormLab", ContainingNamespace.IsGlobalNamespace: true } })
            {
                return true;
            }
        }

        return false;
    }

    private static string? RenderLayer(AttributeData attribute, AttributeSyntax? syntax, SyntheticNetwork result)
    {
        var className = attribute.AttributeClass!.Name;
        var baseName = className.EndsWith("Attribute", StringComparison.Ordinal) ? className.Substring(0, className.Length - "Attribute".Length) : className;
        var name = LayerName(baseName);
        var arguments = new List<string>();
        foreach (var argument in attribute.ConstructorArguments)
        {
            if (Value(argument) is not string value)
            {
                Report(result, DslDescriptors.NotConstant, syntax?.GetLocation() ?? result.Fallback, $"An argument of [{baseName}] is not a constant");
                result.CanCheck = false;
                return null;
            }

            arguments.Add(value);
        }

        foreach (var named in attribute.NamedArguments)
        {
            var argumentName = named.Key.ToLowerInvariant();
            var value = Value(named.Value);
            if (value is null)
            {
                Report(result, DslDescriptors.NotConstant, syntax?.GetLocation() ?? result.Fallback, $"'{named.Key}' of [{baseName}] is not a constant");
                result.CanCheck = false;
                return null;
            }

            if (argumentName == "padding" && named.Value.Value is string padding)
            {
                if (!PaddingPattern.IsMatch(padding))
                {
                    Report(result, DslDescriptors.BadArgument, syntax?.GetLocation() ?? result.Fallback,
                        $"Padding = \"{padding}\" of [{baseName}] must be \"same\", \"valid\" or a whole number");
                    result.CanCheck = false;
                    return null;
                }

                value = padding;
            }

            arguments.Add(argumentName + ": " + value);
        }

        return arguments.Count == 0 ? name : name + "(" + string.Join(", ", arguments) + ")";
    }

    /// <summary>The layer an attribute stands for (<c>Conv3x3</c>: <c>conv3x3</c>), remembered: a compiler process reads the same few names again and again.</summary>
    private static string LayerName(string baseName)
    {
        if (LayerNames.TryGetValue(baseName, out var known))
        {
            return known;
        }

        var name = NormLab.Dsl.Layers.LayerKind.NameOfAttribute(baseName) ?? baseName.ToLowerInvariant();
        if (LayerNames.Count < 1024)
        {
            LayerNames.TryAdd(baseName, name);
        }

        return name;
    }

    private static string? Value(TypedConstant constant)
    {
        if (constant.Kind == TypedConstantKind.Error)
        {
            return null;
        }

        return constant.Value switch
        {
            bool b => b ? "true" : "false",
            int i => i.ToString(CultureInfo.InvariantCulture),
            double d when !double.IsNaN(d) && !double.IsInfinity(d) => FormatDouble(d, false),
            float f when !float.IsNaN(f) && !float.IsInfinity(f) => FormatDouble(f, false),
            string s => s,
            _ => null,
        };
    }

    private static string? NamedString(AttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value as string;

    private static object? NamedValue(AttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value;

    private static Location? NamedArgumentLocation(AttributeSyntax? syntax, string name) =>
        syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.Text == name)?.Expression.GetLocation();

    private static void Report(SyntheticNetwork result, NormLab.Dsl.Diagnostics.DiagnosticDescriptor descriptor, Location location, string message) =>
        result.Diagnostics.Add(Diagnostics.Create(descriptor, location, descriptor.Format(message)));

    private static class ImmutableArrayOfParameters
    {
        public static readonly IParameterSymbol[] Empty = Array.Empty<IParameterSymbol>();
    }
}
