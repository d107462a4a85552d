using System.Globalization;
using System.Reflection;
using Microsoft.CodeAnalysis;
using NormLab.Dsl.Layers;
using NormLab.Dsl;
using NormLab.Dsl.Binding;
using NormLab.Generator.Parsing;
using NormLab.Generator.Tests.Infrastructure;

namespace NormLab.Generator.Tests.Contracts;

/// <summary>
/// The generator finds the attributes by metadata name and turns each layer attribute into a catalog layer.
/// A renamed attribute, property or catalog layer fails here instead of silently generating nothing.
/// </summary>
public sealed class AttributeContractTests
{
    private static readonly Assembly Attributes = typeof(NormLab.NetworkAttribute).Assembly;

    public static TheoryData<Type> LayerAttributeTypes() => new(LayerAttributes());

    [Fact]
    public void NetworkAttribute_HasTheMetadataNameAndMembersTheGeneratorReads()
    {
        Assert.Equal(AttributeReader.NetworkAttributeName, typeof(NormLab.NetworkAttribute).FullName);
        Assert.NotNull(Attributes.GetType(AttributeReader.NetworkAttributeName));
        Assert.NotNull(typeof(NormLab.NetworkAttribute).GetConstructor(new[] { typeof(string) }));
        Assert.NotNull(typeof(NormLab.NetworkAttribute).GetConstructor(Type.EmptyTypes));
        Assert.Equal(typeof(string), typeof(NormLab.NetworkAttribute).GetProperty("Input")?.PropertyType);
        Assert.Equal(typeof(int), typeof(NormLab.NetworkAttribute).GetProperty("Classes")?.PropertyType);
        Assert.Equal(typeof(string), typeof(NormLab.NetworkAttribute).GetProperty("Allow")?.PropertyType);
        Assert.True(typeof(NormLab.NetworkAttribute).GetProperty("Input")!.CanWrite);
    }

    [Fact]
    public void LayerAttribute_HasTheMetadataNameTheGeneratorReads()
    {
        Assert.Equal(AttributeReader.LayerAttributeBaseName, typeof(NormLab.LayerAttribute).FullName);
        Assert.True(typeof(NormLab.LayerAttribute).IsAbstract);
        Assert.NotEmpty(LayerAttributes());
    }

    [Fact]
    public void EveryCatalogLayer_HasAnAttribute()
    {
        var covered = LayerAttributes().Select(t => CatalogLayer(t).Name).ToHashSet(StringComparer.Ordinal);
        var layers = LayerCatalog.Names.Select(n => LayerCatalog.Find(n)!.Name).Distinct(StringComparer.Ordinal);

        Assert.DoesNotContain(layers, l => !covered.Contains(l));
    }

    [Theory]
    [MemberData(nameof(LayerAttributeTypes))]
    public void LayerAttribute_IsInTheNormLabNamespace_AndApplicableToClasses(Type type)
    {
        Assert.Equal("NormLab", type.Namespace);
        Assert.EndsWith("Attribute", type.Name, StringComparison.Ordinal);
        Assert.True(type.IsSealed);
        var usage = type.GetCustomAttribute<AttributeUsageAttribute>();
        Assert.NotNull(usage);
        Assert.True(usage!.ValidOn.HasFlag(AttributeTargets.Class));
        Assert.True(usage.AllowMultiple, $"{type.Name}: a network may use a layer more than once");
    }

    [Theory]
    [MemberData(nameof(LayerAttributeTypes))]
    public void LayerAttribute_MapsToACatalogLayer(Type type)
    {
        var definition = CatalogLayer(type);
        Assert.NotNull(LayerCatalog.Find(definition.Name));
    }

