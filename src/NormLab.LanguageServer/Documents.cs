using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using NormLab.LanguageServer.Analysis;
using NormLab.LanguageServer.Features;
using NormLab.LanguageServer.Protocol;
using NormLab.Dsl.Text;

namespace NormLab.LanguageServer;

/// <summary>An open document: its text, version, and the analysis of the latest version (made when first asked for).</summary>
internal sealed class TextDocument
{
    /// <summary>
    /// The largest text analysed: 4 MiB of UTF-8. A larger one is still held (its edits keep it in step with the
    /// editor's) but not analysed: its diagnostic says so, and hover, completion and the rest answer nothing.
    /// </summary>
    public const int MaxAnalyzedBytes = 4 * 1024 * 1024;

    private readonly DocumentAnalyzer _analyzer = new();
    private DocumentAnalysis? _analysis;

    private readonly CancellationToken _ending;

    public TextDocument(string uri, int version, string text, CancellationToken ending = default)
    {
        _ending = ending;
        Uri = uri;
        Version = version;
        Source = SourceText.From(text, PathOf(uri));
    }

    public string Uri { get; }

    public int Version { get; private set; }

    public SourceText Source { get; private set; }

    public string Text => Source.Text;

    /// <summary>The size of the text in UTF-8 bytes when it is over <see cref="MaxAnalyzedBytes"/>, else null.</summary>
    public long? TooLarge
    {
        get
        {
            var text = Source.Text;
            if ((long)text.Length * 3 <= MaxAnalyzedBytes)
            {
                return null; // at most 3 bytes a UTF-16 unit: surely under the limit, without counting
            }

            var bytes = Encoding.UTF8.GetByteCount(text);
            return bytes > MaxAnalyzedBytes ? bytes : null;
        }
    }

    /// <summary>The analysis of the current version; the previous one's pieces and networks are reused.</summary>
    public DocumentAnalysis Analysis
    {
        get
        {
            if (_analysis is null)
            {
                _analysis = _analyzer.Analyze(Source, _ending);
                LastAnalysisTime = _analysis.Elapsed;
            }

            return _analysis;
        }
    }

    /// <summary>The JSON of the diagnostics last published for this document, reused for those that did not move.</summary>
    public DiagnosticFeature.JsonCache PublishedJson { get; } = new();

    /// <summary>How long the latest analysis took (zero before the first): whether diagnostics should wait for typing to pause.</summary>
    public TimeSpan LastAnalysisTime { get; private set; }

    /// <summary>True when the current version has been analyzed.</summary>
    public bool IsAnalyzed => _analysis is not null;

    /// <summary>Applies full or incremental changes in order, as <c>textDocument/didChange</c> sends them.</summary>
    public void Apply(int version, IReadOnlyList<TextDocumentContentChangeEvent> changes)
    {
        var text = Source.Text;
        var source = Source;
        foreach (var change in changes)
        {
            var inserted = (string?)change.Text ?? string.Empty; // a careless client's null text is empty
            if (change.Range is null)
            {
                text = inserted;
            }
            else
            {
                // clamped, never dropped: an edit past the end of a line or of the text applies at that end
                var span = Positions.ToSpan(source, change.Range);
                var (start, end) = (span.Start, span.End);
                text = new StringBuilder(text.Length - (end - start) + inserted.Length)
                    .Append(text, 0, start)
                    .Append(inserted)
                    .Append(text, end, text.Length - end)
                    .ToString();
            }

            source = SourceText.From(text, Source.Path);
        }

        Version = version;
        Source = source;
        _analysis = null;
    }

    /// <summary>The file path of a <c>file:</c> URI (for messages), else the URI itself.</summary>
    public static string PathOf(string uri) =>
        System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.IsFile ? parsed.LocalPath : uri;
}

/// <summary>The open documents by URI.</summary>
internal sealed class DocumentStore
{
    private readonly Dictionary<string, TextDocument> _documents = new(StringComparer.Ordinal);

    public int Count => _documents.Count;

    /// <summary>Cancelled when the server ends: analyses stop between pieces and networks.</summary>
    public CancellationToken Ending { get; set; }

    public TextDocument Open(string uri, int version, string text) => _documents[uri] = new TextDocument(uri, version, text, Ending);

    public bool Close(string uri) => _documents.Remove(uri);

    public TextDocument? Find(string uri) => _documents.TryGetValue(uri, out var document) ? document : null;

    /// <summary>An open document; for another, the protocol's invalid params (-32602): a request about a document the client did not open.</summary>
    public TextDocument Get(string uri) => Find(uri) ?? throw LspParams.Invalid($"the document {uri} is not open.");
}
