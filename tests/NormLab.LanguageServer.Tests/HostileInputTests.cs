using System.Globalization;
using System.Text;
using System.Text.Json;
using System.IO.Pipes;

namespace NormLab.LanguageServer.Tests;

/// <summary>
/// What a careless or hostile client sends, over raw streams: bodies that are not JSON, bodies that are not
/// JSON-RPC, a Content-Length far over the limit. The server answers with the protocol's errors and goes on.
/// Not in parallel with other tests: two of them count the bytes the process allocates.
/// </summary>
[Collection(Name)]
public sealed partial class HostileInputTests
{
    public const string Name = "Hostile input (counts allocations)";

    /// <summary>The server in-process; the test writes and reads the frames itself.</summary>
    /// The streams are operating-system pipes, which allocate nothing per write (as a real editor's would).
    private sealed class RawClient : IAsyncDisposable
    {
        private readonly AnonymousPipeServerStream _toServer = new(PipeDirection.Out);
        private readonly AnonymousPipeServerStream _fromServer = new(PipeDirection.In);
        private readonly byte[] _one = new byte[1];

        public RawClient()
        {
            var input = new AnonymousPipeClientStream(PipeDirection.In, _toServer.ClientSafePipeHandle);
            var output = new AnonymousPipeClientStream(PipeDirection.Out, _fromServer.ClientSafePipeHandle);
            Server = Task.Run(() => LspHost.RunAsync(input, output, TextWriter.Synchronized(Log)));
        }

        public Task<int> Server { get; }

        public StringWriter Log { get; } = new();

        public Task SendBody(string body) => SendBody(Encoding.UTF8.GetBytes(body));

        public async Task SendBody(byte[] body)
        {
            await SendHeader(body.Length);
            await _toServer.WriteAsync(body);
            await _toServer.FlushAsync();
        }

        public async Task SendHeader(long length)
        {
            await _toServer.WriteAsync(Encoding.ASCII.GetBytes($"Content-Length: {length.ToString(CultureInfo.InvariantCulture)}\r\n\r\n"));
            await _toServer.FlushAsync();
        }

        public async Task SendRaw(ReadOnlyMemory<byte> bytes)
        {
            await _toServer.WriteAsync(bytes);
            await _toServer.FlushAsync();
        }

        public Task Request(int id, string method, string @params) =>
            SendBody($"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"{method}\",\"params\":{@params}}}");

        public Task Notify(string method, string @params) =>
            SendBody($"{{\"jsonrpc\":\"2.0\",\"method\":\"{method}\",\"params\":{@params}}}");

        /// <summary>The next notification of <paramref name="method"/>, within 20 s (others are skipped).</summary>
        public async Task<JsonElement> NextNotification(string method)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (true)
            {
                var message = await Next(timeout.Token);
                if (message.TryGetProperty("method", out var name) && name.GetString() == method)
                {
                    return message;
                }
            }
        }

