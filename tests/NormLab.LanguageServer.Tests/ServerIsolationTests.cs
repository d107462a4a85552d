using System.Diagnostics;
using System.Reflection;
using System.Text;
using NormLab.LanguageServer.Tests.Infrastructure;

namespace NormLab.LanguageServer.Tests;

/// <summary>
/// The language server never loads the training stack: an editor that opens a .normlab file must not pay
/// for TorchSharp (and its ~1 GB of libtorch), ScottPlot or SkiaSharp. Checked twice: in the server
/// assembly's references, and in a running <c>normlab lsp</c> process after it has answered requests.
/// </summary>
public sealed class ServerIsolationTests
{
    private static readonly string[] Forbidden = { "TorchSharp", "libtorch", "LibTorchSharp", "ScottPlot", "SkiaSharp", "libSkiaSharp", "NormLab.Runtime" };

    [Fact]
    public void TheServerAssemblyReferencesNeitherTheRuntimeNorTorchSharpNorScottPlot()
    {
        // every assembly reachable from the server's references, resolved in this test's output folder
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<Assembly>();
        pending.Push(typeof(LspHost).Assembly);
        seen.Add(typeof(LspHost).Assembly.GetName().Name!);
        while (pending.Count > 0)
        {
            foreach (var reference in pending.Pop().GetReferencedAssemblies())
            {
                if (!seen.Add(reference.Name!))
                {
                    continue;
                }

                var path = Path.Combine(AppContext.BaseDirectory, reference.Name + ".dll");
                if (File.Exists(path))
                {
                    pending.Push(Assembly.LoadFrom(path));
                }
            }
        }

        Assert.Contains("NormLab.Dsl", seen);
        Assert.Contains("StreamJsonRpc", seen);
        Assert.DoesNotContain(seen, name => Forbidden.Any(f => name.StartsWith(f, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void NormLabLspLoadsNoTorchSharpNorScottPlot()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // /proc/<pid>/maps lists what a process has mapped: the managed and the native libraries
        }

        var dll = TestPaths.NormLabDll;
        Assert.True(File.Exists(dll), $"the built normlab.dll is missing: {dll}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("lsp");
        using var process = Process.Start(start)!;
        try
        {
            var input = process.StandardInput.BaseStream;
            var output = process.StandardOutput.BaseStream;
            Send(input, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}""");
            WaitFor(output, "\"id\":1");
            Send(input, """{"jsonrpc":"2.0","method":"initialized","params":{}}""");
            var text = File.ReadAllText(Path.Combine(TestPaths.Examples, "networks", "ordering.normlab")).Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\r", "\\r").Replace("\n", "\\n");
            Send(input, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"file:///tmp/ordering.normlab\",\"languageId\":\"normlab\",\"version\":1,\"text\":\"" + text + "\"}}}");
            Send(input, """{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///tmp/ordering.normlab"},"position":{"line":3,"character":10}}}""");
            WaitFor(output, "\"id\":2");
            Send(input, """{"jsonrpc":"2.0","id":3,"method":"textDocument/formatting","params":{"textDocument":{"uri":"file:///tmp/ordering.normlab"},"options":{"tabSize":4,"insertSpaces":true}}}""");
            WaitFor(output, "\"id\":3");

            var maps = File.ReadAllLines($"/proc/{process.Id}/maps");
            Assert.Contains(maps, line => line.Contains("NormLab.Dsl.dll", StringComparison.Ordinal));
            var loaded = maps.Where(line => Forbidden.Any(f => line.Contains(f, StringComparison.OrdinalIgnoreCase))).ToList();
            Assert.True(loaded.Count == 0, "normlab lsp mapped:\n" + string.Join("\n", loaded.Distinct()));

            Send(input, """{"jsonrpc":"2.0","id":4,"method":"shutdown"}""");
            WaitFor(output, "\"id\":4");
            Send(input, """{"jsonrpc":"2.0","method":"exit"}""");
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "normlab lsp did not exit");
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    private static void Send(Stream input, string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var header = Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n");
        input.Write(header);
        input.Write(body);
        input.Flush();
    }

    /// <summary>Reads messages until one contains <paramref name="marker"/> (a response's id); fails after 60 s.</summary>
    private static void WaitFor(Stream output, string marker)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var read = Task.Run(() => ReadMessage(output));
            Assert.True(read.Wait(deadline - DateTime.UtcNow), $"no message with {marker} from normlab lsp");
            if (read.Result.Contains(marker, StringComparison.Ordinal))
            {
                return;
            }
        }

        Assert.Fail($"no message with {marker} from normlab lsp");
    }

    private static string ReadMessage(Stream output)
    {
        var length = 0;
        var line = new StringBuilder();
        while (true)
        {
            var b = output.ReadByte();
            Assert.True(b >= 0, "normlab lsp closed its output");
            if (b == '\n')
            {
                var header = line.ToString().TrimEnd('\r');
                line.Clear();
                if (header.Length == 0)
                {
                    break;
                }

                if (header.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                {
                    length = int.Parse(header["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            else
            {
                line.Append((char)b);
            }
        }

        var body = new byte[length];
        output.ReadExactly(body);
        return Encoding.UTF8.GetString(body);
    }
}
