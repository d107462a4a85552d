using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NormLab.Dsl;
using NormLab.Dsl.Model;
using NormLab.Runtime.Native;
using Xunit.Abstractions;

namespace NormLab.EndToEnd.Tests;

/// <summary>
/// What a user does: add the one package, <c>NormLab</c>, to a fresh console project, drop in a
/// <c>.normlab</c> file and a <c>[Network]</c> record, build, run. Packs the package from this repository
/// (a unique version, so no NuGet cache can serve a stale one), restores the consumer from a folder feed
/// beside the configured default feed, and checks the build's diagnostics and the modules' parameter
/// counts and output shapes against the checker (NormLab.Dsl) on the same text.
/// </summary>
[Collection(PackingCollection.Name)]
public sealed class PackageConsumerTests : IDisposable
{
    private const string LibStdCxxVersion = "GLIBCXX_3.4.32";

    /// <summary>One network with a normalization after its activation (NL1001, at <c>bn</c>), one clean one.</summary>
    private const string NetworksFile = """
        // written by NormLab.EndToEnd.Tests: one ordering the checker warns about (NL1001), one clean network
        network ReluBeforeBn(input: 1x28x28, classes: 10) {
            conv3x3(8) > relu > bn > maxpool > flatten > linear(classes)
        }

        network Clean(input: 1x28x28, classes: 10, width: 8) {
            conv3x3(width) > bn > relu > maxpool
            > conv3x3(width * 2) > bn > relu > gap > linear(classes)
        }

        """;

    private const string ProgramFile = """
        using NormLab;
        using TorchSharp;
        using static TorchSharp.torch;

        namespace Consumer;

        [Network("conv3x3(Width) > bn > relu > maxpool > flatten > linear(Classes)", Input = "1x28x28")]
        public partial record SmallCnn(int Width = 4, int Classes = 10);

        public static class Program
        {
            public static int Main()
            {
                Report("ReluBeforeBn", new ReluBeforeBn().Build(), ReluBeforeBn.InputShape, ReluBeforeBn.ParameterCount, ReluBeforeBn.OutputShape);
                Report("Clean", new Clean().Build(), Clean.InputShape, Clean.ParameterCount, Clean.OutputShape);
                Report("SmallCnn", new SmallCnn().Build(), SmallCnn.InputShape, SmallCnn.ParameterCount, SmallCnn.OutputShape);
                return 0;
            }

            // the module's own numbers (parameters, a forward pass on a batch of zeros) next to the generated constants
            private static void Report(string name, nn.Module<Tensor, Tensor> module, IReadOnlyList<int> input, long parameterCount, IReadOnlyList<int> outputShape)
            {
                using var scope = torch.NewDisposeScope();
                module.eval();
                long parameters = module.parameters().Sum(p => p.numel());
                using var batch = torch.zeros(new long[] { 2 }.Concat(input.Select(d => (long)d)).ToArray());
                using var output = module.forward(batch);
                Console.WriteLine($"NETWORK {name} parameters={parameters} output={string.Join("x", output.shape)} ParameterCount={parameterCount} OutputShape={string.Join("x", outputShape)}");
            }
        }

        """;

    /// <summary>The record above, as the language's text (the hyper-parameters are the record's).</summary>
    private const string SmallCnnText =
        "network SmallCnn(input: 1x28x28, Width: 4, Classes: 10) { conv3x3(Width) > bn > relu > maxpool > flatten > linear(Classes) }";

    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    private readonly ITestOutputHelper _output;
    private readonly SharedBuild _build;
    private readonly string _root = Directory.CreateTempSubdirectory("normlab-e2e-").FullName;

