using System.Diagnostics;
using System.Text;

namespace NormLab.LanguageServer.Tests.Infrastructure;

/// <summary>The output and exit code of a finished process.</summary>
internal sealed record ProcessResult(string CommandLine, int ExitCode, string Output, TimeSpan Duration, bool TimedOut)
{
    public string Describe() =>
        $"`{CommandLine}` {(TimedOut ? "timed out" : $"exited with {ExitCode}")} after {Duration.TotalSeconds:F1} s; output:\n{Output}";
}

/// <summary>
/// Runs node and npm for the editor tests. The node packages (editors/vscode/test/package-lock.json)
/// are installed with <c>npm ci</c> the first time, when <c>node_modules</c> is missing (a fresh clone in CI).
/// </summary>
internal static class Node
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);
    private static readonly object InstallGate = new();
    private static bool s_installed;

    /// <summary>The packages the node tests import; all must be there, else <c>npm ci</c> runs.</summary>
    private static readonly string[] Packages = { "vscode-jsonrpc", "vscode-languageserver-protocol", "vscode-textmate", "vscode-oniguruma" };

    public static void EnsurePackages()
    {
        lock (InstallGate)
        {
            if (s_installed)
            {
                return;
            }

            var modules = Path.Combine(TestPaths.NodeTests, "node_modules");
            if (!Packages.All(p => File.Exists(Path.Combine(modules, p, "package.json")))
                || !File.Exists(Path.Combine(modules, "vscode-oniguruma", "release", "onig.wasm")))
            {
                var result = Run(Npm, new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" }, TestPaths.NodeTests, InstallTimeout);
                Assert.True(result.ExitCode == 0 && !result.TimedOut, "npm ci failed: " + result.Describe());
            }

            s_installed = true;
        }
    }

    private static bool s_extensionInstalled;

    /// <summary>The extension's own packages (editors/vscode/package-lock.json: the language client, and @vscode/vsce to package it).</summary>
    private static readonly string[] ExtensionPackages = { "vscode-languageclient", "@vscode/vsce" };

    public static void EnsureExtensionPackages()
    {
        lock (InstallGate)
        {
            if (s_extensionInstalled)
            {
                return;
            }

            var modules = Path.Combine(TestPaths.Extension, "node_modules");
            if (!ExtensionPackages.All(p => File.Exists(Path.Combine(modules, p, "package.json"))))
            {
                var result = Run(Npm, new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" }, TestPaths.Extension, InstallTimeout);
                Assert.True(result.ExitCode == 0 && !result.TimedOut, "npm ci (editors/vscode) failed: " + result.Describe());
            }

            s_extensionInstalled = true;
        }
    }

    /// <summary>Runs <c>node --test FILE</c> in the node tests' folder.</summary>
    public static ProcessResult Test(string file, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null) =>
        Run("node", new[] { "--test", "--test-reporter=spec", file }, TestPaths.NodeTests, timeout ?? TimeSpan.FromMinutes(3), environment);

    private static string Npm => OperatingSystem.IsWindows() ? "npm.cmd" : "npm";

    public static ProcessResult Run(string fileName, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["npm_config_update_notifier"] = "false";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var commandLine = fileName + " " + string.Join(" ", arguments);
        var output = new StringBuilder();
        var gate = new object();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new ProcessResult(commandLine, -1, $"could not start {fileName}: {e.Message} (is Node.js installed and on PATH?)", stopwatch.Elapsed, false);
        }

        process.StandardInput.Close();
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

            return new ProcessResult(commandLine, -1, Snapshot(), stopwatch.Elapsed, TimedOut: true);
        }

        process.WaitForExit(); // the end of the redirected output
        return new ProcessResult(commandLine, process.ExitCode, Snapshot(), stopwatch.Elapsed, TimedOut: false);

        void Append(string? line)
        {
            if (line is null)
            {
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
