using Xunit;

namespace NormLab.Runtime.Tests.Training;

/// <summary>
/// Training tests seed libtorch's global generator and set its global thread count, and compare numbers across runs:
/// they run alone, not beside tests of other classes that draw random numbers.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainingCollection
{
    public const string Name = "training (libtorch's global generator and thread count)";
}
