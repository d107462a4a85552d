using System.Collections.Concurrent;
using System.Text.Json;
using Nerdbank.Streams;
using NormLab.LanguageServer;
using NormLab.LanguageServer.Protocol;
using StreamJsonRpc;

namespace NormLab.LanguageServer.Tests;

/// <summary>The server in-process over a pair of streams, driven by a StreamJsonRpc client.</summary>
public sealed class ServerProtocolTests
{
    private const string Uri = "file:///work/test.normlab";

    private sealed class Client : IAsyncDisposable
    {
        private readonly Stream _clientStream;

        public Client()
        {
            var (serverStream, clientStream) = FullDuplexStream.CreatePair();
            _clientStream = clientStream;
            Log = new StringWriter();
            Server = LspHost.RunAsync(serverStream, serverStream, TextWriter.Synchronized(Log));
            var formatter = new SystemTextJsonFormatter { JsonSerializerOptions = LspJson.Options };
            Rpc = new JsonRpc(new HeaderDelimitedMessageHandler(clientStream, clientStream, formatter));
            Rpc.AddLocalRpcTarget(new Notifications(this));
            Rpc.StartListening();
        }

        public JsonRpc Rpc { get; }

        public Task<int> Server { get; }

        public StringWriter Log { get; }

        public BlockingCollection<JsonElement> Published { get; } = new();

        public ConcurrentQueue<string> Logs { get; } = new();

        public Task<JsonElement> Request(string method, object argument) => Rpc.InvokeWithParameterObjectAsync<JsonElement>(method, argument);

        public Task Notify(string method, object argument) => Rpc.NotifyWithParameterObjectAsync(method, argument);

        public JsonElement NextDiagnostics()
        {
            Assert.True(Published.TryTake(out var published, TimeSpan.FromSeconds(20)), "no diagnostics were published");
            return published;
        }

        public async Task Initialize(int? debounceMs)
        {
            var result = debounceMs is null
                ? await Request("initialize", new { processId = (int?)null, capabilities = new { } })
                : await Request("initialize", new { processId = (int?)null, capabilities = new { }, initializationOptions = new { debounceMs } });
            Assert.Equal("normlab", result.GetProperty("serverInfo").GetProperty("name").GetString());
            await Notify("initialized", new { });
        }

        public async ValueTask DisposeAsync()
        {
            Rpc.Dispose();
            await _clientStream.DisposeAsync();
        }
    }

    /// <summary>What the server sends to the client.</summary>
    private sealed class Notifications
    {
        private readonly Client _client;

        public Notifications(Client client) => _client = client;

        [JsonRpcMethod("textDocument/publishDiagnostics", UseSingleObjectParameterDeserialization = true)]
        public void PublishDiagnostics(JsonElement published) => _client.Published.Add(published.Clone());

        [JsonRpcMethod("window/logMessage", UseSingleObjectParameterDeserialization = true)]
        public void LogMessage(JsonElement message) => _client.Logs.Enqueue(message.GetProperty("message").GetString()!);
    }

