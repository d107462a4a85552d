using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NormLab.LanguageServer.Analysis;
using NormLab.LanguageServer.Features;
using NormLab.LanguageServer.Formatting;
using NormLab.LanguageServer.Protocol;
using NormLab.Dsl.Text;
using StreamJsonRpc;

namespace NormLab.LanguageServer;

/// <summary>
/// The language server: one method per protocol message, registered by name. State is guarded by one
/// lock (handlers run one at a time, in order; the debounced diagnostics run on a timer). A failing
/// handler never ends the server: a request answers with an error, a notification is logged.
/// </summary>
internal sealed class Server : IDisposable
{
    /// <summary>
    /// The delay between the last change and the diagnostics it causes, when checking the document is slower than
    /// typing (see <see cref="Debounce"/>).
    /// </summary>
    public static readonly TimeSpan SlowCheckDebounce = TimeSpan.FromMilliseconds(150);

    /// <summary>
    /// A check at most this long runs at once after each change: it is done before the next keystroke comes (people
    /// type at most about one key every 50 ms), so waiting for the typing to pause would only delay the diagnostics.
    /// </summary>
    public static readonly TimeSpan FastCheck = TimeSpan.FromMilliseconds(25);

    private const int InternalError = -32603;
    private const int InvalidParams = -32602;
    private const int RequestCancelled = -32800;
    private const int ServerNotInitialized = -32002;
    private const int InvalidRequest = -32600;

    private readonly object _gate = new();
    private readonly DocumentStore _documents = new();
    private readonly Dictionary<string, CancellationTokenSource> _pending = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TextWriter _log;
    private JsonRpc? _rpc;
    private bool _initialized;

    /// <summary>The version the server reports (<c>0.1.0</c>, without build metadata): the repository's, as <c>normlab --version</c>.</summary>
    internal static string Version { get; } =
        (typeof(Server).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];

    private readonly CancellationTokenSource _ending = new();

    public Server(TextWriter log)
    {
        _log = log;
        _documents.Ending = _ending.Token;
    }

