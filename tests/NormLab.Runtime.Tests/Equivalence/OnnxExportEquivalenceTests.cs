using System;
using System.IO;
using NormLab.Runtime.Building;
using NormLab.Runtime.Tests.Agreement;
using Xunit;
using static TorchSharp.torch;

namespace NormLab.Runtime.Tests.Equivalence;

/// <summary>
/// issue 12: generated modules have ExportOnnx too. A generated module and the run-time module built with the same
/// seed write the same ONNX file, byte for byte (the writer, the weights and the source hash are the same); the
/// graph itself is checked against ONNX Runtime in tests/NormLab.Export.Tests.
/// </summary>
[Collection(TorchState.Name)]
public sealed class OnnxExportEquivalenceTests
{
    [Theory]
    [InlineData("Everything")]
    [InlineData("EverythingElse")]
    [InlineData("Branches")]
    [InlineData("Signals")]
    public void Generated_and_runtime_modules_write_the_same_onnx_file(string name)
    {
        var (path, text, ns, _) = Networks.Find(name);
        var record = GeneratedCode.Record(GeneratedCode.Compile(path, text), $"{ns}.{name}");
        var model = NetworkBuilder.Check(text, Networks.RelativePath(path), name);
        using var threads = LibTorchAgreement.OneThread();
        using var scope = NewDisposeScope();
        random.manual_seed(11);
        using var generated = GeneratedCode.Build(record);
        random.manual_seed(11);
        using var runtime = new NetworkModule(model);

        var folder = Directory.CreateTempSubdirectory("normlab-onnx-").FullName;
        try
        {
            var fromGenerated = Path.Combine(folder, "generated.onnx");
            var fromRuntime = Path.Combine(folder, "runtime.onnx");
            var export = generated.GetType().GetMethod("ExportOnnx") ?? throw new InvalidOperationException("the generated module has no ExportOnnx");
            export.Invoke(generated, new object?[] { fromGenerated, null });
            runtime.ExportOnnx(fromRuntime);
            var bytes = File.ReadAllBytes(fromGenerated);
            Assert.True(bytes.Length > 1000);
            Assert.Equal(File.ReadAllBytes(fromRuntime), bytes);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
