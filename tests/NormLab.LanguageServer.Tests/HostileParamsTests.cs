using System.Text.Json;
using System.Text.Json.Nodes;
using NormLab.LanguageServer.Protocol;

namespace NormLab.LanguageServer.Tests;

/// <summary>
/// Every handler the server registers, reached with params that lack a member, hold null where the protocol wants a
/// value, or hold the wrong kind of JSON: as a request the answer is invalid params (-32602) with the request's id and
/// one line that names the member; as a notification nothing is answered and one line is logged. Never an internal
/// error, never a handler failing on a null (found by tools/NormLab.Fuzz --target protocol: didClose sent as a request
/// with its textDocument missing failed with NullReferenceException and ArgumentNullException).
/// </summary>
public sealed partial class HostileInputTests
{
    private const string Uri = "file:///open.normlab";
    private const string Source = "network N(input: 4) { linear(2) }";

    /// <summary>A handler's valid params; members that may be left out, and members that may be null.</summary>
    private static readonly Dictionary<string, (string Valid, string[] Removable, string[] Nullable)> Handlers = new()
    {
        ["initialize"] = ("{\"processId\":1,\"rootUri\":\"file:///r\"}", new[] { "processId", "rootUri" }, new[] { "processId", "rootUri" }),
        ["textDocument/didOpen"] = ("{\"textDocument\":{\"uri\":\"file:///other.normlab\",\"languageId\":\"normlab\",\"version\":1,\"text\":\"x\"}}", new[] { "textDocument.languageId" }, new[] { "textDocument.languageId" }),
        ["textDocument/didChange"] = ("{\"textDocument\":{\"uri\":\"" + Uri + "\",\"version\":2},\"contentChanges\":[{\"range\":{\"start\":{\"line\":0,\"character\":0},\"end\":{\"line\":0,\"character\":0}},\"text\":\"\"}]}", new[] { "contentChanges[0].range" }, new[] { "contentChanges[0].range" }),
        ["textDocument/didClose"] = ("{\"textDocument\":{\"uri\":\"" + Uri + "\"}}", Array.Empty<string>(), Array.Empty<string>()),
        ["textDocument/hover"] = ("{\"textDocument\":{\"uri\":\"" + Uri + "\"},\"position\":{\"line\":0,\"character\":9}}", Array.Empty<string>(), Array.Empty<string>()),
        ["textDocument/completion"] = ("{\"textDocument\":{\"uri\":\"" + Uri + "\"},\"position\":{\"line\":0,\"character\":9}}", Array.Empty<string>(), Array.Empty<string>()),
        ["textDocument/definition"] = ("{\"textDocument\":{\"uri\":\"" + Uri + "\"},\"position\":{\"line\":0,\"character\":9}}", Array.Empty<string>(), Array.Empty<string>()),
        ["textDocument/documentSymbol"] = ("{\"textDocument\":{\"uri\":\"" + Uri + "\"}}", Array.Empty<string>(), Array.Empty<string>()),
        ["textDocument/formatting"] = ("{\"textDocument\":{\"uri\":\"" + Uri + "\"},\"options\":{\"tabSize\":4,\"insertSpaces\":true}}", new[] { "options", "options.tabSize", "options.insertSpaces" }, new[] { "options" }),
        ["textDocument/codeAction"] = ("{\"textDocument\":{\"uri\":\"" + Uri + "\"},\"range\":{\"start\":{\"line\":0,\"character\":0},\"end\":{\"line\":0,\"character\":5}},\"context\":{\"only\":[\"quickfix\"]}}", new[] { "context.only" }, new[] { "context.only" }),
    };

    public static TheoryData<string> HandlerNames() => new(Handlers.Keys);

