using System.Collections;
using System.Reflection;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Tests.Syntax;

/// <summary>
/// <see cref="SyntaxNode.GetChildren"/> replaces hand-written tree walks, so it must return every child:
/// these tests fail when a node type has a node, token or list property that GetChildren leaves out,
/// or when a new node type is not in the sample.
/// </summary>
public class SyntaxNodeChildrenTests
{
    // every node type, every optional part present
    private const string Sample = """
        namespace Lab.Nets
        block Unit(c, act = relu) = conv3x3(c) > bn > act
        network Net(input: image 1x28x28, classes: 10, width: 8) allow NL1001 {
            Unit(width, act: leakyrelu(0.2)) > (conv3x3(-width) > relu) * 2 as i
            > residual(project) { conv3x3((width * 2) + 1) > bn } > concat { identity | conv1x1(round(width / 3)) } > gap > linear(classes)
        }
        """;

    private static readonly Type[] NodeTypes = typeof(SyntaxNode).Assembly.GetTypes()
        .Where(t => typeof(SyntaxNode).IsAssignableFrom(t) && !t.IsAbstract)
        .ToArray();

    private static List<SyntaxNode> SampleNodes()
    {
        var (syntax, diagnostics) = NormLabCompiler.Parse(SourceText.From(Sample));
        Assert.Empty(diagnostics);
        return syntax.DescendantNodesAndSelf().ToList();
    }

    [Fact]
    public void The_sample_has_every_node_type()
    {
        var seen = SampleNodes().Select(n => n.GetType()).ToHashSet();
        var missing = NodeTypes.Where(t => !seen.Contains(t)).Select(t => t.Name).ToArray();
        Assert.True(missing.Length == 0, "add these node types to the sample: " + string.Join(", ", missing));
    }

    [Fact]
    public void GetChildren_returns_every_child_property()
    {
        foreach (var node in SampleNodes())
        {
            var children = node.GetChildren().Select(c => (object?)c.Node ?? c.Token).ToList();
            foreach (var property in node.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                foreach (var expected in ChildValues(property, node))
                {
                    Assert.True(children.Any(c => ReferenceEquals(c, expected)),
                        $"{node.GetType().Name}.GetChildren() does not return {property.Name} ('{expected}')");
                }
            }
        }
    }

    [Fact]
    public void The_sample_gives_every_child_property_a_value()
    {
        // an optional part absent from the sample would not be checked above
        var nodes = SampleNodes();
        foreach (var type in NodeTypes)
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(IsChildProperty))
            {
                Assert.True(nodes.Where(n => n.GetType() == type).Any(n => property.GetValue(n) is not null),
                    $"{type.Name}.{property.Name} has no value in the sample: add it so GetChildren is checked");
            }
        }
    }

    [Fact]
    public void GetChildren_returns_the_children_in_text_order()
    {
        foreach (var node in SampleNodes())
        {
            var starts = node.GetChildren().Select(c => c.Span.Start).ToArray();
            Assert.Equal(starts.OrderBy(s => s), starts);
            Assert.All(node.GetChildren(), c => Assert.True(node.Span.Start <= c.Span.Start && c.Span.End <= node.Span.End,
                $"a child of {node.GetType().Name} lies outside its span"));
        }
    }

    private static bool IsChildProperty(PropertyInfo property) =>
        typeof(SyntaxNode).IsAssignableFrom(property.PropertyType)
        || property.PropertyType == typeof(SyntaxToken)
        || (property.PropertyType != typeof(string) && property.PropertyType.GetInterfaces().Append(property.PropertyType)
            .Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)
                && (typeof(SyntaxNode).IsAssignableFrom(i.GetGenericArguments()[0]) || i.GetGenericArguments()[0] == typeof(SyntaxToken))));

    private static IEnumerable<object> ChildValues(PropertyInfo property, SyntaxNode node)
    {
        if (!IsChildProperty(property))
        {
            yield break;
        }

        switch (property.GetValue(node))
        {
            case null:
                yield break;
            case SyntaxNode child:
                yield return child;
                break;
            case SyntaxToken token:
                yield return token;
                break;
            case IEnumerable list:
                foreach (var item in list)
                {
                    yield return item;
                }

                break;
        }
    }
}
