using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using NormLab.Generator.Helpers;
using NormLab.Generator.Model;
using NormLab.Generator.Tests.Infrastructure;

namespace NormLab.Generator.Tests.Incrementality;

/// <summary>
/// The generator's models are small equatable values: no Roslyn object that pins a compilation, and
/// value equality over every member (else the cache compares by reference and every run regenerates).
/// </summary>
public sealed class ModelTests
{
    private static readonly Type[] Forbidden =
    {
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Location), typeof(Compilation), typeof(SemanticModel), typeof(AttributeData),
    };

    /// <summary>The model types: every class, record and enum of NormLab.Generator.Model.</summary>
    public static TheoryData<Type> ModelTypes() => new(Types());

    /// <summary>The records of the model (everything but enums).</summary>
    public static TheoryData<Type> ModelRecords() => new(Types().Where(t => t.IsClass));

    private static IEnumerable<Type> Types() =>
        typeof(SourceSpec).Assembly.GetTypes().Where(t => t.Namespace == typeof(SourceSpec).Namespace && !t.IsNested && !IsCompilerGenerated(t));

    [Fact]
    public void TheModelHasTheExpectedTypes()
    {
        var names = Types().Select(t => t.Name).Order(StringComparer.Ordinal);
        Assert.Equal(
            new[] { "ContainingTypeSpec", "FieldSpec", "HyperParameterSpec", "NetworkOrigin", "NetworkSpec", "NormlabFile", "ProjectInfo", "RecordInput", "SourceSpec", "StepSpec" },
            names);
    }

    [Theory]
    [MemberData(nameof(ModelTypes))]
    public void ModelTypes_HoldNoRoslynObjects(Type type)
    {
        var problems = new List<string>();
        Walk(type, type.Name, new HashSet<Type>(), problems);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void TrackedValues_HoldNoRoslynObjects()
    {
        // the values the cache actually holds, walked object by object
        var run = GeneratorHarness.Run(
            new[] { GeneratorHarness.File(GeneratorHarness.ProjectDirectory + "a.normlab", "network A(input: 8, classes: 2) { residual(project) { linear(8) > relu } > linear(classes) }") },
            """
            using NormLab;
            namespace Consumer;
            public partial class Outer
            {
                [Network("conv3x3(Width) > bn > relu > gap > linear(10)", Input = "3x32x32")]
                public partial record Inner(int Width = 8, double Rate = 0.5);
            }
            """);
        var problems = new List<string>();
        foreach (var step in IncrementalityTests.AllStepNames())
        {
            foreach (var (value, _) in run.Single.TrackedSteps[step].SelectMany(s => s.Outputs))
            {
                WalkObject(value, step, new HashSet<object>(ReferenceEqualityComparer.Instance), problems);
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(ModelRecords))]
    public void Records_AreEqualByValue_OverEveryMember(Type type)
    {
        Assert.True(typeof(IEquatable<>).MakeGenericType(type).IsAssignableFrom(type), $"{type.Name} is not IEquatable<{type.Name}>");
        var constructor = PrimaryConstructor(type);
        var parameters = constructor.GetParameters();

        var a = constructor.Invoke(parameters.Select(p => Sample(p.ParameterType, 0)).ToArray());
        var b = constructor.Invoke(parameters.Select(p => Sample(p.ParameterType, 0)).ToArray());
        Assert.NotSame(a, b);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());

        // changing any one member makes the values differ
        for (var i = 0; i < parameters.Length; i++)
        {
            var arguments = parameters.Select((p, j) => Sample(p.ParameterType, j == i ? 1 : 0)).ToArray();
            var changed = constructor.Invoke(arguments);
            Assert.False(a.Equals(changed), $"{type.Name} ignores '{parameters[i].Name}' in its equality");
        }
    }

    [Fact]
    public void EquatableArray_ComparesByContent()
    {
        var a = new EquatableArray<string>(new[] { "conv1", "bn1" });
        var b = new EquatableArray<string>(new List<string> { "conv1", "bn1" });
        var c = new EquatableArray<string>(new[] { "bn1", "conv1" });

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
        Assert.True(a != c);
        Assert.Equal(EquatableArray<string>.Empty, default);
        Assert.Empty(default(EquatableArray<string>));
        Assert.Equal(EquatableArray<string>.Empty.GetHashCode(), default(EquatableArray<string>).GetHashCode());
    }

    [Fact]
    public void Specs_OfTheSameNetworkReadTwice_AreEqual()
    {
        // explicit, readable instances next to the reflection test above
        var layer = new FieldSpec("conv1", "conv", "conv1:conv2d", "global::TorchSharp.Modules.Conv2d", "16x28x28", 144);
        var sameLayer = new FieldSpec("conv1", "conv", "conv1:conv2d", "global::TorchSharp.Modules.Conv2d", "16x28x28", 144);
        Assert.Equal(layer, sameLayer);
        Assert.NotEqual(layer, layer with { Parameters = 160 });

        var step = new StepSpec("Layer", "x", new EquatableArray<string>(new[] { "x" }), "conv1");
        Assert.Equal(step, new StepSpec("Layer", "x", new EquatableArray<string>(new List<string> { "x" }), "conv1"));
        Assert.NotEqual(step, step with { Sources = new EquatableArray<string>(new[] { "x", "residual1" }) });

        var parameter = new HyperParameterSpec("width", "Width", true, "32");
        Assert.Equal(parameter, new HyperParameterSpec("width", "Width", true, "32"));
        Assert.NotEqual(parameter, parameter with { DefaultLiteral = "64" });

        var outer = new ContainingTypeSpec("class", "Outer");
        Assert.Equal(outer, new ContainingTypeSpec("class", "Outer"));
        Assert.NotEqual(outer, outer with { Keyword = "record" });
    }

    private static ConstructorInfo PrimaryConstructor(Type type) =>
        type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Where(c => !(c.GetParameters().Length == 1 && c.GetParameters()[0].ParameterType == type)) // not the copy constructor
            .OrderByDescending(c => c.GetParameters().Length)
            .First();

    /// <summary>A value of <paramref name="type"/>: variant 0 and variant 1 always differ.</summary>
    private static object? Sample(Type type, int variant)
    {
        if (type == typeof(string))
        {
            return variant == 0 ? "a" : "b";
        }

        if (type == typeof(bool))
        {
            return variant == 1;
        }

        if (type == typeof(int))
        {
            return variant + 1;
        }

        if (type == typeof(long))
        {
            return (long)variant + 1;
        }

        if (type.IsEnum)
        {
            return Enum.GetValues(type).GetValue(variant);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>))
        {
            // variant 0: empty; variant 1: one element (whose own arrays are empty, so this ends)
            var element = type.GetGenericArguments()[0];
            var items = Array.CreateInstance(element, variant);
            if (variant == 1)
            {
                items.SetValue(Sample(element, 0), 0);
            }

            return Activator.CreateInstance(type, items);
        }

        if (type.IsClass && type.Namespace == typeof(SourceSpec).Namespace)
        {
            var constructor = PrimaryConstructor(type);
            return constructor.Invoke(constructor.GetParameters().Select(p => Sample(p.ParameterType, variant)).ToArray());
        }

        throw new NotSupportedException($"No sample for {type}; add one.");
    }

    private static void Walk(Type type, string path, HashSet<Type> seen, List<string> problems)
    {
        if (Forbidden.Any(f => f.IsAssignableFrom(type)))
        {
            problems.Add($"{path}: {type}");
            return;
        }

        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || !seen.Add(type))
        {
            return;
        }

        if (type.IsArray)
        {
            Walk(type.GetElementType()!, path + "[]", seen, problems);
            return;
        }

        if (type == typeof(object) || type.IsInterface || (type.IsAbstract && !type.IsSealed))
        {
            problems.Add($"{path}: {type} can hold anything");
            return;
        }

        foreach (var argument in type.IsGenericType ? type.GetGenericArguments() : Type.EmptyTypes)
        {
            Walk(argument, $"{path}<{argument.Name}>", seen, problems);
        }

        for (var current = type; current is not null && current != typeof(object) && current != typeof(ValueType); current = current.BaseType)
        {
            foreach (var field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                Walk(field.FieldType, path + "." + field.Name, seen, problems);
            }
        }

        foreach (var property in type.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Where(p => p.GetIndexParameters().Length == 0))
        {
            if (property.Name != "EqualityContract")
            {
                Walk(property.PropertyType, path + "." + property.Name, seen, problems);
            }
        }
    }

    private static void WalkObject(object? value, string path, HashSet<object> seen, List<string> problems)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return;
        }

        var type = value.GetType();
        if (Forbidden.Any(f => f.IsInstanceOfType(value)))
        {
            problems.Add($"{path}: {type}");
            return;
        }

        if (!type.IsValueType && !seen.Add(value))
        {
            return;
        }

        if (value is IEnumerable items && type.Namespace != typeof(SourceSpec).Namespace)
        {
            var i = 0;
            foreach (var item in items)
            {
                WalkObject(item, $"{path}[{i++}]", seen, problems);
            }

            return;
        }

        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            foreach (var field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                WalkObject(field.GetValue(value), path + "." + field.Name, seen, problems);
            }
        }
    }

    private static bool IsCompilerGenerated(Type type) =>
        type.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() is not null || type.Name.StartsWith('<');
}
