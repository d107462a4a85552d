using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using NormLab.Dsl.Model;
using NormLab.Runtime.Building;
using NormLab.Runtime.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Runtime.Training;

/// <summary>
/// One training run (studies.md, "A training run"): cross-entropy on logits, Adam or SGD with momentum, an optional
/// learning-rate schedule, train mode while training and eval mode for evaluation, per-epoch metrics, convergence
/// speed, activation and gradient health on a fixed batch, and divergence detection. Seeded and deterministic: the
/// same options on the same machine give the same numbers (libtorch's generator is seeded before the module is built,
/// the data order comes from the seed, the thread count is fixed). Every batch runs in its own dispose scope.
/// </summary>
/// <remarks>
/// libtorch's random generator and thread count are global: two runs in the same process must not train at the same
/// time if their numbers are to be reproducible.
/// </remarks>
public static class Trainer
{
    /// <summary>Builds <paramref name="network"/> with the run-time builder (<see cref="NetworkModule"/>) and trains it.</summary>
    public static RunResult Train(NetworkModel network, DataSplit data, TrainingOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Train(() => new NetworkModule(network), network, data, options, progress, cancellationToken);

    /// <summary>
    /// Seeds libtorch, calls <paramref name="createModule"/> (so the initial weights follow the seed), trains the
    /// module and disposes it. <paramref name="network"/> (optional) names the layers for the health figures and
    /// lets the data be checked against the network's input and output shapes.
    /// </summary>
    public static RunResult Train(Func<nn.Module<Tensor, Tensor>> createModule, NetworkModel? network, DataSplit data, TrainingOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(createModule);
        var clock = Stopwatch.StartNew();
        var (device, threads) = Prepare(network, data, options);
        try
        {
            using var module = createModule();
            return Run(module, network, data, options, device, threads, clock, progress, cancellationToken);
        }
        catch (UnusableCheckpointException)
        {
            // a damaged checkpoint that was partly loaded: build the module again from the seed and train from the start
            (device, threads) = Prepare(network, data, options);
            using var module = createModule();
            return Run(module, network, data, options with { Resume = false }, device, threads, clock, progress, cancellationToken);
        }
    }

    /// <summary>
    /// Trains a module the caller built and owns (its initial weights are whatever the caller made them). The module
    /// is moved to the run's device and is left there, in eval mode.
    /// </summary>
    public static RunResult Train(nn.Module<Tensor, Tensor> module, NetworkModel? network, DataSplit data, TrainingOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(module);
        var clock = Stopwatch.StartNew();
        var (device, threads) = Prepare(network, data, options);
        try
        {
            return Run(module, network, data, options, device, threads, clock, progress, cancellationToken);
        }
        catch (UnusableCheckpointException e)
        {
            throw new TrainingException(e.Message + "; the module given may be half loaded");
        }
    }

    /// <summary>Checks the options and the data, fixes the thread count and seeds libtorch's generators.</summary>
    private static (Device Device, int Threads) Prepare(NetworkModel? network, DataSplit data, TrainingOptions options)
    {
        Native.LibTorchConvolutions.EnsureApplied(); // NORMLAB_MKLDNN and NNPACK, before anything runs
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (network is not null)
            CheckFits(network, data.Train);
        Device device = Devices.Resolve(options.Device);
        int threads = options.Threads ?? Environment.ProcessorCount;
        set_num_threads(threads);
        random.manual_seed(options.Seed);
        if (device.type == DeviceType.CUDA)
            cuda.manual_seed_all(options.Seed);
        return (device, threads);
    }

    /// <summary>Throws <see cref="TrainingException"/> when the images are not the network's input or the classes do not fit its output.</summary>
    public static void CheckFits(NetworkModel network, DataSet data)
    {
        if (network.Input is not { } input || network.Output is not { } output)
            throw new TrainingException($"network '{network.Name}' has no valid input or output shape");
        var imageShape = new[] { data.Channels, data.Height, data.Width };
        if (!input.Dimensions.SequenceEqual(imageShape))
            throw new TrainingException(
                $"network '{network.Name}' takes {input} input but {DataName(data)} has {string.Join("x", imageShape)} images");
        if (output.Rank != 1 || output.Dimensions[0] < data.ClassCount)
            throw new TrainingException(
                $"network '{network.Name}' outputs {output} but {DataName(data)} has {data.ClassCount} classes (the output must be {data.ClassCount} logits)");
    }

    private static RunResult Run(nn.Module<Tensor, Tensor> module, NetworkModel? network, DataSplit data, TrainingOptions options,
        Device device, int threads, Stopwatch clock, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        module.to(device);
        // a hand-written module's convolutions are probed too, on a batch of the training batch size
        Native.LibTorchConvolutions.WatchTrained(module, () => data.Train.InOrder(options.BatchSize, device).First().Images);
        DataSet train = data.Train, test = data.Test;
        DataSet? validationSet = data.Validation;
        if (validationSet is null && (options.Patience is not null || options.BestWeightsPath is not null))
            throw new TrainingException("early stopping and keeping the best weights need a validation set (carve one from the training data, for example --validation 0.1); the test set is never used to choose");
        if (options.SelectBest && (validationSet is null || options.BestWeightsPath is null))
            throw new TrainingException("reporting the best epoch's model needs a validation set (carve one from the training data, for example --validation 0.1) and a file to keep its weights in; the test set is never used to choose");
        int stepsPerEpoch = train.BatchCount(options.BatchSize);
        double[] targets = options.AccuracyTargets.ToArray();
        var reachedEpoch = new int?[targets.Length];
        var reachedStep = new long?[targets.Length];
        var epochs = new List<EpochMetrics>();
        var evaluations = new List<Evaluation>();
        var health = new List<HealthSnapshot>();
        DivergenceInfo? diverged = null;
        long globalStep = 0, trainedImages = 0;
        int retriedSteps = 0;
        double trainSecondsTotal = 0, elapsedBefore = 0;
        BestEpoch? best = null;
        int sinceImprovement = 0;
        bool stoppedEarly = false;
        long[][]? confusion = null;
        int? resumedAfter = null;
        string identity = Identity(module, network, data, options);

        using var optimizer = CreateOptimizer(module, options);
        using var guard = new StepGuard(module);
        CheckpointState? state = null;
        if (options.Resume && options.CheckpointPath is { } resumePath && File.Exists(resumePath))
        {
            CheckpointState? header = null;
            try
            {
                header = Checkpoint.ReadState(resumePath);
                if (header.Identity != identity)
                    throw new TrainingException($"the checkpoint {resumePath} belongs to another run ({Difference(header.Identity, identity)}); resume with the settings it was written with, or start afresh without resuming");
            }
            catch (TrainingException) when (options.RestartOnUnusableCheckpoint)
            {
                header = null; // another run's checkpoint, or a damaged one: nothing was loaded, train from the start
            }

            if (header is not null)
            {
                try
                {
                    state = Checkpoint.Load(resumePath, module, optimizer);
                }
                catch (TrainingException e) when (options.RestartOnUnusableCheckpoint)
                {
                    // the module or optimizer may be half loaded: the caller rebuilds them and starts afresh
                    throw new UnusableCheckpointException(e.Message);
                }
            }
        }

        if (state is not null)
        {
            epochs.AddRange(state.Epochs);
            evaluations.AddRange(state.Evaluations);
            health.AddRange(state.Health);
            Array.Copy(state.ReachedEpoch, reachedEpoch, Math.Min(state.ReachedEpoch.Length, reachedEpoch.Length));
            Array.Copy(state.ReachedStep, reachedStep, Math.Min(state.ReachedStep.Length, reachedStep.Length));
            globalStep = state.GlobalStep;
            trainedImages = state.TrainedImages;
            trainSecondsTotal = state.TrainSeconds;
            elapsedBefore = state.ElapsedSeconds;
            best = state.Best;
            sinceImprovement = state.EpochsWithoutImprovement;
            stoppedEarly = state.StoppedEarly;
            confusion = state.ConfusionMatrix;
            resumedAfter = state.Epoch;
            retriedSteps = state.RetriedSteps;
            progress?.Report(new TrainingProgress(TrainingPhase.Resumed, state.Epoch, options.Epochs, 0, stepsPerEpoch, globalStep,
                0, 0, 0, Metrics: epochs.LastOrDefault()));
        }

        RunLog? log = options.LogFolder is { } logFolder ? new RunLog(logFolder) : null;
        log?.Start(epochs);

        Batch? healthBatch = options.Health ? HealthBatch(train, options.HealthBatchSize, device) : null;
        try
        {
            if (healthBatch is { } initial && resumedAfter is null)
                health.Add(HealthProbe.Sample(module, network, initial.Images, initial.Labels, epoch: 0, step: 0));

            for (int epoch = (resumedAfter ?? 0) + 1; epoch <= options.Epochs && diverged is null && !stoppedEarly; epoch++)
            {
                var epochClock = Stopwatch.StartNew();
                var trainClock = new Stopwatch();
                double learningRate = options.LearningRateAt(epoch);
                foreach (var group in optimizer.ParamGroups)
                    group.LearningRate = learningRate;

                module.train();
                double lossSum = 0;
                long correct = 0, seen = 0;
                int step = 0;
                foreach (Batch produced in train.Batches(options.Seed, options.BatchSize, epoch - 1, device: device))
                {
                    using (var scope = NewDisposeScope())
                    {
                        Batch batch = produced.MoveTo(scope);
                        cancellationToken.ThrowIfCancellationRequested();
                        trainClock.Start();
                        step++;
                        globalStep++;
                        // a non-finite loss or gradient is run once more from the same state (libtorch's convolutions give NaN
                        // now and then for finite inputs on some processors); twice in a row, the run has diverged
                        guard.Save();
                        Tensor logits, loss;
                        float lossValue;
                        string? failure = null;
                        int attempt = 0;
                        for (; ; attempt++)
                        {
                            optimizer.zero_grad();
                            logits = module.call(batch.Images);
                            loss = nn.functional.cross_entropy(logits, batch.Labels);
                            lossValue = loss.item<float>();
                            if (!float.IsFinite(lossValue))
                            {
                                failure = $"train loss is {Describe(lossValue)}";
                            }
                            else
                            {
                                loss.backward();
                                failure = guard.NonFiniteGradient();
                            }

                            if (failure is null || attempt == 1)
                                break;
                            guard.Restore();
                        }

                        if (failure is not null)
                        {
                            trainClock.Stop();
                            diverged = new DivergenceInfo { Epoch = epoch, Step = step, GlobalStep = globalStep, Reason = failure };
                            break;
                        }

                        if (attempt > 0)
                            retriedSteps++;
                        optimizer.step();
                        long batchCorrect = logits.argmax(1).eq(batch.Labels).sum().item<long>();
                        trainClock.Stop();
                        long count = batch.Count;
                        lossSum += lossValue * (double)count;
                        correct += batchCorrect;
                        seen += count;
                    }

                    progress?.Report(new TrainingProgress(TrainingPhase.Step, epoch, options.Epochs, step, stepsPerEpoch, globalStep,
                        lossSum / seen, (double)correct / seen, PerSecond(seen, trainClock.Elapsed.TotalSeconds)));

                    if (options.EvaluateEvery is int every && globalStep % every == 0 && step < stepsPerEpoch)
                    {
                        var evaluation = Evaluate(module, test, options.EvaluationBatchSize, device, epoch, globalStep, null, cancellationToken);
                        module.train();
                        evaluations.Add(evaluation);
                        if (!double.IsFinite(evaluation.TestLoss))
                        {
                            diverged = new DivergenceInfo { Epoch = epoch, Step = step, GlobalStep = globalStep, Reason = $"test loss is {Describe(evaluation.TestLoss)}" };
                            break;
                        }

                        Reach(targets, reachedStep, evaluation);
                        progress?.Report(new TrainingProgress(TrainingPhase.Evaluation, epoch, options.Epochs, step, stepsPerEpoch, globalStep,
                            lossSum / seen, (double)correct / seen, PerSecond(seen, trainClock.Elapsed.TotalSeconds), evaluation));
                    }
                }

                trainedImages += seen;
                trainSecondsTotal += trainClock.Elapsed.TotalSeconds;
                if (diverged is not null)
                    break;

                var epochConfusion = NewConfusion(Math.Max(test.ClassCount, OutputCount(network, test)));
                var epochEvaluation = Evaluate(module, test, options.EvaluationBatchSize, device, epoch, globalStep, epochConfusion, cancellationToken);
                evaluations.Add(epochEvaluation);
                if (!double.IsFinite(epochEvaluation.TestLoss))
                {
                    diverged = new DivergenceInfo { Epoch = epoch, Step = 0, GlobalStep = globalStep, Reason = $"test loss is {Describe(epochEvaluation.TestLoss)}" };
                    break;
                }

                confusion = epochConfusion;
                (double Loss, double Accuracy)? validation = validationSet is not null
                    ? Evaluate(module, validationSet, options.EvaluationBatchSize, device, cancellationToken)
                    : null;

                Reach(targets, reachedStep, epochEvaluation);
                for (int i = 0; i < targets.Length; i++)
                {
                    if (reachedEpoch[i] is null && epochEvaluation.TestAccuracy >= targets[i])
                        reachedEpoch[i] = epoch;
                }

                HealthSnapshot? snapshot = null;
                if (healthBatch is { } fixedBatch)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    snapshot = HealthProbe.Sample(module, network, fixedBatch.Images, fixedBatch.Labels, epoch, globalStep);
                    health.Add(snapshot);
                }

                var metrics = new EpochMetrics
                {
                    Epoch = epoch,
                    Steps = step,
                    LearningRate = learningRate,
                    TrainLoss = lossSum / seen,
                    TrainAccuracy = (double)correct / seen,
                    TestLoss = epochEvaluation.TestLoss,
                    TestAccuracy = epochEvaluation.TestAccuracy,
                    ValidationLoss = validation?.Loss,
                    ValidationAccuracy = validation?.Accuracy,
                    Seconds = epochClock.Elapsed.TotalSeconds,
                    TrainSeconds = trainClock.Elapsed.TotalSeconds,
                    ImagesPerSecond = PerSecond(seen, trainClock.Elapsed.TotalSeconds),
                };
                epochs.Add(metrics);

                if (validation is { } v)
                {
                    double value = options.Monitor == MonitorMetric.ValidationAccuracy ? v.Accuracy : v.Loss;
                    bool improved = best is null || (options.Monitor == MonitorMetric.ValidationAccuracy
                        ? value > best.Value + options.MinDelta
                        : value < best.Value - options.MinDelta);
                    if (improved && double.IsFinite(value))
                    {
                        sinceImprovement = 0;
                        string? bestWeights = null;
                        if (options.BestWeightsPath is { } bestPath)
                        {
                            bestWeights = System.IO.Path.GetFullPath(bestPath);
                            module.eval();
                            AtomicFile.Write(bestWeights, temp => module.save(temp));
                        }
                        best = new BestEpoch { Epoch = epoch, Monitor = options.Monitor, Value = value, TestAccuracy = epochEvaluation.TestAccuracy, Weights = bestWeights };
                    }
                    else
                    {
                        sinceImprovement++;
                        if (options.Patience is int patience && sinceImprovement >= patience && epoch < options.Epochs)
                            stoppedEarly = true;
                    }
                }

                if (options.CheckpointPath is { } checkpointPath)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Checkpoint.Save(checkpointPath, new CheckpointState
                    {
                        Identity = identity,
                        Epoch = epoch,
                        GlobalStep = globalStep,
                        TrainedImages = trainedImages,
                        TrainSeconds = trainSecondsTotal,
                        ElapsedSeconds = elapsedBefore + clock.Elapsed.TotalSeconds,
                        Epochs = epochs.ToList(),
                        Evaluations = evaluations.ToList(),
                        Health = health.ToList(),
                        ReachedEpoch = reachedEpoch.ToArray(),
                        ReachedStep = reachedStep.ToArray(),
                        Best = best,
                        EpochsWithoutImprovement = sinceImprovement,
                        StoppedEarly = stoppedEarly,
                        ConfusionMatrix = confusion,
                        RetriedSteps = retriedSteps,
                    }, module, optimizer);
                }

                log?.Epoch(metrics, globalStep, snapshot, DateTimeOffset.UtcNow);
                progress?.Report(new TrainingProgress(TrainingPhase.EpochEnd, epoch, options.Epochs, step, stepsPerEpoch, globalStep,
                    metrics.TrainLoss, metrics.TrainAccuracy, metrics.ImagesPerSecond, epochEvaluation, metrics));
            }
        }
        finally
        {
            healthBatch?.Dispose();
        }

