using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace NormLab.CodeFixes.Fixes;

/// <summary>
/// The fixes of the attribute form, as text changes of the C# source: swap two layer attributes (NL1001, also
/// across attribute lists), remove <c>Bias = true</c> (NL1002), insert <c>Flatten</c> (NL2002), add
/// <c>partial</c> (NL3001).
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
            return RemoveBias(attribute);
        }

        if (id == FixKeys.InsertFlattenId)
        {
            // same qualification as the layer's own name: NormLab.Linear -> NormLab.Flatten
            var qualifier = attribute.Name is QualifiedNameSyntax qualified ? qualified.Left.ToString() + "." : string.Empty;
            return new SourceFix($"Insert [Flatten] before [{Simple(attribute)}]",
                new[] { new TextChange(new TextSpan(attribute.SpanStart, 0), qualifier + "Flatten, ") });
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

        var activation = layers[index - 1];
        return new SourceFix(
            $"Move [{Simple(norm)}] before [{Simple(activation)}]",
            new[]
            {
                new TextChange(activation.Span, norm.ToString()),
                new TextChange(norm.Span, activation.ToString()),
            });
    }

    private static SourceFix? RemoveBias(AttributeSyntax attribute)
    {
        var arguments = attribute.ArgumentList?.Arguments;
        if (arguments is not { } list)
        {
            return null;
        }

        var index = -1;
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].NameEquals?.Name.Identifier.ValueText == "Bias")
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            return null;
        }

        var removed = index > 0
            ? TextSpan.FromBounds(list[index - 1].Span.End, list[index].Span.End)   // Conv3x3(32, Bias = true)
            : list.Count > 1
                ? TextSpan.FromBounds(list[0].SpanStart, list[1].SpanStart)         // Linear(Bias = true, outFeatures: 10)
                : attribute.ArgumentList!.Span;                                    // Layer(Bias = true)
        return new SourceFix($"Remove 'Bias = true' from [{Simple(attribute)}]", new[] { new TextChange(removed, string.Empty) });
    }

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