    public PackageConsumerTests(ITestOutputHelper output, SharedBuild build)
    {
        _output = output;
        _build = build;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _output.WriteLine($"could not delete {_root}: {e.Message}");
        }
    }

    [Fact]
    public void A_project_that_adds_the_NormLab_package_gets_diagnostics_at_file_line_col_and_typed_modules_that_run()
    {
        // the expectations, from the checker on the same text
        var expectedWarning = ExpectedNl1001Position();
        var checkedFile = NormLabCompiler.Check(NetworksFile, "networks.normlab", new CheckOptions { DefaultNamespace = "Consumer" });
        var fileDiagnostics = checkedFile.Diagnostics.Where(d => d.Severity != Dsl.Diagnostics.DiagnosticSeverity.Hidden).ToList();
        Assert.True(fileDiagnostics.Count == 1 && fileDiagnostics[0].Id == "NL1001", "the checker should report exactly NL1001 on networks.normlab, got: " + string.Join("; ", fileDiagnostics));
        Assert.Equal(expectedWarning, (fileDiagnostics[0].LineSpan.Start.Line + 1, fileDiagnostics[0].LineSpan.Start.Character + 1));
        var checkedRecord = NormLabCompiler.Check(SmallCnnText, "Program.cs");
        Assert.False(checkedRecord.HasErrors, string.Join("; ", checkedRecord.Diagnostics));
        var expected = checkedFile.Networks.Append(checkedRecord.Networks.Single()).ToDictionary(n => n.Name);

        // Folders: packages/ (the feed), consumer/, nuget-packages/; the pack builds into the shared artifacts folder.
        // Empty Directory.Build.* and Directory.Packages.props keep the consumer from picking up anything above.
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(_root, name), "<Project />\n");
        }

        var version = string.Create(CultureInfo.InvariantCulture, $"0.1.0-e2e.{DateTime.UtcNow:yyyyMMddHHmmss}.r{Guid.NewGuid().ToString("N")[..8]}");
        var feed = Path.Combine(_root, "packages");
        var consumer = Path.Combine(_root, "consumer");
        Directory.CreateDirectory(consumer);

        // 1. pack, building into the tests' artifacts folder (the repository's bin/ and obj/ stay as they are)
        var project = Path.Combine(Metadata("RepositoryRoot"), "src", "NormLab", "NormLab.csproj");
        var pack = DotNet.Run(_root, PackTimeout, "pack", project, "-c", "Release", "-o", feed, "-p:PackageVersion=" + version,
            "-p:ArtifactsPath=" + _build.ArtifactsPath, "-nodeReuse:false", "-tl:off");
        Log("pack", pack);
        Assert.True(pack.ExitCode == 0, pack.Describe());
        var package = Path.Combine(feed, $"NormLab.{version}.nupkg");
        Assert.True(File.Exists(package), $"no NormLab.{version}.nupkg in {feed}\n{pack.Describe()}");
        CheckPackageLayout(package);

        // 2. a fresh console project referencing only NormLab
        var runtimeIdentifier = RuntimeInformation.RuntimeIdentifier;
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <!-- only this platform's libtorch in the output, linked rather than copied where possible -->
                <RuntimeIdentifier>{runtimeIdentifier}</RuntimeIdentifier>
                <SelfContained>false</SelfContained>
                <CreateHardLinksForCopyLocalIfPossible>true</CreateHardLinksForCopyLocalIfPossible>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RootNamespace>Consumer</RootNamespace>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="NormLab" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        // The default feed stays (TorchSharp-cpu comes from it); NormLab comes from the folder. Packages go to a
        // folder of this test, reading what the repository's restore already has (TorchSharp's ~1 GB) in place.
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(_root, "nuget-packages")}" />
              </config>
              <fallbackPackageFolders>
                <add key="repository-restore" value="{Metadata("NuGetPackageRoot")}" />
              </fallbackPackageFolders>
              <packageSources>
                <add key="normlab-e2e" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(consumer, "networks.normlab"), NetworksFile);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), ProgramFile);

        // 3. build: the analyzer's NL1001 at networks.normlab(line,col), and no other warning
        var build = DotNet.Run(consumer, BuildTimeout, "build", "Consumer.csproj", "-c", "Debug", "-nodeReuse:false", "-tl:off");
        Log("build", build);
        Assert.True(build.ExitCode == 0, build.Describe());
        var (line, column) = expectedWarning;
        Assert.True(build.Output.Contains($"networks.normlab({line},{column}): warning NL1001", StringComparison.Ordinal),
            $"expected networks.normlab({line},{column}): warning NL1001\n{build.Describe()}");
        var warnings = Regex.Matches(build.Output, @"^.*: warning [A-Z]+[0-9]+:.*$", RegexOptions.Multiline)
            .Select(m => m.Value.Trim()).Distinct().ToList();
        Assert.True(warnings.Count == 1, $"expected NL1001 as the only warning, got:\n{string.Join("\n", warnings)}\n{build.Describe()}");

        // the Debian 12 / Ubuntu 22.04 patch of libLibTorchSharp.so ran in the consumer's build, where it is needed
        var outputFolder = Path.Combine(consumer, "bin", "Debug", "net10.0", runtimeIdentifier);
        var libTorchSharp = Path.Combine(outputFolder, "libLibTorchSharp.so");
        if (OperatingSystem.IsLinux() && ElfVersionPatcher.FindSystemLibStdCxx() is { } libStdCxx
            && !ElfVersionPatcher.ContainsVersionName(libStdCxx, LibStdCxxVersion))
        {
            Assert.True(build.Output.Contains($"NormLab: patched {libTorchSharp}: {LibStdCxxVersion} marked weak", StringComparison.Ordinal),
                $"{libStdCxx} lacks {LibStdCxxVersion}, so the build should have patched {libTorchSharp}\n{build.Describe()}");
            Assert.Equal(ElfVersionPatcher.VerFlagWeak, ElfVersionPatcher.ReadVersionFlags(libTorchSharp, LibStdCxxVersion));
        }

        // 4. run: each module's parameters and output shape, and the generated constants, match the checker
        var run = DotNet.Run(consumer, RunTimeout, Path.Combine(outputFolder, "Consumer.dll"));
        Log("run", run);
        Assert.True(run.ExitCode == 0, run.Describe());
        var reported = Regex.Matches(run.Output, @"^NETWORK (\w+) parameters=(\d+) output=(\S+) ParameterCount=(\d+) OutputShape=(\S+)\r?$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups);
        Assert.True(reported.Keys.Order().SequenceEqual(expected.Keys.Order()), $"expected lines for {string.Join(", ", expected.Keys)}\n{run.Describe()}");
        foreach (var (name, network) in expected)
        {
            var groups = reported[name];
            var shape = string.Join("x", network.Output!.Dimensions);
            Assert.True(network.ParameterCount > 0, name);
            Assert.Equal((name, network.ParameterCount, "2x" + shape), (name, long.Parse(groups[2].Value, CultureInfo.InvariantCulture), groups[3].Value));
            Assert.Equal((name, network.ParameterCount, shape), (name, long.Parse(groups[4].Value, CultureInfo.InvariantCulture), groups[5].Value));
        }
    }

    /// <summary>The package carries the generator, the run time and the build files, and depends on TorchSharp only.</summary>
    private static void CheckPackageLayout(string package)
    {
        using var archive = ZipFile.OpenRead(package);
        var entries = archive.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        var listing = string.Join("\n", entries.Order(StringComparer.Ordinal));
        string[] required =
        [
            "lib/net10.0/NormLab.Abstractions.dll", "lib/net10.0/NormLab.Dsl.dll", "lib/net10.0/NormLab.Runtime.dll", "lib/net10.0/NormLab.Studies.dll",
            "analyzers/dotnet/cs/NormLab.Generator.dll", "analyzers/dotnet/cs/NormLab.Dsl.dll", "analyzers/dotnet/cs/NormLab.CodeFixes.dll",
            "build/NormLab.props", "build/NormLab.targets",
            "buildTransitive/NormLab.props", "buildTransitive/NormLab.targets", "buildTransitive/NormLab.Runtime.targets",
            "Native/ElfVersionPatcher.cs",
        ];
        Assert.True(required.All(entries.Contains), $"missing: {string.Join(", ", required.Where(r => !entries.Contains(r)))}\n{listing}");
        var assemblies = entries.Where(e => e.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal);
        Assert.True(assemblies.SequenceEqual(required.Where(r => r.EndsWith(".dll", StringComparison.Ordinal)).Order(StringComparer.Ordinal)),
            "unexpected assemblies in the package:\n" + listing);

        XDocument document;
        using (var nuspec = archive.GetEntry("NormLab.nuspec")!.Open())
        {
            document = XDocument.Load(nuspec);
        }

        // what a registry shows: description, readme, licence, repository, tags
        var metadata = document.Descendants().Single(e => e.Name.LocalName == "metadata");
        string Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";
        Assert.True(Value("description").Length > 40 && !Value("description").Contains("Package Description", StringComparison.Ordinal), Value("description"));
        Assert.Equal("README.md", Value("readme"));
        Assert.True(entries.Contains("README.md"), "no README.md in the package\n" + listing);
        Assert.Equal("MIT", Value("license"));
        Assert.Contains("torchsharp", Value("tags"), StringComparison.Ordinal);
        Assert.StartsWith("https://", metadata.Elements().Single(e => e.Name.LocalName == "repository").Attribute("url")?.Value ?? "", StringComparison.Ordinal);

        var dependencies = document.Descendants()
            .Where(e => e.Name.LocalName == "dependency")
            .Select(e => $"{e.Attribute("id")?.Value} {e.Attribute("version")?.Value}")
            .ToList();
        var versions = XDocument.Load(Path.Combine(Metadata("RepositoryRoot"), "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(e => e.Attribute("Include")!.Value, e => e.Attribute("Version")!.Value);
        Assert.Equal(
            new[] { "ScottPlot " + versions["ScottPlot"], "TorchSharp-cpu " + versions["TorchSharp-cpu"] },
            dependencies.Order(StringComparer.Ordinal));
    }

    /// <summary>Where NL1001 belongs in <see cref="NetworksFile"/>: the <c>bn</c> right after <c>relu</c> (1-based).</summary>
    private static (int Line, int Column) ExpectedNl1001Position()
    {
        var lines = NetworksFile.Split('\n');
        var index = Array.FindIndex(lines, l => l.Contains("relu > bn", StringComparison.Ordinal));
        return (index + 1, lines[index].IndexOf("relu > bn", StringComparison.Ordinal) + "relu > ".Length + 1);
    }

    private void Log(string step, CommandResult result)
    {
        _output.WriteLine($"--- {step}: {result.CommandLine}: exit {result.ExitCode}, {result.Duration.TotalSeconds:F1} s");
        _output.WriteLine(result.Output);
    }

    private static string Metadata(string key) =>
        typeof(PackageConsumerTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"no {key} metadata");
}
