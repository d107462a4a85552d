using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using NormLab.Dsl;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Model;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.LanguageServer.Analysis;

/// <summary>
/// Checks versions of one document incrementally, with the same result as
/// <see cref="NormLabCompiler.Check(SourceText, CheckOptions?)"/> on the whole text:
/// <list type="bullet">
/// <item>the text is split into top-level pieces; a piece whose text did not change keeps its parse;</item>
/// <item>each network is checked in a small text of its own (the namespace, every block, the network);
/// a network whose text did not change, while the namespace and blocks did not either, keeps its model
/// and diagnostics, moved to where it now lies;</item>
/// <item>what concerns the file as a whole (duplicate names, generated-name clashes, block bodies,
/// recursion) comes from a check of a skeleton: the document with every network cut down to its
/// keyword and name, at the same positions and lines.</item>
/// </list>
/// Cases the pieces cannot reproduce exactly fall back to one check of the whole text.
/// </summary>
internal sealed class DocumentAnalyzer
{
    private const string SyntaxErrorId = "NL0001";
    private const string EmptyBodyId = "NL0008";
    private const string MissingInputId = "NL0009";

    private readonly CheckOptions? _options;
    private CancellationToken _cancellation;
    private string? _text;
    private List<Chunk> _chunks = new();
    private string? _prelude;
    private string? _skeleton;
    private IReadOnlyList<Diagnostic> _skeletonDiagnostics = Array.Empty<Diagnostic>();

    public DocumentAnalyzer(CheckOptions? options = null) => _options = options;

    /// <summary>Checks the whole text at once every time (for comparison and benchmarks).</summary>
    public bool AlwaysCheckWholeText { get; set; }

    /// <summary>Milliseconds of the last analysis's phases (for measurements).</summary>
    internal Dictionary<string, double> PhaseTimes { get; } = new(StringComparer.Ordinal);

    /// <summary>How many characters the last analysis read with the lexer to find the pieces (for tests and measurements).</summary>
    internal int ScannedChars { get; private set; }

    /// <summary>
    /// Analyses a version of the document. <paramref name="cancellation"/> is looked at between pieces and between
    /// networks (the server cancels when it ends, so that a large document's first check does not hold up the end).
    /// </summary>
    public DocumentAnalysis Analyze(SourceText source, CancellationToken cancellation = default)
    {
        _cancellation = cancellation;
        var stopwatch = Stopwatch.StartNew();
        var (chunks, parsed) = SplitAndParse(source);
        _text = source.Text;
        _chunks = chunks;
        PhaseTimes["parse"] = stopwatch.Elapsed.TotalMilliseconds;
        var analysis = AlwaysCheckWholeText || NeedsWholeCheck(chunks)
            ? AnalyzeWhole(source, chunks, parsed)
            : AnalyzePieces(source, chunks, parsed);
        analysis.Elapsed = stopwatch.Elapsed;
        return analysis;
    }

