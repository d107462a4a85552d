using System;
using System.Reflection;

namespace NormLab.Runtime.Export;

/// <summary>The NormLab version that exported files record: the informational version without build metadata (<c>0.1.0</c>).</summary>
public static class NormLabVersion
{
    public static string Value { get; } = Read();

    private static string Read()
    {
        var assembly = typeof(NormLabVersion).Assembly;
        string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "0.0.0";
        int plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
