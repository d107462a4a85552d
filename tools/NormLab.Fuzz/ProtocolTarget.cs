using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Pipelines;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using NormLab.LanguageServer;
using NormLab.Testing.Generators;

namespace NormLab.Fuzz;

/// <summary>
/// --target protocol: hostile byte streams for the language server (src/NormLab.LanguageServer), in-process over
/// in-memory pipes. One server serves many inputs: after an input whose frames are complete, a well-formed request
/// (an unknown method) must be answered within the budget; after an input that breaks the framing (or ends inside a
/// message) the input is closed and the server must end without an exception within the budget, and a fresh one
/// goes on. Failures: an exception out of <see cref="LspHost.RunAsync"/> or an unobserved task exception, no answer
/// in time, the server ending on well-framed input without an <c>exit</c>, a malformed frame from the server, and a
/// managed heap over the bound when a fresh server starts.
/// </summary>
internal sealed class ProtocolTarget : IFuzzTarget
{
    private const int MaxHeaderBytes = 8 * 1024; // LspMessageHandler.MaxHeaderBytes
    private const long MaxMessageBytes = 16 * 1024 * 1024; // LspMessageHandler.MaxMessageBytes
    private const long MemoryBound = 1024L * 1024 * 1024;
    private const int InputsPerServer = 2000;

    private static readonly string[] Programs =
    {
        "network N(input: 1x8x8, classes: 2) {\n    conv3x3(8) > bn > relu > maxpool > flatten > linear(2)\n}\n",
        "network N(input: 1x8x8, classes: 2) {\n    conv3x3(8) > bn > relu > gap > linear(2)\n}\n",
        "network A(input: 3x32x32, classes: 10) {\n    conv3x3(16) > bn > relu\n    residual {\n        conv3x3(16) > bn > relu > conv3x3(16) > bn\n    } > relu\n    gap > linear(10)\n}\n",
        "network (input: 1x8x8 {\n conv3x3( > > \n",
        string.Empty,
    };

    private static readonly string[] Uris =
    {
        "file:///tmp/fuzz/a.normlab", "file:///tmp/fuzz/b.normlab", "file:///tmp/fuzz/c.normlab", "untitled:Untitled-1",
        "file:///tmp/fuzz/%E2%82%AC.normlab", "", "not a uri", "file:///../../../etc/passwd", "file://host/share/x.normlab", "file:///C:/x.normlab",
    };

    /// <summary>Non-ASCII text as UTF-8, not \u escapes (as editors write it).</summary>
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Random _random;
    private readonly JsonMutator _mutator;
    private readonly InputGenerator _texts;
    private readonly Dictionary<string, long> _notes = new(StringComparer.Ordinal);
    private readonly List<string> _machineProblems = new();
    private Connection? _connection;
    private int _served;
    private long _probe;

    public ProtocolTarget(int seed)
    {
        _random = new Random(seed);
        _mutator = new JsonMutator(_random);
        _texts = new InputGenerator(seed);
        TaskScheduler.UnobservedTaskException += (_, e) =>
        {
            Unobserved.Enqueue(e.Exception?.ToString() ?? "unknown");
            e.SetObserved();
        };
    }

    public string Name => "protocol";

    public IReadOnlyDictionary<string, long> Notes => _notes;

    public IReadOnlyList<string> MachineProblems => _machineProblems;

    /// <summary>The longest wait for a fresh server's first start (when it gets no answer, a second start waits twice as long; see <see cref="Restart"/>).</summary>
    public static readonly TimeSpan StartCap = TimeSpan.FromSeconds(60);

    /// <summary>
    /// For showing the rule of <see cref="Restart"/> at work (--slow-starts N:MS): the next N fresh starts send their
    /// initialize only after MS milliseconds, as a starved machine would answer it.
    /// </summary>
    internal static int SlowStarts { get; set; }

    internal static TimeSpan SlowStartDelay { get; set; }

    private static ConcurrentQueue<string> Unobserved { get; } = new();

