namespace NormLab.Generator;

/// <summary>Facts about this assembly that go into generated code.</summary>
internal static class ThisAssembly
{
    public const string Version = "0.1.0";
}