    /// <summary>
    /// The pieces of the text, each with its parse. Against the previous version, only the part between the edit's
    /// ends is read again: from the start of the piece before the one the edit starts in, up to the first keyword
    /// after the edit where a piece of the previous version started; the pieces before and after keep their parses
    /// (moved by the edit's change of length). A piece read again whose text is the same keeps its parse too.
    /// </summary>
    private (List<Chunk> Chunks, int Parsed) SplitAndParse(SourceText source)
    {
        var text = source.Text;
        var old = _text;
        var oldChunks = _chunks;
        if (old is null || oldChunks.Count == 0)
        {
            var (all, _) = Chunk.Split(source, 0, null);
            ScannedChars = text.Length;
            var fresh = new List<Chunk>(all.Count);
            var parses = new Dictionary<(string, string), ParsedChunk>();
            var count = 0;
            for (var i = 0; i < all.Count; i++)
            {
                _cancellation.ThrowIfCancellationRequested();
                var (kind, start, end) = all[i];
                var piece = text.Substring(start, end - start);
                var following = i + 1 < all.Count ? Keyword(all[i + 1].Kind) : string.Empty;
                if (!parses.TryGetValue((piece, following), out var parse))
                {
                    parses[(piece, following)] = parse = new ParsedChunk(piece, following);
                    count++;
                }

                fresh.Add(new Chunk(kind, start, piece, parse));
            }

            return (fresh, count);
        }

        // the edit: what lies between the common prefix and the common suffix of the two versions
        var prefix = old.AsSpan().CommonPrefixLength(text);
        if (prefix == old.Length && prefix == text.Length)
        {
            ScannedChars = 0;
            return (oldChunks, 0);
        }

        var suffix = CommonSuffixLength(old, text, Math.Min(old.Length, text.Length) - prefix);
        var delta = text.Length - old.Length;
        var newEditEnd = text.Length - suffix;

        // read again from the start of the piece before the one the edit starts in (an edit at a keyword can join
        // its piece to the one before)
        var first = 0;
        for (int low = 0, high = oldChunks.Count - 1; low <= high;)
        {
            var middle = (low + high) / 2;
            if (oldChunks[middle].Start <= prefix)
            {
                first = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        first = Math.Max(0, first - 1);
        var from = first == 0 ? 0 : oldChunks[first].Start;

        // stop at a keyword past the edit where an old piece started: from there on the text and its tokens are the same
        var startsAfter = new Dictionary<int, int>();
        var resumeAt = -1;
        var (pieces, stoppedAt) = Chunk.Split(source, from, at =>
        {
            if (at < newEditEnd)
            {
                return false;
            }

            var oldStart = at - delta;
            var index = FindStart(oldChunks, oldStart);
            if (index < 0)
            {
                return false;
            }

            resumeAt = index;
            return true;
        });
        ScannedChars = (stoppedAt < 0 ? text.Length : stoppedAt) - from;

        // the old pieces read again, by text: one whose text (and next keyword) is the same keeps its parse
        var lastOld = stoppedAt < 0 ? oldChunks.Count : resumeAt;
        var reusable = new Dictionary<(string, string), ParsedChunk>();
        for (var i = first; i < lastOld; i++)
        {
            var following = i + 1 < oldChunks.Count ? Keyword(oldChunks[i + 1].Kind) : string.Empty;
            reusable.TryAdd((oldChunks[i].Text, following), oldChunks[i].Parsed);
        }

        var chunks = new List<Chunk>(oldChunks.Count + pieces.Count);
        for (var i = 0; i < first; i++)
        {
            chunks.Add(oldChunks[i]);
        }

        var parsed = 0;
        for (var i = 0; i < pieces.Count; i++)
        {
            _cancellation.ThrowIfCancellationRequested();
            var (kind, start, end) = pieces[i];
            var piece = text.Substring(start, end - start);
            var following = i + 1 < pieces.Count ? Keyword(pieces[i + 1].Kind)
                : stoppedAt >= 0 ? Keyword(oldChunks[resumeAt].Kind)
                : string.Empty;
            if (!reusable.TryGetValue((piece, following), out var parse))
            {
                reusable[(piece, following)] = parse = new ParsedChunk(piece, following);
                parsed++;
            }

            chunks.Add(new Chunk(kind, start, piece, parse));
        }

        if (stoppedAt >= 0)
        {
            for (var i = resumeAt; i < oldChunks.Count; i++)
            {
                var chunk = oldChunks[i];
                chunks.Add(delta == 0 ? chunk : new Chunk(chunk.Kind, chunk.Start + delta, chunk.Text, chunk.Parsed));
            }
        }

        return (chunks, parsed);
    }

    /// <summary>The index of the piece that starts at <paramref name="start"/>, or -1.</summary>
    private static int FindStart(List<Chunk> chunks, int start)
    {
        for (int low = 0, high = chunks.Count - 1; low <= high;)
        {
            var middle = (low + high) / 2;
            var at = chunks[middle].Start;
            if (at == start)
            {
                return middle;
            }

            if (at < start)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }

    /// <summary>How many characters at the ends of the two texts are the same (at most <paramref name="limit"/>).</summary>
    private static int CommonSuffixLength(string a, string b, int limit)
    {
        const int Stride = 64;
        var length = 0;
        while (length + Stride <= limit && a.AsSpan(a.Length - length - Stride, Stride).SequenceEqual(b.AsSpan(b.Length - length - Stride, Stride)))
        {
            length += Stride;
        }

        while (length < limit && a[a.Length - 1 - length] == b[b.Length - 1 - length])
        {
            length++;
        }

        return length;
    }

    private static string Keyword(ChunkKind kind) => kind switch
    {
        ChunkKind.Network => "network",
        ChunkKind.Block => "block",
        ChunkKind.Namespace => "namespace",
        _ => string.Empty,
    };

    /// <summary>The cases where pieces would not give the whole text's result.</summary>
    private static bool NeedsWholeCheck(List<Chunk> chunks)
    {
        var seenMember = false;
        var namespaces = 0;
        var blockNames = new HashSet<string>(StringComparer.Ordinal);
        var networkNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in chunks)
        {
            switch (chunk.Kind)
            {
                case ChunkKind.Namespace:
                    // only one namespace declaration, before every member, is accepted: a later one is an error that depends on order
                    if (seenMember || ++namespaces > 1)
                    {
                        return true;
                    }

                    break;
                case ChunkKind.Block:
                    seenMember = true;
                    if (chunk.Name is { } block)
                    {
                        blockNames.Add(block);
                    }

                    break;
                case ChunkKind.Network:
                    seenMember = true;
                    if (chunk.Name is { } network)
                    {
                        networkNames.Add(network);
                    }

                    break;
            }

            // the parser reports too-deep nesting once per file
            if (chunk.Parsed.Diagnostics.Any(d => d.Message.StartsWith("Nesting is deeper", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        // a block named like a network declared before it is not a block: that depends on the other networks
        return blockNames.Overlaps(networkNames);
    }

    private DocumentAnalysis AnalyzeWhole(SourceText source, List<Chunk> chunks, int parsed)
    {
        _prelude = null;
        _skeleton = null;
        var result = NormLabCompiler.Check(source, _options);
        var identity = new[] { new Segment(0, source.Length, 0) };
        var entries = result.Networks.Select(n => new NetworkEntry(
            n,
            chunks.FirstOrDefault(c => c.Kind == ChunkKind.Network && c.Member is not null && c.ToDocument(c.Member.Identifier.Span) == n.NameSpan),
            identity,
            n.Diagnostics)).ToArray();
        return new DocumentAnalysis(source, chunks, entries, result.Diagnostics, result.Namespace, incremental: false)
        {
            ParsedChunks = parsed,
            CheckedNetworks = entries.Length,
        };
    }

    private DocumentAnalysis AnalyzePieces(SourceText source, List<Chunk> chunks, int parsed)
    {
        var nsChunk = chunks.FirstOrDefault(c => c.Kind == ChunkKind.Namespace);
        var blockChunks = chunks.Where(c => c.Kind == ChunkKind.Block).ToArray();
        var prelude = new StringBuilder();
        var preludeSegments = new List<(int CheckedStart, Chunk Chunk)>();
        foreach (var chunk in nsChunk is null ? blockChunks : blockChunks.Prepend(nsChunk))
        {
            preludeSegments.Add((prelude.Length, chunk));
            prelude.Append(chunk.Text);
        }

        var preludeText = prelude.ToString();
        if (!string.Equals(preludeText, _prelude, StringComparison.Ordinal))
        {
            _prelude = preludeText; // a new instance: every piece's check was made after another prelude
        }

        preludeText = _prelude!;

        var networkPhase = Stopwatch.StartNew();
        var @namespace = nsChunk?.Parsed.Namespace is { } declared && declared.NameParts.All(p => !p.IsMissing)
            ? declared.Name
            : _options?.DefaultNamespace ?? string.Empty;

        // each network (the first of each name, as the compiler does), from the previous version when its text is the same
        var entries = new List<NetworkEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var checkedNetworks = 0;
        foreach (var chunk in chunks)
        {
            if (chunk.Kind != ChunkKind.Network || chunk.Name is not { } name || !names.Add(name))
            {
                continue;
            }

            NetworkCheck check;
            if (chunk.Parsed.NetworkCheck is { } cached && ReferenceEquals(cached.Prelude, preludeText))
            {
                check = (NetworkCheck)cached.Check;
            }
            else
            {
                _cancellation.ThrowIfCancellationRequested();
                check = NetworkCheck.Run(preludeText, chunk.Text, name, _options);
                if (check is null)
                {
                    // the prelude swallows the network (a block comment a block leaves open at the end of the file):
                    // only the file's own order gives its meaning
                    return AnalyzeWhole(source, chunks, parsed);
                }

                chunk.Parsed.NetworkCheck = (preludeText, check);
                checkedNetworks++;
            }

            var segments = new List<Segment>(preludeSegments.Count + 1);
            foreach (var (checkedStart, preludeChunk) in preludeSegments)
            {
                segments.Add(new Segment(checkedStart, preludeChunk.Text.Length, preludeChunk.Start));
            }

            segments.Add(new Segment(preludeText.Length, chunk.Text.Length, chunk.Start));
            var entry = new NetworkEntry(check.Model, chunk, segments, Array.Empty<Diagnostic>());
            // the network's own diagnostics: its text's syntax errors come from the pieces' parses (the check repeats
            // them, as seen from a text that ends where the piece ends)
            var diagnostics = check.Model.Diagnostics
                .Where(d => d.Id != SyntaxErrorId)
                .Select(d => Rebase(d, source, entry.ToDocument(d.Span)))
                .ToArray();
            entries.Add(new NetworkEntry(check.Model, chunk, segments, diagnostics));
        }

        PhaseTimes["networks"] = networkPhase.Elapsed.TotalMilliseconds;
        var phase = Stopwatch.StartNew();

        var all = new List<Diagnostic>();
        foreach (var chunk in chunks)
        {
            foreach (var d in chunk.Parsed.Diagnostics)
            {
                all.Add(Rebase(d, source, chunk.ToDocument(d.Span)));
            }
        }

        all.AddRange(FileDiagnostics(source, chunks));
        PhaseTimes["file"] = phase.Elapsed.TotalMilliseconds;
        phase.Restart();
        foreach (var entry in entries)
        {
            all.AddRange(entry.Diagnostics);
        }

        var sorted = Sort(all);
        PhaseTimes["sort"] = phase.Elapsed.TotalMilliseconds;
        return new DocumentAnalysis(source, chunks, entries, sorted, @namespace, incremental: true)
        {
            ParsedChunks = parsed,
            CheckedNetworks = checkedNetworks,
        };
    }

    /// <summary>
    /// The diagnostics about the file as a whole, from a check of its skeleton: the namespace and blocks as they are,
    /// every network cut down to its keyword and name, each piece followed by as many line breaks as the rest of its
    /// text has (so that lines, which messages name, stay the same). It is as small as the file's declarations, and
    /// the same after an edit inside a network that adds no line: its check is then not made again.
    /// </summary>
    private IEnumerable<Diagnostic> FileDiagnostics(SourceText source, List<Chunk> chunks)
    {
        var skeleton = new StringBuilder();
        var segments = new Segment[chunks.Count];
        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i];
            var (keep, breaks) = chunk.Parsed.Skeleton(chunk.Text, chunk.Kind);
            segments[i] = new Segment(skeleton.Length, keep, chunk.Start);
            skeleton.Append(chunk.Text, 0, keep);
            if (breaks > 0)
            {
                skeleton.Append('\n', breaks);
            }
            else if (keep < chunk.Text.Length)
            {
                skeleton.Append(' ');
            }
        }

        var skeletonText = skeleton.ToString();
        if (!string.Equals(skeletonText, _skeleton, StringComparison.Ordinal))
        {
            var result = NormLabCompiler.Check(SourceText.From(skeletonText), _options);
            // what the cut-down networks report of themselves (no input, no layers) is not the file's; the file's errors
            // inside a declaration are listed with that network too, and stay
            var ofStubs = new HashSet<Diagnostic>(result.Networks.SelectMany(n => n.Diagnostics).Where(d => d.Id is MissingInputId or EmptyBodyId));
            _skeletonDiagnostics = result.Diagnostics.Where(d => d.Id != SyntaxErrorId && !ofStubs.Contains(d)).ToArray();
            _skeleton = skeletonText;
        }

        return _skeletonDiagnostics.Select(d => Rebase(d, source, ToDocument(segments, d.Span)));
    }

    /// <summary>A span of the skeleton in the document: in the piece it starts in, at the same distance from the piece's start.</summary>
    private static TextSpan ToDocument(Segment[] segments, TextSpan span)
    {
        var found = -1;
        for (int low = 0, high = segments.Length - 1; low <= high;)
        {
            var middle = (low + high) / 2;
            if (segments[middle].CheckedStart <= span.Start)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        if (found < 0)
        {
            return span;
        }

        var segment = segments[found];
        var offset = Math.Min(span.Start - segment.CheckedStart, segment.Length);
        return new TextSpan(segment.DocumentStart + offset, span.Length);
    }

    private static Diagnostic Rebase(Diagnostic diagnostic, SourceText source, TextSpan span) =>
        new(diagnostic.Descriptor, diagnostic.Severity, diagnostic.Message, source, span);

    /// <summary>The compiler's order: stable by start, length and ID; the first of equal diagnostics.</summary>
    internal static IReadOnlyList<Diagnostic> Sort(IEnumerable<Diagnostic> diagnostics)
    {
        var seen = new HashSet<(string, int, int, string)>();
        return diagnostics
            .Where(d => seen.Add((d.Id, d.Span.Start, d.Span.Length, d.Message)))
            .OrderBy(d => d.Span.Start)
            .ThenBy(d => d.Span.Length)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>One network checked in a text of its own: the prelude (namespace and blocks), then the network.</summary>
    private sealed class NetworkCheck
    {
        private NetworkCheck(NetworkModel model) => Model = model;

        public NetworkModel Model { get; }

        /// <summary>The network checked after the prelude; null when that text does not declare it.</summary>
        public static NetworkCheck? Run(string prelude, string network, string name, CheckOptions? options)
        {
            var result = NormLabCompiler.Check(prelude + network, null, options);
            return result.FindNetwork(name) is { } model ? new NetworkCheck(model) : null;
        }
    }
}
