using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using NormLab.LanguageServer.Analysis;
using NormLab.LanguageServer.Protocol;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Model;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.LanguageServer.Features;

/// <summary>Go to definition: a block call to its block; a parameter's use to its declaration.</summary>
internal static class DefinitionFeature
{
    public static TextSpan? Definition(DocumentAnalysis analysis, int offset)
    {
        var chunk = analysis.FindChunk(offset);
        if (chunk?.Member is not { } member || SyntaxWalker.NameAt(member, offset - chunk.Start) is not { } name)
        {
            return null;
        }

        // a parameter of the enclosing declaration shadows blocks and layers
        var parameter = member.Parameters?.Parameters.FirstOrDefault(p => !p.Identifier.IsMissing && p.Name == name.Text);
        if (parameter is not null && name != member.Identifier)
        {
            return chunk.ToDocument(parameter.Identifier.Span);
        }

        return analysis.FindBlock(name.Text) is { Member: { } block } declaration
            ? declaration.ToDocument(block.Identifier.Span)
            : null;
    }
}

/// <summary>Document symbols: the namespace, blocks (their layers as children) and networks (their checked layers as children).</summary>
internal static class SymbolFeature
{
    public static List<DocumentSymbol> Symbols(DocumentAnalysis analysis)
    {
        var source = analysis.Source;
        var symbols = new List<DocumentSymbol>();
        foreach (var chunk in analysis.Chunks)
        {
            if (chunk.Parsed.Namespace is { } ns && ns.NameParts.All(p => !p.IsMissing))
            {
                symbols.Add(Symbol(source, ns.Name, null, SymbolKindCode.Namespace, chunk.ToDocument(ns.Span), chunk.ToDocument(ns.NameSpan)));
            }

            if (chunk.Member is not { Identifier.IsMissing: false } member)
            {
                continue;
            }

            var span = chunk.ToDocument(member.Span);
            var selection = chunk.ToDocument(member.Identifier.Span);
            if (member is NetworkDeclarationSyntax && analysis.FindNetwork(chunk) is { } entry)
            {
                var network = entry.Model;
                var detail = network.Input is null ? "network" : $"{network.Input} → {network.Output?.ToString() ?? "?"}";
                var symbol = Symbol(source, member.Name, detail, SymbolKindCode.Class, span, selection);
                symbol.Children = LayerSymbols(source, entry, network.Layers, span);
                symbols.Add(symbol);
            }
            else
            {
                var kind = member is NetworkDeclarationSyntax ? SymbolKindCode.Class : SymbolKindCode.Function;
                var symbol = Symbol(source, member.Name, member is NetworkDeclarationSyntax ? "network" : "block", kind, span, selection);
                symbol.Children = ElementSymbols(source, chunk, member.Body);
                symbols.Add(symbol);
            }
        }

        return symbols;
    }

    private static List<DocumentSymbol> LayerSymbols(SourceText source, NetworkEntry entry, IEnumerable<LayerModel> layers, TextSpan parent)
    {
        var symbols = new List<DocumentSymbol>();
        foreach (var layer in layers)
        {
            var span = entry.ToDocument(layer.Span);
            if (!parent.Contains(span))
            {
                span = parent;
            }

            var detail = layer.WrittenName == layer.KindName ? $"{layer.OutputShape}" : $"{layer.WrittenName} · {layer.OutputShape}";
            var symbol = Symbol(source, layer.Name, detail, SymbolKindCode.Field, span, span);
            var children = layer.Branches.SelectMany(b => b).Concat(layer.Shortcut).ToArray();
            if (children.Length > 0)
            {
                symbol.Children = LayerSymbols(source, entry, children, span);
            }

            symbols.Add(symbol);
        }

        return symbols;
    }

    private static List<DocumentSymbol> ElementSymbols(SourceText source, Chunk chunk, PipelineSyntax pipeline)
    {
        var symbols = new List<DocumentSymbol>();
        foreach (var element in pipeline.Elements)
        {
            var span = chunk.ToDocument(element.Span);
            switch (element)
            {
                case LayerCallSyntax { Identifier.IsMissing: false } call:
                    symbols.Add(Symbol(source, call.Name, null, SymbolKindCode.Field, span, chunk.ToDocument(call.Identifier.Span)));
                    break;
                case RepeatSyntax repeat:
                    var inner = ElementSymbols(source, chunk, new PipelineSyntax(new[] { repeat.Element }, repeat.Span.Start));
                    foreach (var symbol in inner)
                    {
                        symbol.Detail = "× " + chunk.Text.Substring(repeat.Count.Span.Start, repeat.Count.Span.Length);
                        symbol.Range = Positions.ToRange(source, span);
                    }

                    symbols.AddRange(inner);
                    break;
                case GroupSyntax group:
                    symbols.AddRange(ElementSymbols(source, chunk, group.Pipeline));
                    break;
                case BranchSyntax branch:
                    var residual = Symbol(source, branch.Keyword.Text, null, SymbolKindCode.Field, span, chunk.ToDocument(branch.Keyword.Span));
                    residual.Children = branch.Branches.SelectMany(b => ElementSymbols(source, chunk, b)).ToList();
                    symbols.Add(residual);
                    break;
            }
        }

        return symbols;
    }

