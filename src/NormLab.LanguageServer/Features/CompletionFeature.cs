using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NormLab.LanguageServer.Analysis;
using NormLab.LanguageServer.Protocol;
using NormLab.Dsl.Layers;
using NormLab.Dsl.Binding;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Syntax;

namespace NormLab.LanguageServer.Features;

/// <summary>
/// Completion, from the tokens before the cursor (the text is usually incomplete while typing):
/// diagnostic IDs after <c>allow</c>; argument names and values inside a call; layers (with their
/// argument lists), blocks and parameters in a pipeline; declarations at the top level.
/// </summary>
internal static class CompletionFeature
{
    /// <summary>True for a block comment that ends with its <c>*/</c> (else the cursor is inside it).</summary>
    private static bool IsClosed(string text, ScanToken comment) =>
        comment.Length >= 4 && text[comment.End - 2] == '*' && text[comment.End - 1] == '/';

    private static readonly string[] Keywords = { "network", "block", "namespace" };

    public static CompletionList Complete(DocumentAnalysis analysis, int offset)
    {
        var list = new CompletionList();
        var chunk = analysis.FindChunk(offset);
        var text = analysis.Text;
        var start = chunk?.Start ?? 0;

        // the significant tokens of the piece before the cursor; none inside a comment or a number
        // (the text up to the cursor, lexed: a token the cursor is in ends at the cursor)
        var tokens = new List<ScanToken>();
        foreach (var piece in Pieces.Of(text.Substring(start, offset - start)))
        {
            var token = piece with { Start = piece.Start + start };
            if (token.End == offset && (token.Kind == ScanKind.LineComment
                || (token.Kind == ScanKind.BlockComment && !IsClosed(text, token))))
            {
                return list;
            }

            if (!token.IsTrivia)
            {
                tokens.Add(token);
            }
        }

        // the word being typed is not context
        if (tokens.Count > 0 && tokens[^1].End == offset && tokens[^1].Kind is ScanKind.Word or ScanKind.Number)
        {
            if (tokens[^1].Kind == ScanKind.Number)
            {
                return list;
            }

            tokens.RemoveAt(tokens.Count - 1);
        }

        string Text(ScanToken t) => text.Substring(t.Start, t.Length);
        bool IsSymbol(ScanToken t, char c) => t.Kind == ScanKind.Symbol && t.Length == 1 && text[t.Start] == c;

        var member = chunk?.Member;
        var parameters = ParametersInScope(chunk);

        // allow NL1001, NL…
        for (var i = tokens.Count - 1; i >= 0; i--)
        {
            var token = tokens[i];
            if (token.Kind == ScanKind.Word && Text(token) == "allow")
            {
                AddDiagnosticIds(list);
                return list;
            }

            if (!(token.Kind == ScanKind.Word || IsSymbol(token, ',')))
            {
                break;
            }
        }

        // inside parentheses: the innermost one that is still open
        var depth = 0;
        for (var i = tokens.Count - 1; i >= 0; i--)
        {
            var token = tokens[i];
            if (IsSymbol(token, ')'))
            {
                depth++;
            }
            else if (IsSymbol(token, '('))
            {
                if (depth-- > 0)
                {
                    continue;
                }

                var callee = i > 0 && tokens[i - 1].Kind == ScanKind.Word ? Text(tokens[i - 1]) : null;
                var declares = i > 1 && tokens[i - 2].Kind == ScanKind.Word && Text(tokens[i - 2]) is "network" or "block";
                var previous = tokens[^1];
                var atName = previous.Start == token.Start || IsSymbol(previous, ',');
                if (declares)
                {
                    if (atName && Text(tokens[i - 2]) == "network")
                    {
                        AddHeaderParameters(list);
                    }

                    return list; // a parameter's name or default: nothing useful to offer
                }

                if (callee is null)
                {
                    break; // a group: a pipeline
                }

                var usedNames = new HashSet<string>(StringComparer.Ordinal);
                for (var j = i + 1; j + 1 < tokens.Count; j++)
                {
                    if (tokens[j].Kind == ScanKind.Word && IsSymbol(tokens[j + 1], ':'))
                    {
                        usedNames.Add(Text(tokens[j]));
                    }
                }

                string? argumentName = IsSymbol(previous, ':') && tokens.Count >= 2 && tokens[^2].Kind == ScanKind.Word ? Text(tokens[^2]) : null;
                AddArguments(list, analysis, callee, atName, argumentName, usedNames, parameters);
                return list;
            }
            else if (IsSymbol(token, '{') || IsSymbol(token, '}'))
            {
                break;
            }
        }

        // a pipeline, or the top level
        var last = tokens.Count > 0 ? tokens[^1] : (ScanToken?)null;
        var expectsElement = last is { } l && l.Kind == ScanKind.Symbol && text[l.Start] is '>' or '=' or '{' or '(' or '|';
        var inMember = member is not null && chunk!.Kind is ChunkKind.Block or ChunkKind.Network
            && tokens.Any(t => IsSymbol(t, '{') || IsSymbol(t, '='));
        if (expectsElement || (inMember && last is not null && !IsSymbol(last.Value, '}')))
        {
            AddLayers(list);
            AddBlocks(list, analysis, chunk);
            foreach (var parameter in parameters.Where(p => p.Name != "input"))
            {
                list.Items.Add(ParameterItem(parameter, chunk!));
            }
        }

        if (!expectsElement)
        {
            AddKeywords(list);
        }

        return list;
    }