        module.eval();
        var last = epochs.LastOrDefault();
        double? testAccuracy = last?.TestAccuracy, testLoss = last?.TestLoss;
        SelectedModel? selected = null;
        if (last is not null)
        {
            if (options.SelectBest && best is not null && options.BestWeightsPath is { } bestPath && epochs.FirstOrDefault(e => e.Epoch == best.Epoch) is { } chosen)
            {
                // the reported model is the one the validation set chose: its weights, its test figures, its predictions
                // (from this run's path, not the one recorded in a checkpoint: the folder may have moved since)
                string bestFile = System.IO.Path.GetFullPath(bestPath);
                if (!File.Exists(bestFile))
                    throw new TrainingException($"the weights of the best epoch ({best.Epoch}) are missing: {bestFile}" +
                        (options.CheckpointPath is { } resumedFrom ? $"; delete {resumedFrom} to train the run again" : string.Empty));
                module.load(bestFile);
                module.eval();
                var chosenConfusion = NewConfusion(Math.Max(test.ClassCount, OutputCount(network, test)));
                Evaluate(module, test, options.EvaluationBatchSize, device, chosenConfusion, cancellationToken);
                confusion = chosenConfusion;
                testAccuracy = chosen.TestAccuracy;
                testLoss = chosen.TestLoss;
                selected = new SelectedModel { Epoch = best.Epoch, By = Selection(best.Monitor), Reason = BestReason(best, last.Epoch, validationSet!.Count) };
            }
            else
            {
                selected = new SelectedModel { Epoch = last.Epoch, By = ModelSelection.FinalEpoch, Reason = FinalReason(options, last.Epoch, validationSet is not null, best, stoppedEarly, diverged) };
            }
        }