    [Theory]
    [MemberData(nameof(LayerAttributeTypes))]
    public void LayerAttribute_ConstructorParameters_ArePositionalArgumentsOfTheLayer(Type type)
    {
        var definition = CatalogLayer(type);
        foreach (var constructor in type.GetConstructors())
        {
            var parameters = constructor.GetParameters();
            Assert.True(parameters.Length <= definition.Arguments.Count, $"{type.Name}({string.Join(", ", parameters.Select(p => p.Name))}) has more arguments than '{definition.Name}'");
            for (var i = 0; i < parameters.Length; i++)
            {
                var argument = definition.Arguments[i];
                Assert.True(Compatible(parameters[i].ParameterType, argument.Type),
                    $"{type.Name}: parameter {i} '{parameters[i].Name}' ({parameters[i].ParameterType.Name}) is '{definition.Name}' argument '{argument.Name}' ({argument.Type})");
                if (parameters[i].HasDefaultValue && argument.Default is not null)
                {
                    Assert.Equal(Convert.ToDouble(argument.Default, CultureInfo.InvariantCulture), Convert.ToDouble(parameters[i].DefaultValue, CultureInfo.InvariantCulture));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(LayerAttributeTypes))]
    public void LayerAttribute_SettableProperties_AreNamedArgumentsOfTheLayer(Type type)
    {
        var definition = CatalogLayer(type);
        foreach (var property in type.GetProperties().Where(p => p.CanWrite))
        {
            var argument = definition.FindArgument(property.Name.ToLowerInvariant());
            Assert.True(argument is not null, $"{type.Name}.{property.Name} is no argument of '{definition.Name}' (it has: {string.Join(", ", definition.Arguments.Select(a => a.Name))})");
            Assert.True(Compatible(property.PropertyType, argument!.Type), $"{type.Name}.{property.Name} ({property.PropertyType.Name}) is '{definition.Name}' argument '{argument.Name}' ({argument.Type})");
        }
    }

    [Theory]
    [MemberData(nameof(LayerAttributeTypes))]
    public void LayerAttribute_WithEveryArgument_IsCheckedWithoutLanguageErrors(Type type)
    {
        // the attribute with every constructor argument and every settable property, read back as NormLab text
        var definition = CatalogLayer(type);
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var arguments = constructor.GetParameters().Select(p => Sample(p.ParameterType, p.Name!))
            .Concat(type.GetProperties().Where(p => p.CanWrite).Select(p => $"{p.Name} = {Sample(p.PropertyType, p.Name)}"));
        var input = definition.Category == LayerCategory.FullyConnected ? "16" : "4x16x16";
        var (synthetic, _) = Read($"[{Short(type)}({string.Join(", ", arguments)})]", input);

        Assert.Empty(synthetic.Diagnostics);
        var result = NormLabCompiler.Check(synthetic.Text);
        Assert.DoesNotContain(result.Diagnostics, d => d.Id is "NL0001" or "NL0002" or "NL0003");
        foreach (var property in type.GetProperties().Where(p => p.CanWrite))
        {
            Assert.Contains(property.Name.ToLowerInvariant() + ": ", synthetic.Text, StringComparison.Ordinal);
        }
    }

    /// <summary>The catalog layer an attribute stands for, as the generator reads it (a one-layer record, read by AttributeReader).</summary>
    private static LayerDefinition CatalogLayer(Type type)
    {
        var required = type.GetConstructors().OrderBy(c => c.GetParameters().Count(p => !p.HasDefaultValue)).First()
            .GetParameters().Where(p => !p.HasDefaultValue).Select(p => Sample(p.ParameterType, p.Name!));
        var (synthetic, _) = Read($"[{Short(type)}({string.Join(", ", required)})]", "4x16x16");
        var body = synthetic.Text.Substring(synthetic.Text.IndexOf("{\n", StringComparison.Ordinal) + 2);
        var name = new string(body.TakeWhile(c => char.IsLetterOrDigit(c)).ToArray());
        var definition = LayerCatalog.Find(name);
        Assert.True(definition is not null, $"[{Short(type)}] becomes '{name}', which is not in the catalog ({synthetic.Text})");
        return definition!;
    }

    private static (SyntheticNetwork Synthetic, INamedTypeSymbol Type) Read(string layerAttribute, string input)
    {
        var compilation = GeneratorHarness.Compilation($"using NormLab;\n[Network(Input = \"{input}\")]\n{layerAttribute}\npublic partial record Probe;\n");
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var type = compilation.GetTypeByMetadataName("Probe")!;
        var network = type.GetAttributes().Single(a => a.AttributeClass?.ToDisplayString() == AttributeReader.NetworkAttributeName);
        return (AttributeReader.Read(type, network, CancellationToken.None), type);
    }

    private static IEnumerable<Type> LayerAttributes() =>
        Attributes.GetTypes().Where(t => typeof(NormLab.LayerAttribute).IsAssignableFrom(t) && !t.IsAbstract).OrderBy(t => t.Name, StringComparer.Ordinal);

    private static string Short(Type type) => type.Name.Substring(0, type.Name.Length - "Attribute".Length);

    private static bool Compatible(Type clr, ArgumentType argument) => argument switch
    {
        ArgumentType.Integer => clr == typeof(int),
        ArgumentType.Float => clr == typeof(double) || clr == typeof(float),
        ArgumentType.Boolean => clr == typeof(bool),
        ArgumentType.Bias => clr == typeof(bool),
        ArgumentType.Padding => clr == typeof(string) || clr == typeof(int),
        ArgumentType.Symbol or ArgumentType.Layer => clr == typeof(string),
        _ => false,
    };

    /// <summary>A valid value for a layer argument on a 4-channel 16x16 input or 16 features.</summary>
    private static string Sample(Type type, string name) => type switch
    {
        _ when type == typeof(int) => name.Equals("stride", StringComparison.OrdinalIgnoreCase) || name.Equals("dilation", StringComparison.OrdinalIgnoreCase) ||
                                      name.Equals("padding", StringComparison.OrdinalIgnoreCase) ? "1" : "2",
        _ when type == typeof(double) => "0.25",
        _ when type == typeof(bool) => "true",
        _ when type == typeof(string) && name.Equals("over", StringComparison.OrdinalIgnoreCase) => "\"channels\"",
        _ when type == typeof(string) && name.Equals("act", StringComparison.OrdinalIgnoreCase) => "\"leakyrelu(0.2)\"",
        _ when type == typeof(string) && name.Equals("gate", StringComparison.OrdinalIgnoreCase) => "\"hardsigmoid\"",
        _ when type == typeof(string) => "\"same\"",
        _ => throw new NotSupportedException($"No sample for {type}"),
    };
}
