using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NormLab.Studies;

namespace NormLab.Fuzz;

/// <summary>
/// --target study: study.json documents (StudyDefinition.FromJson, and now and then StudyDefinition.Load from a folder)
/// and run files (runs/&lt;row&gt;/seed-k.json through Study.ReadRuns), valid ones from small templates, mutated.
/// Failures: an exception other than StudyException out of FromJson/Load, any exception out of ReadRuns (which reads a
/// file that is no run as none), and an accepted study.json with a row name that is no single safe folder name under
/// runs/ (empty, . or .., a separator, a character a file system refuses, a path outside the folder) or with two row
/// names that would share a folder on a case-insensitive file system.
/// </summary>
internal sealed class StudyTarget : IFuzzTarget
{
    private const string PlainStudy = """
        {"format":1,"study":"ordering","source":"examples/OrderingStudy/ordering.normlab","data":"mnist-sample","seeds":2,"epochs":5,"baseline":"ConvBnRelu2Relu",
         "networks":[{"name":"ConvBnRelu2Relu","network":"ConvBnRelu2Relu","hyperParameters":{},"parameters":20538,"fingerprint":"1e02f1fa2cc87ea4"},
                     {"name":"ConvReluBn2Elu","network":"ConvReluBn2Elu","hyperParameters":{},"parameters":20586,"fingerprint":"3862d49bf908fdb7"}],
         "hyperParameters":[],
         "training":{"batchSize":64,"optimizer":"adam","learningRate":0.001,"momentum":null,"weightDecay":0,"schedule":"none","stepEvery":null,"stepGamma":null,
                     "accuracyTargets":[0.97,0.98,0.99],"evaluateEvery":null,"health":true,"healthBatchSize":256},
         "shard":null}
        """;

    private const string SweptStudy = """
        {"format":1,"study":"widths","source":"w.normlab","data":"mnist-sample","seeds":1,"epochs":1,"baseline":"Net@width=8,depth=1",
         "networks":[{"name":"Net@width=8,depth=1","network":"Net","hyperParameters":{"width":8,"depth":1},"parameters":100,"fingerprint":"0011223344556677"},
                     {"name":"Net@width=16.5,depth=1","network":"Net","hyperParameters":{"width":16.5,"depth":1},"parameters":200,"fingerprint":"8899aabbccddeeff"}],
         "hyperParameters":[{"name":"width","values":[8,16.5]},{"name":"depth","values":[1]}],
         "training":{"batchSize":32,"optimizer":"sgd","learningRate":0.1,"momentum":0.9,"weightDecay":0.0005,"schedule":"step","stepEvery":2,"stepGamma":0.5,
                     "accuracyTargets":[],"evaluateEvery":10,"health":false,"healthBatchSize":1},
         "shard":{"index":0,"count":2}}
        """;

    private const string RunTemplate = """
        {"format":1,"network":"ConvReluBn2Elu","data":"mnist-sample","trainExamples":8000,"testExamples":2000,"seed":1,"device":"cpu","threads":1,"parameters":20586,
         "options":{"epochs":5,"batchSize":64,"optimizer":"adam","learningRate":0.001,"momentum":null,"weightDecay":0,"schedule":"none","accuracyTargets":[0.97,0.98,0.99],"evaluateEvery":null},
         "epochs":[{"epoch":1,"steps":125,"learningRate":0.001,"trainLoss":0.37645365229249,"trainAccuracy":0.89125,"testLoss":0.17072751235961914,"testAccuracy":0.9515,"seconds":2.6948118,"trainSeconds":2.2931942,"imagesPerSecond":3488.5837405310026}],
         "testAccuracy":0.9775,"testLoss":0.0848568000793457,"convergence":[{"target":0.97,"epoch":3,"step":375}],
         "evaluations":[{"epoch":1,"step":125,"testLoss":0.17072751235961914,"testAccuracy":0.9515}],
         "health":[{"epoch":0,"step":0,"batch":256,"loss":2.4751524925231934,"layers":[{"name":"conv1","kind":"conv","mean":0.045,"std":0.66}],"gradients":[{"parameter":"conv1.weight","norm":0.57}]}],
         "diverged":null,"elapsedSeconds":13.591415,"imagesPerSecond":3507.3180849464543,"weights":null}
        """;