    public string ExtensionOf(FuzzInput input) => ".protocol";

    // ---- inputs --------------------------------------------------------------------------------

    public FuzzInput Next()
    {
        var roll = _random.Next(1000);
        if (roll < 15)
        {
            var bytes = new byte[_random.Next(1, 300)];
            _random.NextBytes(bytes);
            return new FuzzInput("random-bytes", bytes);
        }

        if (roll < 17)
        {
            // a body over the limit, all of it sent: answered with -32600 and skipped in chunks
            var body = new byte[MaxMessageBytes + 1 + _random.Next(100)];
            body.AsSpan().Fill((byte)'x');
            return new FuzzInput("over-limit", Concat(Header(body.Length), body));
        }

        var frames = new List<byte[]>();
        var kinds = new List<string>();
        var count = _random.Next(10) < 7 ? 1 : _random.Next(2, 5);
        var framingKind = "framed";
        for (var i = 0; i < count; i++)
        {
            var (kind, message) = Message();
            string? damage = null;
            if (_random.Next(3) == 0)
            {
                message = _mutator.Mutate(message);
                damage = "json";
            }

            var body = message is null ? Encoding.UTF8.GetBytes("null") : Encoding.UTF8.GetBytes(message.ToJsonString(Relaxed));
            if (_random.Next(12) == 0)
            {
                body = _mutator.DamageBytes(body);
                damage = "bytes";
            }

            byte[] header;
            if (_random.Next(14) == 0)
            {
                (header, var how) = HostileHeader(body.Length);
                framingKind = how;
            }
            else
            {
                header = Header(body.Length);
            }

            frames.Add(header);
            frames.Add(body);
            kinds.Add(damage is null ? kind : kind + "+" + damage);
        }

        var all = Concat(frames.ToArray());
        if (_random.Next(60) == 0)
        {
            all = all.AsSpan(0, _random.Next(all.Length)).ToArray();
            framingKind = "truncated";
        }

        return new FuzzInput(framingKind + ":" + string.Join(",", kinds), all);
    }

    private static byte[] Header(long length) => Encoding.ASCII.GetBytes("Content-Length: " + length.ToString(CultureInfo.InvariantCulture) + "\r\n\r\n");

    private (byte[] Header, string Kind) HostileHeader(int length)
    {
        string Len(long n) => n.ToString(CultureInfo.InvariantCulture);
        return _random.Next(16) switch
        {
            0 => (Encoding.ASCII.GetBytes($"Content-Length: {Len(length + _random.Next(1, 50))}\r\n\r\n"), "length-over"),
            1 => (Encoding.ASCII.GetBytes($"Content-Length: {Len(Math.Max(0, length - _random.Next(1, 50)))}\r\n\r\n"), "length-under"),
            2 => (Encoding.ASCII.GetBytes($"Content-Length: -{Len(length)}\r\n\r\n"), "length-negative"),
            3 => (Encoding.ASCII.GetBytes($"Content-Length: {new[] { "9223372036854775807", "9223372036854775808", "99999999999999999999999", "16777217", "2147483648", "4294967296" }[_random.Next(6)]}\r\n\r\n"), "length-huge"),
            4 => (Encoding.ASCII.GetBytes($"Content-Length: {new[] { "abc", "", " ", "+5", "0x10", "1e3", "1.0", "١٢" }[_random.Next(8)]}\r\n\r\n"), "length-garbage"),
            5 => (Encoding.ASCII.GetBytes("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"), "length-missing"),
            6 => (Encoding.ASCII.GetBytes($"Content-Length: {Len(length)}\n\n"), "lf-only"),
            7 => (Encoding.ASCII.GetBytes($"content-length:{Len(length)}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"), "extra-header"),
            8 => (Encoding.ASCII.GetBytes($"Content-Length: {Len(length)}\r\nX-Pad: {new string('a', _random.Next(2) == 0 ? MaxHeaderBytes : _random.Next(100, 9000))}\r\n\r\n"), "header-long"),
            9 => (Encoding.ASCII.GetBytes($"Content-Length: 1\r\nContent-Length: {Len(length)}\r\n\r\n"), "length-twice"),
            10 => (Encoding.ASCII.GetBytes($"Content-Length: {Len(length)}\r\n"), "no-blank-line"),
            11 => (Encoding.ASCII.GetBytes($"Content-Length: {Len(length)}"), "header-cut"),
            12 => (Encoding.ASCII.GetBytes($"  Content-Length  :   {Len(length)}   \r\n\r\n"), "spaces"),
            13 => (Encoding.ASCII.GetBytes($"Content-Length: {Len(length)}\r\r\n\r\n"), "cr-cr"),
            14 => (Concat(new byte[] { 0xFF, 0xC3, 0x00 }, Encoding.ASCII.GetBytes($"\r\nContent-Length: {Len(length)}\r\n\r\n")), "header-bytes"),
            _ => (Encoding.ASCII.GetBytes($":{Len(length)}\r\n\r\n"), "no-name"),
        };
    }

