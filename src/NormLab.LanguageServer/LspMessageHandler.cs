using System;
using System.Buffers;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace NormLab.LanguageServer;

/// <summary>
/// LSP's header-delimited framing (<c>Content-Length: N\r\n\r\n</c> then N bytes of JSON) that survives a careless
/// or hostile client, unlike StreamJsonRpc's own handler, which ends the connection on bad JSON and buffers a body
/// of any announced size:
/// <list type="bullet">
/// <item>a body that is not JSON is answered with a Parse error (-32700, id null) and the next message is read;</item>
/// <item>JSON that is no JSON-RPC message is answered with an Invalid Request (-32600, its id when it has one);</item>
/// <item>a body over <see cref="MaxMessageBytes"/> is answered with an Invalid Request (-32600, id null) at once and
/// skipped in bounded chunks, never buffered;</item>
/// <item>a header block over <see cref="MaxHeaderBytes"/>, or one without a valid Content-Length, cannot be framed:
/// the connection ends with a message on the log.</item>
/// </list>
/// </summary>
internal sealed class LspMessageHandler : MessageHandlerBase
{
    /// <summary>The largest message body read: 16 MiB.</summary>
    public const int MaxMessageBytes = 16 * 1024 * 1024;

    /// <summary>The largest header block (all header lines together).</summary>
    public const int MaxHeaderBytes = 8 * 1024;

    private const int ParseError = -32700;
    private const int InvalidRequest = -32600;