    /// <summary><c>conv3x3(out, stride: 1, padding: same, …)</c>: the name and its arguments (required ones bare).</summary>
    public static string Signature(string written, LayerDefinition definition) =>
        definition.Arguments.Count == 0
            ? written
            : written + "(" + string.Join(", ", definition.Arguments.Select(a => a.Required ? a.Name : a.Name + ": " + FormatDefault(a))) + ")";

    private static string FormatDefault(ArgumentSpec argument) => argument.Default switch
    {
        null => argument.Name == "stride" ? "kernel" : "none",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString() ?? string.Empty,
    };

    private static void AddDiagnosticIds(CompletionList list)
    {
        foreach (var descriptor in DiagnosticDescriptors.All)
        {
            list.Items.Add(new CompletionItem
            {
                Label = descriptor.Id,
                Kind = CompletionItemKindCode.EnumMember,
                Detail = descriptor.Title,
                Documentation = new MarkupContent { Value = descriptor.Description + $"\n\n[{descriptor.Id}]({descriptor.HelpLink})" },
                SortText = descriptor.Id,
            });
        }
    }

    private static void AddHeaderParameters(CompletionList list)
    {
        list.Items.Add(new CompletionItem
        {
            Label = "input",
            Kind = CompletionItemKindCode.Property,
            Detail = "input: CxHxW, HxW or a feature count (required)",
            InsertText = "input: ${1:1x28x28}",
            InsertTextFormat = 2,
        });
        list.Items.Add(new CompletionItem
        {
            Label = "classes",
            Kind = CompletionItemKindCode.Property,
            Detail = "classes: the number of output features (optional)",
            InsertText = "classes: ${1:10}",
            InsertTextFormat = 2,
        });
    }

    private static void AddArguments(CompletionList list, DocumentAnalysis analysis, string callee, bool atName, string? argumentName,
        HashSet<string> usedNames, IReadOnlyList<ParameterSyntax> parameters)
    {
        var definition = LayerCatalog.Find(callee);
        var block = definition is null ? analysis.FindBlock(callee) : null;
        if (atName)
        {
            if (definition is not null)
            {
                foreach (var argument in definition.Arguments.Where(a => !usedNames.Contains(a.Name)))
                {
                    list.Items.Add(new CompletionItem
                    {
                        Label = argument.Name,
                        Kind = CompletionItemKindCode.Property,
                        Detail = argument.Required ? $"{argument.Name} (required)" : $"{argument.Name}: {FormatDefault(argument)} (default)",
                        InsertText = argument.Name + ": ",
                        SortText = "0" + argument.Name,
                    });
                }
            }
            else if (block?.Member?.Parameters is { } blockParameters)
            {
                foreach (var parameter in blockParameters.Parameters.Where(p => !p.Identifier.IsMissing && !usedNames.Contains(p.Name)))
                {
                    list.Items.Add(new CompletionItem
                    {
                        Label = parameter.Name,
                        Kind = CompletionItemKindCode.Property,
                        Detail = $"parameter of block {callee}",
                        InsertText = parameter.Name + ": ",
                        SortText = "0" + parameter.Name,
                    });
                }
            }
        }

        // values: parameters in scope, the symbols an argument takes, and layers for a block's layer parameters
        foreach (var parameter in parameters.Where(p => p.Name != "input"))
        {
            list.Items.Add(new CompletionItem { Label = parameter.Name, Kind = CompletionItemKindCode.Variable, Detail = "parameter", SortText = "1" + parameter.Name });
        }

        var type = argumentName is null ? null : definition?.FindArgument(argumentName)?.Type;
        var symbols = type switch
        {
            ArgumentType.Padding => new[] { "same", "valid" },
            ArgumentType.Bias => new[] { "auto", "true", "false" },
            ArgumentType.Boolean => new[] { "true", "false" },
            _ => Array.Empty<string>(),
        };
        foreach (var symbol in symbols)
        {
            list.Items.Add(new CompletionItem { Label = symbol, Kind = CompletionItemKindCode.Value, SortText = "0" + symbol });
        }

        if (block is not null)
        {
            AddLayers(list);
        }
    }