    private (string Kind, JsonNode? Message) Message()
    {
        var roll = _random.Next(100);
        string method;
        JsonNode? parameters;
        var notification = false;
        if (roll < 14)
        {
            method = "textDocument/didOpen";
            notification = true;
            parameters = new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = Uri(), ["languageId"] = "normlab", ["version"] = Number(), ["text"] = Text() } };
        }
        else if (roll < 30)
        {
            method = "textDocument/didChange";
            notification = true;
            var changes = new JsonArray();
            for (var i = _random.Next(1, 4); i > 0; i--)
            {
                changes.Add(_random.Next(5) == 0
                    ? new JsonObject { ["text"] = Text() }
                    : new JsonObject { ["range"] = Range(), ["text"] = _random.Next(3) == 0 ? Text() : _mutator.RandomText(_random.Next(10)) });
            }

            parameters = new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = Uri(), ["version"] = Number() }, ["contentChanges"] = changes };
        }
        else if (roll < 33)
        {
            method = "textDocument/didClose";
            notification = true;
            parameters = new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = Uri() } };
        }
        else if (roll < 63)
        {
            method = new[] { "textDocument/hover", "textDocument/completion", "textDocument/definition" }[_random.Next(3)];
            parameters = new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = Uri() }, ["position"] = Position() };
        }
        else if (roll < 70)
        {
            method = "textDocument/documentSymbol";
            parameters = new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = Uri() } };
        }
        else if (roll < 78)
        {
            method = "textDocument/formatting";
            parameters = new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = Uri() }, ["options"] = new JsonObject { ["tabSize"] = Number(), ["insertSpaces"] = _random.Next(2) == 0 } };
        }
        else if (roll < 85)
        {
            method = "textDocument/codeAction";
            parameters = new JsonObject
            {
                ["textDocument"] = new JsonObject { ["uri"] = Uri() },
                ["range"] = Range(),
                ["context"] = new JsonObject { ["diagnostics"] = new JsonArray(), ["only"] = _random.Next(2) == 0 ? null : new JsonArray("quickfix", _mutator.HostileString()) },
            };
        }
        else if (roll < 88)
        {
            method = "initialize";
            parameters = new JsonObject { ["processId"] = Number(), ["rootUri"] = Uri(), ["capabilities"] = new JsonObject(), ["initializationOptions"] = new JsonObject { ["debounceMs"] = _random.Next(3) == 0 ? Number() : 0 } };
        }
        else if (roll < 90)
        {
            method = _random.Next(3) == 0 ? "$/cancelRequest" : "initialized";
            notification = true;
            parameters = new JsonObject { ["id"] = Number() };
        }
        else if (roll < 95)
        {
            // not a request: a response to nothing, a batch, a message without jsonrpc
            return (_random.Next(3) switch
            {
                0 => "response",
                1 => "batch",
                _ => "no-jsonrpc",
            }) switch
            {
                "response" => ("response", new JsonObject { ["jsonrpc"] = "2.0", ["id"] = Number(), ["result"] = _mutator.RandomValue() }),
                "batch" => ("batch", new JsonArray(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = "shutdown" })),
                _ => ("no-jsonrpc", new JsonObject { ["id"] = 1, ["method"] = "textDocument/hover" }),
            };
        }
        else if (roll < 97)
        {
            method = "$/unknown/" + _mutator.RandomText(4);
            parameters = _mutator.RandomValue();
        }
        else if (roll < 99)
        {
            method = "shutdown";
            parameters = null;
        }
        else
        {
            method = "exit";
            notification = true;
            parameters = null;
        }

        var message = new JsonObject { ["jsonrpc"] = "2.0" };
        if (!notification || _random.Next(20) == 0)
        {
            message["id"] = _random.Next(10) == 0 ? _mutator.RandomValue() : JsonValue.Create(_random.Next(1, 1_000_000));
        }

        message["method"] = method;
        if (parameters is not null || _random.Next(2) == 0)
        {
            message["params"] = parameters;
        }

        return (method.Split('/')[^1], message);
    }

    private JsonNode? Uri() => _random.Next(20) == 0 ? _mutator.RandomValue() : JsonValue.Create(Uris[_random.Next(_random.Next(4) == 0 ? Uris.Length : 3)]);

    private JsonNode? Number() => _random.Next(6) switch
    {
        0 => _mutator.ExtremeNumber(),
        1 => _random.Next(30) == 0 ? _mutator.RandomValue() : JsonValue.Create(-1),
        _ => JsonValue.Create(_random.Next(0, 50)),
    };

    private JsonObject Position() => new() { ["line"] = Number(), ["character"] = Number() };

    private JsonObject Range() => new() { ["start"] = Position(), ["end"] = Position() };

    private string Text()
    {
        var roll = _random.Next(1000);
        if (roll < 2)
        {
            // a huge document, up to a few MB (over TextDocument.MaxAnalyzedBytes sometimes)
            var program = Programs[_random.Next(3)];
            var size = _random.Next(1, 6) * 1024 * 1024;
            var builder = new StringBuilder(size + program.Length);
            while (builder.Length < size)
            {
                builder.Append(program.Replace("network N", "network N" + builder.Length.ToString(CultureInfo.InvariantCulture)).Replace("network A", "network A" + builder.Length.ToString(CultureInfo.InvariantCulture)));
            }

            return builder.ToString();
        }

        if (roll < 300)
        {
            var text = _texts.Next().Text;
            return text.Length > 16 * 1024 ? text.Substring(0, 16 * 1024) : text;
        }

        return Programs[_random.Next(Programs.Length)];
    }

    private static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => (long)p.Length)];
        var at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, at);
            at += part.Length;
        }

        return result;
    }

    // ---- checks --------------------------------------------------------------------------------

    /// <summary>How the server's framing sees a byte stream that starts at a message boundary.</summary>
    internal enum Framing
    {
        /// <summary>Whole messages, ending at a boundary: the server reads on.</summary>
        Complete,

        /// <summary>Ends inside a message: the server waits for more.</summary>
        Partial,

        /// <summary>Headers that cannot be framed: the server ends the connection.</summary>
        Broken,
    }

    /// <summary>The rules of LspMessageHandler.ReadHeadersAsync, mirrored; <paramref name="bodies"/> gets the complete bodies.</summary>
    internal static Framing Frame(byte[] bytes, List<ArraySegment<byte>> bodies)
    {
        var pos = 0;
        var line = new StringBuilder();
        while (pos < bytes.Length)
        {
            long? length = null;
            var read = 0;
            line.Clear();
            while (true)
            {
                if (pos == bytes.Length)
                {
                    return read > 0 ? Framing.Partial : Framing.Complete;
                }

                var c = (char)bytes[pos++];
                if (++read > MaxHeaderBytes)
                {
                    return Framing.Broken;
                }

                if (c != '\n')
                {
                    if (c != '\r')
                    {
                        line.Append(c);
                    }

                    continue;
                }

                if (line.Length == 0)
                {
                    if (length is null)
                    {
                        return Framing.Broken;
                    }

                    break;
                }

                var text = line.ToString();
                line.Clear();
                var colon = text.IndexOf(':');
                if (colon > 0 && text.AsSpan(0, colon).Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                    && long.TryParse(text.AsSpan(colon + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                {
                    length = parsed;
                }
            }

            if (bytes.Length - pos < length!.Value)
            {
                return Framing.Partial;
            }

            if (length.Value <= MaxMessageBytes)
            {
                bodies.Add(new ArraySegment<byte>(bytes, pos, (int)length.Value));
            }

            pos += (int)length.Value;
        }

        return Framing.Complete;
    }

    public string? Check(FuzzInput input, TimeSpan budget)
    {
        while (Unobserved.TryDequeue(out _))
        {
            // from an earlier input or server: already reported when it was seen
        }

        string? failure = null;
        if (_connection is null || _served >= InputsPerServer)
        {
            failure = Restart(budget, checkHeap: _connection is not null || _probe == 0);
            if (failure is not null)
            {
                return "starting a fresh server failed: " + failure;
            }
        }

        var connection = _connection!;
        _served++;
        var bodies = new List<ArraySegment<byte>>();
        var framing = Frame(input.Bytes, bodies);
        var mayEnd = bodies.Any(b => Mentions(b, "exit"));
        // an input that may hold an exit ends the server, possibly only after the probe is answered: never reuse that
        // server, or its end is blamed on the next input
        var restartAfter = mayEnd || bodies.Any(b => Mentions(b, "shutdown") || Mentions(b, "initialize"));

        // a large input gets more time: the server analyses what it opens; and a loaded machine more time: the waits are
        // for telling a hang from a slow answer, and a starved server answers slowly (see MachineLoad)
        var allowed = (budget + TimeSpan.FromMilliseconds(input.Bytes.Length / 1000.0)) * MachineLoad.Factor();
        connection.Send(input.Bytes);
        if (framing == Framing.Complete)
        {
            var id = "probe-" + (++_probe).ToString(CultureInfo.InvariantCulture);
            var reply = connection.Probe(id);
            var index = Task.WaitAny(new Task[] { reply, connection.Server }, allowed);
            if (index == 0)
            {
                if (reply.Result is { } problem)
                {
                    failure = problem;
                }
            }
            else if (index == 1)
            {
                failure = connection.Server.IsFaulted
                    ? "the server failed: " + connection.Server.Exception!.GetBaseException()
                    : mayEnd ? null : $"the server ended (exit code {connection.Server.Result}) after well-framed input without an exit";
                restartAfter = true;
            }
            else
            {
                failure = $"no answer to a well-formed request within {allowed.TotalMilliseconds:0} ms after this input";
                restartAfter = true;
            }
        }
        else
        {
            // the framing is lost (or waits for more): end the input, the server must end cleanly
            // the end is a question of hanging, not of speed: the server stops its work when the input ends, but the
            // process must still be scheduled, and with another fuzzer on the other core a budget of 2 s was missed 4 times
            // in 343,304 inputs by ends that take under 0.3 s on replay; three times the budget tells a hang from a slow core
            connection.EndInput();
            var endAllowed = allowed * 3;
            if (!connection.Server.Wait(endAllowed))
            {
                failure = $"the server did not end within {endAllowed.TotalMilliseconds:0} ms after its input ended ({framing})";
            }
            else if (connection.Server.IsFaulted)
            {
                failure = "the server failed: " + connection.Server.Exception!.GetBaseException();
            }

            restartAfter = true;
        }

        failure ??= connection.OutputProblem;
        var log = connection.DrainLog().ToList();
        if (failure is not null && log.Count > 0)
        {
            failure += "\n\nthe server's log:\n" + string.Join("\n", log.TakeLast(20));
        }

        foreach (var line in log)
        {
            var at = line.IndexOf(" failed: System.", StringComparison.Ordinal);
            if (at > 0)
            {
                var type = line.Substring(at + 9).Split(':', 2)[0];
                Note($"{line.Substring(0, at).Replace("normlab lsp: ", string.Empty, StringComparison.Ordinal)} answered an internal error ({type})");
            }
        }

        if (Unobserved.TryDequeue(out var unobserved))
        {
            failure ??= "an unobserved task exception (during this input or shortly before): " + unobserved;
        }

        if (restartAfter || failure is not null)
        {
            connection.Dispose();
            _connection = null;
        }

        return failure;
    }

    /// <summary>Whether a body may hold the string <paramref name="word"/> (as it is, or written with \u escapes).</summary>
    private static bool Mentions(ArraySegment<byte> body, string word)
    {
        if (body.AsSpan().IndexOf(Encoding.ASCII.GetBytes(word)) >= 0)
        {
            return true;
        }

        if (body.AsSpan().IndexOf("\\u"u8) < 0)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return Holds(document.RootElement, word);
        }
        catch (JsonException)
        {
            return false;
        }

        static bool Holds(JsonElement element, string word) => element.ValueKind switch
        {
            JsonValueKind.String => element.ValueEquals(word),
            JsonValueKind.Array => element.EnumerateArray().Any(e => Holds(e, word)),
            JsonValueKind.Object => element.EnumerateObject().Any(p => p.NameEquals(word) || Holds(p.Value, word)),
            _ => false,
        };
    }

    /// <summary>
    /// Starts a fresh server: initialize must be answered. The wait is load-aware and a start that gets no answer is
    /// tried again, since a fresh start is the same for every input and a failed one says more about the machine than
    /// about the input that happens to come next (a campaign under a CI run's load once reported "no answer to
    /// initialize" for an input that passed on --replay in 266 ms):
    /// <list type="number">
    /// <item>wait 5 × the budget × the load factor (<see cref="MachineLoad"/>: the 1-minute load average per processor,
    /// at least 1), at most <see cref="StartCap"/>;</item>
    /// <item>no answer: a second fresh start, waiting twice that (at most <see cref="StartCap"/>); an answer makes a note,
    /// no failure;</item>
    /// <item>no answer again: a third fresh start, the replay, waiting <see cref="StartCap"/>. An answer now means the
    /// server starts, slowly: a machine problem, counted and reported apart from the failures (with the waits, the
    /// time the third start took and the load averages), and the input is checked on that server. No answer even
    /// then is a failure of the server.</item>
    /// </list>
    /// An error in answer to initialize is a failure at once: only silence is retried.
    /// </summary>
    private string? Restart(TimeSpan budget, bool checkHeap)
    {
        _connection?.Dispose();
        _connection = null;
        _served = 0;

        // the heap is measured every InputsPerServer inputs (a full collection takes milliseconds)
        var heap = checkHeap ? GC.GetTotalMemory(forceFullCollection: true) : 0;
        if (heap > MemoryBound)
        {
            return $"the managed heap is {heap / (1024 * 1024)} MiB with no server running (bound {MemoryBound / (1024 * 1024)} MiB)";
        }

        var loads = new List<string>();
        var first = Min(budget * 5 * MachineLoad.Factor(), StartCap);
        var waits = new[] { first, Min(first * 2, StartCap), StartCap };
        for (var attempt = 0; attempt < waits.Length; attempt++)
        {
            loads.Add(MachineLoad.Describe());
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var (connection, problem) = Start(waits[attempt]);
            if (connection is not null)
            {
                _connection = connection;
                if (attempt == 1)
                {
                    Note($"a fresh server answered initialize only on its second start (the first got no answer within {waits[0].TotalMilliseconds:0} ms)");
                }
                else if (attempt == 2)
                {
                    _machineProblems.Add(string.Format(CultureInfo.InvariantCulture,
                        "two fresh starts got no answer to initialize within {0:0} ms and {1:0} ms; a third answered in {2:0} ms: the machine, not the server ({3})",
                        waits[0].TotalMilliseconds, waits[1].TotalMilliseconds, watch.Elapsed.TotalMilliseconds, string.Join("; then ", loads)));
                }

                return null;
            }

            if (problem is not null)
            {
                return problem;
            }
        }

        return string.Format(CultureInfo.InvariantCulture, "no answer to initialize in three fresh starts ({0:0}, {1:0} and {2:0} ms; {3})",
            waits[0].TotalMilliseconds, waits[1].TotalMilliseconds, waits[2].TotalMilliseconds, string.Join("; then ", loads));

        static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
    }

    /// <summary>A fresh, initialized server; or none, with the problem (null when initialize got no answer within <paramref name="wait"/>).</summary>
    private static (Connection? Connection, string? Problem) Start(TimeSpan wait)
    {
        var connection = new Connection();
        var delay = TimeSpan.Zero;
        if (SlowStarts > 0)
        {
            SlowStarts--;
            delay = SlowStartDelay;
        }

        var reply = connection.Probe("init");
        var handshake = Concat(
            Frame("{\"jsonrpc\":\"2.0\",\"id\":\"init\",\"method\":\"initialize\",\"params\":{\"processId\":null,\"rootUri\":null,\"capabilities\":{},\"initializationOptions\":{\"debounceMs\":0}}}"),
            Frame("{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}"));
        if (delay > TimeSpan.Zero)
        {
            _ = Task.Delay(delay).ContinueWith(
                _ =>
                {
                    try
                    {
                        connection.Send(handshake);
                    }
                    catch (InvalidOperationException)
                    {
                        // the start was given up meanwhile: its input is closed
                    }
                },
                TaskScheduler.Default);
        }
        else
        {
            connection.Send(handshake);
        }

        if (reply.Wait(wait) && reply.Result is null)
        {
            return (connection, null);
        }

        connection.Dispose();
        return (null, reply.IsCompleted ? reply.Result ?? "initialize failed" : null);
    }

    private void Note(string note) => _notes[note] = _notes.TryGetValue(note, out var n) ? n + 1 : 1;

    private static byte[] Frame(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        return Concat(Header(bytes.Length), bytes);
    }

    public void Dispose()
    {
        _connection?.Dispose();
        _connection = null;
    }

    /// <summary>A server on two in-memory pipes, and a reader of what it writes.</summary>
    private sealed class Connection : IDisposable
    {
        private readonly Pipe _toServer = new(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false));
        private readonly Pipe _fromServer = new(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false));
        private readonly LogWriter _log = new();
        private readonly Task _reader;
        private readonly object _gate = new();
        private string? _waitingFor;
        private TaskCompletionSource<string?>? _reply;
        private bool _ended;

        public Connection()
        {
            var input = _toServer.Reader.AsStream();
            var output = _fromServer.Writer.AsStream();
            Server = Task.Run(() => LspHost.RunAsync(input, output, _log));
            _reader = Task.Run(ReadAsync);
        }

        public Task<int> Server { get; }

        public string? OutputProblem { get; private set; }

        public void Send(byte[] bytes)
        {
            // no back-pressure (pauseWriterThreshold 0): completes at once
            var flush = _toServer.Writer.WriteAsync(bytes);
            if (!flush.IsCompleted)
            {
                flush.AsTask().Wait();
            }
        }

        /// <summary>Sends a request of an unknown method with <paramref name="id"/> (unless it is the initialize reply awaited); the task gives null for an answer, else a problem.</summary>
        public Task<string?> Probe(string id)
        {
            var reply = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                _waitingFor = id;
                _reply = reply;
            }

            if (id != "init")
            {
                Send(ProtocolTarget.Frame("{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"normlab/fuzzProbe\",\"params\":{}}"));
            }

            return reply.Task;
        }

        public void EndInput()
        {
            if (!_ended)
            {
                _ended = true;
                _toServer.Writer.Complete();
            }
        }

        public IEnumerable<string> DrainLog() => _log.Drain();

        private async Task ReadAsync()
        {
            var reader = _fromServer.Reader;
            try
            {
                while (true)
                {
                    var result = await reader.ReadAsync().ConfigureAwait(false);
                    var buffer = result.Buffer;
                    while (TryFrame(ref buffer, out var body))
                    {
                        Inspect(body);
                    }

                    reader.AdvanceTo(buffer.Start, buffer.End);
                    if (result.IsCompleted)
                    {
                        if (buffer.Length > 0)
                        {
                            OutputProblem ??= $"the server's output ended inside a message ({buffer.Length} bytes left)";
                        }

                        return;
                    }
                }
            }
            catch (Exception e)
            {
                OutputProblem ??= "reading the server's output failed: " + e.Message;
            }
        }

        private bool TryFrame(ref ReadOnlySequence<byte> buffer, out byte[] body)
        {
            body = Array.Empty<byte>();
            var end = buffer.PositionOf((byte)'\n');
            var text = new SequenceReader<byte>(buffer);
            if (!text.TryReadTo(out ReadOnlySequence<byte> headers, "\r\n\r\n"u8, advancePastDelimiter: true))
            {
                if (buffer.Length > MaxHeaderBytes)
                {
                    throw new InvalidDataException("the server wrote a header block over 8 KiB");
                }

                return false;
            }

            var header = Encoding.ASCII.GetString(headers.ToArray());
            if (!header.StartsWith("Content-Length: ", StringComparison.Ordinal) || !int.TryParse(header.AsSpan(16), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                throw new InvalidDataException("the server wrote a malformed header: " + header);
            }

            if (text.Remaining < length)
            {
                return false;
            }

            body = text.UnreadSequence.Slice(0, length).ToArray();
            buffer = buffer.Slice(text.Position).Slice(length);
            _ = end;
            return true;
        }

        private void Inspect(byte[] body)
        {
            string? id = null;
            string? problem = null;
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("jsonrpc", out var version) || version.ValueKind != JsonValueKind.String || version.GetString() != "2.0")
                {
                    problem = "the server wrote a message that is not JSON-RPC 2.0: " + Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300));
                }
                else if (root.TryGetProperty("id", out var value) && value.ValueKind == JsonValueKind.String)
                {
                    id = value.GetString();
                    if (id == "init" && root.TryGetProperty("error", out var error))
                    {
                        problem = "initialize failed: " + error.GetRawText();
                    }
                }
            }
            catch (JsonException e)
            {
                problem = "the server wrote a body that is not JSON: " + e.Message;
            }

            if (problem is not null)
            {
                OutputProblem ??= problem;
            }

            TaskCompletionSource<string?>? reply = null;
            lock (_gate)
            {
                if (id is not null && id == _waitingFor)
                {
                    reply = _reply;
                    _waitingFor = null;
                    _reply = null;
                }
            }

            reply?.TrySetResult(problem);
        }

        public void Dispose()
        {
            EndInput();
            if (!Server.Wait(TimeSpan.FromSeconds(5)))
            {
                // abandoned: the pipes go with the garbage
            }

            _fromServer.Writer.Complete();
            _reader.Wait(TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>The server's log (standard error in `normlab lsp`), kept in memory and drained after each input.</summary>
    private sealed class LogWriter : TextWriter
    {
        private readonly StringBuilder _text = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_text)
            {
                if (_text.Length < 1_000_000)
                {
                    _text.Append(value);
                }
            }
        }

        public override void Write(string? value)
        {
            lock (_text)
            {
                if (_text.Length < 1_000_000)
                {
                    _text.Append(value);
                }
            }
        }

        public override void WriteLine(string? value)
        {
            lock (_text)
            {
                if (_text.Length < 1_000_000)
                {
                    _text.Append(value).Append('\n');
                }
            }
        }

        public IEnumerable<string> Drain()
        {
            string text;
            lock (_text)
            {
                if (_text.Length == 0)
                {
                    return Array.Empty<string>();
                }

                text = _text.ToString();
                _text.Clear();
            }

            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("normlab lsp: ", StringComparison.Ordinal));
        }
    }
}