    private static DocumentSymbol Symbol(SourceText source, string name, string? detail, int kind, TextSpan span, TextSpan selection) => new()
    {
        Name = name,
        Detail = detail,
        Kind = kind,
        Range = Positions.ToRange(source, span),
        SelectionRange = Positions.ToRange(source, span.Contains(selection) ? selection : span),
    };
}

/// <summary>Diagnostics as the protocol has them.</summary>
internal static class DiagnosticFeature
{
    public const string Source = "normlab";

    public static LspDiagnostic ToLsp(Diagnostic diagnostic, SourceText source) => new()
    {
        Range = Positions.ToRange(source, diagnostic.Span),
        Severity = diagnostic.Severity switch
        {
            DiagnosticSeverity.Error => DiagnosticSeverityCode.Error,
            DiagnosticSeverity.Warning => DiagnosticSeverityCode.Warning,
            DiagnosticSeverity.Info => DiagnosticSeverityCode.Information,
            _ => DiagnosticSeverityCode.Hint,
        },
        Code = diagnostic.Id,
        CodeDescription = new CodeDescription { Href = diagnostic.Descriptor.HelpLink },
        Source = Source,
        Message = diagnostic.Message,
    };

    /// <summary>The most diagnostics published for one document: the first 999 and one that counts the rest.</summary>
    public const int MaxPublished = 1000;

    public static List<LspDiagnostic> ToLsp(DocumentAnalysis analysis)
    {
        var diagnostics = analysis.Diagnostics;
        if (diagnostics.Count <= MaxPublished)
        {
            return diagnostics.Select(d => ToLsp(d, analysis.Source)).ToList();
        }

        var shown = diagnostics.Take(MaxPublished - 1).Select(d => ToLsp(d, analysis.Source)).ToList();
        shown.Add(new LspDiagnostic
        {
            Range = Positions.ToRange(analysis.Source, diagnostics[MaxPublished - 1].Span),
            Severity = DiagnosticSeverityCode.Information,
            Source = Source,
            Message = string.Format(CultureInfo.InvariantCulture,
                "{0:N0} more problems are not shown (at most {1:N0} are published for a document).", diagnostics.Count - (MaxPublished - 1), MaxPublished),
        });
        return shown;
    }

    /// <summary>
    /// <see cref="ToLsp(DocumentAnalysis)"/> as JSON, each diagnostic's JSON kept from the previous publish of the
    /// document when it has the same message at the same line and column: a keystroke re-writes only what it moved.
    /// </summary>
    public static RawJsonArray ToJson(DocumentAnalysis analysis, JsonCache cache)
    {
        var diagnostics = analysis.Diagnostics;
        var source = analysis.Source;
        var shown = Math.Min(diagnostics.Count, diagnostics.Count <= MaxPublished ? MaxPublished : MaxPublished - 1);
        var items = new List<byte[]>(shown + 1);
        var kept = new Dictionary<JsonCache.Key, byte[]>(shown);
        for (var i = 0; i < shown; i++)
        {
            var d = diagnostics[i];
            var start = source.GetLinePosition(d.Span.Start);
            var end = source.GetLinePosition(d.Span.End);
            var key = new JsonCache.Key(d.Descriptor, d.Severity, d.Message, start.Line, start.Character, end.Line, end.Character);
            if (!kept.TryGetValue(key, out var json) && !cache.Previous.TryGetValue(key, out json))
            {
                json = JsonSerializer.SerializeToUtf8Bytes(ToLsp(d, source), LspJson.Options);
            }

            kept[key] = json;
            items.Add(json);
        }

        if (shown < diagnostics.Count)
        {
            var all = ToLsp(analysis);
            items.Add(JsonSerializer.SerializeToUtf8Bytes(all[^1], LspJson.Options));
        }

        cache.Previous = kept;
        return new RawJsonArray(items);
    }

    /// <summary>The JSON of a document's last published diagnostics (see <see cref="ToJson"/>).</summary>
    internal sealed class JsonCache
    {
        internal readonly record struct Key(DiagnosticDescriptor Descriptor, DiagnosticSeverity Severity, string Message, int StartLine, int StartCharacter, int EndLine, int EndCharacter);

        internal Dictionary<Key, byte[]> Previous { get; set; } = new();
    }

    /// <summary>The one diagnostic of a document over <see cref="TextDocument.MaxAnalyzedBytes"/>, at its start.</summary>
    public static LspDiagnostic TooLarge(long bytes) => new()
    {
        Range = new Protocol.Range(),
        Severity = DiagnosticSeverityCode.Warning,
        Source = Source,
        Message = string.Format(CultureInfo.InvariantCulture,
            "document too large to analyse ({0:0.#} MiB; limit {1} MiB)", bytes / (1024.0 * 1024.0), TextDocument.MaxAnalyzedBytes / (1024 * 1024)),
    };
}