    private static void AddLayers(CompletionList list)
    {
        foreach (var name in LayerCatalog.Names)
        {
            var definition = LayerCatalog.Find(name)!;
            var required = definition.Arguments.Where(a => a.Required).ToArray();
            var canonical = LayerCatalog.CanonicalName(definition.Kind);
            list.Items.Add(new CompletionItem
            {
                Label = name,
                Kind = CompletionItemKindCode.Function,
                Detail = Signature(name, definition),
                Documentation = new MarkupContent
                {
                    Value = $"{definition.Category} layer `{canonical}`" + (name != canonical && name != definition.Name ? $" (alias of `{definition.Name}`)" : string.Empty) + ": " + definition.Kind.Description,
                },
                InsertText = required.Length == 0 ? name : name + "(" + string.Join(", ", required.Select((a, i) => $"${{{i + 1}:{a.Name}}}")) + ")",
                InsertTextFormat = required.Length == 0 ? 1 : 2,
                SortText = "2" + name,
            });
        }

        // the keywords that open a layer with branches
        BranchKeyword(list, "residual", "residual { pipeline }: adds the branch to its input", "residual { $0 }");
        BranchKeyword(list, "concat", "concat { a | b }: every branch on the input, outputs joined on channels", "concat { $1 | $0 }");
        BranchKeyword(list, "scale", "scale { pipeline }: the input times the branch's per-channel gate", "scale { gap > linear($1) > relu > linear($2) > sigmoid }$0");
    }

    private static void BranchKeyword(CompletionList list, string keyword, string detail, string snippet) =>
        list.Items.Add(new CompletionItem
        {
            Label = keyword,
            Kind = CompletionItemKindCode.Keyword,
            Detail = detail,
            InsertText = snippet,
            InsertTextFormat = 2,
            SortText = "2" + keyword,
        });

    private static void AddBlocks(CompletionList list, DocumentAnalysis analysis, Chunk? current)
    {
        foreach (var block in analysis.Blocks)
        {
            if (block == current)
            {
                continue; // a block calling itself is recursion
            }

            var parameters = block.Member!.Parameters?.Parameters.Where(p => !p.Identifier.IsMissing).ToArray() ?? Array.Empty<ParameterSyntax>();
            var required = parameters.Where(p => p.Default is null).ToArray();
            list.Items.Add(new CompletionItem
            {
                Label = block.Name!,
                Kind = CompletionItemKindCode.Module,
                Detail = "block " + block.Name + (block.Member.Parameters is null ? string.Empty : "(" + string.Join(", ", parameters.Select(p => p.Name)) + ")"),
                Documentation = new MarkupContent { Value = HoverFeature.BlockSignature(block) },
                InsertText = required.Length == 0 ? block.Name : block.Name + "(" + string.Join(", ", required.Select((p, i) => $"${{{i + 1}:{p.Name}}}")) + ")",
                InsertTextFormat = required.Length == 0 ? 1 : 2,
                SortText = "1" + block.Name,
            });
        }
    }

    private static CompletionItem ParameterItem(ParameterSyntax parameter, Chunk chunk) => new()
    {
        Label = parameter.Name,
        Kind = CompletionItemKindCode.Variable,
        Detail = $"parameter of {(chunk.Kind == ChunkKind.Network ? "network" : "block")} {chunk.Name}"
                 + (parameter.Default is null ? string.Empty : " = " + chunk.Text.Substring(parameter.Default.Span.Start, parameter.Default.Span.Length)),
        SortText = "0" + parameter.Name,
    };

    private static void AddKeywords(CompletionList list)
    {
        list.Items.Add(new CompletionItem
        {
            Label = "network",
            Kind = CompletionItemKindCode.Snippet,
            Detail = "network Name(input: CxHxW, classes: N) { pipeline }",
            InsertText = "network ${1:Name}(input: ${2:1x28x28}, classes: ${3:10}) {\n    ${0:conv3x3(32) > bn > relu > gap > linear(classes)}\n}",
            InsertTextFormat = 2,
            SortText = "3network",
        });
        list.Items.Add(new CompletionItem
        {
            Label = "block",
            Kind = CompletionItemKindCode.Snippet,
            Detail = "block Name(params) = pipeline",
            InsertText = "block ${1:Name}(${2:c}) = ${0:conv3x3(c) > bn > relu}",
            InsertTextFormat = 2,
            SortText = "3block",
        });
        list.Items.Add(new CompletionItem { Label = "namespace", Kind = CompletionItemKindCode.Keyword, InsertText = "namespace ", SortText = "3namespace" });
    }

    private static IReadOnlyList<ParameterSyntax> ParametersInScope(Chunk? chunk) =>
        chunk?.Member?.Parameters?.Parameters.Where(p => !p.Identifier.IsMissing).ToArray() ?? Array.Empty<ParameterSyntax>();
}
