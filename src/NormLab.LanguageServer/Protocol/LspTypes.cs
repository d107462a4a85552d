using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NormLab.LanguageServer.Protocol;

// The part of the Language Server Protocol 3.17 that this server speaks. Names follow the
// specification; the JSON is camelCase (see LspJson), and null members are left out.

internal sealed class Position
{
    [JsonRequired]
    [JsonConverter(typeof(SaturatingInt32Converter))]
    public int Line { get; set; }

    [JsonRequired]
    [JsonConverter(typeof(SaturatingInt32Converter))]
    public int Character { get; set; }
}

/// <summary>
/// A position's numbers as <see cref="int"/>, saturated: LSP's uinteger is at most 2^31 - 1, but a careless
/// client may send 2^32 - 1 or -1; the position is then clamped (see Positions.ToOffset), never refused.
/// </summary>
internal sealed class SaturatingInt32Converter : JsonConverter<int>
{
    public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw new JsonException($"A position expects a number, not {reader.TokenType}.");
        }

        if (reader.TryGetInt32(out var value))
        {
            return value;
        }

        var number = reader.GetDouble();
        return number >= int.MaxValue ? int.MaxValue : number <= int.MinValue ? int.MinValue : (int)number;
    }

    public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}

internal sealed class Range
{
    [JsonRequired]
    public Position Start { get; set; } = new();

    [JsonRequired]
    public Position End { get; set; } = new();
}

internal sealed class Location
{
    public string Uri { get; set; } = string.Empty;

    public Range Range { get; set; } = new();
}

internal sealed class TextDocumentIdentifier
{
    [JsonRequired]
    public string Uri { get; set; } = string.Empty;
}

internal sealed class TextDocumentItem
{
    [JsonRequired]
    public string Uri { get; set; } = string.Empty;

    /// <summary>Required by the protocol, but not used: a client that leaves it out (or sends null) is served.</summary>
    public string? LanguageId { get; set; }

    [JsonRequired]
    public int Version { get; set; }

    [JsonRequired]
    public string Text { get; set; } = string.Empty;
}

internal sealed class VersionedTextDocumentIdentifier
{
    [JsonRequired]
    public string Uri { get; set; } = string.Empty;

    [JsonRequired]
    public int Version { get; set; }
}

internal sealed class TextDocumentContentChangeEvent
{
    /// <summary>Null: the change replaces the whole text.</summary>
    public Range? Range { get; set; }

    [JsonRequired]
    public string Text { get; set; } = string.Empty;
}

internal sealed class InitializeParams
{
    public int? ProcessId { get; set; }

    public string? RootUri { get; set; }

    public JsonElement? Capabilities { get; set; }

    public JsonElement? InitializationOptions { get; set; }
}

internal sealed class DidOpenTextDocumentParams
{
    [JsonRequired]
    public TextDocumentItem TextDocument { get; set; } = new();
}

internal sealed class DidChangeTextDocumentParams
{
    [JsonRequired]
    public VersionedTextDocumentIdentifier TextDocument { get; set; } = new();

    [JsonRequired]
    public List<TextDocumentContentChangeEvent> ContentChanges { get; set; } = new();
}

internal sealed class DidCloseTextDocumentParams
{
    [JsonRequired]
    public TextDocumentIdentifier TextDocument { get; set; } = new();
}

internal sealed class TextDocumentPositionParams
{
    [JsonRequired]
    public TextDocumentIdentifier TextDocument { get; set; } = new();

    [JsonRequired]
    public Position Position { get; set; } = new();
}

internal sealed class DocumentSymbolParams
{
    [JsonRequired]
    public TextDocumentIdentifier TextDocument { get; set; } = new();
}

internal sealed class FormattingOptions
{
    public int TabSize { get; set; } = 4;

    public bool InsertSpaces { get; set; } = true;
}

internal sealed class DocumentFormattingParams
{
    [JsonRequired]
    public TextDocumentIdentifier TextDocument { get; set; } = new();

    /// <summary>Required by the protocol, but not used (the layout is the formatter's own): a client that leaves it out is served.</summary>
    public FormattingOptions? Options { get; set; }
}

internal sealed class CodeActionContext
{
    /// <summary>Not used (the quick fixes come from the server's own analysis): any JSON, so that other tools' diagnostics, whose codes may be numbers, are no error.</summary>
    public JsonElement? Diagnostics { get; set; }

    public List<string>? Only { get; set; }
}

internal sealed class CodeActionParams
{
    [JsonRequired]
    public TextDocumentIdentifier TextDocument { get; set; } = new();

    [JsonRequired]
    public Range Range { get; set; } = new();

    [JsonRequired]
    public CodeActionContext Context { get; set; } = new();
}

