using System.Collections.Generic;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Model;
using NormLab.Dsl.Text;

namespace NormLab.LanguageServer.Analysis;

/// <summary>
/// A piece of the text a network was checked in, and where that piece lies in the document. A network
/// is checked in a text of its own (the namespace, the blocks, then the network), so its model's spans
/// are positions in that text; segments translate them.
/// </summary>
internal readonly record struct Segment(int CheckedStart, int Length, int DocumentStart)
{
    public int CheckedEnd => CheckedStart + Length;

    public int DocumentEnd => DocumentStart + Length;
}

/// <summary>One checked network of a document: its model, its diagnostics (in document positions) and the way between the two.</summary>
internal sealed class NetworkEntry
{
    private readonly IReadOnlyList<Segment> _segments;

    public NetworkEntry(NetworkModel model, Chunk? chunk, IReadOnlyList<Segment> segments, IReadOnlyList<Diagnostic> diagnostics)
    {
        Model = model;
        Chunk = chunk;
        _segments = segments;
        Diagnostics = diagnostics;
    }

    /// <summary>The model; its spans are positions in the text it was checked in (see <see cref="ToDocument"/>).</summary>
    public NetworkModel Model { get; }

    /// <summary>The network's piece of the document (null when the whole document was checked at once).</summary>
    public Chunk? Chunk { get; }

    /// <summary>This network's diagnostics, in document positions.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>The network's whole declaration, in document positions.</summary>
    public TextSpan Span => ToDocument(Model.Span);

    public TextSpan NameSpan => ToDocument(Model.NameSpan);

    /// <summary>A span of the model, in document positions.</summary>
    public TextSpan ToDocument(TextSpan span)
    {
        // a position on the boundary of two segments belongs to the one it starts; the end of the last one to that one
        Segment? end = null;
        foreach (var segment in _segments)
        {
            if (span.Start >= segment.CheckedStart && span.Start < segment.CheckedEnd)
            {
                return new TextSpan(span.Start - segment.CheckedStart + segment.DocumentStart, span.Length);
            }

            if (span.Start == segment.CheckedEnd)
            {
                end = segment;
            }
        }

        return end is { } last ? new TextSpan(span.Start - last.CheckedStart + last.DocumentStart, span.Length) : span;
    }

    /// <summary>A document position in the model's positions; null when the network's check did not see that text.</summary>
    public int? ToModel(int position)
    {
        Segment? end = null;
        foreach (var segment in _segments)
        {
            if (position >= segment.DocumentStart && position < segment.DocumentEnd)
            {
                return position - segment.DocumentStart + segment.CheckedStart;
            }

            if (position == segment.DocumentEnd)
            {
                end = segment;
            }
        }

        return end is { } last ? position - last.DocumentStart + last.CheckedStart : null;
    }
}
