using System;
using System.IO;
using System.Text.Json.Nodes;
using Xunit;

namespace NormLab.Studies.Tests;

/// <summary><c>study.json</c> read as hostile input: every field checked, names that become folders validated, one line per problem.</summary>
public sealed class StudyFileTests
{
    private static JsonObject Valid() => JsonNode.Parse(StudyFixtures.Definition(new[] { "Tiny", "Dense" }, seeds: 2, epochs: 1).ToJson())!.AsObject();

    private static string ErrorOf(JsonNode json) =>
        Assert.Throws<StudyException>(() => StudyDefinition.FromJson(json.ToJsonString(), "shards/a/study.json")).Message;

    [Fact]
    public void A_written_definition_reads_back_the_same()
    {
        var definition = StudyFixtures.Definition(new[] { "Tiny", "Dense" }, seeds: 2, epochs: 1) with { Shard = new Shard(1, 2) };

        Assert.Equal(definition.ToJson(), StudyDefinition.FromJson(definition.ToJson()).ToJson());
    }

    [Theory]
    [InlineData("../../x")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("1abc")]
    [InlineData("")]
    [InlineData("/etc")]
    public void A_network_name_that_is_not_an_identifier_is_refused(string name)
    {
        var json = Valid();
        json["networks"]![0]!["name"] = name;
        json["networks"]![0]!["network"] = name;

        Assert.Equal($"shards/a/study.json: 'networks[0].network' must be a network name (letters, digits and _, not starting with a digit), got '{name}'", ErrorOf(json));
    }

    [Fact]
    public void A_row_name_that_is_not_its_network_is_refused()
    {
        var json = Valid();
        json["networks"]![1]!["name"] = "../../Dense";

        Assert.Equal("shards/a/study.json: 'networks[1].name' must be its network's name 'Dense' (letters, digits and _, not starting with a digit), got '../../Dense'", ErrorOf(json));
    }

    [Theory]
    [InlineData("networks", "null", "shards/a/study.json: 'networks' must be a list of networks, got null")]
    [InlineData("networks", "\"Tiny\"", "shards/a/study.json: 'networks' must be a list of networks, got 'Tiny'")]
    [InlineData("networks", "[]", "shards/a/study.json: 'networks' must list at least one network")]
    [InlineData("networks", "[null]", "shards/a/study.json: 'networks[0]' must be an object, got null")]
    [InlineData("seeds", "null", "shards/a/study.json: 'seeds' must be a whole number, at least 1, got null")]
    [InlineData("seeds", "\"3\"", "shards/a/study.json: 'seeds' must be a whole number, at least 1, got '3'")]
    [InlineData("seeds", "0", "shards/a/study.json: 'seeds' must be a whole number, at least 1, got 0")]
    [InlineData("study", "7", "shards/a/study.json: 'study' must be a string, got 7")]
    [InlineData("baseline", "\"Nope\"", "shards/a/study.json: 'baseline' must be one of the networks' names, got 'Nope'")]
    [InlineData("hyperParameters", "null", "shards/a/study.json: 'hyperParameters' must be a list of hyper-parameter axes, got null")]
    [InlineData("training", "null", "shards/a/study.json: 'training' must be an object, got null")]
    [InlineData("shard", "{\"index\": 2, \"count\": 2}", "shards/a/study.json: 'shard.index' must lie in 0..1, got 2")]
    [InlineData("format", "2", "shards/a/study.json: 'format' is 2; this normlab reads format 1")]
    public void Nulls_and_wrong_types_name_the_file_and_the_field(string field, string value, string message)
    {
        var json = Valid();
        json[field] = JsonNode.Parse(value);

        Assert.Equal(message, ErrorOf(json));
    }

    [Fact]
    public void Missing_fields_and_nested_nulls_name_the_field()
    {
        var json = Valid();
        json.Remove("epochs");
        Assert.Equal("shards/a/study.json: 'epochs' is missing", ErrorOf(json));

        json = Valid();
        json["training"]!["accuracyTargets"] = null;
        Assert.Equal("shards/a/study.json: 'training.accuracyTargets' must be a list of numbers, got null", ErrorOf(json));

        json = Valid();
        json["training"]!["optimizer"] = "rmsprop";
        Assert.Equal("shards/a/study.json: 'training.optimizer' must be one of adam, sgd, got 'rmsprop'", ErrorOf(json));

        json = Valid();
        json["networks"]![0]!["fingerprint"] = null;
        Assert.Equal("shards/a/study.json: 'networks[0].fingerprint' must be a string, got null", ErrorOf(json));

        Assert.StartsWith("shards/a/study.json: the file must be an object, got null", Assert.Throws<StudyException>(() => StudyDefinition.FromJson("null", "shards/a/study.json")).Message, StringComparison.Ordinal);
        Assert.StartsWith("shards/a/study.json is not a study definition: ", Assert.Throws<StudyException>(() => StudyDefinition.FromJson("{\"networks\": [", "shards/a/study.json")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_equal_but_for_case_are_refused()
    {
        var json = Valid();
        json["networks"]![1]!["name"] = "tiny";
        json["networks"]![1]!["network"] = "tiny";

        Assert.Equal("shards/a/study.json: 'networks' names 'Tiny' and 'tiny', which differ only in case (they would share a folder on case-insensitive file systems); rename one", ErrorOf(json));
    }

    [Fact]
    public void Swept_rows_must_be_named_from_their_network_and_values()
    {
        var definition = StudyFixtures.Definition(new[] { "Wide" }, seeds: 1, epochs: 1) with
        {
            Baseline = "Wide@width=2",
            HyperParameters = new[] { new HyperParameterAxis("width", new[] { 2.0 }) },
            Networks = new[] { new StudyNetwork { Name = "Wide@width=2", Network = "Wide", HyperParameters = new System.Collections.Generic.SortedDictionary<string, double> { ["width"] = 2 }, Fingerprint = "0123456789abcdef" } },
        };
        Assert.Equal(definition.ToJson(), StudyDefinition.FromJson(definition.ToJson()).ToJson());

        var json = JsonNode.Parse(definition.ToJson())!.AsObject();
        json["networks"]![0]!["name"] = "Wide@width=../../2";
        Assert.Equal("shards/a/study.json: 'networks[0].name' must be 'Wide@width=2' (its network and hyper-parameter values), got 'Wide@width=../../2'", ErrorOf(json));
    }

    [Fact]
    public void A_malformed_study_json_in_a_folder_names_its_path()
    {
        string folder = Path.Combine(Path.GetTempPath(), "normlab-study-file-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, StudyDefinition.FileName), "{\"format\": 1, \"networks\": null}");

            var error = Assert.Throws<StudyException>(() => StudyDefinition.Load(folder));
            Assert.Equal($"{Path.Combine(folder, StudyDefinition.FileName)}: 'study' is missing", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
