using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Xml.Linq;
using NormLab.Runtime.Native;
using Xunit.Abstractions;

namespace NormLab.EndToEnd.Tests;

/// <summary>
/// What a user of the command line does: install the <c>normlab</c> tool and run it. Packs src/NormLab.Cli
/// (a unique version, so no cache can serve a stale one) into a folder feed: the package for this machine's
/// runtime and the small package that points to it (a release packs linux-x64, win-x64 and osx-arm64 alike). Checks what a registry checks (size under nuget.org's limit, description,
/// readme, licence, repository, tags), installs with <c>dotnet tool install --tool-path</c> from that feed only,
/// and runs the installed <c>normlab</c>: <c>--version</c>, <c>check</c> on the ordering example, and one epoch of
/// <c>train</c> on the embedded sample.
/// </summary>
[Collection(PackingCollection.Name)]
public sealed class ToolInstallTests : IDisposable
{
    /// <summary>nuget.org refuses packages over 250 MB.</summary>
    private const long RegistryLimitBytes = 250L * 1024 * 1024;

    private static readonly string[] ToolRuntimes = { "linux-x64", "win-x64", "osx-arm64" };
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    private readonly ITestOutputHelper _output;
    private readonly SharedBuild _build;
    private readonly string _root = Directory.CreateTempSubdirectory("normlab-tool-").FullName;

