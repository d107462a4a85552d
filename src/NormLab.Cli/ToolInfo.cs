using System;
using System.Reflection;
using NormLab.Dsl.Diagnostics;

namespace NormLab.Cli;

/// <summary>The tool's name, version and home page, as <c>--version</c> and SARIF report them.</summary>
internal static class ToolInfo
{
    public const string Name = "normlab";

    /// <summary>The informational version without build metadata (<c>0.1.0</c>, not <c>0.1.0+3f2a…</c>).</summary>
    public static string Version { get; } = ReadVersion();

    /// <summary>The project's home page: the repository the diagnostics' help links point into.</summary>
    public static string InformationUri { get; } = ReadInformationUri();

    private static string ReadVersion()
    {
        var assembly = typeof(ToolInfo).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                      ?? assembly.GetName().Version?.ToString()
                      ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version.Substring(0, plus);
    }

    private static string ReadInformationUri()
    {
        var link = DiagnosticDescriptors.HelpLinkBase;
        var blob = link.IndexOf("/blob/", StringComparison.Ordinal);
        return blob < 0 ? link : link.Substring(0, blob);
    }
}
