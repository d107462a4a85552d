using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using NormLab.Generator.Model;
using DslSpan = NormLab.Dsl.Text.TextSpan;

namespace NormLab.Generator.Parsing;

/// <summary>
/// An attributed record turned into NormLab text (<c>network Name(input: …, Width: 32) { … }</c>), with a
/// map from spans of that text back to the C# source, and the NL3xxx problems found on the way.
/// </summary>
internal sealed class SyntheticNetwork
{
    private readonly List<(DslSpan Span, Location Location, StringLiteralMap? Literal)> _segments = new();

    private readonly bool _mapSpans;

    public SyntheticNetwork(INamedTypeSymbol type, Location fallback, bool mapSpans = true)
    {
        Type = type;
        Fallback = fallback;
        _mapSpans = mapSpans;
    }

    public INamedTypeSymbol Type { get; }

    /// <summary>Where diagnostics go that have no better place: the [Network] attribute.</summary>
    public Location Fallback { get; }

    public string Text { get; set; } = string.Empty;

    /// <summary>False when a binding problem (NL3xxx) makes checking the text pointless.</summary>
    public bool CanCheck { get; set; } = true;

    public List<Diagnostic> Diagnostics { get; } = new();

    public List<HyperParameterSpec> HyperParameters { get; } = new();

    public List<ContainingTypeSpec> ContainingTypes { get; } = new();

    public string Namespace { get; set; } = string.Empty;

    public string Accessibility { get; set; } = "public";

    public string RecordKeyword { get; set; } = "record";

    /// <summary>Maps a span of the text to C#; nothing when the reader was told not to map (then <see cref="Map"/> gives the fallback).</summary>
    public void AddSegment(DslSpan span, Location location, StringLiteralMap? literal = null)
    {
        if (_mapSpans)
        {
            _segments.Add((span, location, literal));
        }
    }

    /// <summary>The C# location of a span of <see cref="Text"/>.</summary>
    public Location Map(DslSpan span)
    {
        foreach (var (segment, location, literal) in _segments)
        {
            if (span.Start >= segment.Start && span.End <= segment.End)
            {
                if (literal is not null && location.SourceTree is { } tree)
                {
                    var mapped = literal.Map(span.Start - segment.Start, span.Length);
                    return Location.Create(tree, mapped);
                }

                return location;
            }
        }

        return Fallback;
    }
}
