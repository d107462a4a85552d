using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NormLab.LanguageServer;

namespace NormLab.Bench;

/// <summary>
/// dotnet run -c Release --project bench/NormLab.Bench -- --lsp [--keystrokes 300] [--warmup 300] [--lines 1000] [--pause-ms 5] [--busy]
///
/// The language server as an editor sees it: the server runs in a process of its own (this program with
/// <c>--serve</c>, which hosts <see cref="LspHost"/> on standard input and output, as <c>normlab lsp</c> does), started
/// with its default settings. The client opens a 1,000-line file, then types: a digit into a network's dropout rate,
/// then deletes it again, in networks spread over the file. For each keystroke it sends <c>didChange</c> and waits for
/// the <c>publishDiagnostics</c> of that version; the time between the two is the latency. Incremental sync (the edit's
/// range) and full sync (the whole text) alternate keystroke by keystroke, so both see the same machine.
/// </summary>
internal static class LspLatency
{
    private const string Uri = "file:///bench/large.normlab";

    public static int Serve() =>
        LspHost.RunAsync(Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error).GetAwaiter().GetResult();

    public static int Run(int keystrokes, int warmup, int lines, bool busy, int pauseMs)
    {
        var text = Document(lines);
        var lineCount = text.Count(c => c == '\n');
        using var stop = new CancellationTokenSource();
        if (busy)
        {
            // one thread that keeps one core busy, as a build or a study running beside the editor would
            new Thread(() =>
            {
                var x = 0.0;
                while (!stop.IsCancellationRequested)
                {
                    x = Math.Sqrt(x + 1.0);
                }
            }) { IsBackground = true, Name = "busy" }.Start();
        }

        var (fileName, arguments) = ServerCommand();
        using var server = Process.Start(new ProcessStartInfo(fileName)
        {
            Arguments = arguments,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("could not start the server");
        var input = server.StandardInput.BaseStream;
        var published = new BlockingCollection<(int Version, long Ticks, int Diagnostics)>();
        var reader = new Thread(() => Read(server.StandardOutput.BaseStream, published)) { IsBackground = true, Name = "reader" };
        reader.Start();

        Send(input, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"processId\":null,\"capabilities\":{}}}");
        Send(input, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}");
        var version = 1;
        Send(input, Json(new { jsonrpc = "2.0", method = "textDocument/didOpen", @params = new { textDocument = new { uri = Uri, languageId = "normlab", version, text } } }));
        var opened = Wait(published, version);
        Console.WriteLine($"document: {lineCount:N0} lines, {text.Length:N0} chars, {opened.Diagnostics} diagnostics published per version");

        var random = new Random(7);
        var times = new Dictionary<string, List<double>> { ["incremental"] = new(), ["full"] = new() };
        var cpuBefore = ProcessCpu(server);
        var current = text;
        for (var i = 0; i < warmup + keystrokes; i++)
        {
            // a digit typed into a dropout rate, then deleted (two keystrokes), alternately with each sync kind
            var (offset, line, character) = DropoutDigit(current, random.Next(lines / 8));
            foreach (var insert in new[] { true, false })
            {
                var kind = (i + (insert ? 0 : 1)) % 2 == 0 ? "incremental" : "full";
                var next = insert ? current.Insert(offset, "2") : current.Remove(offset, 1);
                object change = kind == "full"
                    ? new { text = next }
                    : new { range = new { start = new { line, character }, end = new { line, character = insert ? character : character + 1 } }, text = insert ? "2" : string.Empty };
                var message = Json(new { jsonrpc = "2.0", method = "textDocument/didChange", @params = new { textDocument = new { uri = Uri, version = ++version }, contentChanges = new[] { change } } });
                var start = Stopwatch.GetTimestamp();
                Send(input, message);
                var answer = Wait(published, version);
                if (i >= warmup)
                {
                    times[kind].Add(Stopwatch.GetElapsedTime(start, answer.Ticks).TotalMilliseconds);
                }

                current = next;
                if (pauseMs > 0)
                {
                    Thread.Sleep(pauseMs);
                }
            }

            if (i == warmup - 1)
            {
                cpuBefore = ProcessCpu(server);
            }
        }

        var cpu = ProcessCpu(server) - cpuBefore;
        Send(input, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"shutdown\"}");
        Send(input, "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}");
        server.WaitForExit(10_000);
        stop.Cancel();

        Console.WriteLine($"{keystrokes * 2:N0} keystrokes after {warmup * 2} warm-up ones, {pauseMs} ms apart; server with default settings{(busy ? "; one other core kept busy by a spinning thread" : string.Empty)}");
        Console.WriteLine($"{"sync",-12} {"n",5} {"median",9} {"p90",9} {"p95",9} {"p99",9} {"max",9}   (ms from didChange sent to its publishDiagnostics read)");
        foreach (var (kind, list) in times)
        {
            list.Sort();
            Console.WriteLine($"{kind,-12} {list.Count,5} {Percentile(list, 0.5),9:0.00} {Percentile(list, 0.9),9:0.00} {Percentile(list, 0.95),9:0.00} {Percentile(list, 0.99),9:0.00} {list[^1],9:0.00}");
        }

        var checks = CheckTimes.Skip(1 + (warmup * 2)).OrderBy(t => t).ToList();
        if (checks.Count > 0)
        {
            Console.WriteLine($"{"the check",-12} {checks.Count,5} {Percentile(checks, 0.5),9:0.00} {Percentile(checks, 0.9),9:0.00} {Percentile(checks, 0.95),9:0.00} {Percentile(checks, 0.99),9:0.00} {checks[^1],9:0.00}   (ms, the server's own time to check the new version, both syncs)");
        }

        if (cpu is { } used)
        {
            Console.WriteLine($"server CPU time: {used.TotalMilliseconds / (keystrokes * 2):0.00} ms per keystroke (mean over the measured keystrokes, user + system)");
        }

        return 0;
    }

    /// <summary>The language server tests' 1,000-line document: a block and networks that use it (8 lines each).</summary>
    public static string Document(int lines)
    {
        var builder = new StringBuilder();
        builder.Append("namespace Bench\n");
        builder.Append("block ConvBlock(c, act = relu) = conv3x3(c) > bn > act\n");
        var count = 2;
        for (var n = 0; count < lines; n++)
        {
            builder.Append("network Net").Append(n).Append("(input: 1x28x28, classes: 10, width: 32) {\n");
            builder.Append("    ConvBlock(width) > maxpool\n");
            builder.Append("    > ConvBlock(width * 2) > maxpool\n");
            builder.Append("    > conv3x3(64) > relu > bn > maxpool\n");
            builder.Append("    > residual { conv3x3(64) > bn > relu > conv3x3(64) > bn } > relu\n");
            builder.Append("    > flatten > linear(128) > relu > dropout(0.5) > linear(classes)\n");
            builder.Append("}\n\n");
            count += 8;
        }

        return builder.ToString();
    }

    private static (int Offset, int Line, int Character) DropoutDigit(string text, int occurrence)
    {
        var index = -1;
        for (var i = 0; i <= occurrence; i++)
        {
            index = text.IndexOf("dropout(0.", index + 1, StringComparison.Ordinal);
        }

        var offset = index + "dropout(0.".Length;
        var line = 0;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (offset, line, offset - lineStart);
    }

    private static (string FileName, string Arguments) ServerCommand()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        var dll = typeof(LspLatency).Assembly.Location;
        return Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? (process, $"\"{dll}\" --serve")
            : (process, "--serve");
    }

    private static string Json(object value) => JsonSerializer.Serialize(value);

    private static void Send(Stream input, string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var header = Encoding.ASCII.GetBytes($"Content-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}\r\n\r\n");
        var frame = new byte[header.Length + body.Length];
        header.CopyTo(frame, 0);
        body.CopyTo(frame, header.Length);
        input.Write(frame);
        input.Flush();
    }

    private static (int Version, long Ticks, int Diagnostics) Wait(BlockingCollection<(int Version, long Ticks, int Diagnostics)> published, int version)
    {
        while (true)
        {
            if (!published.TryTake(out var next, TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException($"no diagnostics for version {version} within 30 s");
            }

            if (next.Version == version)
            {
                return next;
            }
        }
    }

    /// <summary>Reads the server's messages; notes the time each publishDiagnostics was read.</summary>
    private static void Read(Stream output, BlockingCollection<(int, long, int)> published)
    {
        var buffer = new byte[1 << 20];
        var length = 0;
        while (true)
        {
            var read = output.Read(buffer, length, buffer.Length - length);
            if (read <= 0)
            {
                published.CompleteAdding();
                return;
            }

            length += read;
            while (true)
            {
                var headerEnd = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
                if (headerEnd < 0)
                {
                    break;
                }

                var header = Encoding.ASCII.GetString(buffer, 0, headerEnd);
                var size = int.Parse(header.Split("Content-Length:", StringSplitOptions.TrimEntries)[1].Split('\r')[0], CultureInfo.InvariantCulture);
                var total = headerEnd + 4 + size;
                if (total > buffer.Length)
                {
                    Array.Resize(ref buffer, total * 2);
                }

                if (length < total)
                {
                    break;
                }

                var ticks = Stopwatch.GetTimestamp();
                var body = buffer.AsSpan(headerEnd + 4, size);
                if (body.IndexOf("\"window/logMessage\""u8) >= 0 && body.IndexOf("\"checked "u8) >= 0)
                {
                    // "checked large.normlab (version N, L lines) in X ms: ...": the server's own time for the check
                    using var json = JsonDocument.Parse(body.ToArray());
                    var message = json.RootElement.GetProperty("params").GetProperty("message").GetString() ?? string.Empty;
                    var at = message.IndexOf(") in ", StringComparison.Ordinal);
                    var end = message.IndexOf(" ms", at + 5, StringComparison.Ordinal);
                    if (at > 0 && end > at && double.TryParse(message.AsSpan(at + 5, end - at - 5), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
                    {
                        CheckTimes.Enqueue(ms);
                    }
                }
                else if (body.IndexOf("\"textDocument/publishDiagnostics\""u8) >= 0)
                {
                    using var json = JsonDocument.Parse(body.ToArray());
                    var parameters = json.RootElement.GetProperty("params");
                    if (parameters.TryGetProperty("version", out var v))
                    {
                        published.Add((v.GetInt32(), ticks, parameters.GetProperty("diagnostics").GetArrayLength()));
                    }
                }

                Buffer.BlockCopy(buffer, total, buffer, 0, length - total);
                length -= total;
            }
        }
    }

    /// <summary>The server's own check times, in the order logged.</summary>
    private static ConcurrentQueue<double> CheckTimes { get; } = new();

    private static TimeSpan? ProcessCpu(Process process)
    {
        try
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