    /// <summary>
    /// Stops the work in flight and to come (analyses end between pieces and networks): on shutdown, exit and when the
    /// connection ends, so that the end never waits for the first check of a large document.
    /// </summary>
    public void StopWork()
    {
        try
        {
            _ending.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>The exit code once <c>exit</c> arrives: 0 after <c>shutdown</c>, 1 without.</summary>
    public Task<int> Exited => _exit.Task;

    public bool ShutdownRequested { get; private set; }

    /// <summary>
    /// A fixed delay between the last change and its diagnostics (the client's <c>debounceMs</c>); null, the default,
    /// for none while the document's last check took at most <see cref="FastCheck"/>, else <see cref="SlowCheckDebounce"/>.
    /// </summary>
    public TimeSpan? Debounce { get; set; }

    internal DocumentStore Documents => _documents;

    public void Attach(JsonRpc rpc) => _rpc = rpc;

    // ---- lifecycle -----------------------------------------------------------------------------

    [JsonRpcMethod("initialize", UseSingleObjectParameterDeserialization = true)]
    public object Initialize(JsonElement? @params = null) => Guard("initialize", () =>
    {
        var request = LspParams.Read<InitializeParams>(@params);
        if (request.InitializationOptions is { ValueKind: JsonValueKind.Object } options && options.TryGetProperty("debounceMs", out var debounce))
        {
            // a server setting of this client's, not of the protocol: a bad value is no reason to refuse the session
            // (TryGetInt32 throws on a string or an object: found by tools/NormLab.Fuzz --target protocol)
            if (debounce.ValueKind == JsonValueKind.Number && debounce.TryGetInt32(out var milliseconds) && milliseconds >= 0)
            {
                Debounce = TimeSpan.FromMilliseconds(milliseconds);
            }
            else
            {
                Log(2, "initialize: initializationOptions.debounceMs is not a whole number of milliseconds from 0; it is ignored.");
            }
        }

        _initialized = true;
        return new
        {
            capabilities = new
            {
                positionEncoding = "utf-16",
                textDocumentSync = new { openClose = true, change = 2 },
                hoverProvider = true,
                completionProvider = new { triggerCharacters = new[] { "(", ",", ">", " " }, resolveProvider = false },
                definitionProvider = true,
                documentSymbolProvider = true,
                documentFormattingProvider = true,
                codeActionProvider = new { codeActionKinds = new[] { "quickfix" } },
            },
            serverInfo = new { name = "normlab", version = Version },
        };
    }, requiresInitialize: false);

    [JsonRpcMethod("initialized", UseSingleObjectParameterDeserialization = true)]
    public void Initialized(JsonElement? request = null)
    {
    }

    [JsonRpcMethod("shutdown")]
    public object? Shutdown() => Guard<object?>("shutdown", () =>
    {
        StopWork();
        lock (_gate)
        {
            ShutdownRequested = true;
            foreach (var pending in _pending.Values)
            {
                pending.Cancel();
            }

            _pending.Clear();
        }

        return null;
    }, requiresInitialize: false);

    [JsonRpcMethod("exit")]
    public void Exit()
    {
        StopWork();
        _exit.TrySetResult(ShutdownRequested ? 0 : 1);
    }

    // ---- documents -----------------------------------------------------------------------------

    [JsonRpcMethod("textDocument/didOpen", UseSingleObjectParameterDeserialization = true)]
    public void DidOpen(JsonElement? @params = null) => Handle("textDocument/didOpen", () =>
    {
        var request = LspParams.Read<DidOpenTextDocumentParams>(@params);
        var item = request.TextDocument;
        lock (_gate)
        {
            _documents.Open(item.Uri, item.Version, item.Text);
        }

        Publish(item.Uri);
    });

    [JsonRpcMethod("textDocument/didChange", UseSingleObjectParameterDeserialization = true)]
    public void DidChange(JsonElement? @params = null) => Handle("textDocument/didChange", () =>
    {
        var request = LspParams.Read<DidChangeTextDocumentParams>(@params);
        lock (_gate)
        {
            var document = _documents.Get(request.TextDocument.Uri);
            document.Apply(request.TextDocument.Version, request.ContentChanges);
        }

        SchedulePublish(request.TextDocument.Uri);
    });

    [JsonRpcMethod("textDocument/didClose", UseSingleObjectParameterDeserialization = true)]
    public void DidClose(JsonElement? @params = null) => Handle("textDocument/didClose", () =>
    {
        var request = LspParams.Read<DidCloseTextDocumentParams>(@params);
        var uri = request.TextDocument.Uri;
        lock (_gate)
        {
            CancelPending(uri);
            _documents.Close(uri);
        }

        Notify("textDocument/publishDiagnostics", new PublishDiagnosticsParams { Uri = uri });
    });

    // ---- features ------------------------------------------------------------------------------

    [JsonRpcMethod("textDocument/hover", UseSingleObjectParameterDeserialization = true)]
    public Protocol.Hover? Hover(JsonElement? @params = null) => Guard("textDocument/hover", () =>
    {
        var request = LspParams.Read<TextDocumentPositionParams>(@params);
        lock (_gate)
        {
            if (Analyzed(request.TextDocument.Uri) is not { } analysis)
            {
                return null;
            }

            var info = HoverFeature.Hover(analysis, Positions.ToOffset(analysis.Source, request.Position));
            return info is null ? null : new Protocol.Hover
            {
                Contents = new MarkupContent { Value = info.Markdown },
                Range = Positions.ToRange(analysis.Source, info.Span),
            };
        }
    });

    [JsonRpcMethod("textDocument/completion", UseSingleObjectParameterDeserialization = true)]
    public CompletionList Completion(JsonElement? @params = null) => Guard("textDocument/completion", () =>
    {
        var request = LspParams.Read<TextDocumentPositionParams>(@params);
        lock (_gate)
        {
            if (Analyzed(request.TextDocument.Uri) is not { } analysis)
            {
                return new CompletionList();
            }

            return CompletionFeature.Complete(analysis, Positions.ToOffset(analysis.Source, request.Position));
        }
    });

    [JsonRpcMethod("textDocument/definition", UseSingleObjectParameterDeserialization = true)]
    public Location[] Definition(JsonElement? @params = null) => Guard("textDocument/definition", () =>
    {
        var request = LspParams.Read<TextDocumentPositionParams>(@params);
        lock (_gate)
        {
            if (Analyzed(request.TextDocument.Uri) is not { } analysis)
            {
                return Array.Empty<Location>();
            }

            var span = DefinitionFeature.Definition(analysis, Positions.ToOffset(analysis.Source, request.Position));
            return span is { } found
                ? new[] { new Location { Uri = request.TextDocument.Uri, Range = Positions.ToRange(analysis.Source, found) } }
                : Array.Empty<Location>();
        }
    });

    [JsonRpcMethod("textDocument/documentSymbol", UseSingleObjectParameterDeserialization = true)]
    public List<DocumentSymbol> DocumentSymbols(JsonElement? @params = null) => Guard("textDocument/documentSymbol", () =>
    {
        var request = LspParams.Read<DocumentSymbolParams>(@params);
        lock (_gate)
        {
            return Analyzed(request.TextDocument.Uri) is { } analysis ? SymbolFeature.Symbols(analysis) : new List<DocumentSymbol>();
        }
    });

    [JsonRpcMethod("textDocument/formatting", UseSingleObjectParameterDeserialization = true)]
    public List<TextEdit> Formatting(JsonElement? @params = null) => Guard("textDocument/formatting", () =>
    {
        var request = LspParams.Read<DocumentFormattingParams>(@params);
        SourceText source;
        lock (_gate)
        {
            var document = _documents.Get(request.TextDocument.Uri);
            if (document.TooLarge is not null)
            {
                return new List<TextEdit>();
            }

            source = document.Source;
        }

        var result = Formatter.Format(source.Text);
        if (result.Refusal is not null)
        {
            Log(2, $"formatting {TextDocument.PathOf(request.TextDocument.Uri)}: {result.Refusal}");
        }

        return result.Changed ? new List<TextEdit> { MinimalEdit(source, result.Text) } : new List<TextEdit>();
    });

    [JsonRpcMethod("textDocument/codeAction", UseSingleObjectParameterDeserialization = true)]
    public List<CodeAction> CodeActions(JsonElement? @params = null) => Guard("textDocument/codeAction", () =>
    {
        var request = LspParams.Read<CodeActionParams>(@params);
        if (request.Context.Only is { } only && !only.Any(kind => kind == "quickfix" || "quickfix".StartsWith(kind + ".", StringComparison.Ordinal)))
        {
            return new List<CodeAction>();
        }

        lock (_gate)
        {
            if (Analyzed(request.TextDocument.Uri) is not { } analysis)
            {
                return new List<CodeAction>();
            }

            var fixes = CodeActionFeature.QuickFixes(analysis, Positions.ToSpan(analysis.Source, request.Range));
            return fixes.Select(fix => new CodeAction
            {
                Title = fix.Title,
                Kind = "quickfix",
                IsPreferred = true,
                Diagnostics = new List<LspDiagnostic> { DiagnosticFeature.ToLsp(fix.Diagnostic, analysis.Source) },
                Edit = new WorkspaceEdit
                {
                    Changes = new Dictionary<string, List<TextEdit>>
                    {
                        [request.TextDocument.Uri] = fix.Edits
                            .Select(e => new TextEdit { Range = Positions.ToRange(analysis.Source, e.Span), NewText = e.NewText })
                            .ToList(),
                    },
                },
            }).ToList();
        }
    });

    // ---- diagnostics ---------------------------------------------------------------------------

    private void SchedulePublish(string uri)
    {
        TimeSpan delay;
        lock (_gate)
        {
            delay = DelayBeforeCheck(Debounce, _documents.Find(uri)?.LastAnalysisTime ?? TimeSpan.Zero);
        }

        if (delay <= TimeSpan.Zero)
        {
            Publish(uri);
            return;
        }

        CancellationTokenSource source;
        lock (_gate)
        {
            CancelPending(uri);
            source = _pending[uri] = new CancellationTokenSource();
        }

        _ = Task.Delay(delay, source.Token).ContinueWith(
            delay =>
            {
                if (!delay.IsCanceled)
                {
                    Notification("publishDiagnostics", () => Publish(uri, source));
                }

                source.Dispose();
            },
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
    }

    /// <summary>The wait before checking a changed document: the client's fixed delay, else none when its last check was fast.</summary>
    internal static TimeSpan DelayBeforeCheck(TimeSpan? debounce, TimeSpan lastCheck) =>
        debounce ?? (lastCheck <= FastCheck ? TimeSpan.Zero : SlowCheckDebounce);

    private void CancelPending(string uri)
    {
        if (_pending.Remove(uri, out var pending))
        {
            pending.Cancel();
        }
    }

    private void Publish(string uri, CancellationTokenSource? scheduled = null)
    {
        lock (_gate)
        {
            if (scheduled is not null)
            {
                if (!_pending.TryGetValue(uri, out var current) || current != scheduled)
                {
                    return; // a later change took over
                }

                _pending.Remove(uri);
            }
            else
            {
                CancelPending(uri);
            }

            if (_documents.Find(uri) is not { } document)
            {
                return;
            }

            if (document.TooLarge is { } bytes)
            {
                Notify("textDocument/publishDiagnostics", new PublishDiagnosticsParams
                {
                    Uri = uri,
                    Version = document.Version,
                    Diagnostics = new List<LspDiagnostic> { DiagnosticFeature.TooLarge(bytes) },
                });
                return;
            }

            var fresh = !document.IsAnalyzed;
            var analysis = document.Analysis;
            Notify("textDocument/publishDiagnostics", new PublishDiagnosticsJsonParams
            {
                Uri = uri,
                Version = document.Version,
                Diagnostics = DiagnosticFeature.ToJson(analysis, document.PublishedJson),
            });

            // logged after the diagnostics are on their way: the editor waits for those, not for this
            if (fresh)
            {
                Log(4, string.Format(CultureInfo.InvariantCulture,
                    "checked {0} (version {1}, {2} lines) in {3:0.00} ms: {4} of {5} pieces parsed, {6} of {7} networks checked{8}",
                    Path.GetFileName(TextDocument.PathOf(uri)), document.Version, analysis.Source.LineCount, analysis.Elapsed.TotalMilliseconds,
                    analysis.ParsedChunks, analysis.Chunks.Count, analysis.CheckedNetworks, analysis.Networks.Count,
                    analysis.Incremental ? string.Empty : " (whole text)"));
            }
        }
    }

    // ---- plumbing ------------------------------------------------------------------------------

    /// <summary>The analysis of an open document; null when it is too large to analyse (see <see cref="TextDocument.MaxAnalyzedBytes"/>).</summary>
    private DocumentAnalysis? Analyzed(string uri)
    {
        var document = _documents.Get(uri);
        return document.TooLarge is null ? document.Analysis : null;
    }

    private T Guard<T>(string method, Func<T> handler, bool requiresInitialize = true)
    {
        if (requiresInitialize && !_initialized)
        {
            throw new LocalRpcException("The server is not initialized: send 'initialize' first.") { ErrorCode = ServerNotInitialized };
        }

        if (ShutdownRequested && requiresInitialize)
        {
            throw new LocalRpcException("The server is shutting down.") { ErrorCode = InvalidRequest };
        }

        try
        {
            return handler();
        }
        catch (LocalRpcException e) when (e.ErrorCode == InvalidParams)
        {
            Log(2, $"{method}: {e.Message}");
            throw;
        }
        catch (LocalRpcException)
        {
            throw;
        }
        catch (OperationCanceledException) when (_ending.IsCancellationRequested)
        {
            throw new LocalRpcException("The server is ending.") { ErrorCode = RequestCancelled };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log(1, $"{method} failed: {e}");
            throw new LocalRpcException($"{method} failed: {e.Message}") { ErrorCode = InternalError };
        }
    }

    /// <summary>
    /// A notification's handler (<c>didOpen</c>, <c>didChange</c>, <c>didClose</c>), which a careless client may also
    /// send as a request: invalid params are logged on one line and thrown on, so that a request gets its -32602 (for a
    /// notification there is nobody to answer and StreamJsonRpc drops the error); any other failure is logged.
    /// </summary>
    private void Handle(string method, Action handler)
    {
        try
        {
            handler();
        }
        catch (LocalRpcException e) when (e.ErrorCode == InvalidParams)
        {
            Log(2, $"{method}: {e.Message}");
            throw;
        }
        catch (OperationCanceledException) when (_ending.IsCancellationRequested)
        {
            // the server is ending: the analysis stopped on purpose
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log(1, $"{method} failed: {e}");
        }
    }

    private void Notification(string method, Action handler)
    {
        try
        {
            handler();
        }
        catch (OperationCanceledException) when (_ending.IsCancellationRequested)
        {
            // the server is ending: the analysis stopped on purpose
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log(1, $"{method} failed: {e}");
        }
    }

    private void Notify(string method, object argument)
    {
        if (_rpc is not { IsDisposed: false } rpc)
        {
            return;
        }

        _ = rpc.NotifyWithParameterObjectAsync(method, argument).ContinueWith(
            t => _log.WriteLine($"normlab lsp: could not send {method}: {t.Exception?.GetBaseException().Message}"),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
    }

    /// <summary>Logs to the client (<c>window/logMessage</c>; 1 error … 4 log) and, for errors and warnings, to standard error.</summary>
    private void Log(int type, string message)
    {
        if (type <= 2)
        {
            lock (_log)
            {
                _log.WriteLine("normlab lsp: " + message);
                _log.Flush();
            }
        }

        Notify("window/logMessage", new LogMessageParams { Type = type, Message = message });
    }

    /// <summary>One edit that replaces only the part that differs (the cursor and folds elsewhere stay put).</summary>
    internal static TextEdit MinimalEdit(SourceText source, string formatted)
    {
        var text = source.Text;
        var prefix = 0;
        var limit = Math.Min(text.Length, formatted.Length);
        while (prefix < limit && text[prefix] == formatted[prefix])
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < limit - prefix && text[text.Length - 1 - suffix] == formatted[formatted.Length - 1 - suffix])
        {
            suffix++;
        }

        return new TextEdit
        {
            Range = Positions.ToRange(source, TextSpan.FromBounds(prefix, text.Length - suffix)),
            NewText = formatted.Substring(prefix, formatted.Length - suffix - prefix),
        };
    }

    public void Dispose()
    {
        StopWork();
        lock (_gate)
        {
            foreach (var pending in _pending.Values)
            {
                pending.Cancel();
            }

            _pending.Clear();
        }
    }
}
