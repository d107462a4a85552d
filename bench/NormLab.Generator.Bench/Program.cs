// Cold and warm run time of NormLab's source generator on an in-memory project of 200 networks:
// 15 .normlab files of 10 networks and 50 [Network] records in 10 C# files, beside 20 unrelated C# files.
//
//   dotnet run -c Release --project bench/NormLab.Generator.Bench [-- --cold 10 --warm 30]
//
// cold: a fresh driver on a fresh compilation (what a command-line build pays), median of --cold runs;
// warm: the driver of a finished run, after a C# edit elsewhere (a class added in another file: what
// every keystroke in an IDE pays), median of --warm runs. The first run, JIT included, is shown apart.
// Each warm run is paired with a run of the floor on the same edit, in alternating order: a generator
// that only finds the [Network] types, which is what Roslyn's ForAttributeWithMetadataName costs after
// any edit whatever the generator does. The ratio warm/floor is printed (the median of the pairs' ratios,
// and the ratio of the fastest quarters); --pairs prints every pair. Wall and process CPU times are both
// shown (CPU time suffers less on a busy machine), with, for scale, a real edit of one file or one record.
// --profile N makes N warm runs and nothing else, for a profiler:
//
//   dotnet-trace collect --profile dotnet-sampled-thread-time -- dotnet bench/NormLab.Generator.Bench/bin/Release/net10.0/NormLab.Generator.Bench.dll --profile 1500
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Globalization;
using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using NormLab.Generator;

namespace NormLab.Generator.Bench;