        /// <summary>The next message that is not a notification (a response or an error), within 20 s.</summary>
        public async Task<JsonElement> NextResponse()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (true)
            {
                var message = await Next(timeout.Token);
                if (!message.TryGetProperty("method", out _))
                {
                    return message;
                }
            }
        }

        private async Task<JsonElement> Next(CancellationToken cancellationToken)
        {
            var length = -1;
            var line = new StringBuilder();
            while (true)
            {
                Assert.Equal(1, await _fromServer.ReadAsync(_one, cancellationToken));
                var c = (char)_one[0];
                if (c == '\r')
                {
                    continue;
                }

                if (c != '\n')
                {
                    line.Append(c);
                    continue;
                }

                if (line.Length == 0)
                {
                    break;
                }

                var header = line.ToString();
                line.Clear();
                if (header.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                {
                    length = int.Parse(header["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
                }
            }

            Assert.True(length >= 0, "a message without Content-Length");
            var body = new byte[length];
            await _fromServer.ReadExactlyAsync(body, cancellationToken);
            return JsonDocument.Parse(body).RootElement.Clone();
        }

        public async Task Initialize()
        {
            await Request(1, "initialize", "{\"processId\":null,\"capabilities\":{},\"initializationOptions\":{\"debounceMs\":0}}");
            var result = await NextResponse();
            Assert.Equal(1, result.GetProperty("id").GetInt32());
            await Notify("initialized", "{}");
        }

        /// <summary>A request the server answers (documentSymbol of a closed document is an error, but an answer).</summary>
        public async Task AssertStillServing(int id)
        {
            await Request(id, "shutdown", "null");
            var response = await NextResponse();
            Assert.Equal(id, response.GetProperty("id").GetInt32());
            Assert.Equal(JsonValueKind.Null, response.GetProperty("result").ValueKind);
        }

        public async ValueTask DisposeAsync()
        {
            await _toServer.DisposeAsync(); // the end of the server's input
            if (await Task.WhenAny(Server, Task.Delay(TimeSpan.FromSeconds(20))) == Server)
            {
                await _fromServer.DisposeAsync();
            }
        }
    }

    private static void AssertError(JsonElement response, int code, JsonValueKind id = JsonValueKind.Null)
    {
        Assert.Equal("2.0", response.GetProperty("jsonrpc").GetString());
        Assert.True(response.TryGetProperty("id", out var value), "an error response without id: " + response.GetRawText());
        Assert.Equal(id, value.ValueKind);
        Assert.Equal(code, response.GetProperty("error").GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrEmpty(response.GetProperty("error").GetProperty("message").GetString()));
    }

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":")]
    [InlineData("this is not json")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"shutdown\"}}")]
    [InlineData("\u00ff\u00fe")]
    // JSON whose strings hold bytes that are no UTF-8 (found by the fuzzer: it ended the connection)
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":\"\u00ff\u00fe\",\"result\":\"x\"}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"textDocument/hover\",\"params\":{\"textDocument\":{\"uri\":\"file:///\u00c3\"}}}")]
    public async Task ABodyThatIsNotJsonIsAParseErrorAndTheServerGoesOn(string body)
    {
        await using var client = new RawClient();
        await client.Initialize();
        await client.SendBody(Encoding.Latin1.GetBytes(body));
        AssertError(await client.NextResponse(), -32700);
        await client.AssertStillServing(3);
        Assert.False(client.Server.IsCompleted);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":12}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":8}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":null,\"params\":{}}")]
    public async Task JsonThatIsNoJsonRpcMessageIsAnInvalidRequestAndTheServerGoesOn(string body)
    {
        await using var client = new RawClient();
        await client.Initialize();
        await client.SendBody(body);
        var response = await client.NextResponse();
        Assert.Equal(-32600, response.GetProperty("error").GetProperty("code").GetInt32());
        await client.AssertStillServing(3);
    }

    /// <summary>
    /// A request whose params lack what the protocol requires, or name a document the client did not open, is the
    /// client's mistake: invalid params (-32602) with the request's id, never an internal error (-32603).
    /// </summary>
    [Theory]
    [InlineData("textDocument/hover", "null")]
    [InlineData("textDocument/hover", "{}")]
    [InlineData("textDocument/hover", "{\"textDocument\":null,\"position\":{\"line\":0,\"character\":0}}")]
    [InlineData("textDocument/hover", "{\"textDocument\":{},\"position\":{\"line\":0,\"character\":0}}")]
    [InlineData("textDocument/hover", "{\"textDocument\":{\"uri\":\"file:///open.normlab\"},\"position\":null}")]
    [InlineData("textDocument/hover", "{\"textDocument\":{\"uri\":\"file:///not-open.normlab\"},\"position\":{\"line\":0,\"character\":0}}")]
    [InlineData("textDocument/completion", "{\"textDocument\":{\"uri\":\"file:///open.normlab\"}}")]
    [InlineData("textDocument/completion", "{\"textDocument\":{\"uri\":\"file:///not-open.normlab\"},\"position\":{\"line\":0,\"character\":0}}")]
    [InlineData("textDocument/definition", "{\"position\":{\"line\":0,\"character\":0}}")]
    [InlineData("textDocument/documentSymbol", "{}")]
    [InlineData("textDocument/documentSymbol", "{\"textDocument\":{\"uri\":\"file:///not-open.normlab\"}}")]
    [InlineData("textDocument/formatting", "{\"textDocument\":{\"uri\":\"file:///not-open.normlab\"},\"options\":{\"tabSize\":4,\"insertSpaces\":true}}")]
    [InlineData("textDocument/formatting", "null")]
    [InlineData("textDocument/codeAction", "{\"textDocument\":{\"uri\":\"file:///open.normlab\"},\"range\":null,\"context\":{\"diagnostics\":[]}}")]
    [InlineData("textDocument/codeAction", "{\"textDocument\":{\"uri\":\"file:///open.normlab\"},\"range\":{\"start\":null,\"end\":{\"line\":0,\"character\":0}},\"context\":{\"diagnostics\":[]}}")]
    [InlineData("textDocument/codeAction", "{\"textDocument\":{\"uri\":\"file:///open.normlab\"},\"range\":{\"start\":{\"line\":0,\"character\":0},\"end\":{\"line\":0,\"character\":0}},\"context\":null}")]
    [InlineData("textDocument/codeAction", "{\"textDocument\":{\"uri\":\"file:///not-open.normlab\"},\"range\":{\"start\":{\"line\":0,\"character\":0},\"end\":{\"line\":0,\"character\":0}},\"context\":{\"diagnostics\":[]}}")]
    public async Task ARequestWithMissingParamsOrAnUnopenedDocumentIsInvalidParams(string method, string @params)
    {
        await using var client = new RawClient();
        await client.Initialize();
        await client.Notify("textDocument/didOpen", "{\"textDocument\":{\"uri\":\"file:///open.normlab\",\"languageId\":\"normlab\",\"version\":1,\"text\":\"network N(input: 4) { linear(2) }\"}}");
        await client.Request(5, method, @params);
        var response = await client.NextResponse();
        AssertError(response, -32602, JsonValueKind.Number);
        Assert.Equal(5, response.GetProperty("id").GetInt32());
        Assert.DoesNotContain("failed", client.Log.ToString(), StringComparison.Ordinal);
        await client.AssertStillServing(6);
    }

    /// <summary>A response the server never asked for (a confused client) is ignored; it used to end the connection (found by the fuzzer).</summary>
    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":41,\"result\":{}}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":null}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":42,\"error\":{\"code\":-32601,\"message\":\"no\"}}")]
    public async Task AResponseToNoRequestIsIgnoredAndTheServerGoesOn(string body)
    {
        await using var client = new RawClient();
        await client.Initialize();
        await client.SendBody(body);
        await client.AssertStillServing(3);
        Assert.False(client.Server.IsCompleted);
    }

    [Fact]
    public async Task AMessageOverTheLimitIsAnsweredAndSkippedWithoutBeingBuffered()
    {
        await using var client = new RawClient();
        await client.Initialize();

        // 40 MiB announced and sent, in 1 MiB pieces of a body that would be valid JSON had it been read
        const long length = 40L * 1024 * 1024;

        // the count is the whole process's: wait until servers of earlier tests in this process have gone quiet
        // (under 1 MiB in 100 ms, for at most 10 s), so that only this message's handling is measured
        for (var waited = 0; waited < 100; waited++)
        {
            var start = GC.GetTotalAllocatedBytes(precise: true);
            await Task.Delay(100);
            if (GC.GetTotalAllocatedBytes(precise: true) - start < 1024 * 1024)
            {
                break;
            }
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        await client.SendHeader(length);
        AssertError(await client.NextResponse(), -32600); // answered at once, before the body is skipped
        var piece = Encoding.ASCII.GetBytes(new string(' ', 1024 * 1024));
        for (long sent = 0; sent < length; sent += piece.Length)
        {
            await client.SendRaw(piece);
        }

        await client.AssertStillServing(3);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(allocated < length / 2, $"{allocated / 1024 / 1024} MiB allocated while a 40 MiB message was skipped");
        Assert.Contains("over the limit", client.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHugeContentLengthWithASmallBodyIsAnsweredAtOnceAndBuffersNothing()
    {
        await using var client = new RawClient();
        await client.Initialize();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await client.SendHeader(int.MaxValue);
        await client.SendRaw(Encoding.ASCII.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"shutdown\"}"));
        AssertError(await client.NextResponse(), -32600);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 16L * 1024 * 1024);
        Assert.False(client.Server.IsCompleted); // still skipping the announced body, not failed

        await client.DisposeAsync();
        Assert.Equal(1, await client.Server.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    private static string Open(string text) =>
        $"{{\"textDocument\":{{\"uri\":\"file:///big.normlab\",\"languageId\":\"normlab\",\"version\":1,\"text\":{JsonSerializer.Serialize(text)}}}}}";

    [Fact]
    public async Task ADocumentOverTheLimitGetsOneDiagnosticAndIsNotAnalysed()
    {
        await using var client = new RawClient();
        await client.Initialize();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await client.Notify("textDocument/didOpen", Open(new string('@', 5 * 1000 * 1000))); // 5 MB of bad characters
        var published = await client.NextNotification("textDocument/publishDiagnostics");
        var diagnostic = Assert.Single(published.GetProperty("params").GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("document too large to analyse (4.8 MiB; limit 4 MiB)", diagnostic.GetProperty("message").GetString());

        await client.Request(2, "textDocument/hover", "{\"textDocument\":{\"uri\":\"file:///big.normlab\"},\"position\":{\"line\":0,\"character\":5}}");
        Assert.Equal(JsonValueKind.Null, (await client.NextResponse()).GetProperty("result").ValueKind);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(allocated < 256L * 1024 * 1024, $"{allocated / 1024 / 1024} MiB allocated for a 5 MB document");

        // made small again, it is analysed again
        await client.Notify("textDocument/didChange", "{\"textDocument\":{\"uri\":\"file:///big.normlab\",\"version\":2},\"contentChanges\":[{\"range\":{\"start\":{\"line\":0,\"character\":3},\"end\":{\"line\":0,\"character\":9999999}},\"text\":\"\"}]}");
        published = await client.NextNotification("textDocument/publishDiagnostics");
        Assert.Equal(2, published.GetProperty("params").GetProperty("version").GetInt32());
        Assert.All(published.GetProperty("params").GetProperty("diagnostics").EnumerateArray(), d => Assert.Equal("NL0001", d.GetProperty("code").GetString()));
    }

    /// <summary>
    /// When the input ends while the first check of a large document runs, the server ends cleanly (the check stops
    /// between networks: see IncrementalAnalysisTests for the analyzer's side; the fuzzer saw slow ends under load).
    /// </summary>
    [Fact]
    public async Task TheEndOfTheInputStopsACheckInFlight()
    {
        var client = new RawClient();
        await client.Initialize();
        var text = new StringBuilder();
        for (var i = 0; text.Length < 3_500_000; i++)
        {
            text.Append("network N").Append(i).Append("(input: 1x28x28) { conv3x3(8) > bn > relu > maxpool > flatten > linear(10) }\n");
        }

        await client.Notify("textDocument/didOpen", Open(text.ToString()));
        await client.DisposeAsync(); // the end of the input, while the server checks the 3.5 MB document
        Assert.Equal(1, await client.Server.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.DoesNotContain("failed", client.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AtMostAThousandDiagnosticsArePublishedForADocument()
    {
        await using var client = new RawClient();
        await client.Initialize();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await client.Notify("textDocument/didOpen", Open(string.Concat(Enumerable.Repeat("@x ", 50_000)))); // each '@' a diagnostic (a run of them is one)
        var diagnostics = (await client.NextNotification("textDocument/publishDiagnostics")).GetProperty("params").GetProperty("diagnostics");
        Assert.Equal(1000, diagnostics.GetArrayLength());
        Assert.Contains("more problems are not shown", diagnostics[999].GetProperty("message").GetString(), StringComparison.Ordinal);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(allocated < 512L * 1024 * 1024, $"{allocated / 1024 / 1024} MiB allocated for 50,000 bad characters");
    }

    [Fact]
    public async Task HeadersThatCannotBeFramedEndTheConnectionWithALogMessage()
    {
        await using var client = new RawClient();
        await client.Initialize();
        await client.SendRaw(Encoding.ASCII.GetBytes("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}"));
        Assert.Equal(1, await client.Server.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("no valid Content-Length", client.Log.ToString(), StringComparison.Ordinal);
    }
}

[CollectionDefinition(HostileInputTests.Name, DisableParallelization = true)]
public sealed class HostileInputCollection
{
}