    [Fact]
    public async Task OpenPublishesDiagnosticsAndShutdownThenExitEndsWithZero()
    {
        await using var client = new Client();
        await client.Initialize(0);
        await client.Notify("textDocument/didOpen", new { textDocument = new { uri = Uri, languageId = "normlab", version = 1, text = "network N(input: 1x8x8) {\n    relu > bn > gap > linear(2)\n}\n" } });
        var published = client.NextDiagnostics();
        Assert.Equal(Uri, published.GetProperty("uri").GetString());
        Assert.Equal(1, published.GetProperty("version").GetInt32());
        var diagnostic = published.GetProperty("diagnostics").EnumerateArray().First(d => d.GetProperty("code").GetString() == "NL1001");
        Assert.Equal("normlab", diagnostic.GetProperty("source").GetString());
        Assert.Equal(2, diagnostic.GetProperty("severity").GetInt32());
        Assert.Equal(1, diagnostic.GetProperty("range").GetProperty("start").GetProperty("line").GetInt32());
        Assert.Equal(11, diagnostic.GetProperty("range").GetProperty("start").GetProperty("character").GetInt32());
        Assert.EndsWith("/docs/diagnostics/NL1001.md", diagnostic.GetProperty("codeDescription").GetProperty("href").GetString(), StringComparison.Ordinal);
        Assert.False(diagnostic.TryGetProperty("tags", out _));

        var shutdown = await client.Request("shutdown", new { });
        Assert.Equal(JsonValueKind.Null, shutdown.ValueKind);
        await client.Notify("exit", new { });
        Assert.Equal(0, await client.Server.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task HiddenDiagnosticsAreHintsWithoutTags()
    {
        await using var client = new Client();
        await client.Initialize(0);
        await client.Notify("textDocument/didOpen", new { textDocument = new { uri = Uri, languageId = "normlab", version = 1, text = "network N(input: 1x8x8, classes: 2) {\n    conv3x3(8) > bn > relu > maxpool > flatten > linear(2)\n}\n" } });
        var hint = client.NextDiagnostics().GetProperty("diagnostics").EnumerateArray().Single(d => d.GetProperty("code").GetString() == "NL1009");
        Assert.Equal(4, hint.GetProperty("severity").GetInt32());
        Assert.False(hint.TryGetProperty("tags", out _));
    }

    [Fact]
    public async Task ChangesAreIncrementalAndTheirDiagnosticsDebounced()
    {
        await using var client = new Client();
        // the burst below is six notifications written back to back in-process: far less than a second apart even
        // on a busy machine; nothing else in the test depends on time (it waits for versions, not for windows)
        await client.Initialize(1000);
        const string text = "network N(input: 1x8x8, classes: 2) {\n    conv3x3(8) > bn > relu > gap > linear(2)\n}\n";
        await client.Notify("textDocument/didOpen", new { textDocument = new { uri = Uri, languageId = "normlab", version = 1, text } });
        Assert.Equal(1, client.NextDiagnostics().GetProperty("version").GetInt32());

        // type "(3)" after "linear(2" one character at a time: 2 → 23 → 2 → 2x (an error) → 2
        var edits = new[] { ("3", 43, 43), (string.Empty, 43, 44), ("x", 43, 43), (string.Empty, 43, 44), ("0", 43, 43), (string.Empty, 43, 44) };
        var version = 1;
        foreach (var (newText, start, end) in edits)
        {
            await client.Notify("textDocument/didChange", new
            {
                textDocument = new { uri = Uri, version = ++version },
                contentChanges = new[] { new { range = new { start = new { line = 1, character = start }, end = new { line = 1, character = end } }, text = newText } },
            });
        }

        // one publish for the burst: the first one after it is of its last version
        var last = client.NextDiagnostics();
        Assert.Equal(version, last.GetProperty("version").GetInt32());
        Assert.Empty(last.GetProperty("diagnostics").EnumerateArray());

        var hover = await client.Request("textDocument/hover", new { textDocument = new { uri = Uri }, position = new { line = 1, character = 40 } });
        Assert.Contains("Output shape: `2`", hover.GetProperty("contents").GetProperty("value").GetString(), StringComparison.Ordinal);

        // and no later one for it: the next publish is the next change's (an error: "linear(2x)")
        await client.Notify("textDocument/didChange", new
        {
            textDocument = new { uri = Uri, version = ++version },
            contentChanges = new[] { new { range = new { start = new { line = 1, character = 43 }, end = new { line = 1, character = 43 } }, text = "x" } },
        });
        var next = client.NextDiagnostics();
        Assert.Equal(version, next.GetProperty("version").GetInt32());
        Assert.NotEmpty(next.GetProperty("diagnostics").EnumerateArray());
        Assert.Contains(client.Logs, l => l.StartsWith("checked test.normlab (version 7", StringComparison.Ordinal));
        Assert.DoesNotContain(client.Logs, l => l.StartsWith("checked test.normlab (version 2", StringComparison.Ordinal));
    }

    [Fact]
    public void ByDefaultOnlyASlowCheckWaitsForTypingToPause()
    {
        Assert.Equal(TimeSpan.Zero, Server.DelayBeforeCheck(null, TimeSpan.FromMilliseconds(1)));
        Assert.Equal(TimeSpan.Zero, Server.DelayBeforeCheck(null, Server.FastCheck));
        Assert.Equal(Server.SlowCheckDebounce, Server.DelayBeforeCheck(null, Server.FastCheck + TimeSpan.FromMilliseconds(1)));
        Assert.Equal(TimeSpan.FromMilliseconds(300), Server.DelayBeforeCheck(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(1)));
        Assert.Equal(TimeSpan.Zero, Server.DelayBeforeCheck(TimeSpan.Zero, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task WithDefaultSettingsAFastCheckPublishesEveryChange()
    {
        await using var client = new Client();
        await client.Initialize(null);
        const string text = "network N(input: 1x8x8, classes: 2) {\n    conv3x3(8) > bn > relu > gap > linear(2)\n}\n";
        await client.Notify("textDocument/didOpen", new { textDocument = new { uri = Uri, languageId = "normlab", version = 1, text } });
        Assert.Equal(1, client.NextDiagnostics().GetProperty("version").GetInt32());

        // a few changes one at a time (the first checks of a process run code not yet compiled), then a burst of three:
        // each check takes well under a millisecond, so none waits for the burst to end (only a check slowed past 25 ms
        // by a stalled machine would make the next change wait)
        for (var version = 2; version <= 10; version++)
        {
            await client.Notify("textDocument/didChange", new
            {
                textDocument = new { uri = Uri, version },
                contentChanges = new[] { new { range = new { start = new { line = 1, character = 43 }, end = new { line = 1, character = version % 2 == 0 ? 43 : 44 } }, text = version % 2 == 0 ? "3" : string.Empty } },
            });
            if (version <= 7)
            {
                Assert.Equal(version, client.NextDiagnostics().GetProperty("version").GetInt32());
            }
        }

        var versions = new List<int>();
        while (versions.LastOrDefault() != 10)
        {
            versions.Add(client.NextDiagnostics().GetProperty("version").GetInt32());
        }

        Assert.True(versions.Count >= 2, "versions published: " + string.Join(", ", versions));
    }

    [Fact]
    public async Task PositionsPastTheEndOfALineOrOfTheTextAreClampedNotRefused()
    {
        await using var client = new Client();
        await client.Initialize(0);
        const string text = "network N(input: 1x8x8, classes: 2) {\n    conv3x3(8) > bn > relu > gap > linear(2)\n}\n";
        await client.Notify("textDocument/didOpen", new { textDocument = new { uri = Uri, languageId = "normlab", version = 1, text } });
        client.NextDiagnostics();

        // a character past the end of line 1 is the end of line 1 (after "linear(2)"), not the next line
        var atEnd = await client.Request("textDocument/hover", new { textDocument = new { uri = Uri }, position = new { line = 1, character = 44 } });
        foreach (var character in new long[] { 45, 1000, int.MaxValue, uint.MaxValue })
        {
            var past = await client.Request("textDocument/hover", new { textDocument = new { uri = Uri }, position = new { line = 1, character } });
            Assert.Equal(atEnd.GetRawText(), past.GetRawText());
        }

        var completionAtEnd = await client.Request("textDocument/completion", new { textDocument = new { uri = Uri }, position = new { line = 3, character = 0 } });
        foreach (var (line, character) in new (long, long)[] { (3, 7), (40, 0), (int.MaxValue, int.MaxValue), (uint.MaxValue, 0) })
        {
            var past = await client.Request("textDocument/completion", new { textDocument = new { uri = Uri }, position = new { line, character } });
            Assert.Equal(completionAtEnd.GetRawText(), past.GetRawText());
        }

        await client.Request("textDocument/definition", new { textDocument = new { uri = Uri }, position = new { line = 99, character = 99 } });
        await client.Request("textDocument/codeAction", new
        {
            textDocument = new { uri = Uri },
            range = new { start = new { line = 1, character = 500 }, end = new { line = 800, character = 0 } },
            context = new { diagnostics = Array.Empty<object>() },
        });

        // "linear(2)" becomes "linear(2x)" (an error), then "linear(2)" again, and " > relu" is appended by an edit
        // past the end of line 1 (4e9: more than an int), a comment by one past the end of the text: all applied
        await client.Notify("textDocument/didChange", new
        {
            textDocument = new { uri = Uri, version = 2 },
            contentChanges = new[] { new { range = new { start = new { line = 1, character = 43 }, end = new { line = 1, character = 43 } }, text = "x" } },
        });
        var broken = client.NextDiagnostics();
        Assert.Equal(2, broken.GetProperty("version").GetInt32());
        Assert.NotEmpty(broken.GetProperty("diagnostics").EnumerateArray());
        await client.Notify("textDocument/didChange", new
        {
            textDocument = new { uri = Uri, version = 3 },
            contentChanges = new object[]
            {
                new { range = new { start = new { line = 1, character = 43 }, end = new { line = 1, character = 44 } }, text = string.Empty },
                new { range = new { start = new { line = 1, character = 4000000000L }, end = new { line = 1, character = 4000000000L } }, text = " > relu" },
                new { range = new { start = new { line = 50, character = 0 }, end = new { line = 60, character = 3 } }, text = "// end\n" },
            },
        });
        var fixedAgain = client.NextDiagnostics();
        Assert.Equal(3, fixedAgain.GetProperty("version").GetInt32());
        var endsWithRelu = Assert.Single(fixedAgain.GetProperty("diagnostics").EnumerateArray()); // NL1007 on "relu" at the end of line 1
        Assert.Equal("NL1007", endsWithRelu.GetProperty("code").GetString());
        Assert.Equal(1, endsWithRelu.GetProperty("range").GetProperty("start").GetProperty("line").GetInt32());
        Assert.Equal(47, endsWithRelu.GetProperty("range").GetProperty("start").GetProperty("character").GetInt32());
        Assert.DoesNotContain("failed", client.Log.ToString(), StringComparison.Ordinal);

        var formatting = await client.Request("textDocument/formatting", new { textDocument = new { uri = Uri }, options = new { tabSize = 4, insertSpaces = true } });
        Assert.Equal(JsonValueKind.Array, formatting.ValueKind);
    }

    [Fact]
    public async Task AFailingRequestIsAnErrorResponseAndTheServerGoesOn()
    {
        await using var client = new Client();
        await client.Initialize(0);
        // invalid params: the client's mistake, not the server's (StreamJsonRpc's client reads -32602 as this exception)
        var error = await Assert.ThrowsAsync<RemoteMethodNotFoundException>(() =>
            client.Request("textDocument/hover", new { textDocument = new { uri = "file:///not/open.normlab" }, position = new { line = 0, character = 0 } }));
        Assert.Equal(-32602, (int)error.ErrorCode);
        Assert.Contains("not open", error.Message, StringComparison.Ordinal);
        Assert.Contains("textDocument/hover: Invalid params: the document file:///not/open.normlab is not open.", client.Log.ToString(), StringComparison.Ordinal);

        // a notification about a document that is not open is logged on one line, not answered
        await client.Notify("textDocument/didChange", new { textDocument = new { uri = "file:///not/open.normlab", version = 2 }, contentChanges = new[] { new { text = "x" } } });
        await client.Notify("textDocument/didOpen", new { textDocument = new { uri = Uri, languageId = "normlab", version = 1, text = "network N(input: 4) { linear(2) }" } });
        Assert.Equal(Uri, client.NextDiagnostics().GetProperty("uri").GetString());
        Assert.Contains("textDocument/didChange: Invalid params: the document file:///not/open.normlab is not open.", client.Log.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("failed", client.Log.ToString(), StringComparison.Ordinal);

        var symbols = await client.Request("textDocument/documentSymbol", new { textDocument = new { uri = Uri } });
        Assert.Equal("N", symbols[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task RequestsBeforeInitializeAreRefusedAndExitWithoutShutdownIsOne()
    {
        await using var client = new Client();
        var error = await Assert.ThrowsAsync<RemoteInvocationException>(() =>
            client.Request("textDocument/hover", new { textDocument = new { uri = Uri }, position = new { line = 0, character = 0 } }));
        Assert.Equal(-32002, error.ErrorCode);
        await client.Notify("exit", new { });
        Assert.Equal(1, await client.Server.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task TheEndOfTheInputEndsTheServer()
    {
        var client = new Client();
        await client.Initialize(0);
        await client.DisposeAsync();
        Assert.Equal(1, await client.Server.WaitAsync(TimeSpan.FromSeconds(20)));
    }
}