        string? predictions = diverged is null && epochs.Count > 0 && options.SavePredictions && test.ClassCount <= 36
            ? RunResult.EncodePredictions(Predict(module, test, options.EvaluationBatchSize, device, cancellationToken))
            : null;
        string? weights = null;
        if (diverged is null && options.WeightsPath is { } path)
        {
            weights = System.IO.Path.GetFullPath(path);
            AtomicFile.Write(weights, temp => module.save(temp));
        }

        return new RunResult
        {
            Network = network?.Name ?? module.GetName(),
            Data = DataName(train),
            TrainExamples = train.Count,
            TestExamples = test.Count,
            ValidationExamples = validationSet?.Count,
            Seed = options.Seed,
            Device = Devices.Name(device),
            Threads = threads,
            Convolutions = Native.LibTorchConvolutions.Outcome,
            Parameters = module.parameters().Sum(p => p.numel()),
            Options = RunSettings.From(options),
            Epochs = epochs,
            TestAccuracy = testAccuracy,
            TestLoss = testLoss,
            Selected = selected,
            Convergence = targets.Select((t, i) => new ConvergencePoint { Target = t, Epoch = reachedEpoch[i], Step = reachedStep[i] }).ToArray(),
            Evaluations = evaluations,
            Health = health,
            TestPredictions = predictions,
            Diverged = diverged,
            Best = best,
            StoppedEarly = stoppedEarly ? last?.Epoch : null,
            ConfusionMatrix = confusion,
            ResumedAfterEpoch = resumedAfter,
            RetriedSteps = retriedSteps > 0 ? retriedSteps : null,
            ElapsedSeconds = elapsedBefore + clock.Elapsed.TotalSeconds,
            ImagesPerSecond = PerSecond(trainedImages, trainSecondsTotal),
            Weights = weights,
        };
    }

    private static ModelSelection Selection(MonitorMetric monitor) =>
        monitor == MonitorMetric.ValidationAccuracy ? ModelSelection.ValidationAccuracy : ModelSelection.ValidationLoss;

    /// <summary>Why the best epoch's model is the one reported, in one sentence.</summary>
    private static string BestReason(BestEpoch best, int lastEpoch, int validationCount) => string.Create(
        CultureInfo.InvariantCulture,
        $"the {(best.Monitor == MonitorMetric.ValidationAccuracy ? $"highest validation accuracy ({best.Value * 100:0.00}%)" : $"lowest validation loss ({best.Value:0.0000})")} of epochs 1-{lastEpoch}, on {validationCount:N0} validation images carved from the training data; the test set was not used to choose");

    /// <summary>Why the final epoch's model is the one reported, in one sentence.</summary>
    private static string FinalReason(TrainingOptions options, int lastEpoch, bool validation, BestEpoch? best, bool stoppedEarly, DivergenceInfo? diverged)
    {
        string model = string.Create(CultureInfo.InvariantCulture, $"the model after the last finished epoch ({lastEpoch} of {options.Epochs})");
        string why = !validation ? "no validation set, so nothing was chosen"
            : options.SelectBest ? "no epoch had a finite validation figure to choose by"
            : best is null ? "as trained (the validation set chose nothing)"
            : string.Create(CultureInfo.InvariantCulture, $"as trained; the best epoch by validation {(best.Monitor == MonitorMetric.ValidationAccuracy ? "accuracy" : "loss")} ({best.Epoch}) is recorded in 'best', not reported");
        string end = diverged is not null ? string.Create(CultureInfo.InvariantCulture, $" (the run diverged in epoch {diverged.Epoch})")
            : stoppedEarly ? " (early stopping ended the run)"
            : string.Empty;
        return model + end + ": " + why;
    }

    /// <summary>What a checkpoint must match to be resumed: the network, the data, the seed and every setting that changes the numbers.</summary>
    private static string Identity(nn.Module<Tensor, Tensor> module, NetworkModel? network, DataSplit data, TrainingOptions options)
    {
        var identity = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["network"] = network?.Name ?? module.GetName(),
            ["parameters"] = module.parameters().Sum(p => p.numel()).ToString(CultureInfo.InvariantCulture),
            ["data"] = string.Create(CultureInfo.InvariantCulture, $"{DataName(data.Train)}: {data.Train.Count} train, {data.Validation?.Count ?? 0} validation, {data.Test.Count} test"),
            ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
            ["settings"] = System.Text.Json.JsonSerializer.Serialize(RunSettings.From(options), RunResult.JsonOptions).ReplaceLineEndings(" "),
            ["selection"] = string.Create(CultureInfo.InvariantCulture, $"monitor {options.Monitor}, patience {options.Patience?.ToString(CultureInfo.InvariantCulture) ?? "off"}, min delta {options.MinDelta:R}, health {options.Health} {options.HealthBatchSize}{(options.SelectBest ? ", report the best epoch" : string.Empty)}"),
        };
        return string.Join("\n", identity.Select(p => p.Key + "=" + p.Value));
    }

    /// <summary>The parts of two identities that differ, named.</summary>
    private static string Difference(string a, string b)
    {
        var left = a.Split('\n').Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        var right = b.Split('\n').Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        var differing = left.Keys.Union(right.Keys).Where(k => !left.TryGetValue(k, out var x) || !right.TryGetValue(k, out var y) || x != y).ToArray();
        return differing.Length == 0 ? "another format" : "other " + string.Join(", ", differing);
    }

    private static int OutputCount(NetworkModel? network, DataSet data) =>
        network?.Output is { Rank: 1 } output ? output.Dimensions[0] : data.ClassCount;

    private static long[][] NewConfusion(int classes) => Enumerable.Range(0, classes).Select(_ => new long[classes]).ToArray();

    /// <summary>Mean loss and accuracy on <paramref name="data"/> in eval mode, without gradients. Leaves the module in eval mode.</summary>
    public static (double Loss, double Accuracy) Evaluate(nn.Module<Tensor, Tensor> module, DataSet data, int batchSize = 500,
        Device? device = null, CancellationToken cancellationToken = default) =>
        Evaluate(module, data, batchSize, device, null, cancellationToken);

    private static (double Loss, double Accuracy) Evaluate(nn.Module<Tensor, Tensor> module, DataSet data, int batchSize,
        Device? device, long[][]? confusion, CancellationToken cancellationToken)
    {
        module.eval();
        double lossSum = 0;
        long correct = 0;
        using (no_grad())
        {
            foreach (Batch produced in data.InOrder(batchSize, device))
            {
                using var scope = NewDisposeScope();
                Batch batch = produced.MoveTo(scope);
                cancellationToken.ThrowIfCancellationRequested();
                Tensor logits = module.call(batch.Images);
                lossSum += nn.functional.cross_entropy(logits, batch.Labels, reduction: nn.Reduction.Sum).item<float>();
                Tensor predicted = logits.argmax(1);
                correct += predicted.eq(batch.Labels).sum().item<long>();
                if (confusion is not null)
                {
                    long[] truth = batch.Labels.cpu().data<long>().ToArray();
                    long[] guess = predicted.cpu().data<long>().ToArray();
                    for (int i = 0; i < truth.Length; i++)
                    {
                        if (truth[i] < confusion.Length && guess[i] < confusion.Length)
                            confusion[truth[i]][guess[i]]++;
                    }
                }
            }
        }
        return (lossSum / data.Count, (double)correct / data.Count);
    }

    /// <summary>The predicted class (arg max of the logits) of every example of <paramref name="data"/>, in its order, in eval mode.</summary>
    public static int[] Predict(nn.Module<Tensor, Tensor> module, DataSet data, int batchSize = 500, Device? device = null,
        CancellationToken cancellationToken = default)
    {
        module.eval();
        var classes = new int[data.Count];
        int next = 0;
        using (no_grad())
        {
            foreach (Batch produced in data.InOrder(batchSize, device))
            {
                using var scope = NewDisposeScope();
                Batch batch = produced.MoveTo(scope);
                cancellationToken.ThrowIfCancellationRequested();
                long[] predicted = module.call(batch.Images).argmax(1).to(CPU).data<long>().ToArray();
                foreach (long p in predicted)
                    classes[next++] = (int)p;
            }
        }
        return classes;
    }

    private static Evaluation Evaluate(nn.Module<Tensor, Tensor> module, DataSet test, int batchSize, Device device, int epoch, long step,
        long[][]? confusion, CancellationToken cancellationToken)
    {
        var (loss, accuracy) = Evaluate(module, test, batchSize, device, confusion, cancellationToken);
        return new Evaluation { Epoch = epoch, Step = step, TestLoss = loss, TestAccuracy = accuracy };
    }

    private static void Reach(double[] targets, long?[] reachedStep, Evaluation evaluation)
    {
        for (int i = 0; i < targets.Length; i++)
        {
            if (reachedStep[i] is null && evaluation.TestAccuracy >= targets[i])
                reachedStep[i] = evaluation.Step;
        }
    }

    private static optim.Optimizer CreateOptimizer(nn.Module<Tensor, Tensor> module, TrainingOptions options) => options.Optimizer switch
    {
        OptimizerKind.Sgd => optim.SGD(module.parameters(), options.InitialLearningRate, momentum: options.Momentum, weight_decay: options.WeightDecay),
        _ => optim.Adam(module.parameters(), lr: options.InitialLearningRate, weight_decay: options.WeightDecay),
    };

    /// <summary>
    /// The fixed health batch: <paramref name="size"/> train examples spread evenly over the train set (the same for
    /// every network and seed, so their figures compare).
    /// </summary>
    private static Batch HealthBatch(DataSet train, int size, Device device)
    {
        int n = Math.Min(size, train.Count);
        int[] indices = new int[n];
        for (int i = 0; i < n; i++)
            indices[i] = (int)((long)i * train.Count / n);
        using (NewDisposeScope())
        {
            Batch batch = train.Select(indices, device);
            batch.Images.DetachFromDisposeScope();
            batch.Labels.DetachFromDisposeScope();
            return batch;
        }
    }

    private static string DataName(DataSet data)
    {
        string name = data.Name;
        return name.EndsWith("/train", StringComparison.Ordinal) ? name[..^"/train".Length]
            : name.EndsWith("/test", StringComparison.Ordinal) ? name[..^"/test".Length]
            : name;
    }

    private static double PerSecond(long images, double seconds) => seconds > 0 ? images / seconds : 0;

    private static string Describe(double value) => double.IsNaN(value) ? "NaN" : value > 0 ? "+infinity" : "-infinity";
}

/// <summary>A checkpoint whose body could not be loaded after its header matched; the module and optimizer may be half loaded.</summary>
internal sealed class UnusableCheckpointException(string message) : Exception(message);
