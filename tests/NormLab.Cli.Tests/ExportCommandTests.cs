using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;
using NormLab.Runtime.Building;
using NormLab.Runtime.Data;
using NormLab.Runtime.Export;
using NormLab.Runtime.Training;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace NormLab.Cli.Tests;

/// <summary>
/// The one collection of the command-line tests that runs alone: it compares weights drawn from libtorch's global
/// generator after a seed, which a training test running beside it would draw from too.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SeededWeightsCollection
{
    public const string Name = "seeded weights (libtorch's global generator)";
}

/// <summary><c>normlab export</c> in-process: safetensors and ONNX files, with initial or trained weights, and its errors.</summary>
[Collection(SeededWeightsCollection.Name)]
public sealed class ExportCommandTests
{
    private const string Networks = """
        network Tiny(input: 1x28x28, classes: 10) {
            conv3x3(4) > bn > relu > maxpool > flatten > linear(classes)
        }

        network Wide(input: 1x28x28, classes: 10) {
            conv3x3(8) > bn > relu > maxpool > flatten > linear(classes)
        }
        """;

    [Fact]
    public void Exports_the_initial_weights_of_a_seed_as_train_draws_them()
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);

        var result = Cli.RunIn(folder.Path, "export", "nets.normlab", "--network", "Tiny", "--seed", "5", "-o", "tiny.safetensors");

        Assert.Equal(string.Empty, result.Stderr);
        Assert.Equal(0, result.ExitCode);
        var bytes = new FileInfo(Path.Combine(folder.Path, "tiny.safetensors")).Length;
        Assert.Equal($"Wrote tiny.safetensors (safetensors weights, {bytes:N0} bytes): network Tiny with the initial weights of seed 5", Assert.Single(result.StdoutLines));

        // the module train --seed 5 starts from: Trainer seeds libtorch, then builds the module
        var network = NetworkBuilder.Check(Networks, "nets.normlab", "Tiny");
        var initial = new Dictionary<string, Tensor>();
        Trainer.Train(
            () =>
            {
                var module = new NetworkModule(network);
                foreach (var (name, tensor) in module.state_dict())
                    initial[name] = tensor.clone();
                return module;
            },
            network,
            SmallSample(),
            new TrainingOptions { Epochs = 1, BatchSize = 64, Seed = 5, Threads = 1, Device = DeviceChoice.Cpu });

        using var exported = new NetworkModule(network);
        exported.LoadSafeTensors(Path.Combine(folder.Path, "tiny.safetensors"));
        Assert.Equal(initial.Keys, exported.state_dict().Keys);
        foreach (var (name, tensor) in exported.state_dict())
            Assert.True(Same(initial[name], tensor), $"{name} is not the initial weight of seed 5");

        var metadata = SafeTensors.Read(Path.Combine(folder.Path, "tiny.safetensors")).Metadata;
        Assert.Equal("Tiny", metadata[SafeTensors.NetworkKey]);
        Assert.Equal(SourceHash.Compute(Networks), metadata[SafeTensors.SourceHashKey]);
        Assert.Equal(ToolInfo.Version, metadata[SafeTensors.VersionKey]);

        // another seed, other weights; the default seed is train's default, 1
        Assert.Equal(0, Cli.RunIn(folder.Path, "export", "nets.normlab", "-n", "Tiny", "-o", "seed1.safetensors").ExitCode);
        Assert.Equal(0, Cli.RunIn(folder.Path, "export", "nets.normlab", "-n", "Tiny", "--seed", "1", "-o", "also1.safetensors").ExitCode);
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder.Path, "seed1.safetensors")), File.ReadAllBytes(Path.Combine(folder.Path, "also1.safetensors")));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(folder.Path, "seed1.safetensors")), File.ReadAllBytes(Path.Combine(folder.Path, "tiny.safetensors")));
    }

    [Fact]
    public void Exports_the_weights_a_training_run_wrote()
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);
        var train = Cli.RunIn(folder.Path, "train", "nets.normlab", "-n", "Tiny", "--epochs", "1", "--threads", "1", "--out", "run");
        Assert.Equal(0, train.ExitCode);

        var fromFile = Cli.RunIn(folder.Path, "export", "nets.normlab", "-n", "Tiny", "--weights", "run/model.bin", "--format", "safetensors", "-o", "trained.st");
        var fromFolder = Cli.RunIn(folder.Path, "export", "nets.normlab", "-n", "Tiny", "-w", "run", "-o", "trained.safetensors");

        Assert.Equal(0, fromFile.ExitCode);
        Assert.EndsWith("network Tiny with the weights of run/model.bin", Assert.Single(fromFile.StdoutLines), StringComparison.Ordinal);
        Assert.Equal(0, fromFolder.ExitCode);
        Assert.EndsWith("network Tiny with the weights of run/model.bin", Assert.Single(fromFolder.StdoutLines), StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder.Path, "trained.st")), File.ReadAllBytes(Path.Combine(folder.Path, "trained.safetensors")));

        var network = NetworkBuilder.Check(Networks, "nets.normlab", "Tiny");
        using var trained = new NetworkModule(network);
        trained.load(Path.Combine(folder.Path, "run", "model.bin"));
        using var exported = new NetworkModule(network);
        exported.LoadSafeTensors(Path.Combine(folder.Path, "trained.safetensors"));
        Assert.True(trained.state_dict()["bn1.num_batches_tracked"].item<long>() > 0, "the running statistics were not trained: the test would prove little");
        foreach (var (name, tensor) in trained.state_dict())
            Assert.True(Same(tensor, exported.state_dict()[name]), $"{name} differs from the trained weights");

        // and a safetensors file is weights too: it converts back to the same file
        Assert.Equal(0, Cli.RunIn(folder.Path, "export", "nets.normlab", "-n", "Tiny", "-w", "trained.safetensors", "-o", "again.safetensors").ExitCode);
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder.Path, "trained.safetensors")), File.ReadAllBytes(Path.Combine(folder.Path, "again.safetensors")));
    }

    /// <summary>The ONNX path end to end: the model runs in ONNX Runtime and agrees with the TorchSharp module.</summary>
    [Fact]
    public void Exports_an_onnx_model_that_onnx_runtime_runs_with_the_module_outputs()
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);
        Assert.Equal(0, Cli.RunIn(folder.Path, "train", "nets.normlab", "-n", "Tiny", "--epochs", "1", "--threads", "1", "--out", "run").ExitCode);

        var result = Cli.RunIn(folder.Path, "export", "nets.normlab", "-n", "Tiny", "-w", "run/model.bin", "--format", "onnx", "-o", "tiny.onnx");

        Assert.Equal(string.Empty, result.Stderr);
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith($"Wrote tiny.onnx (an ONNX model, opset {OnnxExport.Opset}, ", Assert.Single(result.StdoutLines), StringComparison.Ordinal);
        var network = NetworkBuilder.Check(Networks, "nets.normlab", "Tiny");
        using var module = new NetworkModule(network);
        module.load(Path.Combine(folder.Path, "run", "model.bin"));
        module.eval();
        using var session = new InferenceSession(Path.Combine(folder.Path, "tiny.onnx"));
        Assert.Equal("Tiny", session.ModelMetadata.CustomMetadataMap["normlab.network"]);
        var inputName = Assert.Single(session.InputMetadata.Keys);
        foreach (var batch in new[] { 1, 7 })
        {
            using var generator = new Generator((ulong)batch);
            using var input = randn(new long[] { batch, 1, 28, 28 }, generator: generator);
            float[] expected;
            using (no_grad())
            using (var output = module.forward(input))
                expected = output.data<float>().ToArray();

            var onnxInput = new DenseTensor(input.data<float>().ToArray(), new[] { batch, 1, 28, 28 });
            using var outputs = session.Run(new[] { NamedOnnxValue.CreateFromTensor(inputName, onnxInput) });
            var actual = outputs.Single().AsEnumerable<float>().ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"batch {batch}, output {i}: {actual[i]} in ONNX Runtime, {expected[i]} in TorchSharp");
        }
    }

    public static TheoryData<string[], int, string> Mistakes() => new()
    {
        { new[] { "export", "nets.normlab", "-n", "Nope", "-o", "out.onnx" }, 2, "no network 'Nope' in nets.normlab; its networks are: Tiny, Wide" },
        { new[] { "export", "nets.normlab", "-n", "Tiny", "-o", "missing/out.onnx" }, 2, "cannot write missing/out.onnx: the folder missing does not exist" },
        { new[] { "export", "nets.normlab", "-n", "Tiny", "-o", "nets.normlab/out.onnx" }, 2, "cannot write nets.normlab/out.onnx: nets.normlab is a file, not a folder" },
        { new[] { "export", "nets.normlab", "-n", "Tiny", "-o", "sub" }, 2, "--out expects a file, and sub is a folder; name the file to write, such as sub/model.onnx" },
        { new[] { "export", "nets.normlab", "-n", "Tiny", "-o", "out.bin" }, 2, "give --format onnx or --format safetensors (the extension of --out, .bin, names neither)" },
        { new[] { "export", "nets.normlab", "-n", "Tiny", "-o", "out" }, 2, "give --format onnx or --format safetensors (--out has no extension to tell it from)" },
        { new[] { "export", "nets.normlab", "-n", "Tiny", "-o", "out.onnx", "--format", "tflite" }, 2, "--format expects onnx or safetensors, not 'tflite'. Run 'normlab export --help' for usage." },
        { new[] { "export", "nets.normlab", "-n", "Tiny", "-o", "out.safetensors", "--weights", "sub/wide.safetensors" }, 2, "weights sub/wide.safetensors do not fit network Tiny: conv1.weight is 8x1x3x3 in the file, 4x1x3x3 in the network" },
        { new[] { "export", "nets.normlab", "-n", "Tiny", "-o", "out.onnx", "--weights", "sub/model.bin" }, 2, "weights sub/model.bin do not fit network Tiny: conv1.weight is 8x1x3x3 in the file, 4x1x3x3 in the network" },
        { new[] { "export", "nets.normlab", "-n", "Tiny", "-o", "out.onnx", "--weights", "sub" }, 2, "weights sub/model.bin do not fit network Tiny: conv1.weight is 8x1x3x3 in the file, 4x1x3x3 in the network" },
        { new[] { "export", "nets.normlab", "-n", "Tiny", "-o", "out.onnx", "--weights", "none.bin" }, 2, "cannot read weights none.bin: no such file" },
        { new[] { "export", "nets.normlab", "-n", "Tiny", "-o", "out.onnx", "--weights", "." }, 2, "--weights expects a weights file, and . is a folder without model.bin" },
        { new[] { "export", "nets.normlab", "-n", "Tiny", "-o", "out.onnx", "--weights", "cut.safetensors" }, 2, "cannot read weights cut.safetensors: cut short: its header describes 31616 bytes of data, the file holds 31516" },
        { new[] { "export", "nets.normlab", "-n", "Tiny", "-o", "out.onnx", "--weights", "nets.normlab" }, 2, "cannot read weights nets.normlab: not a weights file written by normlab train or TorchSharp's Module.save (tensor 1 has no usable name)" },
        { new[] { "export", "nets.normlab", "-n", "Tiny", "-o", "out.onnx", "--weights", "sub/model.bin", "--seed", "2" }, 2, "--seed chooses initial weights, and --weights gives the weights: leave one out" },
        { new[] { "export", "nets.normlab", "-n", "Tiny", "-o", "out.safetensors", "--fold-batch-norm" }, 2, "--fold-batch-norm changes the ONNX graph only; safetensors files hold the weights as the module has them" },
        { new[] { "export", "broken.normlab", "-n", "Broken", "-o", "out.onnx" }, 1, "broken.normlab has errors; nothing was exported" },
        { new[] { "export", "nothere.normlab", "-n", "Tiny", "-o", "out.onnx" }, 2, "no such file or directory: nothere.normlab" },
        { new[] { "export", "nets.normlab", "-o", "out.onnx" }, 2, "Option '--network' is required. Run 'normlab export --help' for usage." },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_mistake_is_one_clear_line_and_leaves_no_file(string[] args, int exitCode, string message)
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);
        folder.Write("broken.normlab", "network Broken(input: 1x28x28, classes: 10) {\n    conv3x3(4) > bogus > linear(classes)\n}\n");
        folder.Write("out.safetensors", "an older export, which a failed one must leave as it is");
        folder.Write("out.onnx", "an older export, which a failed one must leave as it is");
        // weights of the Wide network, in both formats; and a cut safetensors file of Tiny
        var wide = NetworkBuilder.Check(Networks, "nets.normlab", "Wide");
        using (var module = new NetworkModule(wide))
        {
            module.ExportSafeTensors(Path.Combine(folder.Path, "sub", "wide.safetensors"));
            module.save(Path.Combine(folder.Path, "sub", "model.bin"));
        }

        using (var module = new NetworkModule(NetworkBuilder.Check(Networks, "nets.normlab", "Tiny")))
            module.ExportSafeTensors(Path.Combine(folder.Path, "whole.safetensors"));
        var whole = File.ReadAllBytes(Path.Combine(folder.Path, "whole.safetensors"));
        File.WriteAllBytes(Path.Combine(folder.Path, "cut.safetensors"), whole[..^100]);
        var before = Snapshot(folder.Path);

        var result = Cli.RunIn(folder.Path, args);

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Equal("normlab: error: " + message, result.StderrLines[^1]);
        if (exitCode == 2)
            Assert.Single(result.StderrLines);
        else
            Assert.Matches(@"^broken\.normlab\(2,\d+\): error NL\d{4}: ", result.StderrLines[0]);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(folder.Path));
    }

    [Fact]
    public void A_read_only_folder_is_refused_and_left_empty()
    {
        if (OperatingSystem.IsWindows())
            return; // no Unix modes; Windows' read-only attribute does not stop writes into a folder

        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);
        var locked = Path.Combine(folder.Path, "locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        try
        {
            // as root, permissions apply only to a normlab without the capabilities that bypass them (setpriv)
            if (Platform.IsRoot && Platform.SetPriv is null)
                return;
            string[] args = { "export", "nets.normlab", "-n", "Tiny", "-o", "locked/tiny.safetensors" };
            var result = Platform.IsRoot ? Platform.RunAsNobody(folder.Path, args) : Cli.RunIn(folder.Path, args);

            Assert.Equal(2, result.ExitCode);
            Assert.Equal("normlab: error: cannot write locked/tiny.safetensors: permission denied", Assert.Single(result.StderrLines));
            Assert.Empty(Directory.GetFileSystemEntries(locked));
        }
        finally
        {
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void An_existing_output_is_replaced_whole()
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);
        folder.Write("tiny.safetensors", "an older export");

        var result = Cli.RunIn(folder.Path, "export", "nets.normlab", "-n", "Tiny", "-o", "tiny.safetensors");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Tiny", SafeTensors.Read(Path.Combine(folder.Path, "tiny.safetensors")).Metadata[SafeTensors.NetworkKey]);
        Assert.Equal(new[] { "nets.normlab", "tiny.safetensors" }, Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void The_safetensors_header_is_plain_json_that_other_readers_parse()
    {
        using var folder = new TempFolder();
        folder.Write("nets.normlab", Networks);
        Assert.Equal(0, Cli.RunIn(folder.Path, "export", "nets.normlab", "-n", "Tiny", "-o", "tiny.safetensors").ExitCode);

        var bytes = File.ReadAllBytes(Path.Combine(folder.Path, "tiny.safetensors"));
        var length = (int)BitConverter.ToUInt64(bytes, 0);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, length));

        Assert.Equal(
            new[] { "__metadata__", "conv1.weight", "bn1.weight", "bn1.bias", "linear1.weight", "linear1.bias", "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked" },
            header.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("[4,1,3,3]", header.RootElement.GetProperty("conv1.weight").GetProperty("shape").GetRawText());
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    /// <summary>Every file under a folder with its bytes: what a failed command must leave unchanged.</summary>
    private static string[] Snapshot(string folder) => Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .Select(f => Path.GetRelativePath(folder, f) + ":" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))))
        .ToArray();

    /// <summary>The embedded sample cut to a few batches: enough for a run to start from the seeded module.</summary>
    private static DataSplit SmallSample()
    {
        var sample = DataSets.MnistSample();
        return sample;
    }
}