    /// <summary>
    /// The params made invalid one member at a time: each member left out (where it is required), null (where it may
    /// not be) and of the wrong kind; and the params themselves absent, null and an array. Each with the member the
    /// message must name.
    /// </summary>
    private static List<(string Params, string Names)> Broken(string method)
    {
        var (valid, removable, nullable) = Handlers[method];
        var broken = new List<(string, string)>
        {
            ("null", "Invalid params: the message has no params."),
            ("[]", "Invalid params: params is an array, not an object."),
            ("[{}]", "Invalid params: params is an array, not an object."),
        };

        void Walk(JsonNode node, string path)
        {
            IEnumerable<(string Name, JsonNode? Child)> children = node switch
            {
                JsonObject o => o.Select(p => (p.Key, p.Value)).ToList(),
                JsonArray a => a.Select((c, i) => ($"[{i}]", c)).ToList(),
                _ => Array.Empty<(string, JsonNode?)>(),
            };

            foreach (var (name, child) in children)
            {
                var member = name.StartsWith('[') ? path + name : path.Length == 0 ? name : path + "." + name;
                string With(Action<JsonNode> change)
                {
                    var copy = JsonNode.Parse(valid)!;
                    change(copy);
                    return copy.ToJsonString();
                }

                void Set(JsonNode copy, JsonNode? value)
                {
                    var parent = Locate(copy, path);
                    if (parent is JsonArray array)
                    {
                        array[int.Parse(name.Trim('[', ']'), System.Globalization.CultureInfo.InvariantCulture)] = value;
                    }
                    else
                    {
                        parent![name] = value;
                    }
                }

                if (!removable.Contains(member) && node is JsonObject)
                {
                    broken.Add((With(copy => ((JsonObject)Locate(copy, path)!).Remove(name)), $"Invalid params: params.{member} is missing."));
                }

                if (!nullable.Contains(member))
                {
                    broken.Add((With(copy => Set(copy, null)), $"Invalid params: params.{member} is null."));
                }

                var wrong = child!.GetValueKind() == JsonValueKind.Number ? JsonValue.Create("7") : JsonValue.Create(7);
                broken.Add((With(copy => Set(copy, wrong)), $"Invalid params: params.{member} is a "));
                Walk(child, member);
            }
        }

        Walk(JsonNode.Parse(valid)!, string.Empty);
        return broken;
    }

    private static JsonNode? Locate(JsonNode root, string path)
    {
        var node = root;
        foreach (var part in path.Replace("[", ".[", StringComparison.Ordinal).Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            node = part.StartsWith('[')
                ? node![int.Parse(part.Trim('[', ']'), System.Globalization.CultureInfo.InvariantCulture)]
                : node![part];
        }

        return node;
    }