internal static class Program
{
    private const string ProjectDirectory = "/bench/project/";
    private const int Files = 15;
    private const int NetworksPerFile = 10;
    private const int RecordFiles = 10;
    private const int RecordsPerFile = 5;
    private const int OtherFiles = 20;
    private const int Networks = Files * NetworksPerFile + RecordFiles * RecordsPerFile;

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static int Main(string[] args)
    {
        var cold = Option(args, "--cold", 10);
        var warm = Option(args, "--warm", 30);

        var files = Enumerable.Range(0, Files).Select(i => (AdditionalText)new Text($"{ProjectDirectory}networks/set{i:00}.normlab", NormlabFile(i))).ToImmutableArray();
        var trees = Enumerable.Range(0, RecordFiles).Select(i => Parse(RecordFile(i), $"{ProjectDirectory}Records{i:00}.cs"))
            .Concat(Enumerable.Range(0, OtherFiles).Select(i => Parse(OtherFile(i), $"{ProjectDirectory}Other{i:00}.cs")))
            .ToImmutableArray();
        var references = Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(NormLab.NetworkAttribute).Assembly.Location))
            .ToImmutableArray();
        CSharpCompilation Compilation() => CSharpCompilation.Create("Bench", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        GeneratorDriver Driver() => CSharpGeneratorDriver.Create(
            new[] { new NetworkGenerator().AsSourceGenerator() },
            files,
            ParseOptions,
            new Options(),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));

        Console.WriteLine("NormLab generator benchmark");
        Console.WriteLine($"machine:  {Cpu()}, {Environment.ProcessorCount} logical CPUs, {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})");
        Console.WriteLine($"runtime:  {RuntimeInformation.FrameworkDescription}, Roslyn {Version(typeof(CSharpCompilation).Assembly)}, {Configuration()} build, {(GCSettings.IsServerGC ? "server" : "workstation")} GC ({GCSettings.LatencyMode})");
        Console.WriteLine($"input:    {Files} .normlab files x {NetworksPerFile} networks + {RecordFiles * RecordsPerFile} [Network] records in {RecordFiles} C# files = {Networks} networks; {OtherFiles} other C# files");
        Console.WriteLine();

        // first run: JIT and Roslyn's own warm-up included; also checks that every network is generated
        var loadAtStart = LoadAverage();
        GeneratorDriver? baseline = null;
        var first = Time(() => baseline = Driver().RunGenerators(Compilation()));
        var expected = Check(baseline!.GetRunResult(), "first run");
        Row("first run (JIT included)", new[] { first });

        // warm-up, not reported: lets tiered JIT settle, so that its background compiles do not land in the numbers
        var compilation = Compilation();
        var warmDriver = Driver().RunGenerators(compilation);
        for (var i = 0; i < 5; i++)
        {
            Driver().RunGenerators(Compilation());
        }

        for (var i = 0; i < 20; i++)
        {
            warmDriver.RunGenerators(compilation.AddSyntaxTrees(Parse($"class WarmUp{i} {{ }}", $"{ProjectDirectory}WarmUp{i}.cs")));
        }

        // --profile N: only warm runs after an unrelated edit, N of them, for a profiler (dotnet-trace) to look at
        var profile = Option(args, "--profile", 0);
        if (profile > 0)
        {
            for (var i = 0; i < profile; i++)
            {
                warmDriver.RunGenerators(compilation.AddSyntaxTrees(Parse($"class Profiled{i} {{ }}", $"{ProjectDirectory}Profiled{i}.cs")));
            }

            Console.WriteLine($"{profile} warm runs done");
            return 0;
        }

        // cold: a fresh driver on a fresh compilation every time
        var colds = Measure(cold, _ =>
        {
            GeneratorDriver? driver = null;
            var elapsed = Time(() => driver = Driver().RunGenerators(Compilation()));
            Check(driver!.GetRunResult(), "cold run", expected);
            return elapsed;
        });

        // warm: the finished driver, after a class is added in another file; measured in pairs with the floor, a
        // generator that only finds the [Network] types (what Roslyn's ForAttributeWithMetadataName costs after any
        // edit, whatever the generator does): the same edit for both, in alternating order, so that the ratio of each
        // pair is taken on the same machine state
        var floorDriver = CSharpGeneratorDriver.Create(new[] { new AttributeFloor().AsSourceGenerator() }, files, ParseOptions, new Options(),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false)).RunGenerators(compilation);
        for (var i = 0; i < 20; i++)
        {
            floorDriver.RunGenerators(compilation.AddSyntaxTrees(Parse($"class FloorWarmUp{i} {{ }}", $"{ProjectDirectory}FloorWarmUp{i}.cs")));
        }

        var warms = new Sample[warm];
        var floor = new Sample[warm];
        for (var i = 0; i < warm; i++)
        {
            // one edit, two compilations: each run binds for itself (a compilation caches what was bound in it)
            var edit = Parse($"namespace Bench.Edits;\n\ninternal static class Edit{i}\n{{\n    public static int Value => {i};\n}}\n", $"{ProjectDirectory}Edit{i}.cs");
            Sample RunWarm()
            {
                var edited = compilation.AddSyntaxTrees(edit);
                Collect();
                GeneratorDriver? driver = null;
                var elapsed = Time(() => driver = warmDriver.RunGenerators(edited));
                Check(driver!.GetRunResult(), "warm run", expected);
                return elapsed;
            }

            Sample RunFloor()
            {
                var edited = compilation.AddSyntaxTrees(edit);
                Collect();
                return Time(() => floorDriver.RunGenerators(edited));
            }

            if (i % 2 == 0)
            {
                warms[i] = RunWarm();
                floor[i] = RunFloor();
            }
            else
            {
                floor[i] = RunFloor();
                warms[i] = RunWarm();
            }
        }

        // for reference: real edits, which re-run one file or one record
        var fileEdits = Measure(warm, i =>
        {
            var edited = warmDriver.ReplaceAdditionalText(files[0], new Text(files[0].Path, NormlabFile(0, width: 24 + (i % 8))));
            GeneratorDriver? driver = null;
            var elapsed = Time(() => driver = edited.RunGenerators(compilation));
            Check(driver!.GetRunResult(), "file edit", expected);
            return elapsed;
        });
        var recordEdits = Measure(warm, i =>
        {
            var tree = trees[0];
            var edited = compilation.ReplaceSyntaxTree(tree, Parse(RecordFile(0, width: 40 + (i % 8)), tree.FilePath));
            GeneratorDriver? driver = null;
            var elapsed = Time(() => driver = warmDriver.RunGenerators(edited));
            Check(driver!.GetRunResult(), "record edit", expected);
            return elapsed;
        });

        Console.WriteLine($"{"",-42}{"wall ms",10}{"cpu ms",10}   (medians; wall min..max)");
        Row($"cold, median of {cold}", colds);
        Row($"warm (class added elsewhere), of {warm}", warms);
        Console.WriteLine($"{"cold/warm ratio",-42}{Median(colds.Select(c => c.Wall)) / Median(warms.Select(w => w.Wall)),9:F0}x{Median(colds.Select(c => c.Cpu)) / Median(warms.Select(w => w.Cpu)),9:F0}x");
        Console.WriteLine();
        Row($"floor: a no-op [Network] generator, warm", floor);
        Console.WriteLine($"{"warm/floor, median of the pairs' ratios",-42}{Median(warms.Zip(floor, (w, f) => w.Wall / f.Wall)),9:F2}x{Median(warms.Zip(floor, (w, f) => w.Cpu / f.Cpu)),9:F2}x   (target <= 2x)");
        Console.WriteLine($"{"warm/floor, fastest quarters (p25/p25)",-42}{Quartile(warms.Select(w => w.Wall)) / Quartile(floor.Select(f => f.Wall)),9:F2}x{Quartile(warms.Select(w => w.Cpu)) / Quartile(floor.Select(f => f.Cpu)),9:F2}x   (the quiet moments of a busy machine)");
        if (args.Contains("--pairs"))
        {
            for (var i = 0; i < warm; i++)
            {
                Console.WriteLine($"  pair {i,3}: warm {warms[i].Wall,8:F2} {warms[i].Cpu,8:F2}   floor {floor[i].Wall,8:F2} {floor[i].Cpu,8:F2}");
            }
        }

        Console.WriteLine();
        Row($"warm, one .normlab file edited", fileEdits);
        Row($"warm, one record edited", recordEdits);
        Console.WriteLine();
        Console.WriteLine($"load average: {LoadAverage()} (at start: {loadAtStart}); a busy machine inflates wall times first");
        return 0;
    }

    // ---- inputs ---------------------------------------------------------------------------------

    private static string NormlabFile(int file, int width = 16)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"namespace Bench.Set{file:00}\n\n");
        text.Append("block Stem = conv3x3(16) > bn > relu\n");
        text.Append("block ConvBlock(c, act = relu) = conv3x3(c) > bn > act\n\n");
        for (var k = 0; k < NetworksPerFile; k++)
        {
            var n = (file * NetworksPerFile) + k;
            text.Append((n % 5) switch
            {
                0 => $"network Cnn{n}(input: 3x32x32, classes: 10, width: {width + (n % 4 * 8)}) {{\n    Stem > ConvBlock(width) * 2 > maxpool\n    > ConvBlock(width * 2, act: gelu) > maxpool > gap > linear(classes)\n}}\n\n",
                1 => $"network Res{n}(input: 3x32x32, classes: 10) {{\n    conv3x3(32) > bn > relu\n    > residual {{ conv3x3(32) > bn > relu > conv3x3(32) > bn }} > relu\n    > residual(project) {{ conv3x3(64, stride: 2) > bn > relu > conv3x3(64) > bn }} > relu\n    > gap > linear(classes)\n}}\n\n",
                2 => $"network Mlp{n}(input: 784, classes: 10, hidden: {128 + (2 * n)}, rate: 0.25) {{\n    linear(hidden) > bn > relu > dropout(rate) > linear(hidden / 2) > ln > gelu > linear(classes)\n}}\n\n",
                3 => $"network Small{n}(input: 1x28x28, classes: 10) {{\n    conv5x5(16) > bn > relu > maxpool > conv3x3(32) > bn > relu > maxpool\n    > flatten > linear(128) > relu > dropout(0.5) > linear(classes)\n}}\n\n",
                _ => $"network Act{n}(input: 64, classes: 4) {{\n    linear(64) > swish > linear(32) > mish > linear(32) > maxout(2) > linear(classes)\n}}\n\n",
            });
        }

        return text.ToString();
    }

    private static string RecordFile(int file, int width = 16)
    {
        var text = new StringBuilder("using NormLab;\n\n");
        text.Append(CultureInfo.InvariantCulture, $"namespace Bench.Records{file:00};\n\n");
        for (var k = 0; k < RecordsPerFile; k++)
        {
            var m = (file * RecordsPerFile) + k;
            text.Append(m % 2 == 0
                ? $"[Network(\"conv3x3(Width) > bn > relu > maxpool > conv3x3(Width * 2) > bn > relu > gap > linear(Classes)\", Input = \"3x32x32\")]\npublic partial record Rec{m}(int Width = {width + m}, int Classes = 10);\n\n"
                : $"[Network(Input = \"1x28x28\", Classes = 10)]\n[Conv3x3(16), BatchNorm, ReLU, MaxPool]\n[Conv3x3(32), BatchNorm, ReLU, MaxPool]\n[Flatten, Linear({64 + m}), ReLU, Dropout(0.25), Linear(10)]\npublic partial record Rec{m};\n\n");
        }

        return text.ToString();
    }

    private static string OtherFile(int file) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Linq;

        namespace Bench.App;

        /// <summary>Ordinary application code beside the networks.</summary>
        public sealed class Service{{file}}
        {
            private readonly Dictionary<string, int> _counts = new();

            public int Count(string key) => _counts.TryGetValue(key, out var value) ? value : 0;

            public void Add(IEnumerable<string> keys)
            {
                foreach (var key in keys.Where(k => !string.IsNullOrEmpty(k)))
                {
                    _counts[key] = Count(key) + 1;
                }
            }

            public override string ToString() => string.Join(", ", _counts.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"));
        }
        """;

    private static SyntaxTree Parse(string text, string path) => CSharpSyntaxTree.ParseText(text, ParseOptions, path, Encoding.UTF8);

    // ---- measuring ------------------------------------------------------------------------------

    private static Sample[] Measure(int count, Func<int, Sample> run)
    {
        var times = new Sample[count];
        for (var i = 0; i < count; i++)
        {
            Collect();
            times[i] = run(i);
        }

        return times;
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>Wall-clock and process CPU time of one run, in milliseconds (CPU time is less sensitive to a busy machine).</summary>
    private static Sample Time(Action action)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        action();
        var wall = stopwatch.Elapsed.TotalMilliseconds;
        process.Refresh();
        return new Sample(wall, (process.TotalProcessorTime - cpu).TotalMilliseconds);
    }

    private readonly record struct Sample(double Wall, double Cpu);

    private static double Median(IEnumerable<double> samples)
    {
        var values = samples.ToArray();
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The lower quartile: what a run costs when the machine leaves it alone.</summary>
    private static double Quartile(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToArray();
        return sorted[sorted.Length / 4];
    }

    /// <summary>Every network generated, nothing thrown; later runs must give the same sources as the first.</summary>
    private static ImmutableArray<string> Check(GeneratorDriverRunResult result, string what, ImmutableArray<string>? expected = null)
    {
        var run = result.Results.Single();
        if (run.Exception is not null)
        {
            throw new InvalidOperationException($"{what}: the generator threw", run.Exception);
        }

        var modules = run.GeneratedSources.Sum(s => Count(s.SourceText.ToString(), " : global::TorchSharp.torch.nn.Module<"));
        if (modules != Networks)
        {
            throw new InvalidOperationException($"{what}: {modules} modules generated, expected {Networks}");
        }

        var hints = run.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal).ToImmutableArray();
        if (expected is { } names && !names.SequenceEqual(hints))
        {
            throw new InvalidOperationException($"{what}: other sources than the first run");
        }

        return hints;
    }

    private static int Count(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static void Row(string label, Sample[] samples)
    {
        var walls = samples.Select(s => s.Wall).ToArray();
        var range = samples.Length > 1 ? $"   {walls.Min():F2}..{walls.Max():F2}" : string.Empty;
        Console.WriteLine($"{label,-42}{Median(walls),10:F2}{Median(samples.Select(s => s.Cpu)),10:F2}{range}");
    }

    // ---- environment ----------------------------------------------------------------------------

    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
    }

    private static string Cpu()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line is not null)
                {
                    return line.Substring(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim();
                }
            }
        }
        catch (IOException)
        {
        }

        return Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") ?? RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? assembly.GetName().Version?.ToString() ?? "?";

    private static string Configuration()
    {
#if DEBUG
        return "Debug (numbers are not representative; use -c Release)";
#else
        return "Release";
#endif
    }

    /// <summary>Finds the [Network] records and does nothing with them: what Roslyn alone costs after an edit.</summary>
    private sealed class AttributeFloor : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var names = context.SyntaxProvider.ForAttributeWithMetadataName(
                "NormLab.NetworkAttribute",
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                static (attribute, _) => attribute.TargetSymbol.Name);
            context.RegisterSourceOutput(names, static (_, _) => { });
        }
    }

    private sealed class Text(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text, Encoding.UTF8);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }

    private sealed class Options : AnalyzerConfigOptionsProvider
    {
        private static readonly Values Empty = new(ImmutableDictionary<string, string>.Empty);

        public override AnalyzerConfigOptions GlobalOptions { get; } = new Values(ImmutableDictionary<string, string>.Empty
            .Add("build_property.RootNamespace", "Bench")
            .Add("build_property.ProjectDir", ProjectDirectory));

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Empty;

        private sealed class Values(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
        }
    }
}