    public ToolInstallTests(ITestOutputHelper output, SharedBuild build)
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
    public void The_tool_packs_per_runtime_installs_from_a_local_feed_and_checks_and_trains()
    {
        var repository = Metadata("RepositoryRoot");
        var version = string.Create(CultureInfo.InvariantCulture, $"0.1.0-e2e.{DateTime.UtcNow:yyyyMMddHHmmss}.r{Guid.NewGuid().ToString("N")[..8]}");
        var feed = Path.Combine(_root, "feed");
        var tools = Path.Combine(_root, "tools");
        var work = Path.Combine(_root, "work");
        Directory.CreateDirectory(work);

        // 1. pack, building into the tests' artifacts folder (the repository's bin/ and obj/ stay as they are)
        // this machine's runtime only: the three (linux-x64, win-x64, osx-arm64) take twice as long; their sizes are in the README
        var runtime = RuntimeInformation.RuntimeIdentifier;
        Assert.True(ToolRuntimes.Contains(runtime), $"the tool is packed for {string.Join(", ", ToolRuntimes)}, not for this machine's {runtime}");
        var pack = DotNet.Run(_root, PackTimeout, "pack", Path.Combine(repository, "src", "NormLab.Cli", "NormLab.Cli.csproj"),
            "-c", "Release", "-o", feed, "-p:PackageVersion=" + version, "-p:ToolPackageRuntimeIdentifiers=" + runtime,
            "-p:ArtifactsPath=" + _build.ArtifactsPath, "-nodeReuse:false", "-tl:off");
        Log("pack", pack);
        Assert.True(pack.ExitCode == 0, pack.Describe());

        // 2. what a registry would see: the pointer package and the runtime's package, under the limit
        var pointer = Path.Combine(feed, $"NormLab.Cli.{version}.nupkg");
        Assert.True(File.Exists(pointer), $"no NormLab.Cli.{version}.nupkg in {feed}\n{pack.Describe()}");
        CheckMetadata(pointer, "NormLab.Cli", "DotnetTool");
        Assert.Equal(new[] { runtime }, PointedRuntimes(pointer));
        var package = Path.Combine(feed, $"NormLab.Cli.{runtime}.{version}.nupkg");
        Assert.True(File.Exists(package), $"no package for {runtime} in {feed}");
        var size = new FileInfo(package).Length;
        _output.WriteLine($"{Path.GetFileName(package)}: {size / 1e6:F1} MB");
        Assert.True(size < RegistryLimitBytes, $"{Path.GetFileName(package)} is {size / 1e6:F1} MB, over the registry's 250 MB");
        CheckMetadata(package, $"NormLab.Cli.{runtime}", "DotnetToolRidPackage");
        CheckOnlyItsRuntime(package, runtime);

        // packed on Linux, the linux-x64 package's libLibTorchSharp.so loads on Debian 12 / Ubuntu 22.04 as it is
        if (runtime == "linux-x64")
        {
            var library = Path.Combine(_root, "libLibTorchSharp.so");
            using (var archive = ZipFile.OpenRead(package))
            {
                archive.GetEntry("tools/net10.0/linux-x64/libLibTorchSharp.so")!.ExtractToFile(library);
            }

            Assert.Equal(ElfVersionPatcher.VerFlagWeak, ElfVersionPatcher.ReadVersionFlags(library, "GLIBCXX_3.4.32"));
        }

        // 3. install from that feed alone, into a folder of this test (its packages too: no global cache touched)
        var config = Path.Combine(_root, "nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(_root, "nuget-packages")}" />
              </config>
              <packageSources>
                <clear />
                <add key="normlab-tool" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        var install = DotNet.Run(_root, InstallTimeout, "tool", "install", "NormLab.Cli", "--version", version, "--tool-path", tools, "--configfile", config);
        Log("install", install);
        Assert.True(install.ExitCode == 0, install.Describe());
        var installed = Directory.EnumerateDirectories(Path.Combine(tools, ".store"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.True(installed.Contains($"normlab.cli.{runtime}"), $"the {runtime} package should have been installed; .store holds: {string.Join(", ", installed)}");

        var normlab = Path.Combine(tools, OperatingSystem.IsWindows() ? "normlab.exe" : "normlab");
        Assert.True(File.Exists(normlab), $"no {normlab} after the install");

        // 4. the installed command: its version, a check of the ordering example, one epoch on the embedded sample
        var versionRun = Normlab(normlab, work, "--version");
        Assert.True(versionRun.ExitCode == 0, versionRun.Describe());
        // the assemblies keep the repository's version (the package version alone is unique, see PackingCollection)
        var assemblyVersion = XDocument.Load(Path.Combine(repository, "Directory.Build.props")).Descendants("Version").Single().Value;
        Assert.Equal(assemblyVersion, versionRun.Output.Trim());

        var example = Path.Combine(repository, "examples", "OrderingStudy", "ordering.normlab");
        var check = Normlab(normlab, work, "check", example);
        Assert.True(check.ExitCode == 0, check.Describe());
        Assert.Contains("1 file: 0 errors", check.Output, StringComparison.Ordinal);

        var runFolder = Path.Combine(work, "run");
        var train = Normlab(normlab, work, "train", example, "--network", "ConvBnRelu2Relu", "--epochs", "1", "--threads", "1", "--out", runFolder);
        Assert.True(train.ExitCode == 0, train.Describe());
        using var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(runFolder, "run.json")));
        Assert.Equal("ConvBnRelu2Relu", run.RootElement.GetProperty("network").GetString());
        Assert.Equal("mnist-sample", run.RootElement.GetProperty("data").GetString());
        var epochs = run.RootElement.GetProperty("epochs");
        Assert.Equal(1, epochs.GetArrayLength());
        var testAccuracy = epochs[0].GetProperty("testAccuracy").GetDouble();
        // one epoch of a two-convolution network on 8,000 digits: far above chance (10%), whatever the machine
        Assert.True(testAccuracy > 0.5, $"test accuracy after one epoch: {testAccuracy}\n{train.Describe()}");
        var weights = File.ReadAllBytes(Path.Combine(runFolder, "model.bin"));
        Assert.Equal(Convert.ToHexString(SHA256.HashData(weights)), run.RootElement.GetProperty("weightsSha256").GetString(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>What a registry shows and requires: description (not the SDK's placeholder), readme, licence, repository, tags.</summary>
    private static void CheckMetadata(string package, string id, string packageType)
    {
        using var archive = ZipFile.OpenRead(package);
        var nuspecEntry = archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
        using var stream = nuspecEntry.Open();
        var metadata = XDocument.Load(stream).Descendants().Single(e => e.Name.LocalName == "metadata");
        string Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";

        Assert.Equal(id, Value("id"));
        var description = Value("description");
        Assert.True(description.Length > 40 && !description.Contains("Package Description", StringComparison.Ordinal), $"{id}: description '{description}'");
        Assert.Equal("README.md", Value("readme"));
        Assert.NotNull(archive.GetEntry("README.md"));
        Assert.Equal("MIT", Value("license"));
        Assert.Contains("neural-networks", Value("tags"), StringComparison.Ordinal);
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.StartsWith("https://", repository.Attribute("url")?.Value ?? "", StringComparison.Ordinal);
        var types = metadata.Descendants().Where(e => e.Name.LocalName == "packageType").Select(e => e.Attribute("name")?.Value);
        Assert.Contains(packageType, types);
    }

    /// <summary>The runtimes the pointer package's DotnetToolSettings.xml sends <c>dotnet tool install</c> to.</summary>
    private static IEnumerable<string> PointedRuntimes(string pointer)
    {
        using var archive = ZipFile.OpenRead(pointer);
        var settings = archive.Entries.Single(e => e.Name == "DotnetToolSettings.xml");
        using var stream = settings.Open();
        return XDocument.Load(stream).Descendants()
            .Where(e => e.Name.LocalName == "RuntimeIdentifierPackage")
            .Select(e => e.Attribute("RuntimeIdentifier")?.Value ?? "")
            .ToList();
    }

    /// <summary>A runtime's package holds libtorch for that runtime only (the reason for one package per runtime).</summary>
    private static void CheckOnlyItsRuntime(string package, string runtime)
    {
        using var archive = ZipFile.OpenRead(package);
        var names = archive.Entries.Select(e => e.FullName).ToList();
        Assert.True(names.Any(n => n.StartsWith($"tools/net10.0/{runtime}/", StringComparison.Ordinal)), $"{package}: no tools/net10.0/{runtime}/");
        Assert.True(names.All(n => !n.StartsWith("tools/", StringComparison.Ordinal) || n.StartsWith($"tools/net10.0/{runtime}/", StringComparison.Ordinal)),
            $"{package}: files for other runtimes:\n" + string.Join("\n", names.Where(n => n.StartsWith("tools/", StringComparison.Ordinal) && !n.StartsWith($"tools/net10.0/{runtime}/", StringComparison.Ordinal)).Take(20)));
        var torch = runtime switch
        {
            "linux-x64" => "libtorch_cpu.so",
            "win-x64" => "torch_cpu.dll",
            _ => "libtorch_cpu.dylib",
        };
        Assert.True(names.Any(n => n.EndsWith("/" + torch, StringComparison.Ordinal)), $"{package}: no {torch}");
    }

    private CommandResult Normlab(string normlab, string workingDirectory, params string[] arguments)
    {
        var result = DotNet.RunProgram(normlab, workingDirectory, RunTimeout, arguments);
        Log("normlab " + string.Join(" ", arguments.Take(1)), result);
        return result;
    }

    private void Log(string step, CommandResult result)
    {
        _output.WriteLine($"--- {step}: {result.CommandLine}: exit {result.ExitCode}, {result.Duration.TotalSeconds:F1} s");
        _output.WriteLine(result.Output);
    }

    private static string Metadata(string key) =>
        typeof(ToolInstallTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"no {key} metadata");
}
