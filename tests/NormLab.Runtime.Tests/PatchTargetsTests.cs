using System;
using System.Diagnostics;
using System.IO;
using NormLab.Runtime.Native;
using Xunit;

namespace NormLab.Runtime.Tests;

/// <summary>The inline MSBuild task in buildTransitive/NormLab.Runtime.targets, run by a real MSBuild.</summary>
public sealed class PatchTargetsTests : IDisposable
{
    private const string Version = "GLIBCXX_3.4.32";
    private readonly string folder = Directory.CreateTempSubdirectory("normlab-targets-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void The_task_patches_real_libraries_and_only_warns_about_broken_ones()
    {
        string library = TestAssets.CopyTo(TestAssets.PristineLibTorchSharp(), folder);
        File.WriteAllText(Path.Combine(folder, "junk.so"), "not an ELF file");
        File.WriteAllText(Path.Combine(folder, "patch.proj"), $"""
            <Project>
              <Import Project="{TestAssets.RuntimeTargets()}" />
              <Target Name="Patch">
                <NormLabMarkElfVersionWeak Files="libLibTorchSharp.so;junk.so;missing.so" VersionName="{Version}" Mode="always" />
              </Target>
            </Project>
            """);

        (int exitCode, string log) = MSBuild("patch.proj");

        Assert.True(exitCode == 0, log);
        Assert.Contains($"NormLab: patched {library}: {Version} marked weak", log);
        Assert.Contains("warning NLRT001", log);
        Assert.Equal(ElfVersionPatcher.VerFlagWeak, ElfVersionPatcher.ReadVersionFlags(library, Version));

        (exitCode, log) = MSBuild("patch.proj");

        Assert.True(exitCode == 0, log);
        Assert.DoesNotContain("NormLab: patched", log);
    }

    private (int ExitCode, string Log) MSBuild(string project)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "msbuild", project, "-t:Patch", "-nologo", "-v:n", "-nodeReuse:false" })
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        System.Threading.Tasks.Task<string> errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + errors.Result);
    }
}
