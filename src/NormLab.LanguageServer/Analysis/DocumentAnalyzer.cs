using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
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
    private Dictionary<(string Text, string Following), ParsedChunk> _parses = new();
    private Dictionary<string, NetworkCheck> _checks = new(StringComparer.Ordinal);
    private string? _prelude;
    private string? _skeleton;
    private IReadOnlyList<Diagnostic> _skeletonDiagnostics = Array.Empty<Diagnostic>();

    public DocumentAnalyzer(CheckOptions? options = null) => _options = options;

    /// <summary>Checks the whole text at once every time (for comparison and benchmarks).</summary>
    public bool AlwaysCheckWholeText { get; set; }

    /// <summary>Milliseconds of the last analysis's phases (for measurements).</summary>
    internal Dictionary<string, double> PhaseTimes { get; } = new(StringComparer.Ordinal);

    public DocumentAnalysis Analyze(SourceText source)
    {
        var stopwatch = Stopwatch.StartNew();
        var text = source.Text;
        var parses = new Dictionary<(string, string), ParsedChunk>();
        var parsed = 0;
        var chunks = new List<Chunk>();
        var pieces = Chunk.Split(text);
        for (var i = 0; i < pieces.Count; i++)
        {
            var (kind, start, end) = pieces[i];
            var piece = text.Substring(start, end - start);
            var following = i + 1 < pieces.Count ? Keyword(pieces[i + 1].Kind) : string.Empty;
            if (!parses.TryGetValue((piece, following), out var parse) && !_parses.TryGetValue((piece, following), out parse))
            {
                parse = new ParsedChunk(piece, following);
                parsed++;
            }

            parses[(piece, following)] = parse;
            chunks.Add(new Chunk(kind, start, piece, parse));
        }

        _parses = parses;
        PhaseTimes["parse"] = stopwatch.Elapsed.TotalMilliseconds;
        var analysis = AlwaysCheckWholeText || NeedsWholeCheck(chunks)
            ? AnalyzeWhole(source, chunks, parsed)
            : AnalyzePieces(source, chunks, parsed);
        analysis.Elapsed = stopwatch.Elapsed;
        return analysis;
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
        _checks.Clear();
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
            _prelude = preludeText;
            _checks = new Dictionary<string, NetworkCheck>(StringComparer.Ordinal);
        }

        var networkPhase = Stopwatch.StartNew();
        var @namespace = nsChunk?.Parsed.Namespace is { } declared && declared.NameParts.All(p => !p.IsMissing)
            ? declared.Name
            : _options?.DefaultNamespace ?? string.Empty;

        // each network (the first of each name, as the compiler does), from the previous version when its text is the same
        var checks = new Dictionary<string, NetworkCheck>(StringComparer.Ordinal);
        var entries = new List<NetworkEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var checkedNetworks = 0;
        foreach (var chunk in chunks)
        {
            if (chunk.Kind != ChunkKind.Network || chunk.Name is not { } name || !names.Add(name))
            {
                continue;
            }

            if (!_checks.TryGetValue(chunk.Text, out var check))
            {
                check = NetworkCheck.Run(preludeText, chunk.Text, name, _options);
                if (check is null)
                {
                    // the prelude swallows the network (a block comment a block leaves open at the end of the file):
                    // only the file's own order gives its meaning
                    return AnalyzeWhole(source, chunks, parsed);
                }

                checkedNetworks++;
            }

            checks[chunk.Text] = check;
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

        _checks = checks;
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

    /// <summary>The diagnostics about the file as a whole, from a check of its skeleton.</summary>
    private IEnumerable<Diagnostic> FileDiagnostics(SourceText source, List<Chunk> chunks)
    {
        var text = source.Text;
        var skeleton = new char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            skeleton[i] = c is '\n' or '\r' ? c : ' ';
        }

        foreach (var chunk in chunks)
        {
            var keep = chunk.Kind switch
            {
                ChunkKind.Namespace or ChunkKind.Block => chunk.Text.Length,
                ChunkKind.Network when chunk.Member is { } member => member.Identifier.IsMissing ? member.Keyword.Span.End : member.Identifier.Span.End,
                _ => 0,
            };
            chunk.Text.CopyTo(0, skeleton, chunk.Start, keep);
        }

        var skeletonText = new string(skeleton);
        if (!string.Equals(skeletonText, _skeleton, StringComparison.Ordinal))
        {
            var result = NormLabCompiler.Check(SourceText.From(skeletonText), _options);
            // what the cut-down networks report of themselves (no input, no layers) is not the file's; the file's errors
            // inside a declaration are listed with that network too, and stay
            var ofStubs = new HashSet<Diagnostic>(result.Networks.SelectMany(n => n.Diagnostics).Where(d => d.Id is MissingInputId or EmptyBodyId));
            _skeletonDiagnostics = result.Diagnostics.Where(d => d.Id != SyntaxErrorId && !ofStubs.Contains(d)).ToArray();
            _skeleton = skeletonText;
        }

        return _skeletonDiagnostics.Select(d => Rebase(d, source, d.Span));
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
