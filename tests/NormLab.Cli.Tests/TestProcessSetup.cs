using System.Runtime.CompilerServices;

namespace NormLab.Cli.Tests;

/// <summary>Runs before any test of this assembly touches libtorch.</summary>
internal static class TestProcessSetup
{
#pragma warning disable CA2255 // a test assembly's module initializer is the one place before every test
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => NormLab.Testing.OneDnnForTests.Apply();
}