    private static readonly string[] RowNames =
    {
        "../x", "..", ".", "", "a/b", "a\\b", "/abs", "C:\\x", "C:x", "x\u0000", " ", "x ", "x.", "CON", "con", "Net@width=8/../..", "ConvBnRelu2RELU",
        "convbnrelu2relu", "\u212Aelvin", "Kelvin", "kelvin", "ǅ", "ǆ", "Ǆ", "ß", "SS", "İ", "i", "ı", "I", "\uD800", "x\ty", "x:y", "x*y", "x?y", "x|y", "x\"y", "x<y>",
    };

    private readonly Random _random;
    private readonly JsonMutator _mutator;
    private readonly string _folder;
    private readonly StudyDefinition _runDefinition;
    private readonly Dictionary<string, long> _notes = new(StringComparer.Ordinal);

    public StudyTarget(int seed)
    {
        _random = new Random(seed);
        _mutator = new JsonMutator(_random);
        _folder = Path.Combine(Path.GetTempPath(), "normlab-fuzz-study-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(Path.Combine(_folder, "runs", "ConvReluBn2Elu"));

        // the run files are read for a 1 × 1 grid: the row of the run template, seed 1
        var definition = StudyDefinition.FromJson(PlainStudy);
        _runDefinition = definition with { Seeds = 1, Networks = definition.Networks.Where(n => n.Name == "ConvReluBn2Elu").ToArray(), Baseline = "ConvReluBn2Elu" };
    }

    public string Name => "study";

    public IReadOnlyDictionary<string, long> Notes => _notes;

    public string ExtensionOf(FuzzInput input) => input.Kind.StartsWith("run", StringComparison.Ordinal) ? ".run.json" : ".study.json";

    public FuzzInput Next()
    {
        var run = _random.Next(4) == 0;
        var roll = _random.Next(100);
        if (roll < 3)
        {
            var bytes = new byte[_random.Next(0, 200)];
            _random.NextBytes(bytes);
            return new FuzzInput(run ? "run:random-bytes" : "study:random-bytes", bytes);
        }

        if (roll < 6)
        {
            return new FuzzInput(run ? "run:random-json" : "study:random-json", Encoding.UTF8.GetBytes(_mutator.RandomValue()?.ToJsonString() ?? "null"));
        }

        var root = JsonNode.Parse(run ? RunTemplate : _random.Next(2) == 0 ? PlainStudy : SweptStudy);
        var kind = run ? "run:" : "study:";
        if (roll < 12)
        {
            kind += "valid";
        }
        else if (!run && roll < 40)
        {
            kind += "names";
            RenameRows((JsonObject)root!);
            if (_random.Next(2) == 0)
            {
                root = _mutator.Mutate(root);
            }
        }
        else
        {
            kind += "mutated";
            root = _mutator.Mutate(root);
        }

        var bytesOut = Encoding.UTF8.GetBytes(root?.ToJsonString() ?? "null");
        if (_random.Next(10) == 0)
        {
            bytesOut = _mutator.DamageBytes(bytesOut);
            kind += "+bytes";
        }

        return new FuzzInput(kind, bytesOut);
    }

    /// <summary>Path-like names, case twins, names kept consistent (row, network and baseline renamed together) or not.</summary>
    private void RenameRows(JsonObject root)
    {
        var networks = (JsonArray)root["networks"]!;
        var row = (JsonObject)networks[_random.Next(networks.Count)]!;
        var name = _random.Next(3) == 0 ? row["name"]!.GetValue<string>() + RowNames[_random.Next(RowNames.Length)] : RowNames[_random.Next(RowNames.Length)];
        switch (_random.Next(5))
        {
            case 0: // the row, its network and the baseline together (the only way past the row-name rule)
                row["name"] = name;
                row["network"] = name;
                root["baseline"] = name;
                if (((JsonArray)root["hyperParameters"]!).Count > 0)
                {
                    root["hyperParameters"] = new JsonArray();
                    foreach (var other in networks)
                    {
                        ((JsonObject)other!)["hyperParameters"] = new JsonObject();
                        other["name"] = other["network"]!.GetValue<string>();
                    }
                }

                break;
            case 1: // a case twin of another row
                var twin = row.DeepClone().AsObject();
                var original = twin["name"]!.GetValue<string>();
                var changed = _random.Next(2) == 0 ? original.ToUpperInvariant() : original.ToLowerInvariant();
                if (_random.Next(3) == 0)
                {
                    changed = original.Replace('K', '\u212A').Replace('k', '\u212A');
                }

                twin["name"] = changed;
                twin["network"] = changed.Split('@')[0];
                networks.Add(twin);
                break;
            case 2: // a hyper-parameter axis named like a path
                var axes = (JsonArray)root["hyperParameters"]!;
                if (axes.Count > 0)
                {
                    ((JsonObject)axes[0]!)["name"] = name;
                }
                else
                {
                    row["name"] = name;
                }

                break;
            default:
                row["name"] = name;
                break;
        }
    }

    public string? Check(FuzzInput input, TimeSpan budget)
    {
        try
        {
            return input.Kind.StartsWith("run", StringComparison.Ordinal) ? CheckRun(input.Bytes) : CheckStudy(input.Bytes);
        }
        catch (Exception e)
        {
            return "an exception escaped: " + e;
        }
    }

    private string? CheckStudy(byte[] bytes)
    {
        StudyDefinition definition;
        try
        {
            if (_random.Next(50) == 0)
            {
                // through the folder: the bytes as they are (bad UTF-8 included)
                var folder = Path.Combine(_folder, "load");
                Directory.CreateDirectory(folder);
                File.WriteAllBytes(Path.Combine(folder, StudyDefinition.FileName), bytes);
                definition = StudyDefinition.Load(folder);
            }
            else
            {
                definition = StudyDefinition.FromJson(Encoding.UTF8.GetString(bytes));
            }
        }
        catch (StudyException)
        {
            return null;
        }

        var runs = Path.Combine(_folder, "runs");
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var network in definition.Networks)
        {
            if (Unsafe(network.Name, runs) is { } why)
            {
                return $"accepted row name '{Escape(network.Name)}', which {why}";
            }

            // case-insensitive file systems fold case (NTFS, APFS): lower-then-upper approximates both
            var folded = network.Name.ToLowerInvariant().ToUpperInvariant();
            if (seen.TryGetValue(folded, out var before))
            {
                return $"accepted row names '{Escape(before)}' and '{Escape(network.Name)}', which would share a folder on a case-insensitive file system";
            }

            seen[folded] = network.Name;
            if (IsReservedOnWindows(network.Name))
            {
                Note($"accepted a row name reserved on Windows ({network.Name.ToUpperInvariant()})");
            }
        }

        if (definition.Networks.All(n => n.Name != definition.Baseline))
        {
            return $"accepted a baseline '{Escape(definition.Baseline)}' that names no row";
        }

        return null;
    }

