using System;
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

    private static readonly Regex InputPattern = new(@"^\s*(?:(?<kind>signal|image|features)\s+)?(?<dims>[0-9]+(\s*[xX]\s*[0-9]+){0,2})\s*$", RegexOptions.CultureInvariant);
    private static readonly Regex IdPattern = new(@"^[A-Za-z0-9_]+$", RegexOptions.CultureInvariant);
    private static readonly Regex PaddingPattern = new(@"^(same|valid|[0-9]+)$", RegexOptions.CultureInvariant);

    public static SyntheticNetwork Read(INamedTypeSymbol type, AttributeData network, CancellationToken cancellationToken)
    {
        var attributeSyntax = network.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        var result = new SyntheticNetwork(type, attributeSyntax?.GetLocation() ?? type.Locations.FirstOrDefault() ?? Location.None);
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
        var layerAttributes = LayerAttributes(type, cancellationToken).ToList();
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
            var literal = argument is LiteralExpressionSyntax { Token: var token } ? StringLiteralMap.Create(token) : null;
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

    private static IEnumerable<HyperParameterSpec> HyperParameters(INamedTypeSymbol type, SyntheticNetwork result, CancellationToken cancellationToken)
    {
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

    private static IEnumerable<(AttributeData Attribute, AttributeSyntax? Syntax)> LayerAttributes(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var layers = type.GetAttributes().Where(a => IsLayerAttribute(a.AttributeClass)).ToList();
        var bySyntax = layers.Where(a => a.ApplicationSyntaxReference is not null)
            .ToDictionary(a => (a.ApplicationSyntaxReference!.SyntaxTree, a.ApplicationSyntaxReference.Span));

        // source order: declarations, attribute lists, attributes
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration)
            {
                continue;
            }

            foreach (var attribute in declaration.AttributeLists.SelectMany(l => l.Attributes))
            {
                if (bySyntax.TryGetValue((attribute.SyntaxTree, attribute.Span), out var data))
                {
                    yield return (data, attribute);
                }
            }
        }
    }

    public static bool IsLayerAttribute(INamedTypeSymbol? attributeClass)
    {
        for (var current = attributeClass?.BaseType; current is not null; current = current.BaseType)
        {
            if (current.ToDisplayString() == LayerAttributeBaseName)
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
        var name = NormLab.Dsl.Layers.LayerKind.NameOfAttribute(baseName) ?? baseName.ToLowerInvariant();
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
