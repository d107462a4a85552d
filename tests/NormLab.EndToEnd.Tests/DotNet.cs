using System.Diagnostics;
using System.Text;

namespace NormLab.EndToEnd.Tests;

/// <summary>The output (stdout and stderr, interleaved) and exit code of a finished command.</summary>
internal sealed record CommandResult(string CommandLine, int ExitCode, string Output, TimeSpan Duration, bool TimedOut)
{
    public string Describe() =>
        $"`{CommandLine}` {(TimedOut ? "timed out" : $"exited with {ExitCode}")} after {Duration.TotalSeconds:F0} s; output:\n{Output}";
}

/// <summary>Runs the .NET CLI in a child process, with a time limit and an environment of its own.</summary>
internal static class DotNet
{
    /// <summary>The dotnet executable that runs these tests (set by the SDK), else dotnet on PATH.</summary>
    public static string Host =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";

    public static CommandResult Run(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        RunProgram(Host, workingDirectory, timeout, arguments);

    /// <summary>Runs <paramref name="fileName"/> (dotnet, or a program such as an installed tool) in the same environment.</summary>
    public static CommandResult RunProgram(string fileName, string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A nested build must not see the outer build's MSBuild settings (dotnet test runs inside one), and
        // NUGET_PACKAGES would override the consumer's own packages folder.
        foreach (var key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                || key is "NUGET_PACKAGES" or "NUGET_FALLBACK_PACKAGES")
            {
                start.Environment.Remove(key);
            }
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";

        var commandLine = (fileName == Host ? "dotnet" : fileName) + " " + string.Join(" ", arguments);
        var output = new StringBuilder();
        var gate = new object();
        var outputClosed = new TaskCompletionSource();
        var errorClosed = new TaskCompletionSource();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data, outputClosed);
        process.ErrorDataReceived += (_, e) => Append(e.Data, errorClosed);

        var stopwatch = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            try
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(30));
            }
            catch (InvalidOperationException)
            {
                // it ended meanwhile
            }

            return new CommandResult(commandLine, -1, Snapshot(), stopwatch.Elapsed, TimedOut: true);
        }

        // a build server left running could hold the pipes open: wait for the end of the output, but not forever
        Task.WaitAll(new Task[] { outputClosed.Task, errorClosed.Task }, TimeSpan.FromSeconds(30));
        return new CommandResult(commandLine, process.ExitCode, Snapshot(), stopwatch.Elapsed, TimedOut: false);

        void Append(string? line, TaskCompletionSource closed)
        {
            if (line is null)
            {
                closed.TrySetResult();
                return;
            }

            lock (gate)
            {
                output.AppendLine(line);
            }
        }

        string Snapshot()
        {
            lock (gate)
            {
                return output.ToString();
            }
        }
    }
}