    [Theory]
    [MemberData(nameof(HandlerNames))]
    public async Task EveryHandlerSentAsARequestAnswersBrokenParamsWithInvalidParamsNamingTheMember(string method)
    {
        var broken = Broken(method);
        Assert.True(broken.Count >= 5, $"{method}: only {broken.Count} broken params");
        await using var client = new RawClient();
        await client.Initialize();
        await client.Notify("textDocument/didOpen", "{\"textDocument\":{\"uri\":\"" + Uri + "\",\"languageId\":\"normlab\",\"version\":1,\"text\":\"" + Source + "\"}}");
        var id = 100;
        foreach (var (@params, names) in broken)
        {
            await client.Request(++id, method, @params);
            var response = await client.NextResponse();
            Assert.True(response.TryGetProperty("error", out var error), $"{method} {@params}: answered {response.GetRawText()}");
            Assert.Equal(id, response.GetProperty("id").GetInt32());
            Assert.True(-32602 == error.GetProperty("code").GetInt32(), $"{method} {@params}: {error.GetRawText()}");
            var message = error.GetProperty("message").GetString()!;
            Assert.StartsWith(names, message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', message);
            Assert.False(error.TryGetProperty("data", out _), "no exception details to the client: " + error.GetRawText());
        }

        // the params left out altogether
        await client.SendBody($"{{\"jsonrpc\":\"2.0\",\"id\":{++id},\"method\":\"{method}\"}}");
        var absent = await client.NextResponse();
        Assert.Equal(id, absent.GetProperty("id").GetInt32());
        Assert.Equal("Invalid params: the message has no params.", absent.GetProperty("error").GetProperty("message").GetString());

        // the control: the valid params are served (a notification's handler sent as a request answers null)
        await client.Request(++id, method, Handlers[method].Valid);
        var served = await client.NextResponse();
        Assert.True(served.TryGetProperty("result", out _), $"{method}: the valid params were refused: {served.GetRawText()}");

        var log = client.Log.ToString();
        Assert.DoesNotContain("failed", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", log, StringComparison.Ordinal);
        Assert.Equal(broken.Count + 1, log.Split('\n').Count(l => l.StartsWith($"normlab lsp: {method}: Invalid params: ", StringComparison.Ordinal)));
        await client.AssertStillServing(++id);
    }

    [Theory]
    [MemberData(nameof(HandlerNames))]
    public async Task EveryHandlerSentAsANotificationIgnoresBrokenParamsWithOneLineOnTheLog(string method)
    {
        var broken = Broken(method);
        await using var client = new RawClient();
        await client.Initialize();
        await client.Notify("textDocument/didOpen", "{\"textDocument\":{\"uri\":\"" + Uri + "\",\"languageId\":\"normlab\",\"version\":1,\"text\":\"" + Source + "\"}}");
        foreach (var (@params, _) in broken)
        {
            await client.Notify(method, @params);
        }

        // nothing answered the notifications: the next response is the shutdown's, and the document is unchanged
        await client.Request(7, "textDocument/documentSymbol", "{\"textDocument\":{\"uri\":\"" + Uri + "\"}}");
        var symbols = await client.NextResponse();
        Assert.Equal(7, symbols.GetProperty("id").GetInt32());
        Assert.Equal("N", symbols.GetProperty("result")[0].GetProperty("name").GetString());
        await client.AssertStillServing(8);

        var lines = client.Log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain(lines, l => l.Contains("failed", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal) || l.StartsWith("   at ", StringComparison.Ordinal));
        Assert.Equal(broken.Count, lines.Count(l => l.StartsWith($"normlab lsp: {method}: Invalid params: params", StringComparison.Ordinal) || l == $"normlab lsp: {method}: Invalid params: the message has no params."));
    }

    /// <summary>A debounceMs that is no whole number of milliseconds is ignored with a line on the log; it failed with InvalidOperationException (found by the fuzzer).</summary>
    [Theory]
    [InlineData("\"x\"")]
    [InlineData("{}")]
    [InlineData("[1]")]
    [InlineData("true")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("1e20")]
    public async Task ABadDebounceIsIgnoredAndInitializeAnswers(string debounce)
    {
        await using var client = new RawClient();
        await client.Request(1, "initialize", "{\"processId\":null,\"capabilities\":{},\"initializationOptions\":{\"debounceMs\":" + debounce + "}}");
        var response = await client.NextResponse();
        Assert.Equal(1, response.GetProperty("id").GetInt32());
        Assert.True(response.TryGetProperty("result", out var result), response.GetRawText());
        Assert.Equal(JsonValueKind.Object, result.GetProperty("capabilities").ValueKind);
        var log = client.Log.ToString();
        Assert.Contains("normlab lsp: initialize: initializationOptions.debounceMs is not a whole number of milliseconds from 0; it is ignored.", log, StringComparison.Ordinal);
        Assert.DoesNotContain("failed", log, StringComparison.Ordinal);
        await client.AssertStillServing(2);
    }

    [Fact]
    public async Task CancelRequestSentWithAnIdIsAnInvalidRequestNotASilence()
    {
        await using var client = new RawClient();
        await client.Initialize();
        foreach (var (id, @params) in new[] { (5, "[null]"), (6, "{\"id\":3}"), (7, "null") })
        {
            await client.Request(id, "$/cancelRequest", @params);
            var response = await client.NextResponse();
            Assert.Equal(id, response.GetProperty("id").GetInt32());
            Assert.Equal(-32600, response.GetProperty("error").GetProperty("code").GetInt32());
        }

        await client.AssertStillServing(9);
    }

    [Theory]
    [InlineData("{\"textDocument\":{\"uri\":\"u\",\"version\":1e20},\"contentChanges\":[]}", "Invalid params: params.textDocument.version is out of range.")]
    [InlineData("{\"textDocument\":{\"uri\":\"u\",\"version\":1.5},\"contentChanges\":[]}", "Invalid params: params.textDocument.version is out of range.")]
    [InlineData("{\"TEXTDOCUMENT\":{\"Uri\":\"u\",\"version\":1},\"contentChanges\":[{\"text\":null}]}", "Invalid params: params.contentChanges[0].text is null.")]
    [InlineData("{\"textDocument\":{\"uri\":\"u\",\"version\":1},\"contentChanges\":[{\"text\":\"a\"},7]}", "Invalid params: params.contentChanges[1] is a number, not an object.")]
    public void NumbersOutOfRangeAndMembersInAnyCaseAreNamedByTheirPath(string json, string message)
    {
        var error = Assert.Throws<StreamJsonRpc.LocalRpcException>(() => LspParams.Read<DidChangeTextDocumentParams>(JsonDocument.Parse(json).RootElement));
        Assert.Equal(-32602, error.ErrorCode);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void ValidParamsAreReadWithTheirValuesAndUnknownMembersIgnored()
    {
        var read = LspParams.Read<DidChangeTextDocumentParams>(JsonDocument.Parse(
            "{\"textDocument\":{\"uri\":\"file:///a\",\"version\":3,\"extra\":[1]},\"contentChanges\":[{\"text\":\"ab\"},{\"range\":{\"start\":{\"line\":1,\"character\":4294967295},\"end\":{\"line\":1,\"character\":-1}},\"text\":\"c\"}],\"workDoneToken\":null}").RootElement);
        Assert.Equal("file:///a", read.TextDocument.Uri);
        Assert.Equal(3, read.TextDocument.Version);
        Assert.Equal(2, read.ContentChanges.Count);
        Assert.Null(read.ContentChanges[0].Range);
        Assert.Equal(int.MaxValue, read.ContentChanges[1].Range!.Start.Character); // saturated, then clamped by the server
        Assert.Equal(-1, read.ContentChanges[1].Range!.End.Character);
    }
}
