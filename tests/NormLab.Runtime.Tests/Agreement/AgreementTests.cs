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

    private const int SecondReleaseSeed = 20_261_205;

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
        var kept = RandomNetworksAgree(new RandomPrograms(Seed), Seed);
        Coverage(kept.Select(k => k.Network).ToList(), secondRelease: false);
    }

    /// <summary>
    /// issue 11: random architectures with branches, gates and signals (concat, scale, se, channels/shuffle, droppath,
    /// layerscale, ln(over: channels), HxW arguments, ceil pools, 1-d signals) agree with libtorch like the first
    /// release's: per-layer shapes in train and eval mode, parameters per module, registered names.
    /// </summary>
    [Fact]
    public void Random_second_release_architectures_agree_with_libtorch()
    {
        var kept = RandomNetworksAgree(new RandomPrograms(SecondReleaseSeed, secondRelease: true), SecondReleaseSeed);
        Coverage(kept.Select(k => k.Network).ToList(), secondRelease: true);
        SecondReleaseCoverage(kept.Select(k => k.Network).ToList());
    }

    /// <summary>The first <see cref="RandomNetworks"/> programs of <paramref name="generator"/> that pass the checker, each compared with libtorch.</summary>
    private List<(string Text, NetworkModel Network)> RandomNetworksAgree(RandomPrograms generator, int seed)
    {
        using var threads = LibTorchAgreement.OneThread();
        var clock = Stopwatch.StartNew();
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
        var nanOnly = LibTorchAgreement.NaNOnlyDifferences;
        var reruns = LibTorchAgreement.NaNReruns;
        for (var i = 0; i < kept.Count; i++)
        {
            foreach (var problem in LibTorchAgreement.Check(kept[i].Network, seed: seed + i))
            {
                problems.Add($"{problem}{Environment.NewLine}{kept[i].Text}");
            }
        }

        output.WriteLine($"{kept.Count} of {attempts} random programs passed the checker (errors of the rest: {string.Join(", ", rejected.OrderBy(r => r.Key).Select(r => $"{r.Key} x{r.Value}"))})");
        output.WriteLine($"generated and checked in {generated.TotalSeconds:F1} s, compared with libtorch in {(clock.Elapsed - generated).TotalSeconds:F1} s; runs again after a NaN: {LibTorchAgreement.NaNReruns - reruns}; NaN in one run only after them: {LibTorchAgreement.NaNOnlyDifferences - nanOnly}");
        // libtorch's rare NaN (see LibTorchAgreement) may leave a few comparisons undecided; a NaN our modules caused would be in most
        Assert.True(LibTorchAgreement.NaNOnlyDifferences - nanOnly <= 5, $"{LibTorchAgreement.NaNOnlyDifferences - nanOnly} comparisons differed by a NaN in one run only");
        foreach (var kind in problems.GroupBy(p => System.Text.RegularExpressions.Regex.Replace(p.Split('\n')[0], "[0-9]+", "#")).OrderByDescending(g => g.Count()))
        {
            output.WriteLine($"{kind.Count()} x {kind.Key}");
        }

        Assert.True(problems.Count == 0, $"{problems.Count} disagreements; the first ones:{Environment.NewLine}{string.Join(Environment.NewLine, problems.Take(10))}");
        return kept;
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

        var third = new RandomPrograms(7, secondRelease: true);
        var fourth = new RandomPrograms(7, secondRelease: true);
        var differs = false;
        var reference = new RandomPrograms(7);
        for (var i = 0; i < 20; i++)
        {
            var text = third.Next(i);
            Assert.Equal(text, fourth.Next(i));
            differs |= text != reference.Next(i);
        }

        Assert.True(differs, "the second-release mode gives the first release's programs");
    }

    /// <summary>Every layer kind and argument form, and a good share of down-sampling and residual networks.</summary>
    private void Coverage(IReadOnlyList<NetworkModel> networks, bool secondRelease)
    {
        var layers = networks.SelectMany(n => n.AllLayers()).ToList();

        // the first release's stream has none of the second release's kinds and names
        var missingKinds = LayerKind.All.Where(k => !layers.Any(l => l.Kind == k) && (secondRelease || !SecondReleaseKinds.Contains(k))).ToList();
        Assert.True(missingKinds.Count == 0, "no random network has " + string.Join(", ", missingKinds));

        // WrittenName is the catalog entry's name (conv3x3, not an alias such as dense)
        var written = layers.Select(l => l.WrittenName).ToHashSet(StringComparer.Ordinal);
        var missingNames = LayerCatalog.Names.Where(n => LayerCatalog.Find(n)!.Name == n && !written.Contains(n)
            && (secondRelease || !SecondReleaseKinds.Contains(LayerCatalog.Find(n)!.Kind) && !n.EndsWith("1d", StringComparison.Ordinal))).ToList();
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

    /// <summary>The kinds the second release added (the first release's random programs never write them).</summary>
    private static readonly HashSet<LayerKind> SecondReleaseKinds = new()
    {
        LayerKind.Concat, LayerKind.Scale, LayerKind.SqueezeExcitation, LayerKind.SqueezePool, LayerKind.Channels,
        LayerKind.Shuffle, LayerKind.DropPath, LayerKind.LayerScale, LayerKind.Dropout1d,
    };

    /// <summary>The kept second-release programs hold every construct of issue 11, in its variants, often enough.</summary>
    private void SecondReleaseCoverage(IReadOnlyList<NetworkModel> networks)
    {
        var layers = networks.SelectMany(n => n.AllLayers()).ToList();
        int Networks(Func<LayerModel, bool> predicate) => networks.Count(n => n.AllLayers().Any(predicate));
        static bool Contains(IEnumerable<LayerModel> layers, Func<LayerModel, bool> predicate) => layers.Any(l => predicate(l) || l.Branches.Any(b => Contains(b, predicate)) || l.Shortcut.Any(predicate));

        var concat = Networks(l => l.Kind == LayerKind.Concat);
        var identityBranch = Networks(l => l.Kind == LayerKind.Concat && l.Branches.Any(b => b.Count == 1 && b[0].Kind == LayerKind.Identity));
        var nested = Networks(l => l.Kind == LayerKind.Concat && l.Branches.Any(b => Contains(b, i => i.Kind == LayerKind.Concat)));
        var residualInside = Networks(l => l.Kind == LayerKind.Concat && l.Branches.Any(b => Contains(b, i => i.Kind == LayerKind.Residual)));
        var blockInside = Networks(l => l.Kind == LayerKind.Concat && l.Branches.Any(b => b.Any(i => i.BlockPath.Count > l.BlockPath.Count)));
        var concatInBlock = Networks(l => l.Kind == LayerKind.Concat && l.BlockPath.Count > 0);
        var fourBranches = Networks(l => l.Kind == LayerKind.Concat && l.Branches.Count == 4);
        var scale = Networks(l => l.Kind == LayerKind.Scale);
        var se = Networks(l => l.Kind == LayerKind.SqueezeExcitation);
        var seArguments = Networks(l => l.Kind == LayerKind.SqueezeExcitation && l.Branches.Any(b => Contains(b, i => i.Kind == LayerKind.Hardsigmoid || i.Kind == LayerKind.LeakyReLU || i.Kind == LayerKind.Hardswish)));
        var split = Networks(l => l.Kind == LayerKind.Concat && l.Branches.Count(b => b.Count > 0 && b[0].Kind == LayerKind.Channels) == 2);
        var shuffle = Networks(l => l.Kind == LayerKind.Shuffle);
        var dropPath = Networks(l => l.Kind == LayerKind.Residual && Contains(l.Branches[0], i => i.Kind == LayerKind.DropPath));
        var layerScale = Networks(l => l.Kind == LayerKind.LayerScale);
        var overChannels = Networks(l => l.Kind == LayerKind.LayerNorm && l.OverChannels);
        var signals = networks.Count(n => n.Input!.SpatialRank == 1);
        var features = networks.Count(n => !n.Input!.IsSpatial);
        var rectangular = Networks(l => l.SpatialRank == 2 && !l.IsSquare);
        var ceil = Networks(l => l.Ceil);
        var reductions = Networks(l => l.Kind == LayerKind.Concat && l.IsSpatial && l.OutputShape.Dimensions[1] < l.InputShape.Dimensions[1]);
        output.WriteLine($"second release: {concat} networks with concat ({identityBranch} an identity branch, {nested} nested, {residualInside} a residual inside, {blockInside} a block inside, {concatInBlock} in a block, {fourBranches} four branches, {reductions} reductions, {split} splits), "
            + $"{scale} scale, {se} se ({seArguments} with act/gate), {shuffle} shuffle, {dropPath} droppath in a residual, {layerScale} layerscale, {overChannels} ln(over: channels), "
            + $"{rectangular} HxW, {ceil} ceil; inputs: {signals} signals, {features} features");

        Assert.True(concat >= networks.Count / 4, $"only {concat} networks have a concat");
        Assert.True(signals >= networks.Count / 5, $"only {signals} networks take a signal");
        foreach (var (count, what) in new[]
        {
            (identityBranch, "an identity branch"), (nested, "a concat nested in a concat"), (residualInside, "a residual in a concat branch"),
            (blockInside, "a block call in a concat branch"), (concatInBlock, "a concat in a block"), (fourBranches, "a concat of four branches"),
            (reductions, "a down-sampling concat"), (split, "the ShuffleNet split"), (scale, "scale"), (se, "se"), (seArguments, "se with act or gate"),
            (shuffle, "shuffle"), (dropPath, "droppath in a residual branch"), (layerScale, "layerscale"), (overChannels, "ln(over: channels)"),
            (rectangular, "an HxW window"), (ceil, "a ceil pool"), (features, "a features input"),
        })
        {
            Assert.True(count >= 5, $"only {count} networks have {what}");
        }

        // every layer of the catalog that exists in 1-d, on a signal; every per-dimension argument in HxW form
        foreach (var kind in new[]
        {
            LayerKind.Conv, LayerKind.MaxPool, LayerKind.AvgPool, LayerKind.BatchNorm, LayerKind.InstanceNorm, LayerKind.GroupNorm,
            LayerKind.LayerNorm, LayerKind.Dropout, LayerKind.Dropout1d, LayerKind.GlobalAvgPool, LayerKind.GlobalMaxPool, LayerKind.Flatten,
            LayerKind.SqueezeExcitation, LayerKind.Shuffle, LayerKind.LayerScale, LayerKind.Concat, LayerKind.Scale,
        })
        {
            Assert.True(layers.Any(l => l.Kind == kind && l.SpatialRank == 1), $"no {kind.Name} on a signal");
        }

        Assert.Contains(layers, l => l.Kind == LayerKind.LayerNorm && l.OverChannels && l.SpatialRank == 1);
        Assert.Contains(layers, l => l.Kind == LayerKind.Conv && l.SpatialRank == 2 && l.Kernels[0] != l.Kernels[1]);
        Assert.Contains(layers, l => l.Kind == LayerKind.Conv && l.SpatialRank == 2 && l.Strides[0] != l.Strides[1]);
        Assert.Contains(layers, l => l.Kind == LayerKind.Conv && l.SpatialRank == 2 && l.Paddings[0] != l.Paddings[1]);
        Assert.Contains(layers, l => l.Kind == LayerKind.Conv && l.SpatialRank == 2 && l.Dilations[0] != l.Dilations[1]);
        Assert.Contains(layers, l => l.Is(LayerTraits.LocalPooling) && l.SpatialRank == 2 && l.Kernels[0] != l.Kernels[1]);
        Assert.Contains(layers, l => l.Kind == LayerKind.MaxPool && l.Dilation > 1);
        Assert.Contains(layers, l => l.Kind == LayerKind.MaxPool && l.Ceil && l.SpatialRank == 1);
        Assert.Contains(layers, l => l.Kind == LayerKind.AvgPool && l.Ceil && l.SpatialRank == 2);

        // ceil: true that changes the size (a last, partial window kept)
        Assert.Contains(layers, l => l.Ceil && l.OutputShape.Dimensions.Skip(1).Select((d, i) =>
            d > ((l.InputShape.Dimensions[i + 1] + (2 * l.Paddings[i]) - (l.Dilations[i] * (l.Kernels[i] - 1)) - 1) / l.Strides[i]) + 1).Any(b => b));
    }
}
