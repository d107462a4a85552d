using System;
using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Text;

namespace NormLab.LanguageServer.Analysis;

/// <summary>Everything the server knows about one version of a document: its pieces, checked networks and diagnostics.</summary>
internal sealed class DocumentAnalysis
{
    public DocumentAnalysis(SourceText source, IReadOnlyList<Chunk> chunks, IReadOnlyList<NetworkEntry> networks, IReadOnlyList<Diagnostic> diagnostics, string @namespace, bool incremental)
    {
        Source = source;
        Chunks = chunks;
        Networks = networks;
        Diagnostics = diagnostics;
        Namespace = @namespace;
        Incremental = incremental;
    }

    public SourceText Source { get; }

    public string Text => Source.Text;

    /// <summary>The top-level pieces in document order.</summary>
    public IReadOnlyList<Chunk> Chunks { get; }

    /// <summary>The checked networks in document order (the first of each name).</summary>
    public IReadOnlyList<NetworkEntry> Networks { get; }

    /// <summary>Every diagnostic, sorted as <c>NormLabCompiler.Check</c> sorts them, in document positions.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public string Namespace { get; }

    /// <summary>False when the document had to be checked as a whole (a case the pieces cannot reproduce).</summary>
    public bool Incremental { get; }

    /// <summary>How many pieces were parsed and networks checked for this version (the rest came from the previous one).</summary>
    public int ParsedChunks { get; init; }

    public int CheckedNetworks { get; init; }

    public TimeSpan Elapsed { get; set; }

    /// <summary>The piece that holds <paramref name="position"/> (the last one for the end of the text).</summary>
    public Chunk? FindChunk(int position)
    {
        if (Chunks.Count == 0)
        {
            return null;
        }

        int low = 0, high = Chunks.Count - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (Chunks[middle].Start <= position)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return Chunks[low];
    }

    public IEnumerable<Chunk> Blocks => Chunks.Where(c => c.Kind == ChunkKind.Block && c.Name is not null);

    /// <summary>The first block declared with that name.</summary>
    public Chunk? FindBlock(string name) => Blocks.FirstOrDefault(c => c.Name == name);

    /// <summary>The checked network of a piece (null for a duplicate, a nameless network, or another kind of piece).</summary>
    public NetworkEntry? FindNetwork(Chunk chunk) => Networks.FirstOrDefault(n => n.Chunk == chunk);
}
