using NormLab.Dsl;
using Xunit.Abstractions;

namespace NormLab.Dsl.Tests;

public class SmokeTests(ITestOutputHelper output)
{
    [Fact]
    public void LanguageExample()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "../../../../../examples/networks/ordering.normlab"));
        var result = NormLabCompiler.Check(text, "ordering.normlab");
        foreach (var d in result.Diagnostics) output.WriteLine(d.ToString());
        foreach (var n in result.Networks)
        {
            output.WriteLine(n.ToString());
            foreach (var l in n.AllLayers()) output.WriteLine($"  {l.Name} {l.WrittenName} {l.InputShape}->{l.OutputShape} p={l.Parameters} macs={l.Macs}");
        }
        Assert.Equal(3, result.Networks.Count);
    }
}
