using System;
using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.LanguageServer.Analysis;

/// <summary>What a top-level piece of a file declares.</summary>
internal enum ChunkKind
{
    /// <summary>Whatever comes before the first declaration (comments, or text the parser skips).</summary>
    Leading,
    Namespace,
    Block,
    Network,
}

/// <summary>
/// One top-level declaration with the trivia after it, up to the next declaration's keyword. The
/// parser starts afresh at every <c>network</c>, <c>block</c> and <c>namespace</c> keyword (they are
/// reserved, and recovery stops at them), so a file's parse is its pieces' parses put side by side:
/// a piece whose text did not change is not parsed again.
/// </summary>
internal sealed class Chunk
{
    public Chunk(ChunkKind kind, int start, string text, ParsedChunk parsed)
    {
        Kind = kind;
        Start = start;
        Text = text;
        Parsed = parsed;
    }

    public ChunkKind Kind { get; }

    /// <summary>Where the piece starts in the document.</summary>
    public int Start { get; }

    public string Text { get; }

    public int End => Start + Text.Length;

    public ParsedChunk Parsed { get; }

    /// <summary>The declaration of this piece (null for the leading text).</summary>
    public MemberSyntax? Member => Parsed.Member;

    /// <summary>The declared name, or null when it is missing.</summary>
    public string? Name => Member is { Identifier.IsMissing: false } member ? member.Name : null;

    /// <summary>A span of the piece's own parse, in document positions.</summary>
    public TextSpan ToDocument(TextSpan local) => new(local.Start + Start, local.Length);

    public bool Contains(int position) => position >= Start && position < End;

    /// <summary>Splits a text at its declaration keywords (outside comments), the way the parser's recovery does.</summary>
    public static List<(ChunkKind Kind, int Start, int End)> Split(string text) => Split(SourceText.From(text), 0, null).Pieces;

    /// <summary>
    /// Splits the text from <paramref name="from"/> (0, or the start of a piece's keyword) at its declaration keywords.
    /// When <paramref name="stopAt"/> says yes to a keyword's position, the split ends there: that keyword starts the
    /// first piece not listed, and <c>StoppedAt</c> is its position (else -1). Only the tokens up to there are read.
    /// </summary>
    public static (List<(ChunkKind Kind, int Start, int End)> Pieces, int StoppedAt) Split(SourceText source, int from, Func<int, bool>? stopAt)
    {
        var pieces = new List<(ChunkKind, int, int)>();
        var kind = ChunkKind.Leading;
        var start = from;
        foreach (var token in NormLabCompiler.TokenizeFrom(source, from))
        {
            if (token.Kind == TokenKind.EndOfFile)
            {
                break;
            }

            var next = KindOf(token.Text);
            if (next is ChunkKind found)
            {
                var at = token.Span.Start;
                if (at > from && stopAt is not null && stopAt(at))
                {
                    pieces.Add((kind, start, at));
                    return (pieces, at);
                }

                if (at > start || kind != ChunkKind.Leading)
                {
                    pieces.Add((kind, start, at));
                }

                kind = found;
                start = at;
            }
        }

        if (source.Length > start || kind != ChunkKind.Leading)
        {
            pieces.Add((kind, start, source.Length));
        }

        return (pieces, -1);
    }

    private static ChunkKind? KindOf(string word) => word switch
    {
        "network" => ChunkKind.Network,
        "block" => ChunkKind.Block,
        "namespace" => ChunkKind.Namespace,
        _ => null,
    };
}

/// <summary>
/// The parse of one piece on its own: positions are relative to the piece's start. The keyword of the
/// next piece is parsed with it (and its own declaration left out), so that an error at the end of the
/// piece reads as in the whole file ("expected '}' but found 'network'", at that keyword).
/// </summary>
internal sealed class ParsedChunk
{
    public ParsedChunk(string text, string following)
    {
        var source = SourceText.From(following.Length == 0 ? text : text + following);
        var (syntax, diagnostics) = NormLabCompiler.Parse(source);
        Syntax = syntax;
        Diagnostics = following.Length == 0 ? diagnostics : diagnostics.Where(d => d.Span.Start <= text.Length && d.Span.End <= text.Length + following.Length).ToArray();
        Member = syntax.Members.Count > 0 && syntax.Members[0].Span.Start < text.Length ? syntax.Members[0] : null;
        Namespace = syntax.Namespace is { } ns && ns.Span.Start < text.Length ? ns : null;
    }

    public CompilationUnitSyntax Syntax { get; }

    /// <summary>The syntax errors of the piece (NL0001), relative to its start.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public MemberSyntax? Member { get; }

    public NamespaceDeclarationSyntax? Namespace { get; }

    /// <summary>The check of this piece's network, and the prelude (namespace and blocks) it was checked after.</summary>
    internal (string Prelude, object Check)? NetworkCheck { get; set; }

    /// <summary>
    /// What of this piece the skeleton keeps (see <c>DocumentAnalyzer.FileDiagnostics</c>): the length kept from its
    /// start, and the line breaks in the rest.
    /// </summary>
    internal (int Keep, int LineBreaks) Skeleton(string text, ChunkKind kind)
    {
        if (_skeleton is { } known)
        {
            return known;
        }

        var keep = kind switch
        {
            ChunkKind.Namespace or ChunkKind.Block => text.Length,
            ChunkKind.Network when Member is { } member => member.Identifier.IsMissing ? member.Keyword.Span.End : member.Identifier.Span.End,
            _ => 0,
        };
        keep = Math.Min(keep, text.Length);
        var breaks = 0;
        for (var i = keep; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n' || (c == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                breaks++;
            }
        }

        _skeleton = (keep, breaks);
        return (keep, breaks);
    }

    private (int Keep, int LineBreaks)? _skeleton;
}