internal sealed class CodeDescription
{
    public string Href { get; set; } = string.Empty;
}

internal static class DiagnosticSeverityCode
{
    public const int Error = 1;
    public const int Warning = 2;
    public const int Information = 3;
    public const int Hint = 4;
}

internal sealed class LspDiagnostic
{
    public Range Range { get; set; } = new();

    public int? Severity { get; set; }

    public string? Code { get; set; }

    public CodeDescription? CodeDescription { get; set; }

    public string? Source { get; set; }

    public string Message { get; set; } = string.Empty;

    /// <summary>1: unnecessary (faded), 2: deprecated. Never set by this server.</summary>
    public List<int>? Tags { get; set; }
}

internal sealed class PublishDiagnosticsParams
{
    public string Uri { get; set; } = string.Empty;

    public int? Version { get; set; }

    public List<LspDiagnostic> Diagnostics { get; set; } = new();
}

/// <summary><c>textDocument/publishDiagnostics</c> with each diagnostic's JSON made beforehand (see DiagnosticFeature.ToJson).</summary>
internal sealed class PublishDiagnosticsJsonParams
{
    public string Uri { get; set; } = string.Empty;

    public int? Version { get; set; }

    public RawJsonArray Diagnostics { get; set; } = new(new List<byte[]>());
}

/// <summary>A JSON array whose items are JSON already (UTF-8, each a complete value), written as they are.</summary>
[JsonConverter(typeof(RawJsonArrayConverter))]
internal sealed class RawJsonArray
{
    public RawJsonArray(IReadOnlyList<byte[]> items) => Items = items;

    public IReadOnlyList<byte[]> Items { get; }
}

internal sealed class RawJsonArrayConverter : JsonConverter<RawJsonArray>
{
    public override RawJsonArray Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("The server only writes these.");

    public override void Write(Utf8JsonWriter writer, RawJsonArray value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var item in value.Items)
        {
            // made by JsonSerializer with the same options: valid JSON, not checked again
            writer.WriteRawValue(item, skipInputValidation: true);
        }

        writer.WriteEndArray();
    }
}

internal sealed class MarkupContent
{
    public string Kind { get; set; } = "markdown";

    public string Value { get; set; } = string.Empty;
}

internal sealed class Hover
{
    public MarkupContent Contents { get; set; } = new();

    public Range? Range { get; set; }
}

internal static class CompletionItemKindCode
{
    public const int Function = 3;
    public const int Field = 5;
    public const int Variable = 6;
    public const int Class = 7;
    public const int Module = 9;
    public const int Property = 10;
    public const int Value = 12;
    public const int Keyword = 14;
    public const int Snippet = 15;
    public const int EnumMember = 20;
    public const int Constant = 21;
}

internal sealed class CompletionItem
{
    public string Label { get; set; } = string.Empty;

    public int? Kind { get; set; }

    public string? Detail { get; set; }

    public MarkupContent? Documentation { get; set; }

    public string? SortText { get; set; }

    public string? FilterText { get; set; }

    public string? InsertText { get; set; }

    /// <summary>1: plain text, 2: snippet.</summary>
    public int? InsertTextFormat { get; set; }
}

internal sealed class CompletionList
{
    public bool IsIncomplete { get; set; }

    public List<CompletionItem> Items { get; set; } = new();
}

internal static class SymbolKindCode
{
    public const int Namespace = 3;
    public const int Class = 5;
    public const int Field = 8;
    public const int Function = 12;
    public const int Variable = 13;
}

internal sealed class DocumentSymbol
{
    public string Name { get; set; } = string.Empty;

    public string? Detail { get; set; }

    public int Kind { get; set; }

    public Range Range { get; set; } = new();

    public Range SelectionRange { get; set; } = new();

    public List<DocumentSymbol>? Children { get; set; }
}

internal sealed class TextEdit
{
    public Range Range { get; set; } = new();

    public string NewText { get; set; } = string.Empty;
}

internal sealed class WorkspaceEdit
{
    public Dictionary<string, List<TextEdit>> Changes { get; set; } = new();
}

internal sealed class CodeAction
{
    public string Title { get; set; } = string.Empty;

    public string? Kind { get; set; }

    public List<LspDiagnostic>? Diagnostics { get; set; }

    public bool? IsPreferred { get; set; }

    public WorkspaceEdit? Edit { get; set; }
}

internal sealed class LogMessageParams
{
    /// <summary>1: error, 2: warning, 3: info, 4: log.</summary>
    public int Type { get; set; }

    public string Message { get; set; } = string.Empty;
}

/// <summary>The JSON settings of every message: camelCase, nulls left out.</summary>
internal static class LspJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = true,
    };
}
