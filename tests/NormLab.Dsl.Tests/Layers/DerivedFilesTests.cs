using NormLab.Catalog;
using NormLab.Testing;

namespace NormLab.Dsl.Tests.Layers;

/// <summary>
/// The C# layer attributes and the docs' layer catalog are derived from the layer definitions. When a
/// definition changes, this writes the new rendering as <c>FILE.received</c> beside the committed file and
/// fails: review it, then run <c>dotnet run --project tools/NormLab.Catalog</c> (or rename it over the file).
/// </summary>
public sealed class DerivedFilesTests
{
    public static TheoryData<string> Paths() => new(CatalogFiles.All().Select(f => f.Path));

    [Theory]
    [MemberData(nameof(Paths))]
    public void The_committed_file_is_the_rendering_of_the_definitions(string path)
    {
        var expected = CatalogFiles.All().Single(f => f.Path == path).Text;
        var full = Path.Combine(TestPaths.RepositoryRoot, path);
        var actual = File.Exists(full) ? File.ReadAllText(full).Replace("\r\n", "\n") : null;
        if (actual == expected)
        {
            return;
        }

        File.WriteAllText(full + ".received", expected);
        Assert.Fail($"{path} is not what the layer definitions give; the rendering is in {path}.received: review it and run `dotnet run --project tools/NormLab.Catalog`.");
    }

    [Fact]
    public void Every_kind_with_a_callable_name_has_an_attribute_and_a_row_in_the_docs()
    {
        var docs = CatalogFiles.Docs();
        var attributes = CatalogFiles.Attributes();
        foreach (var definition in NormLab.Dsl.Layers.LayerKind.Names.Select(n => NormLab.Dsl.Layers.LayerKind.Find(n)!).Distinct())
        {
            Assert.Contains($"| `{definition.Name}` |", docs);
            Assert.NotEmpty(definition.Attributes);
            Assert.All(definition.Attributes, a => Assert.Contains($"public sealed class {a}Attribute : LayerAttribute", attributes));
        }
    }
}