    private string? CheckRun(byte[] bytes)
    {
        var path = Path.Combine(_folder, _runDefinition.Cells()[0].RelativePath);
        File.WriteAllBytes(path, bytes);
        var runs = Study.ReadRuns(_folder, _runDefinition);
        if (runs.Count != 1)
        {
            return $"ReadRuns gave {runs.Count} cells for a 1 × 1 grid";
        }

        Note(runs[0].Run is null ? "run file refused" : "run file read");
        return null;
    }

    /// <summary>Why <paramref name="name"/> is not one safe folder name directly under <paramref name="parent"/>; null when it is.</summary>
    internal static string? Unsafe(string name, string parent)
    {
        if (name.Length == 0)
        {
            return "is empty";
        }

        if (name is "." or "..")
        {
            return "names the folder itself or its parent";
        }

        if (name.IndexOfAny(new[] { '/', '\\' }) >= 0)
        {
            return "holds a path separator";
        }

        if (name.Any(c => c < 0x20 || c is ':' or '*' or '?' or '"' or '<' or '>' or '|' || char.IsSurrogate(c)))
        {
            return "holds a character some file systems refuse (or a lone surrogate)";
        }

        if (name.EndsWith(' ') || name.EndsWith('.'))
        {
            return "ends with a space or a dot (Windows drops them)";
        }

        var full = Path.GetFullPath(Path.Combine(parent, name));
        if (!string.Equals(Path.GetDirectoryName(full), Path.GetFullPath(parent).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
        {
            return $"becomes the path {full}, outside {parent}";
        }

        return null;
    }

    private static bool IsReservedOnWindows(string name)
    {
        var stem = name.Split('.')[0].ToUpperInvariant();
        return stem is "CON" or "PRN" or "AUX" or "NUL" or "CONIN$" or "CONOUT$"
            || (stem.Length == 4 && (stem.StartsWith("COM", StringComparison.Ordinal) || stem.StartsWith("LPT", StringComparison.Ordinal)) && stem[3] is >= '1' and <= '9');
    }

    private static string Escape(string text) => JsonSerializer.Serialize(text).Trim('"');

    private void Note(string note) => _notes[note] = _notes.TryGetValue(note, out var n) ? n + 1 : 1;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
