using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using NormLab.Runtime.Training;

namespace NormLab.Studies;

/// <summary>
/// Reads <c>study.json</c> as hostile input: every field is checked (present, of the right type, not null) before the
/// definition is built, and the grid's row names, which become folder names under <c>runs/</c>, must be what
/// <see cref="Study.Create"/> makes of the source's networks: an identifier (letters, digits and <c>_</c>, not starting
/// with a digit), with swept hyper-parameters <c>Name@width=16,depth=2</c>. Two names equal but for case are refused
/// (they would share a folder on a case-insensitive file system). Every problem is one <see cref="StudyException"/>
/// naming the file and the field.
/// </summary>
internal static class StudyFile
{
    private const string NameRule = "letters, digits and _, not starting with a digit";

    public static StudyDefinition Parse(string json, string file)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new StudyException($"{file} is not a study definition: {e.Message}", e);
        }

        using (document)
        {
            var reader = new Reader(file);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw reader.Error(null, "must be an object", root);

            int format = reader.Int(root, "format", min: 1);
            if (format != 1)
                throw new StudyException($"{file}: 'format' is {format}; this normlab reads format 1");
            string name = reader.String(root, "study");
            string source = reader.String(root, "source");
            string data = reader.String(root, "data");
            int seeds = reader.Int(root, "seeds", min: 1);
            int epochs = reader.Int(root, "epochs", min: 1);
            string baseline = reader.String(root, "baseline");
            var axes = reader.List(root, "hyperParameters", "a list of hyper-parameter axes", (e, field) => Axis(reader, e, field));
            var networks = reader.List(root, "networks", "a list of networks", (e, field) => Network(reader, e, field, axes));
            var training = Training(reader, reader.Object(root, "training"), "training");
            var shard = ReadShard(reader, root);
            var selection = ReadSelection(reader, root);

            if (networks.Count == 0)
                throw new StudyException($"{file}: 'networks' must list at least one network");
            CheckNames(networks.Select(n => n.Name).ToArray(), file, "networks");
            CheckNames(axes.Select(a => a.Name).ToArray(), file, "hyperParameters");
            if (networks.All(n => n.Name != baseline))
                throw new StudyException($"{file}: 'baseline' must be one of the networks' names, got '{baseline}'");

            return new StudyDefinition
            {
                Format = format,
                Name = name,
                Source = source,
                Data = data,
                Seeds = seeds,
                Epochs = epochs,
                Baseline = baseline,
                Networks = networks,
                HyperParameters = axes,
                Training = training,
                Selection = selection,
                Shard = shard,
            };
        }
    }

    /// <summary>Whether <paramref name="name"/> is a network or hyper-parameter name of the language.</summary>
    public static bool IsIdentifier(string name) =>
        name.Length > 0 && (name[0] == '_' || char.IsLetter(name[0])) && name.All(c => c == '_' || char.IsLetterOrDigit(c));

    /// <summary>Refuses a name given twice, or two names equal but for case (they would share a folder on some file systems).</summary>
    public static void CheckNames(IReadOnlyList<string> names, string file, string field)
    {
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string name in names)
        {
            if (seen.TryGetValue(name, out string? before))
            {
                throw new StudyException(before == name
                    ? $"{file}: '{field}' names '{name}' twice"
                    : $"{file}: '{field}' names '{before}' and '{name}', which differ only in case (they would share a folder on case-insensitive file systems); rename one");
            }
            seen.Add(name, name);
        }
    }

    private static HyperParameterAxis Axis(Reader reader, JsonElement element, string field)
    {
        reader.RequireObject(element, field);
        string name = reader.String(element, "name", field);
        if (!IsIdentifier(name))
            throw reader.Error($"{field}.name", $"must be a hyper-parameter name ({NameRule})", element.GetProperty("name"));
        var values = reader.List(element, "values", "a list of numbers", (e, f) => reader.Number(e, f), field);
        if (values.Count == 0)
            throw new StudyException($"{reader.File}: '{field}.values' must list at least one number");
        return new HyperParameterAxis(name, values);
    }

    private static StudyNetwork Network(Reader reader, JsonElement element, string field, IReadOnlyList<HyperParameterAxis> axes)
    {
        reader.RequireObject(element, field);
        string row = reader.String(element, "name", field);
        string network = reader.String(element, "network", field);
        if (!IsIdentifier(network))
            throw reader.Error($"{field}.network", $"must be a network name ({NameRule})", element.GetProperty("network"));
        var settings = reader.Object(element, "hyperParameters", field);
        var values = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var property in settings.EnumerateObject())
            values[property.Name] = reader.Number(property.Value, $"{field}.hyperParameters.{property.Name}");
        if (values.Count != axes.Count || axes.Any(a => !values.ContainsKey(a.Name)))
        {
            throw new StudyException(
                $"{reader.File}: '{field}.hyperParameters' must give a value to each swept hyper-parameter ({(axes.Count == 0 ? "none" : string.Join(", ", axes.Select(a => a.Name)))}), got {(values.Count == 0 ? "none" : string.Join(", ", values.Keys))}");
        }
        string expected = Study.RowName(network, axes.Select(a => new KeyValuePair<string, double>(a.Name, values[a.Name])).ToArray());
        if (row != expected)
        {
            throw new StudyException(axes.Count == 0
                ? $"{reader.File}: '{field}.name' must be its network's name '{network}' ({NameRule}), got '{row}'"
                : $"{reader.File}: '{field}.name' must be '{expected}' (its network and hyper-parameter values), got '{row}'");
        }
        return new StudyNetwork
        {
            Name = row,
            Network = network,
            HyperParameters = values,
            Parameters = reader.Long(element, "parameters", field),
            Fingerprint = reader.String(element, "fingerprint", field),
        };
    }

    private static StudyTrainingSettings Training(Reader reader, JsonElement element, string field) => new()
    {
        BatchSize = reader.Int(element, "batchSize", min: 1, parent: field),
        Optimizer = reader.Enum<OptimizerKind>(element, "optimizer", field),
        LearningRate = reader.Number(element, "learningRate", field),
        Momentum = reader.NullableNumber(element, "momentum", field),
        WeightDecay = reader.Number(element, "weightDecay", field),
        Schedule = reader.Enum<LearningRateSchedule>(element, "schedule", field),
        StepEvery = reader.NullableInt(element, "stepEvery", field),
        StepGamma = reader.NullableNumber(element, "stepGamma", field),
        AccuracyTargets = reader.List(element, "accuracyTargets", "a list of numbers", (e, f) => reader.Number(e, f), field),
        EvaluateEvery = reader.NullableInt(element, "evaluateEvery", field),
        Health = reader.Bool(element, "health", field),
        HealthBatchSize = reader.Int(element, "healthBatchSize", min: 1, parent: field),
    };

    /// <summary>The optional <c>selection</c>: missing (a file written before it existed) or null is no validation set.</summary>
    private static StudySelection? ReadSelection(Reader reader, JsonElement root)
    {
        if (!root.TryGetProperty("selection", out var element) || element.ValueKind == JsonValueKind.Null)
            return null;
        reader.RequireObject(element, "selection", "an object {\"validation\": size, \"monitor\": ...} or null");
        double size = reader.Number(element, "validation", "selection");
        if (!(size > 0) || (size >= 1 && size != Math.Floor(size)))
            throw reader.Error("selection.validation", "must be a fraction below 1 or a whole number of images", element.GetProperty("validation"));
        return new StudySelection { Validation = size, Monitor = reader.Enum<MonitorMetric>(element, "monitor", "selection") };
    }

    private static Shard? ReadShard(Reader reader, JsonElement root)
    {
        var element = reader.Field(root, "shard");
        if (element.ValueKind == JsonValueKind.Null)
            return null;
        reader.RequireObject(element, "shard", "an object {\"index\": i, \"count\": n} or null");
        int count = reader.Int(element, "count", min: 1, parent: "shard");
        int index = reader.Int(element, "index", min: 0, parent: "shard");
        if (index >= count)
            throw new StudyException($"{reader.File}: 'shard.index' must lie in 0..{count - 1}, got {index}");
        return new Shard(index, count);
    }

    /// <summary>Reads fields, and throws one <see cref="StudyException"/> naming the file and the field for the first that is wrong.</summary>
    private sealed class Reader(string file)
    {
        public string File { get; } = file;

        public StudyException Error(string? field, string rule, JsonElement? got) =>
            new($"{File}: {(field is null ? "the file" : $"'{field}'")} {rule}, got {Describe(got)}");

        public JsonElement Field(JsonElement parent, string name, string? parentField = null)
        {
            if (parent.TryGetProperty(name, out var value))
                return value;
            throw new StudyException($"{File}: '{Join(parentField, name)}' is missing");
        }

        public void RequireObject(JsonElement element, string field, string rule = "an object")
        {
            if (element.ValueKind != JsonValueKind.Object)
                throw Error(field, "must be " + rule, element);
        }

        public JsonElement Object(JsonElement parent, string name, string? parentField = null)
        {
            var value = Field(parent, name, parentField);
            RequireObject(value, Join(parentField, name));
            return value;
        }

        public string String(JsonElement parent, string name, string? parentField = null)
        {
            var value = Field(parent, name, parentField);
            if (value.ValueKind != JsonValueKind.String)
                throw Error(Join(parentField, name), "must be a string", value);
            return value.GetString()!;
        }

        public int Int(JsonElement obj, string name, int min, string? parent = null) =>
            IntValue(Field(obj, name, parent), Join(parent, name), min);

        private int IntValue(JsonElement value, string field, int min)
        {
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int number) || number < min)
                throw Error(field, min == 0 ? "must be a whole number, 0 or more" : $"must be a whole number, at least {min}", value);
            return number;
        }

        public int? NullableInt(JsonElement parent, string name, string? parentField = null)
        {
            var value = Field(parent, name, parentField);
            return value.ValueKind == JsonValueKind.Null ? null : IntValue(value, Join(parentField, name), 1);
        }

        public long Long(JsonElement parent, string name, string? parentField = null)
        {
            var value = Field(parent, name, parentField);
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long number) || number < 0)
                throw Error(Join(parentField, name), "must be a whole number, 0 or more", value);
            return number;
        }

        public double Number(JsonElement parent, string name, string? parentField = null) => Number(Field(parent, name, parentField), Join(parentField, name));

        public double Number(JsonElement value, string field)
        {
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number) || !double.IsFinite(number))
                throw Error(field, "must be a number", value);
            return number;
        }

        public double? NullableNumber(JsonElement parent, string name, string? parentField = null)
        {
            var value = Field(parent, name, parentField);
            return value.ValueKind == JsonValueKind.Null ? null : Number(value, Join(parentField, name));
        }

        public bool Bool(JsonElement parent, string name, string? parentField = null)
        {
            var value = Field(parent, name, parentField);
            if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                throw Error(Join(parentField, name), "must be true or false", value);
            return value.GetBoolean();
        }

        public T Enum<T>(JsonElement parent, string name, string? parentField = null)
            where T : struct, System.Enum
        {
            var value = Field(parent, name, parentField);
            string[] names = System.Enum.GetNames<T>().Select(n => JsonNamingPolicy.CamelCase.ConvertName(n)).ToArray();
            if (value.ValueKind == JsonValueKind.String && names.Contains(value.GetString(), StringComparer.Ordinal))
                return System.Enum.Parse<T>(value.GetString()!, ignoreCase: true);
            throw Error(Join(parentField, name), $"must be one of {string.Join(", ", names)}", value);
        }

        public IReadOnlyList<T> List<T>(JsonElement parent, string name, string rule, Func<JsonElement, string, T> item, string? parentField = null)
        {
            string field = Join(parentField, name);
            var value = Field(parent, name, parentField);
            if (value.ValueKind != JsonValueKind.Array)
                throw Error(field, "must be " + rule, value);
            var items = new List<T>();
            int i = 0;
            foreach (var element in value.EnumerateArray())
                items.Add(item(element, string.Create(CultureInfo.InvariantCulture, $"{field}[{i++}]")));
            return items;
        }

        private static string Join(string? parent, string name) => parent is null ? name : parent + "." + name;

        private static string Describe(JsonElement? element) => element?.ValueKind switch
        {
            JsonValueKind.Null or null => "null",
            JsonValueKind.String => Quote(element.Value.GetString()!),
            JsonValueKind.Number => element.Value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Array => "a list",
            JsonValueKind.Object => "an object",
            _ => "nothing",
        };

        private static string Quote(string text) => "'" + (text.Length > 60 ? text[..60] + "…" : text) + "'";
    }
}
