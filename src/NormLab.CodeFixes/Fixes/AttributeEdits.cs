using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using NormLab.Dsl.Fixes;
using DslSpan = NormLab.Dsl.Text.TextSpan;

namespace NormLab.CodeFixes.Fixes;

/// <summary>
/// The fixes of the attribute form, as text changes of the C# source: swap two layer attributes (NL1001, also
/// across attribute lists), remove <c>Bias = true</c> (NL1002), insert <c>Flatten</c> (NL2002), add
/// <c>partial</c> (NL3001). Which layer attributes are the layers is Roslyn's to say; what to edit in them is
/// NormLab.Dsl's <see cref="LayerFixes"/>, the same decision as for pipelines and .normlab files.
/// </summary>
internal static class AttributeEdits
{
    private const string LayerAttributeName = "NormLab.LayerAttribute";

    public static async Task<SourceFix?> ForAsync(Document document, SyntaxNode root, string id, TextSpan span, CancellationToken cancellationToken)
    {
        if (id == FixKeys.AddPartialId)
        {
            return AddPartial(root, span);
        }

        if (root.FindNode(span, getInnermostNodeForTie: false).FirstAncestorOrSelf<AttributeSyntax>() is not { } attribute
            || attribute.Span != span)
        {
            return null;
        }

        if (id == FixKeys.NormBeforeActivationId)
        {
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            return model is null ? null : SwapWithPreviousLayer(model, attribute, cancellationToken);
        }

        if (id == FixKeys.RemoveBiasId)
        {
            return RemoveBias(root, attribute);
        }

        if (id == FixKeys.InsertFlattenId)
        {
            // same qualification as the layer's own name: NormLab.Linear -> NormLab.Flatten
            var qualifier = attribute.Name is QualifiedNameSyntax qualified ? qualified.Left.ToString() + "." : string.Empty;
            return Fix(id, new[] { ToFixLayer(attribute) }, 0, Form(qualifier), root);
        }

        return null;
    }

    private static SourceFix? SwapWithPreviousLayer(SemanticModel model, AttributeSyntax norm, CancellationToken cancellationToken)
    {
        if (norm.Parent?.Parent is not TypeDeclarationSyntax type)
        {
            return null;
        }

        // the layers in source order: every attribute list of this declaration, layer attributes only
        var layers = type.AttributeLists.SelectMany(l => l.Attributes).Where(a => IsLayer(model, a, cancellationToken)).ToList();
        var index = layers.IndexOf(norm);
        if (index <= 0)
        {
            return null;
        }

        // the attribute form has no catalog at hand: every layer attribute before the normalization may be swapped
        return Fix(FixKeys.NormBeforeActivationId, new[] { ToFixLayer(layers[index - 1]), ToFixLayer(norm) }, 1, Form(string.Empty), type.SyntaxTree.GetRoot(cancellationToken));
    }

    private static SourceFix? RemoveBias(SyntaxNode root, AttributeSyntax attribute) =>
        Fix(FixKeys.RemoveBiasId, new[] { ToFixLayer(attribute) }, 0, Form(string.Empty), root);

    /// <summary>NormLab.Dsl's fix of the layers, as changes of the C# source.</summary>
    private static SourceFix? Fix(string id, IReadOnlyList<FixLayer> layers, int index, FixForm form, SyntaxNode root)
    {
        var fix = LayerFixes.For(id, layers, index, form, root.ToFullString());
        return fix is null ? null : new SourceFix(fix.Title, fix.Edits.Select(e => new TextChange(new TextSpan(e.Span.Start, e.Span.Length), e.NewText)).ToArray());
    }

    /// <summary>How attributes write what the fixes insert and name: <c>[BatchNorm]</c>, <c>Bias = true</c>, <c>Flatten, </c>.</summary>
    private static FixForm Form(string qualifier) => new("Flatten", qualifier + "Flatten, ", "Bias = true", name => "[" + name + "]");

    private static FixLayer ToFixLayer(AttributeSyntax attribute)
    {
        var arguments = attribute.ArgumentList?.Arguments
            .Select(a => new FixArgument(a.NameEquals?.Name.Identifier.ValueText, ToDsl(a.Span)))
            .ToArray() ?? Array.Empty<FixArgument>();
        return new FixLayer(Simple(attribute), ToDsl(attribute.Span), arguments,
            attribute.ArgumentList is { } list ? ToDsl(list.Span) : null, isActivation: null);
    }

    private static DslSpan ToDsl(TextSpan span) => new(span.Start, span.Length);

    private static SourceFix? AddPartial(SyntaxNode root, TextSpan span)
    {
        var token = root.FindToken(span.Start);
        if (token.Span != span || token.Parent is not TypeDeclarationSyntax type || type.Identifier != token)
        {
            return null;
        }

        // 'partial' goes right before 'record'/'class', after every other modifier
        return new SourceFix($"Make '{type.Identifier.ValueText}' partial",
            new[] { new TextChange(new TextSpan(type.Keyword.SpanStart, 0), "partial ") });
    }

    private static bool IsLayer(SemanticModel model, AttributeSyntax attribute, CancellationToken cancellationToken)
    {
        var type = model.GetSymbolInfo(attribute, cancellationToken).Symbol?.ContainingType;
        for (var current = type?.BaseType; current is not null; current = current.BaseType)
        {
            if (current.ToDisplayString() == LayerAttributeName)
            {
                return true;
            }
        }

        return false;
    }

    private static string Simple(AttributeSyntax attribute) => attribute.Name switch
    {
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        _ => attribute.Name.ToString(),
    };
}
