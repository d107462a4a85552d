using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using NormLab.Dsl.Layers;
using NormLab.Dsl;
using NormLab.Dsl.Binding;
using NormLab.Dsl.Model;
using NormLab.Testing.Generators;
using Xunit;
using Xunit.Abstractions;

namespace NormLab.Runtime.Tests.Agreement;

/// <summary>
/// language.md: "the inferred output shape of every layer must equal what libtorch produces at run time";
/// parameter counts follow PyTorch. Checked on every network of the repository and on random programs.
/// </summary>
[Collection(TorchState.Name)]
public sealed class AgreementTests(ITestOutputHelper output)
{
    /// <summary>How many random architectures must pass the checker and be compared with libtorch.</summary>
    private const int RandomNetworks = 500;

    private const int Seed = 20_240_611;

    [Fact]
    public void Every_valid_network_of_the_repository_agrees_with_libtorch()
    {
        using var threads = LibTorchAgreement.OneThread();
        var files = RepositoryFiles.NormLabFiles();
        Assert.Contains(files, f => RepositoryFiles.Relative(f) == "examples/networks/ordering.normlab");
        var checkedNetworks = 0;
        var problems = new List<string>();
        foreach (var file in files)
        {
            var result = NormLabCompiler.Check(File.ReadAllText(file), RepositoryFiles.Relative(file));
            foreach (var network in result.Networks.Where(n => n.IsValid))
            {
                checkedNetworks++;
                problems.AddRange(LibTorchAgreement.Check(network, seed: checkedNetworks).Select(p => $"{RepositoryFiles.Relative(file)}, {network.Name}: {p}"));
            }
        }

        output.WriteLine($"{checkedNetworks} valid networks in {files.Count} files");
        Assert.True(checkedNetworks >= 3, $"only {checkedNetworks} valid networks found");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Random_architectures_agree_with_libtorch()
    {
        using var threads = LibTorchAgreement.OneThread();
        var clock = Stopwatch.StartNew();
        var generator = new RandomPrograms(Seed);
        var kept = new List<(string Text, NetworkModel Network)>();
        var attempts = 0;
        var rejected = new Dictionary<string, int>(StringComparer.Ordinal);
        while (kept.Count < RandomNetworks && attempts < 20 * RandomNetworks)
        {
            var text = generator.Next(attempts);
            attempts++;
            var result = NormLabCompiler.Check(text, "random.normlab");
            var network = result.Networks.Single();
            if (result.HasErrors || !network.IsValid)
            {
                foreach (var id in result.Diagnostics.Where(d => d.IsError).Select(d => d.Id).Distinct())
                {
                    rejected[id] = rejected.GetValueOrDefault(id) + 1;
                }

                continue;
            }

            kept.Add((text, network));
        }

        var generated = clock.Elapsed;
        Assert.True(kept.Count == RandomNetworks, $"only {kept.Count} of {attempts} random programs passed the checker");

        var problems = new List<string>();
        for (var i = 0; i < kept.Count; i++)
        {
            foreach (var problem in LibTorchAgreement.Check(kept[i].Network, seed: Seed + i))
            {
                problems.Add($"{problem}{Environment.NewLine}{kept[i].Text}");
            }
        }

        output.WriteLine($"{kept.Count} of {attempts} random programs passed the checker (errors of the rest: {string.Join(", ", rejected.OrderBy(r => r.Key).Select(r => $"{r.Key} x{r.Value}"))})");
        output.WriteLine($"generated and checked in {generated.TotalSeconds:F1} s, compared with libtorch in {(clock.Elapsed - generated).TotalSeconds:F1} s");
        foreach (var kind in problems.GroupBy(p => System.Text.RegularExpressions.Regex.Replace(p.Split('\n')[0], "[0-9]+", "#")).OrderByDescending(g => g.Count()))
        {
            output.WriteLine($"{kind.Count()} x {kind.Key}");
        }

        Assert.True(problems.Count == 0, $"{problems.Count} disagreements; the first ones:{Environment.NewLine}{string.Join(Environment.NewLine, problems.Take(10))}");
        Coverage(kept.Select(k => k.Network).ToList());
    }

    /// <summary>Corners of the formulas: sizes that just fit, 1x1 maps, padding larger than the kernel, odd and non-square projections.</summary>
    [Theory]
    [InlineData("in > relu", "4x1x1")]
    [InlineData("maxpool > bn > in(affine: true) > gn(groups: 2) > ln", "4x2x2")]
    [InlineData("maxpool(kernel: 3, stride: 2, padding: 1)", "1x3x3")]
    [InlineData("maxpool(kernel: 3, stride: 3, padding: 1) > avgpool(kernel: 3, stride: 1, padding: 1)", "2x1x1")]
    [InlineData("maxpool(kernel: 2, padding: 1) > avgpool(2, padding: 1)", "2x1x1")]
    [InlineData("conv(2, kernel: 3, dilation: 2, padding: valid)", "1x5x5")]
    [InlineData("conv(2, kernel: 4, dilation: 3) > conv(2, kernel: 2)", "1x6x6")]
    [InlineData("conv(4, kernel: 4, stride: 3)", "1x7x9")]
    [InlineData("conv(2, kernel: 1, padding: 3) > conv(2, kernel: 5, stride: 4, padding: 2)", "1x2x2")]
    [InlineData("conv1x1(8) > conv3x3(8, groups: 8) > conv5x5(16, groups: 4, stride: 2)", "3x9x9")]
    [InlineData("residual(project) { conv3x3(6, stride: 2) > bn > relu > conv3x3(6) }", "3x9x7")]
    [InlineData("residual(project) { conv(6, kernel: 3, stride: 3, padding: valid) }", "3x10x10")]
    [InlineData("residual(project) { maxpool } > residual(project) { maxout }", "4x5x5")]
    [InlineData("residual(project) { residual(project) { conv3x3(8, stride: 2) } > maxpool }", "2x8x8")]
    [InlineData("(conv3x3(4, stride: 2) > bn > relu) * 3 > gap > softmax", "1x8x8")]
    [InlineData("softmax > ln > gap > ln > bn > maxout(3) > softmax", "6x3x3")]
    [InlineData("residual(project) { maxout(3) } > softmax", "6")]
    [InlineData("flatten > linear(3) > residual { bn > relu > dense(3) } > flatten", "10")]
    [InlineData("gmp > residual(project) { linear(5) > prelu } > bn(affine: false) > ln(affine: false)", "3x1x1")]
    [InlineData("concat { identity | conv1x1(3) > bn > relu | maxpool(kernel: 3, stride: 1, padding: 1) > conv1x1(2) }", "4x5x5")]
    [InlineData("concat { concat { conv3x3(2) | identity } | residual { conv3x3(4) > bn } } > shuffle(2)", "4x6x6")]
    [InlineData("scale { gap > linear(2) > relu > linear(4) > sigmoid } > se(2, act: leakyrelu(0.2), gate: hardsigmoid)", "4x3x5")]
    [InlineData("conv(4, kernel: 1x7, padding: 0x3) > conv(4, kernel: 7x1, padding: 3x0) > conv(4, kernel: 3x5, stride: 2x1, dilation: 1x2, padding: valid)", "2x9x11")]
    [InlineData("maxpool(kernel: 3, stride: 2, ceil: true) > avgpool(kernel: 3, stride: 2, ceil: true) > maxpool(kernel: 2x3, stride: 1x2, ceil: true)", "2x14x17")]
    [InlineData("maxpool(kernel: 3, stride: 2, padding: 1, ceil: true, dilation: 2)", "1x10x10")]
    [InlineData("ln(over: channels) > layerscale(0.5) > droppath(0.3) > hardswish > channels(1, 3) > concat { identity | channels(0, 1) }", "4x3x3")]
    [InlineData("conv(8, kernel: 5, stride: 2) > bn > relu > maxpool1d(kernel: 3) > in(affine: true) > gn(groups: 2) > ln > ln(over: channels) > dropout1d(0.1)", "signal 3x50")]
    [InlineData("conv1d(6, kernel: 3, stride: 2, dilation: 2) > avgpool1d(kernel: 3, ceil: true) > se(2) > residual(project) { conv(8, stride: 2) > bn } > gap > linear(3)", "signal 2x41")]
    [InlineData("concat { conv(3, kernel: 1) | avgpool(kernel: 3, stride: 1, padding: 1) } > scale { gmp > linear(5) > sigmoid } > layerscale > flatten", "signal 2x9")]
    [InlineData("concat { linear(3) | identity } > scale { linear(7) > sigmoid } > ln", "4")]
    public void Corner_cases_agree_with_libtorch(string pipeline, string input)
    {
        using var threads = LibTorchAgreement.OneThread();
        var result = NormLabCompiler.Check($"network N(input: {input}) {{ {pipeline} }}", "corner.normlab");
        var network = result.Networks.Single();
        Assert.True(network.IsValid, string.Join(Environment.NewLine, network.Diagnostics));
        var problems = LibTorchAgreement.Check(network, seed: 5);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Groupnorm_on_features_is_refused_by_both()
    {
        // PyTorch's GroupNorm takes [N, C]; TorchSharp's (the type of generated gn fields) refuses it
        using (var norm = TorchSharp.torch.nn.GroupNorm(2, 8))
        using (var flat = TorchSharp.torch.randn(2, 8))
        {
            Assert.Throws<ArgumentException>(() => norm.forward(flat));
        }

        var result = NormLabCompiler.Check("network N(input: 1x8x8) { conv3x3(8) > gap > gn(groups: 2) > linear(4) }", "gn.normlab");
        Assert.Contains(result.Diagnostics, d => d.Id == "NL2003" && d.IsError);
    }

    [Fact]
    public void The_random_programs_are_reproducible()
    {
        var first = new RandomPrograms(7);
        var second = new RandomPrograms(7);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(first.Next(i), second.Next(i));
        }
    }

    /// <summary>Every layer kind and argument form, and a good share of down-sampling and residual networks.</summary>
    private void Coverage(IReadOnlyList<NetworkModel> networks)
    {
        var layers = networks.SelectMany(n => n.AllLayers()).ToList();

        var missingKinds = LayerKind.All.Where(k => !layers.Any(l => l.Kind == k)).ToList();
        Assert.True(missingKinds.Count == 0, "no random network has " + string.Join(", ", missingKinds));

        // WrittenName is the catalog entry's name (conv3x3, not an alias such as dense)
        var written = layers.Select(l => l.WrittenName).ToHashSet(StringComparer.Ordinal);
        var missingNames = LayerCatalog.Names.Where(n => LayerCatalog.Find(n)!.Name == n && !written.Contains(n)).ToList();
        Assert.True(missingNames.Count == 0, "no random network writes " + string.Join(", ", missingNames));

        var projections = layers.SelectMany(l => l.Shortcut).ToHashSet();
        var convs = layers.Where(l => l.Kind == LayerKind.Conv && !projections.Contains(l)).ToList();
        Assert.Contains(convs, l => l.Stride > 1);
        Assert.Contains(convs, l => l.Dilation > 1);
        Assert.Contains(convs, l => l.Groups > 1);
        Assert.Contains(convs, l => l.Bias);
        Assert.Contains(convs, l => !l.Bias);
        Assert.Contains(convs, l => l.Padding == 0 && l.Kernel > 1);
        Assert.Contains(convs, l => l.Kernel % 2 == 0);
        Assert.Contains(layers, l => l.Kind == LayerKind.BatchNorm && l.IsSpatial);
        Assert.Contains(layers, l => l.Kind == LayerKind.BatchNorm && !l.IsSpatial);
        Assert.Contains(layers, l => l.Is(LayerTraits.LocalPooling) && l.Padding > 0);
        Assert.Contains(layers, l => l.Is(LayerTraits.LocalPooling) && l.Stride != l.Kernel);
        Assert.Contains(layers, l => l.Kind == LayerKind.Maxout && l.IsSpatial);
        Assert.Contains(layers, l => l.Kind == LayerKind.Maxout && !l.IsSpatial);

        var downSampling = networks.Count(n => n.AllLayers().Any(l => l.InputShape.IsSpatial && l.OutputShape.IsSpatial && l.OutputShape.Height < l.InputShape.Height));
        var residual = networks.Count(n => n.AllLayers().Any(l => l.Kind == LayerKind.Residual));
        var projected = networks.Count(n => n.AllLayers().Any(l => l.Shortcut.Count > 0));
        var stridedProjection = networks.Count(n => n.AllLayers().Any(l => l.Shortcut.Count > 0 && l.Shortcut[0].Stride > 1));
        var linearProjection = networks.Count(n => n.AllLayers().Any(l => l.Shortcut.Count > 0 && l.Shortcut[0].Kind == LayerKind.Linear));
        output.WriteLine($"{layers.Count} layers; {downSampling} networks down-sample, {residual} have a residual, {projected} a projected one ({stridedProjection} strided, {linearProjection} linear)");
        Assert.True(downSampling >= networks.Count / 3, $"only {downSampling} networks down-sample");
        Assert.True(residual >= networks.Count / 3, $"only {residual} networks have a residual");
        Assert.True(stridedProjection >= networks.Count / 10, $"only {stridedProjection} networks have a strided projection");
        Assert.True(linearProjection >= 5, $"only {linearProjection} networks have a linear projection");
    }
}