    private readonly Stream _input;
    private readonly Stream _output;
    private readonly TextWriter _log;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public LspMessageHandler(Stream output, Stream input, IJsonRpcMessageFormatter formatter, TextWriter log)
        : base(formatter)
    {
        _output = output;
        _input = input;
        _log = log;
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    protected override async ValueTask<JsonRpcMessage?> ReadCoreAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var length = await ReadHeadersAsync(cancellationToken).ConfigureAwait(false);
            if (length is null)
            {
                return null; // the end of the input, or headers that cannot be framed (logged)
            }

            if (length.Value > MaxMessageBytes)
            {
                var skipped = string.Format(CultureInfo.InvariantCulture,
                    "The message of {0} bytes is over the limit of {1} bytes (16 MiB); it was skipped.", length.Value, MaxMessageBytes);
                Warn(skipped);
                await ReplyAsync(InvalidRequest, skipped, default, cancellationToken).ConfigureAwait(false);
                if (!await SkipAsync(length.Value, cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                continue;
            }

            // a fresh array per message: the formatter's JsonDocument may keep referring to it
            var body = new byte[(int)length.Value];
            if (!await ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            if (!System.Text.Unicode.Utf8.IsValid(body) || !IsJson(body, out var id))
            {
                Warn("a message body is not JSON in UTF-8; answered with a parse error");
                await ReplyAsync(ParseError, "Parse error: the message body is not valid JSON.", default, cancellationToken).ConfigureAwait(false);
                continue;
            }

            JsonRpcMessage message;
            try
            {
                message = Formatter.Deserialize(new ReadOnlySequence<byte>(body));
            }
            catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
            {
                Warn("a message is not a JSON-RPC message: " + e.Message);
                await ReplyAsync(InvalidRequest, "Invalid Request: the message is not a JSON-RPC 2.0 request, response or notification.", id, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (message is JsonRpcRequest { Method: null or "" } request)
            {
                // an id without a method is neither a request nor a response; StreamJsonRpc would end the connection
                // over it (found by tools/NormLab.Fuzz --target protocol)
                Warn("a message has no method; answered with an invalid request");
                await ReplyAsync(InvalidRequest, "Invalid Request: the message has no method.", request.RequestId, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (message is JsonRpcRequest { Method: "$/cancelRequest", IsResponseExpected: true } cancel)
            {
                // a notification sent as a request: StreamJsonRpc handles it itself and, for some params (`[null]`),
                // never answers it (found by probing every method with hostile params); the protocol's answer instead
                Warn("$/cancelRequest arrived with an id; answered with an invalid request");
                await ReplyAsync(InvalidRequest, "Invalid Request: $/cancelRequest is a notification; it must have no id.", cancel.RequestId, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (message is JsonRpcResult or JsonRpcError)
            {
                // the server sends notifications only, so a response answers nothing it asked; StreamJsonRpc would end
                // the connection over it (found by tools/NormLab.Fuzz --target protocol): log it and read on
                Warn("a response arrived, but the server sent no request; it was ignored");
                continue;
            }

            return message;
        }
    }

    protected override async ValueTask WriteCoreAsync(JsonRpcMessage content, CancellationToken cancellationToken)
    {
        // one message at a time (the base class holds a lock around each write), so the buffers are reused: a
        // publishDiagnostics of hundreds of diagnostics is over 100 KB, and fresh buffers of that size per keystroke
        // would each be a large object, collected only by a full garbage collection
        var body = _body;
        body.ResetWrittenCount();
        if (content is JsonRpcError { RequestId.IsEmpty: true, Error: { } detail })
        {
            // JSON-RPC 2.0: an error about a message whose id could not be read has "id": null (the formatter leaves it out)
            using var writer = new Utf8JsonWriter(body);
            writer.WriteStartObject();
            writer.WriteString("jsonrpc", "2.0");
            writer.WriteNull("id");
            writer.WriteStartObject("error");
            writer.WriteNumber("code", (int)detail.Code);
            writer.WriteString("message", detail.Message);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        else
        {
            Formatter.Serialize(body, content);
        }

        // header and body in one write: a connection that closes meanwhile never sees half a message
        var header = Encoding.ASCII.GetBytes("Content-Length: " + body.WrittenCount.ToString(CultureInfo.InvariantCulture) + "\r\n\r\n");
        var length = header.Length + body.WrittenCount;
        if (_frame.Length < length)
        {
            _frame = new byte[Math.Max(length, _frame.Length * 2)];
        }

        header.CopyTo(_frame, 0);
        body.WrittenSpan.CopyTo(_frame.AsSpan(header.Length));
        try
        {
            await _output.WriteAsync(_frame.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (_frame.Length > KeptBufferBytes)
            {
                _frame = Array.Empty<byte>(); // a rare huge message: its buffer is not kept
            }

            if (body.Capacity > KeptBufferBytes)
            {
                _body = new ArrayBufferWriter<byte>();
            }
        }
    }

    /// <summary>The largest write buffers kept for the next message.</summary>
    private const int KeptBufferBytes = 4 * 1024 * 1024;

    private ArrayBufferWriter<byte> _body = new();
    private byte[] _frame = Array.Empty<byte>();

    protected override ValueTask FlushAsync(CancellationToken cancellationToken) => new(_output.FlushAsync(cancellationToken));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _input.Dispose();
            _output.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>The Content-Length of the next message; null at the end of the input or for headers that cannot be framed.</summary>
    private async ValueTask<long?> ReadHeadersAsync(CancellationToken cancellationToken)
    {
        long? length = null;
        var read = 0;
        var line = new StringBuilder();
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                if (read > 0)
                {
                    Warn("the input ended inside a message's headers");
                }

                return null;
            }

            var c = (char)_buffer[_start++];
            if (++read > MaxHeaderBytes)
            {
                Warn($"a message's headers are longer than {MaxHeaderBytes} bytes; the connection is closed");
                return null;
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
                    Warn("a message has no valid Content-Length header; the connection is closed");
                }

                return length;
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
    }

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        _start = 0;
        _end = await _input.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
        return _end > 0;
    }

    private async ValueTask<bool> ReadExactlyAsync(Memory<byte> target, CancellationToken cancellationToken)
    {
        while (target.Length > 0)
        {
            if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                Warn("the input ended inside a message's body");
                return false;
            }

            var count = Math.Min(target.Length, _end - _start);
            _buffer.AsMemory(_start, count).CopyTo(target);
            _start += count;
            target = target[count..];
        }

        return true;
    }

    /// <summary>Reads and discards <paramref name="count"/> bytes through the one buffer.</summary>
    private async ValueTask<bool> SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                Warn("the input ended inside a skipped message");
                return false;
            }

            var skipped = (int)Math.Min(count, _end - _start);
            _start += skipped;
            count -= skipped;
        }

        return true;
    }

    /// <summary>True for well-formed JSON; <paramref name="id"/> is the request's id when it is an object that has one.</summary>
    private static bool IsJson(byte[] body, out RequestId id)
    {
        id = default;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("id", out var value))
            {
                id = value.ValueKind switch
                {
                    JsonValueKind.Number when value.TryGetInt64(out var number) => new RequestId(number),
                    JsonValueKind.String => new RequestId(value.GetString()),
                    _ => default,
                };
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async ValueTask ReplyAsync(int code, string message, RequestId id, CancellationToken cancellationToken)
    {
        var error = new JsonRpcError { RequestId = id, Error = new JsonRpcError.ErrorDetail { Code = (JsonRpcErrorCode)code, Message = message } };
        await WriteAsync(error, cancellationToken).ConfigureAwait(false);
    }

    private void Warn(string message)
    {
        lock (_log)
        {
            _log.WriteLine("normlab lsp: " + message);
            _log.Flush();
        }
    }
}
