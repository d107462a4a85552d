using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NormLab.Dsl.Model;
using NormLab.Runtime.Building;
using TorchSharp;
using static TorchSharp.torch;

namespace OrderingStudy;

/// <summary>One network of the study: how to build it (a generated module) and its checked model.</summary>
/// <param name="Name">The network's name in ordering.normlab (or the record's name).</param>
/// <param name="Ordering">ConvBnRelu, ConvReluBn or BnReluConv ("Relu" standing for the activation).</param>
/// <param name="Depth">Convolution blocks.</param>
/// <param name="Activation">relu, leakyrelu or elu.</param>
/// <param name="Build">Builds a fresh generated module (the trainer seeds libtorch before calling it).</param>
/// <param name="Model">
/// The network as the checker sees it: it names the layers for the trainer's health figures (dead ReLU units,
/// gradient norms) and gives the multiply-accumulates.
/// </param>
public sealed record StudyNetwork(
    string Name,
    string Ordering,
    int Depth,
    string Activation,
    Func<nn.Module<Tensor, Tensor>> Build,
    Func<NetworkModel> Model)
{
    /// <summary>The attributed record (a second form of ConvBnRelu2Relu), not a network of ordering.normlab.</summary>
    public bool IsRecord => Name.EndsWith("Record", StringComparison.Ordinal);
}

/// <summary>
/// The networks of the study, by name. Every factory calls a generated <c>Build()</c>
/// (<c>new ConvBnRelu2Relu().Build()</c> returns the generated <c>ConvBnRelu2ReluModule</c>), never the run-time
/// builder: the types below only exist because the generator read ordering.normlab and the record.
/// </summary>
public static class Networks
{
    private const string SourceResource = "OrderingStudy.ordering.normlab";
    private const string SourcePath = "ordering.normlab";

    private static readonly Lazy<string> Source = new(ReadSource);

    /// <summary>The 18 networks of ordering.normlab, in file order, then the attributed record.</summary>
    public static IReadOnlyList<StudyNetwork> All { get; } = new[]
    {
        FromFile("ConvBnRelu2Relu", 2, "relu", () => new ConvBnRelu2Relu().Build()),
        FromFile("ConvBnRelu2LeakyRelu", 2, "leakyrelu", () => new ConvBnRelu2LeakyRelu().Build()),
        FromFile("ConvBnRelu2Elu", 2, "elu", () => new ConvBnRelu2Elu().Build()),
        FromFile("ConvReluBn2Relu", 2, "relu", () => new ConvReluBn2Relu().Build()),
        FromFile("ConvReluBn2LeakyRelu", 2, "leakyrelu", () => new ConvReluBn2LeakyRelu().Build()),
        FromFile("ConvReluBn2Elu", 2, "elu", () => new ConvReluBn2Elu().Build()),
        FromFile("BnReluConv2Relu", 2, "relu", () => new BnReluConv2Relu().Build()),
        FromFile("BnReluConv2LeakyRelu", 2, "leakyrelu", () => new BnReluConv2LeakyRelu().Build()),
        FromFile("BnReluConv2Elu", 2, "elu", () => new BnReluConv2Elu().Build()),
        FromFile("ConvBnRelu5Relu", 5, "relu", () => new ConvBnRelu5Relu().Build()),
        FromFile("ConvBnRelu5LeakyRelu", 5, "leakyrelu", () => new ConvBnRelu5LeakyRelu().Build()),
        FromFile("ConvBnRelu5Elu", 5, "elu", () => new ConvBnRelu5Elu().Build()),
        FromFile("ConvReluBn5Relu", 5, "relu", () => new ConvReluBn5Relu().Build()),
        FromFile("ConvReluBn5LeakyRelu", 5, "leakyrelu", () => new ConvReluBn5LeakyRelu().Build()),
        FromFile("ConvReluBn5Elu", 5, "elu", () => new ConvReluBn5Elu().Build()),
        FromFile("BnReluConv5Relu", 5, "relu", () => new BnReluConv5Relu().Build()),
        FromFile("BnReluConv5LeakyRelu", 5, "leakyrelu", () => new BnReluConv5LeakyRelu().Build()),
        FromFile("BnReluConv5Elu", 5, "elu", () => new BnReluConv5Elu().Build()),
        new StudyNetwork(nameof(ConvBnRelu2ReluRecord), "ConvBnRelu", 2, "relu",
            () => new ConvBnRelu2ReluRecord().Build(),
            Checked(() => NetworkBuilder.Check(ConvBnRelu2ReluRecord.NormLabSource, "ConvBnRelu2ReluRecord.cs", nameof(ConvBnRelu2ReluRecord)))),
    };

    private static readonly Dictionary<string, StudyNetwork> ByName = All.ToDictionary(n => n.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The network called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static StudyNetwork? Find(string name) => ByName.GetValueOrDefault(name);

    private static StudyNetwork FromFile(string name, int depth, string activation, Func<nn.Module<Tensor, Tensor>> build) =>
        new(name, name[..name.IndexOf(depth.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)],
            depth, activation, build, Checked(() => NetworkBuilder.Check(Source.Value, SourcePath, name)));

    /// <summary>Checks once, on first use.</summary>
    private static Func<NetworkModel> Checked(Func<NetworkModel> check)
    {
        var model = new Lazy<NetworkModel>(check);
        return () => model.Value;
    }

    private static string ReadSource()
    {
        using Stream stream = typeof(Networks).Assembly.GetManifestResourceStream(SourceResource)
            ?? throw new InvalidOperationException($"resource {SourceResource} not found");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
