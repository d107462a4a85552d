using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace NormLab.Runtime.Training;

/// <summary>
/// What one training run produced: one <c>run.json</c> per run, which a study aggregates. The JSON field names are
/// a contract (camelCase, fixed by attributes, so renaming a property does not rename a field); accuracies are
/// fractions in 0..1; a value that is not a finite number is written as <c>null</c>.
/// </summary>
public sealed record RunResult
{
    /// <summary>Version of this format; bumped when a field changes meaning or disappears.</summary>
    [JsonPropertyName("format")] public int Format { get; init; } = 1;

    [JsonPropertyName("network")] public string Network { get; init; } = string.Empty;

    /// <summary>The data set, for example <c>mnist-sample</c>.</summary>
    [JsonPropertyName("data")] public string Data { get; init; } = string.Empty;

    [JsonPropertyName("trainExamples")] public int TrainExamples { get; init; }

    [JsonPropertyName("testExamples")] public int TestExamples { get; init; }

    /// <summary>Examples of the validation set carved from the training data; left out when the run had none.</summary>
    [JsonPropertyName("validationExamples")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ValidationExamples { get; init; }

    [JsonPropertyName("seed")] public long Seed { get; init; }

    /// <summary><c>cpu</c> or <c>cuda</c>.</summary>
    [JsonPropertyName("device")] public string Device { get; init; } = "cpu";

    [JsonPropertyName("threads")] public int Threads { get; init; }

    /// <summary>
    /// Which convolution kernels trained the run, as <see cref="Native.LibTorchConvolutions.Outcome"/> said when it
    /// ended: <c>oneDNN on (4 convolution shapes probed, all right)</c>, <c>oneDNN off since … failed the probe (…)</c>,
    /// or forced by <c>NORMLAB_MKLDNN</c>. Left out in run files written before this field existed.
    /// </summary>
    [JsonPropertyName("convolutions")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Convolutions { get; init; }

    /// <summary>Learnable parameters (elements of the parameter tensors).</summary>
    [JsonPropertyName("parameters")] public long Parameters { get; init; }

    [JsonPropertyName("options")] public RunSettings Options { get; init; } = new();

    /// <summary>One entry per finished epoch (a diverged epoch is not one).</summary>
    [JsonPropertyName("epochs")] public IReadOnlyList<EpochMetrics> Epochs { get; init; } = Array.Empty<EpochMetrics>();

    /// <summary>
    /// Test accuracy of the reported model (<see cref="Selected"/>): after the last finished epoch, or after the epoch
    /// chosen on the validation set (<see cref="TrainingOptions.SelectBest"/>); null when no epoch finished.
    /// </summary>
    [JsonPropertyName("testAccuracy")] public double? TestAccuracy { get; init; }

    /// <summary>Test loss of the reported model (<see cref="Selected"/>).</summary>
    [JsonPropertyName("testLoss")] public double? TestLoss { get; init; }

    /// <summary>
    /// Which epoch's model <see cref="TestAccuracy"/>, <see cref="TestLoss"/>, <see cref="ConfusionMatrix"/> and
    /// <see cref="TestPredictions"/> describe, by what rule, and why; left out when no epoch finished (and in run files
    /// written before this field existed, whose figures are the final epoch's).
    /// </summary>
    [JsonPropertyName("selected")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SelectedModel? Selected { get; init; }

    /// <summary>For each accuracy target, when test accuracy first reached it.</summary>
    [JsonPropertyName("convergence")] public IReadOnlyList<ConvergencePoint> Convergence { get; init; } = Array.Empty<ConvergencePoint>();

    /// <summary>Every test evaluation, at epoch ends and (with <see cref="TrainingOptions.EvaluateEvery"/>) every K steps.</summary>
    [JsonPropertyName("evaluations")] public IReadOnlyList<Evaluation> Evaluations { get; init; } = Array.Empty<Evaluation>();

    /// <summary>Activation and gradient health on the fixed batch: before training (epoch 0) and after each epoch.</summary>
    [JsonPropertyName("health")] public IReadOnlyList<HealthSnapshot> Health { get; init; } = Array.Empty<HealthSnapshot>();

    /// <summary>
    /// The predicted class of each test image (in the test set's order) by the reported model (<see cref="Selected"/>),
    /// one character per image:
    /// <c>0</c>–<c>9</c>, then <c>a</c>–<c>z</c> for classes 10–35 (<see cref="EncodePredictions"/>). Left out when not
    /// saved (a diverged run, more than 36 classes, or <see cref="TrainingOptions.SavePredictions"/> off).
    /// </summary>
    [JsonPropertyName("testPredictions")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TestPredictions { get; init; }

    /// <summary>Classes 0–35 as <see cref="TestPredictions"/> writes them; null when a class is outside 0..35.</summary>
    public static string? EncodePredictions(IReadOnlyList<int> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        var text = new StringBuilder(classes.Count);
        foreach (int c in classes)
        {
            if (c is < 0 or > 35)
                return null;
            text.Append((char)(c < 10 ? '0' + c : 'a' + c - 10));
        }
        return text.ToString();
    }

    /// <summary>The classes of <see cref="TestPredictions"/>; throws <see cref="FormatException"/> on a character outside 0–9, a–z.</summary>
    public static int[] DecodePredictions(string predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var classes = new int[predictions.Length];
        for (int i = 0; i < predictions.Length; i++)
        {
            char c = predictions[i];
            classes[i] = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'z' ? c - 'a' + 10
                : throw new FormatException($"prediction {i} is '{c}', not 0-9 or a-z");
        }
        return classes;
    }

    /// <summary>Null, or where and why the run stopped on a NaN or infinity.</summary>
    [JsonPropertyName("diverged")] public DivergenceInfo? Diverged { get; init; }

    /// <summary>
    /// The epoch whose validation figure was best (the monitored metric, <see cref="TrainingOptions.Monitor"/>); left out
    /// without a validation set.
    /// </summary>
    [JsonPropertyName("best")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BestEpoch? Best { get; init; }

    /// <summary>The epoch after which early stopping ended the run; left out when it ran all its epochs.</summary>
    [JsonPropertyName("stoppedEarly")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? StoppedEarly { get; init; }

    /// <summary>
    /// The test set's confusion matrix of the reported model (<see cref="Selected"/>): row = true class, column = predicted class, each
    /// cell a count of images. Left out when no epoch finished.
    /// </summary>
    [JsonPropertyName("confusionMatrix")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<IReadOnlyList<long>>? ConfusionMatrix { get; init; }

    /// <summary>The epoch of the checkpoint this run resumed from; left out for a run that trained from the start.</summary>
    [JsonPropertyName("resumedAfterEpoch")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ResumedAfterEpoch { get; init; }

    /// <summary>
    /// Training steps whose first try gave a non-finite loss or gradient and that were run again from the same state
    /// (parameters, optimizer, batch, batch-norm statistics, random generator) with a finite result; left out when none.
    /// A step that is non-finite twice is a divergence (<see cref="Diverged"/>), not counted here.
    /// </summary>
    [JsonPropertyName("retriedSteps")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RetriedSteps { get; init; }

    /// <summary>Wall-clock seconds of the whole run (building, training, evaluation, health, saving).</summary>
    [JsonPropertyName("elapsedSeconds")] public double ElapsedSeconds { get; init; }

    /// <summary>Training throughput over the whole run: train images per second of training steps.</summary>
    [JsonPropertyName("imagesPerSecond")] public double ImagesPerSecond { get; init; }

    /// <summary>The saved weights (a TorchSharp state dict), or null when none were saved.</summary>
    [JsonPropertyName("weights")] public string? Weights { get; init; }

    /// <summary>
    /// The SHA-256 (lowercase hex) of the weights file this run saved, written by <see cref="RunFiles.Commit"/>: it ties
    /// <c>run.json</c> to its own weights (<see cref="RunFiles.CheckWeights"/>). Left out when there is none.
    /// </summary>
    [JsonPropertyName("weightsSha256")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? WeightsSha256 { get; init; }

    /// <summary>The options of <see cref="ToJson"/> and <see cref="FromJson"/>: camelCase enums, indented, non-finite numbers as null.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = CreateJsonOptions();

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static RunResult FromJson(string json) =>
        JsonSerializer.Deserialize<RunResult>(json, JsonOptions) ?? throw new JsonException("run.json holds null");

    /// <summary>Writes the JSON to <paramref name="path"/> atomically (a temporary file in the same folder, then a rename).</summary>
    public void Save(string path) => AtomicFile.Write(path, temp => File.WriteAllText(temp, ToJson() + "\n", new UTF8Encoding(false)));

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.Converters.Add(new FiniteDoubleConverter());
        options.MakeReadOnly();
        return options;
    }

    /// <summary>NaN and infinities (a diverged statistic) become null instead of failing or writing non-JSON.</summary>
    private sealed class FiniteDoubleConverter : JsonConverter<double?>
    {
        public override bool HandleNull => true;

        public override double? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? null : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double? value, JsonSerializerOptions options)
        {
            if (value is double v && double.IsFinite(v))
                writer.WriteNumberValue(v);
            else
                writer.WriteNullValue();
        }
    }
}

/// <summary>The options a run used, as recorded in <c>run.json</c>.</summary>
public sealed record RunSettings
{
    [JsonPropertyName("epochs")] public int Epochs { get; init; }

    [JsonPropertyName("batchSize")] public int BatchSize { get; init; }

    [JsonPropertyName("optimizer")] public OptimizerKind Optimizer { get; init; }

    [JsonPropertyName("learningRate")] public double LearningRate { get; init; }

    /// <summary>SGD's momentum; null for Adam.</summary>
    [JsonPropertyName("momentum")] public double? Momentum { get; init; }

    [JsonPropertyName("weightDecay")] public double WeightDecay { get; init; }

    [JsonPropertyName("schedule")] public LearningRateSchedule Schedule { get; init; }

    [JsonPropertyName("accuracyTargets")] public IReadOnlyList<double> AccuracyTargets { get; init; } = Array.Empty<double>();

    [JsonPropertyName("evaluateEvery")] public int? EvaluateEvery { get; init; }

    internal static RunSettings From(TrainingOptions options) => new()
    {
        Epochs = options.Epochs,
        BatchSize = options.BatchSize,
        Optimizer = options.Optimizer,
        LearningRate = options.InitialLearningRate,
        Momentum = options.Optimizer == OptimizerKind.Sgd ? options.Momentum : null,
        WeightDecay = options.WeightDecay,
        Schedule = options.Schedule,
        AccuracyTargets = options.AccuracyTargets,
        EvaluateEvery = options.EvaluateEvery,
    };
}

/// <summary>How the reported model of a run was chosen (<see cref="SelectedModel.By"/>).</summary>
public enum ModelSelection
{
    /// <summary>The model after the last finished epoch: nothing was chosen.</summary>
    FinalEpoch,

    /// <summary>The epoch with the lowest validation loss.</summary>
    ValidationLoss,

    /// <summary>The epoch with the highest validation accuracy.</summary>
    ValidationAccuracy,
}

/// <summary>The model a run reports its test figures for: which epoch, by what rule, and why, in words.</summary>
public sealed record SelectedModel
{
    /// <summary>1-based.</summary>
    [JsonPropertyName("epoch")] public int Epoch { get; init; }

    /// <summary><c>finalEpoch</c>, <c>validationLoss</c> or <c>validationAccuracy</c>.</summary>
    [JsonPropertyName("by")] public ModelSelection By { get; init; }

    /// <summary>One sentence for people: the rule, the figure, and that the test set did not choose.</summary>
    [JsonPropertyName("reason")] public string Reason { get; init; } = string.Empty;
}

/// <summary>The epoch of a run whose monitored validation figure was best.</summary>
public sealed record BestEpoch
{
    [JsonPropertyName("epoch")] public int Epoch { get; init; }

    /// <summary><c>validationLoss</c> or <c>validationAccuracy</c>.</summary>
    [JsonPropertyName("monitor")] public MonitorMetric Monitor { get; init; }

    /// <summary>The monitored figure at that epoch.</summary>
    [JsonPropertyName("value")] public double Value { get; init; }

    /// <summary>The test accuracy at that epoch: reported, never used to choose.</summary>
    [JsonPropertyName("testAccuracy")] public double TestAccuracy { get; init; }

    /// <summary>Where that epoch's weights were kept (<see cref="TrainingOptions.BestWeightsPath"/>), or null.</summary>
    [JsonPropertyName("weights")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Weights { get; init; }
}

/// <summary>One finished epoch.</summary>
public sealed record EpochMetrics
{
    /// <summary>1-based.</summary>
    [JsonPropertyName("epoch")] public int Epoch { get; init; }

    /// <summary>Optimizer steps in this epoch.</summary>
    [JsonPropertyName("steps")] public int Steps { get; init; }

    [JsonPropertyName("learningRate")] public double LearningRate { get; init; }

    /// <summary>Mean cross-entropy over the epoch's training batches (train mode, as they were trained on).</summary>
    [JsonPropertyName("trainLoss")] public double TrainLoss { get; init; }

    [JsonPropertyName("trainAccuracy")] public double TrainAccuracy { get; init; }

    /// <summary>Mean cross-entropy on the test set after the epoch, in eval mode.</summary>
    [JsonPropertyName("testLoss")] public double TestLoss { get; init; }

    [JsonPropertyName("testAccuracy")] public double TestAccuracy { get; init; }

    /// <summary>Mean cross-entropy on the validation set after the epoch, in eval mode; left out without a validation set.</summary>
    [JsonPropertyName("validationLoss")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ValidationLoss { get; init; }

    [JsonPropertyName("validationAccuracy")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ValidationAccuracy { get; init; }

    /// <summary>Wall-clock seconds of the epoch: training, evaluation and health.</summary>
    [JsonPropertyName("seconds")] public double Seconds { get; init; }

    /// <summary>Seconds spent in training steps only.</summary>
    [JsonPropertyName("trainSeconds")] public double TrainSeconds { get; init; }

    /// <summary>Train images per second of training steps.</summary>
    [JsonPropertyName("imagesPerSecond")] public double ImagesPerSecond { get; init; }
}

/// <summary>When test accuracy first reached <see cref="Target"/>; <see cref="Epoch"/> and <see cref="Step"/> null: not reached.</summary>
public sealed record ConvergencePoint
{
    [JsonPropertyName("target")] public double Target { get; init; }

    /// <summary>The first epoch (1-based) after which test accuracy was at least the target.</summary>
    [JsonPropertyName("epoch")] public int? Epoch { get; init; }

    /// <summary>
    /// The first global step (1-based, counted over all epochs) after which an evaluation found test accuracy at least
    /// the target: an epoch's last step, or finer with <see cref="TrainingOptions.EvaluateEvery"/>.
    /// </summary>
    [JsonPropertyName("step")] public long? Step { get; init; }

    [JsonIgnore] public bool Reached => Step is not null;
}

/// <summary>One evaluation of the test set.</summary>
public sealed record Evaluation
{
    /// <summary>The epoch (1-based) during or after which it ran.</summary>
    [JsonPropertyName("epoch")] public int Epoch { get; init; }

    /// <summary>The global step after which it ran.</summary>
    [JsonPropertyName("step")] public long Step { get; init; }

    [JsonPropertyName("testLoss")] public double TestLoss { get; init; }

    [JsonPropertyName("testAccuracy")] public double TestAccuracy { get; init; }
}

/// <summary>The run stopped because a loss was NaN or infinite.</summary>
public sealed record DivergenceInfo
{
    /// <summary>1-based epoch in which it happened.</summary>
    [JsonPropertyName("epoch")] public int Epoch { get; init; }

    /// <summary>1-based step within that epoch (0 when found by an evaluation after the epoch's steps).</summary>
    [JsonPropertyName("step")] public int Step { get; init; }

    /// <summary>1-based step counted over all epochs.</summary>
    [JsonPropertyName("globalStep")] public long GlobalStep { get; init; }

    /// <summary>For example <c>train loss is NaN</c>.</summary>
    [JsonPropertyName("reason")] public string Reason { get; init; } = string.Empty;
}

/// <summary>Activation and gradient health on the fixed batch at one point of the run.</summary>
public sealed record HealthSnapshot
{
    /// <summary>0: before training; otherwise after that epoch.</summary>
    [JsonPropertyName("epoch")] public int Epoch { get; init; }

    [JsonPropertyName("step")] public long Step { get; init; }

    /// <summary>Examples in the fixed batch.</summary>
    [JsonPropertyName("batch")] public int Batch { get; init; }

    /// <summary>Cross-entropy on the fixed batch (train mode).</summary>
    [JsonPropertyName("loss")] public double? Loss { get; init; }

    /// <summary>Every layer in execution order (empty when the network's layer model is unknown).</summary>
    [JsonPropertyName("layers")] public IReadOnlyList<LayerHealth> Layers { get; init; } = Array.Empty<LayerHealth>();

    /// <summary>The gradient norm of every parameter tensor, in <c>named_parameters()</c> order.</summary>
    [JsonPropertyName("gradients")] public IReadOnlyList<GradientNorm> Gradients { get; init; } = Array.Empty<GradientNorm>();
}

/// <summary>
/// One layer's output on the fixed batch (train mode, dropout off): mean and standard deviation of all its output
/// values, and the figures its kind calls for; fields that do not apply to the kind are left out.
/// </summary>
public sealed record LayerHealth
{
    /// <summary>The layer's field name (<c>conv1</c>, <c>bn2</c>).</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = string.Empty;

    /// <summary>The canonical kind (<c>conv</c>, <c>bn</c>, <c>relu</c>).</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = string.Empty;

    [JsonPropertyName("mean")] public double? Mean { get; init; }

    [JsonPropertyName("std")] public double? Std { get; init; }

    /// <summary>ReLU and ReLU6: the fraction of units (output positions) that are 0 for every example of the batch.</summary>
    [JsonPropertyName("deadFraction")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? DeadFraction { get; init; }

    /// <summary>
    /// ReLU and ReLU6: the fraction of channels (of a [B, C, ...] output; features of a [B, F] one) that are 0 at every
    /// position for every example of the batch. Unlike <see cref="DeadFraction"/>, a channel is not dead because the
    /// image's constant border leaves some of its positions at 0.
    /// </summary>
    [JsonPropertyName("deadChannelFraction")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? DeadChannelFraction { get; init; }

    /// <summary>Sigmoid (below 0.01 or above 0.99) and tanh (|y| above 0.99): the fraction of saturated outputs.</summary>
    [JsonPropertyName("saturatedFraction")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? SaturatedFraction { get; init; }

    /// <summary>Normalization layers: mean of their input.</summary>
    [JsonPropertyName("inputMean")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? InputMean { get; init; }

    /// <summary>Normalization layers: standard deviation of their input.</summary>
    [JsonPropertyName("inputStd")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? InputStd { get; init; }
}

/// <summary>The L2 norm of one parameter tensor's gradient on the fixed batch.</summary>
public sealed record GradientNorm
{
    /// <summary>The state-dict name, for example <c>conv1.weight</c>.</summary>
    [JsonPropertyName("parameter")] public string Parameter { get; init; } = string.Empty;

    [JsonPropertyName("norm")] public double? Norm { get; init; }
}
