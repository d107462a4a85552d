using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Runtime.Training;

/// <summary>
/// Everything a run needs to go on after a finished epoch exactly as if it had never stopped: the module's parameters
/// and buffers, the optimizer's state (Adam's moments and step counts, SGD's momentum buffers), libtorch's random
/// generator, and the figures so far. One file, written atomically after every epoch (<see cref="AtomicFile"/>), so a
/// run killed at any moment leaves the previous epoch's checkpoint or the new one, never a part.
/// </summary>
/// <remarks>
/// Layout: the 8 bytes <c>NLCKPT01</c>, the length (int32) and UTF-8 text of the JSON state, the module's state dict
/// (TorchSharp's format), the optimizer's state dict, and the length (int32) and bytes of the generator state.
/// The data order needs no state: each epoch's order comes from the run's seed and the epoch number.
/// </remarks>
public static class Checkpoint
{
    private static readonly byte[] Magic = "NLCKPT01"u8.ToArray();

    /// <summary>Writes the checkpoint of <paramref name="state"/> to <paramref name="path"/> atomically.</summary>
    internal static void Save(string path, CheckpointState state, nn.Module module, optim.Optimizer optimizer)
    {
        AtomicFile.Write(path, temp =>
        {
            using var stream = File.Create(temp);
            using var writer = new BinaryWriter(stream);
            writer.Write(Magic);
            byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(state, RunResult.JsonOptions));
            writer.Write(json.Length);
            writer.Write(json);
            module.save(writer);
            ((TorchSharp.Modules.OptimizerHelper)optimizer).save_state_dict(writer);
            using Tensor rng = random.get_rng_state();
            byte[] rngBytes = rng.data<byte>().ToArray();
            writer.Write(rngBytes.Length);
            writer.Write(rngBytes);
            writer.Flush();
        });
    }

    /// <summary>Reads only the JSON state of the checkpoint at <paramref name="path"/> (throws <see cref="TrainingException"/> when it is not one).</summary>
    public static CheckpointState ReadState(string path)
    {
        using var stream = Open(path);
        using var reader = new BinaryReader(stream);
        return ReadHeader(reader, path);
    }

    /// <summary>Loads the checkpoint into <paramref name="module"/>, <paramref name="optimizer"/> and libtorch's generator; returns its state.</summary>
    internal static CheckpointState Load(string path, nn.Module module, optim.Optimizer optimizer)
    {
        using var stream = Open(path);
        using var reader = new BinaryReader(stream);
        var state = ReadHeader(reader, path);
        try
        {
            module.load(reader, strict: true);
            ((TorchSharp.Modules.OptimizerHelper)optimizer).load_state_dict(reader);
            int length = reader.ReadInt32();
            if (length <= 0 || length > 1 << 20)
                throw new InvalidDataException("bad generator state");
            byte[] bytes = reader.ReadBytes(length);
            if (bytes.Length != length)
                throw new EndOfStreamException();
            using Tensor rng = tensor(bytes, dtype: ScalarType.Byte);
            random.set_rng_state(rng);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or InvalidOperationException or FormatException)
        {
            throw new TrainingException($"cannot resume from {path}: the checkpoint is damaged or was written for another network ({e.Message})");
        }
        return state;
    }

    private static FileStream Open(string path)
    {
        try
        {
            return File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TrainingException($"cannot read the checkpoint {path}: {e.Message}");
        }
    }

    private static CheckpointState ReadHeader(BinaryReader reader, string path)
    {
        try
        {
            byte[] magic = reader.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic))
                throw new TrainingException($"{path} is not a NormLab checkpoint");
            int length = reader.ReadInt32();
            if (length <= 0 || length > 256 << 20)
                throw new InvalidDataException("bad header length");
            byte[] json = reader.ReadBytes(length);
            if (json.Length != length)
                throw new EndOfStreamException();
            return JsonSerializer.Deserialize<CheckpointState>(json, RunResult.JsonOptions) ?? throw new InvalidDataException("null state");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException)
        {
            throw new TrainingException($"cannot resume from {path}: the checkpoint is damaged ({e.Message})");
        }
    }
}

/// <summary>The figures of a run up to the end of <see cref="Epoch"/>, as a checkpoint holds them.</summary>
public sealed record CheckpointState
{
    /// <summary>What the run is (network, data, seed, settings): a checkpoint resumes only the run that wrote it.</summary>
    [JsonPropertyName("identity")] public string Identity { get; init; } = string.Empty;

    /// <summary>The last finished epoch.</summary>
    [JsonPropertyName("epoch")] public int Epoch { get; init; }

    [JsonPropertyName("globalStep")] public long GlobalStep { get; init; }

    [JsonPropertyName("trainedImages")] public long TrainedImages { get; init; }

    [JsonPropertyName("trainSeconds")] public double TrainSeconds { get; init; }

    [JsonPropertyName("elapsedSeconds")] public double ElapsedSeconds { get; init; }

    [JsonPropertyName("epochs")] public List<EpochMetrics> Epochs { get; init; } = new();

    [JsonPropertyName("evaluations")] public List<Evaluation> Evaluations { get; init; } = new();

    [JsonPropertyName("health")] public List<HealthSnapshot> Health { get; init; } = new();

    [JsonPropertyName("reachedEpoch")] public int?[] ReachedEpoch { get; init; } = Array.Empty<int?>();

    [JsonPropertyName("reachedStep")] public long?[] ReachedStep { get; init; } = Array.Empty<long?>();

    [JsonPropertyName("best")] public BestEpoch? Best { get; init; }

    /// <summary>Epochs since the monitored metric last improved (early stopping).</summary>
    [JsonPropertyName("epochsWithoutImprovement")] public int EpochsWithoutImprovement { get; init; }

    /// <summary>Set when early stopping ended the run after <see cref="Epoch"/>.</summary>
    [JsonPropertyName("stoppedEarly")] public bool StoppedEarly { get; init; }

    [JsonPropertyName("confusionMatrix")] public long[][]? ConfusionMatrix { get; init; }

    /// <summary>Steps run a second time so far because their first try gave a non-finite loss or gradient.</summary>
    [JsonPropertyName("retriedSteps")] public int RetriedSteps { get; init; }
}
