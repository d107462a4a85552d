using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using NormLab.Dsl.Model;
using NormLab.Runtime.Building;
using NormLab.Runtime.Export;
using NormLab.Runtime.Tests.Training;
using Xunit;
using static TorchSharp.torch;

namespace NormLab.Runtime.Tests.Export;

/// <summary>
/// Safetensors files and the weights loader: the round trip, the bytes of the format itself (read here by hand, as
/// another reader would), and a clear error naming the first mismatch for weights of another architecture.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class SafeTensorsTests : IDisposable
{
    private const string Source = """
        network Small(input: 1x8x8, classes: 4) {
            conv3x3(4) > bn > relu > maxpool > flatten > linear(classes)
        }

        network Wider(input: 1x8x8, classes: 4) {
            conv3x3(8) > bn > relu > maxpool > flatten > linear(classes)
        }

        network Deeper(input: 1x8x8, classes: 4) {
            conv3x3(4) > bn > relu > maxpool > flatten > linear(16) > linear(classes)
        }

        network Twice(input: 1x8x8, classes: 4) {
            conv3x3(4) > bn > relu > maxpool > flatten > linear(classes) > linear(classes)
        }

        network Shorter(input: 1x8x8, classes: 4) {
            conv3x3(4) > relu > maxpool > flatten > linear(classes)
        }

        network Branches(input: 3x8x8, classes: 4) {
            concat { conv1x1(4) | conv3x3(4) > bn > relu } > se(squeeze: 8) > residual { conv3x3(8) > bn } > gap > linear(classes)
        }
        """;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "normlab-safetensors-" + Guid.NewGuid().ToString("N"));

    public SafeTensorsTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("Small")]
    [InlineData("Branches")]
    public void A_saved_module_loads_into_a_fresh_one_with_identical_outputs(string name)
    {
        var network = Check(name);
        using var trained = Build(network, seed: 1);
        MoveRunningStatistics(trained, network);
        string path = Path.Combine(_folder, name + ".safetensors");

        trained.ExportSafeTensors(path);
        using var fresh = Build(network, seed: 2);
        using (var before = Output(fresh, network, seed: 5))
        using (var original = Output(trained, network, seed: 5))
        {
            Assert.False(Same(original, before), "the two seeds built equal modules: the test would prove nothing");
        }

        fresh.LoadSafeTensors(path);

        foreach (var (key, tensor) in trained.state_dict())
            Assert.True(Same(tensor, fresh.state_dict()[key]), $"{key} differs after the round trip");
        using var expected = Output(trained, network, seed: 7);
        using var actual = Output(fresh, network, seed: 7);
        Assert.True(Same(expected, actual));
    }

    [Fact]
    public void The_file_is_the_safetensors_format_with_the_state_dict_and_metadata()
    {
        var network = Check("Small");
        using var module = Build(network, seed: 3);
        MoveRunningStatistics(module, network);
        string path = Path.Combine(_folder, "small.safetensors");

        module.ExportSafeTensors(path, SourceHash.Compute(Source));

        // read as any reader does: u64 little-endian header length, JSON header, raw little-endian data
        byte[] bytes = File.ReadAllBytes(path);
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + headerLength) % 8);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        var root = header.RootElement;
        var metadata = root.GetProperty("__metadata__");
        Assert.Equal("pt", metadata.GetProperty("format").GetString());
        Assert.Equal(NormLabVersion.Value, metadata.GetProperty("normlab.version").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+", NormLabVersion.Value);
        Assert.Equal("Small", metadata.GetProperty("normlab.network").GetString());
        Assert.Equal(SourceHash.Compute(Source), metadata.GetProperty("normlab.source_hash").GetString());

        var stateDict = module.state_dict();
        var names = root.EnumerateObject().Where(p => p.Name != "__metadata__").Select(p => p.Name).ToArray();
        Assert.Equal(stateDict.Keys.ToArray(), names);
        Assert.Contains("bn1.running_mean", names);
        Assert.Contains("bn1.running_var", names);
        Assert.Contains("bn1.num_batches_tracked", names);

        long dataStart = 8 + headerLength;
        long expectedOffset = 0;
        foreach (var (name, tensor) in stateDict)
        {
            var entry = root.GetProperty(name);
            Assert.Equal(tensor.dtype == ScalarType.Int64 ? "I64" : "F32", entry.GetProperty("dtype").GetString());
            Assert.Equal(tensor.shape, entry.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray());
            var offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
            Assert.Equal(expectedOffset, offsets[0]);
            Assert.Equal(tensor.NumberOfElements * tensor.ElementSize, offsets[1] - offsets[0]);
            expectedOffset = offsets[1];
            var data = bytes.AsMemory((int)(dataStart + offsets[0]), (int)(offsets[1] - offsets[0]));
            if (tensor.dtype == ScalarType.Float32)
            {
                var floats = Enumerable.Range(0, data.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(data.Span[(4 * i)..])).ToArray();
                Assert.Equal(tensor.contiguous().data<float>().ToArray(), floats);
            }
            else
            {
                Assert.Equal(tensor.item<long>(), BinaryPrimitives.ReadInt64LittleEndian(data.Span));
            }
        }

        Assert.Equal(bytes.Length, dataStart + expectedOffset);
        Assert.Equal(3L, stateDict["bn1.num_batches_tracked"].item<long>());
    }

    [Fact]
    public void A_file_from_another_writer_loads_in_any_tensor_order_without_metadata()
    {
        // written here byte by byte, as another tool may: the tensors in reverse order, no metadata, no padding
        var network = Check("Shorter");
        using var source = Build(network, seed: 4);
        var stateDict = source.state_dict().Reverse().ToArray();
        var header = new StringBuilder("{");
        var data = new MemoryStream();
        var four = new byte[4];
        foreach (var (name, tensor) in stateDict)
        {
            var floats = tensor.contiguous().data<float>().ToArray();
            long begin = data.Length;
            foreach (var f in floats)
            {
                BinaryPrimitives.WriteSingleLittleEndian(four, f);
                data.Write(four);
            }

            header.Append(header.Length > 1 ? "," : string.Empty)
                .Append($"\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(",", tensor.shape)}],\"data_offsets\":[{begin},{data.Length}]}}");
        }

        header.Append('}');
        byte[] headerBytes = Encoding.UTF8.GetBytes(header.ToString());
        string path = Path.Combine(_folder, "other.safetensors");
        using (var file = File.Create(path))
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)headerBytes.Length);
            file.Write(length);
            file.Write(headerBytes);
            data.Position = 0;
            data.CopyTo(file);
        }

        using var fresh = Build(network, seed: 9);
        var metadata = SafeTensors.Load(fresh, path);

        Assert.Empty(metadata);
        using var expected = Output(source, network, seed: 1);
        using var actual = Output(fresh, network, seed: 1);
        Assert.True(Same(expected, actual));
        Assert.Equal(WeightsFormat.SafeTensors, WeightsFile.Detect(path));
    }

    [Theory]
    [InlineData("Wider", "conv1.weight is 4x1x3x3 in the file, 8x1x3x3 in the network")]
    [InlineData("Deeper", "linear1.weight is 4x64 in the file, 16x64 in the network")]
    [InlineData("Shorter", "the network has conv1.bias (4), which the file lacks")]
    [InlineData("Small", "the file has linear2.weight (4x4), which the network lacks")]
    public void Weights_of_another_architecture_name_the_first_mismatch_and_load_nothing(string other, string mismatch)
    {
        using var small = Build(Check(other == "Small" ? "Twice" : "Small"), seed: 1);
        string safetensors = Path.Combine(_folder, "small.safetensors");
        string modelBin = Path.Combine(_folder, "model.bin");
        small.ExportSafeTensors(safetensors);
        small.save(modelBin);
        using var target = Build(Check(other), seed: 2);
        var before = target.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());

        foreach (string path in new[] { safetensors, modelBin })
        {
            var error = Assert.Throws<WeightsException>(() => WeightsFile.Load(target, path));

            Assert.Equal(WeightsProblem.Mismatch, error.Problem);
            Assert.Equal(mismatch, error.Detail);
            Assert.Equal($"weights {path} do not fit network {other}: {mismatch}", error.Message);
            foreach (var (key, tensor) in target.state_dict())
                Assert.True(Same(tensor, before[key]), $"{key} changed although the load failed");
        }
    }

    [Fact]
    public void A_tensor_the_file_lacks_is_named()
    {
        using var shorter = Build(Check("Shorter"), seed: 1);
        string path = Path.Combine(_folder, "shorter.safetensors");
        shorter.ExportSafeTensors(path);
        using var small = Build(Check("Small"), seed: 1);

        var error = Assert.Throws<WeightsException>(() => small.LoadSafeTensors(path));

        Assert.Equal("the network has bn1.weight (4), which the file lacks", error.Detail);
    }

    [Fact]
    public void A_model_bin_written_by_training_loads_with_identical_outputs()
    {
        var network = Check("Small");
        using var trained = Build(network, seed: 1);
        MoveRunningStatistics(trained, network);
        string path = Path.Combine(_folder, "model.bin");
        trained.save(path);
        using var fresh = Build(network, seed: 2);

        Assert.Equal(WeightsFormat.TorchSharp, WeightsFile.Load(fresh, path));

        Assert.Equal(trained.state_dict().Keys, WeightsFile.ReadTorchSharp(path).Select(e => e.Name));
        using var expected = Output(trained, network, seed: 3);
        using var actual = Output(fresh, network, seed: 3);
        Assert.True(Same(expected, actual));
    }

    [Fact]
    public void Damaged_files_are_reported_in_one_line_without_loading()
    {
        var network = Check("Small");
        using var module = Build(network, seed: 1);
        string safetensors = Path.Combine(_folder, "small.safetensors");
        string modelBin = Path.Combine(_folder, "model.bin");
        module.ExportSafeTensors(safetensors);
        module.save(modelBin);

        var cases = new (string Name, byte[] Bytes, string Detail)[]
        {
            ("cut.safetensors", File.ReadAllBytes(safetensors)[..^5], "cut short: its header describes"),
            ("cut-header.safetensors", File.ReadAllBytes(safetensors)[..40], "not a safetensors file, or cut short: its header length"),
            ("cut.bin", File.ReadAllBytes(modelBin)[..^5], "cut short: "),
            ("text.bin", Encoding.UTF8.GetBytes("these are not weights\n"), "cut short, or not a weights file written by normlab train or TorchSharp's Module.save"),
            ("empty.bin", Array.Empty<byte>(), "cut short, or not a weights file"),
            ("bad-json.safetensors", Header("{\"a\": [1,"), "not a safetensors file: its header is not JSON"),
            ("bad-dtype.safetensors", Header("{\"conv1.weight\":{\"dtype\":\"U64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8), "conv1.weight is of type U64, which NormLab does not load"),
            ("bad-size.safetensors", Header("{\"conv1.weight\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "conv1.weight is 3 F32 (12 bytes), but its data_offsets span 8 bytes"),
        };
        foreach (var (name, bytes, detail) in cases)
        {
            string path = Path.Combine(_folder, name);
            File.WriteAllBytes(path, bytes);
            using var target = Build(network, seed: 2);
            using var before = target.state_dict()["conv1.weight"].clone();

            var error = Assert.Throws<WeightsException>(() => WeightsFile.Load(target, path));

            Assert.Equal(WeightsProblem.Malformed, error.Problem);
            Assert.StartsWith(detail, error.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
            Assert.StartsWith($"cannot read weights {path}: ", error.Message, StringComparison.Ordinal);
            Assert.True(Same(before, target.state_dict()["conv1.weight"]), name);
        }

        var missing = Assert.Throws<WeightsException>(() => WeightsFile.Load(module, Path.Combine(_folder, "none.bin")));
        Assert.Equal(WeightsProblem.Unreadable, missing.Problem);
        Assert.Equal("no such file", missing.Detail);
        var folder = Assert.Throws<WeightsException>(() => SafeTensors.Load(module, _folder));
        Assert.Equal("it is a folder, not a file", folder.Detail);
    }

    [Fact]
    public void The_source_hash_is_the_sha256_of_the_utf8_text()
    {
        // echo -n 'abc' | sha256sum
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", SourceHash.Compute("abc"));
        Assert.NotEqual(SourceHash.Compute("a\nb\n"), SourceHash.Compute("a\nc\n"));
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static byte[] Header(string json, int dataBytes = 0)
    {
        byte[] header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    private static NetworkModel Check(string name) => NetworkBuilder.Check(Source, "export.normlab", name);

    private static NetworkModule Build(NetworkModel network, int seed)
    {
        TorchSharp.torch.random.manual_seed(seed);
        return new NetworkModule(network);
    }

    /// <summary>Three forward passes in training mode, so that batch norm's running statistics are no longer the initial ones.</summary>
    private static void MoveRunningStatistics(NetworkModule module, NetworkModel network)
    {
        module.train();
        for (int i = 0; i < 3; i++)
        {
            using var input = Input(network, 16, seed: 100 + i);
            using var output = module.forward(input);
        }
    }

    private static Tensor Output(NetworkModule module, NetworkModel network, int seed)
    {
        module.eval();
        using var input = Input(network, 7, seed);
        using var noGrad = no_grad();
        return module.forward(input);
    }

    private static Tensor Input(NetworkModel network, int batch, int seed)
    {
        using var generator = new TorchSharp.torch.Generator((ulong)seed);
        return randn(new long[] { batch }.Concat(network.Input!.Dimensions.Select(d => (long)d)).ToArray(), generator: generator);
    }
}
