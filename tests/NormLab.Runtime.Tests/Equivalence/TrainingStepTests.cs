using System.Collections.Generic;
using System.Linq;
using NormLab.Runtime.Tests.Agreement;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NormLab.Runtime.Tests.Equivalence;

/// <summary>
/// A generated module trains as <c>normlab train</c> does (cross-entropy on logits, Adam, train mode): on a tiny
/// synthetic batch, forward and backward reach every parameter, an optimizer step changes the weights, and a
/// few steps bring the loss down.
/// </summary>
[Collection(TorchState.Name)]
public sealed class TrainingStepTests
{
    [Theory]
    [InlineData("ConvBnRelu")]
    [InlineData("Projected")]
    [InlineData("Everything")]
    public void A_generated_module_trains_on_a_tiny_batch(string name)
    {
        var (path, text, ns, _) = Networks.Find(name);
        var record = GeneratedCode.Record(GeneratedCode.Compile(path, text), $"{ns}.{name}");
        using var threads = LibTorchAgreement.OneThread();
        using var scope = NewDisposeScope();
        random.manual_seed(11);
        using var module = GeneratedCode.Build(record);

        var inputShape = Shape(record, "InputShape");
        var classes = Shape(record, "OutputShape").Single();
        const int batch = 8;
        var images = randn(new long[] { batch }.Concat(inputShape.Select(d => (long)d)).ToArray());
        var labels = arange(batch, dtype: int64) % classes;

        var parameters = module.named_parameters().ToList();
        var before = parameters.ToDictionary(p => p.name, p => p.parameter.detach().clone());
        using var optimizer = optim.Adam(module.parameters(), lr: 1e-2);
        module.train();

        var logits = module.forward(images);
        Assert.Equal(new long[] { batch, classes }, logits.shape);
        var loss = nn.functional.cross_entropy(logits, labels);
        var firstLoss = loss.item<float>();
        Assert.True(float.IsFinite(firstLoss), $"the first loss is {firstLoss}");
        optimizer.zero_grad();
        loss.backward();

        foreach (var (key, parameter) in parameters)
        {
            Assert.True(parameter.grad is not null, $"{name}: {key} got no gradient");
            Assert.True(parameter.grad!.isfinite().all().item<bool>(), $"{name}: {key} has a non-finite gradient");
        }

        optimizer.step();
        var changed = parameters.Where(p => !EquivalenceTests.Same(p.parameter, before[p.name])).Select(p => p.name).ToList();
        Assert.True(changed.Count > parameters.Count / 2, $"{name}: the step changed only {changed.Count} of {parameters.Count} parameters");
        Assert.Contains(parameters[0].name, changed);

        var lastLoss = firstLoss;
        for (var step = 0; step < 15; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var stepLoss = nn.functional.cross_entropy(module.forward(images), labels);
            stepLoss.backward();
            optimizer.step();
            lastLoss = stepLoss.item<float>();
        }

        Assert.True(lastLoss < firstLoss, $"{name}: the loss went from {firstLoss} to {lastLoss}");
    }

    /// <summary>The generated record's static InputShape or OutputShape.</summary>
    private static int[] Shape(object record, string property) =>
        ((IReadOnlyList<int>)record.GetType().GetProperty(property)!.GetValue(null)!).ToArray();
}
