using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using NormLab.CodeFixes.Fixes;

namespace NormLab.CodeFixes;

/// <summary>
/// Fixes NormLab diagnostics in attributed C# records, in both forms: layer attributes and the inline pipeline
/// string. NL1001 moves the normalization before the activation (<c>[ReLU, BatchNorm]</c> →
/// <c>[BatchNorm, ReLU]</c>, <c>"relu > bn"</c> → <c>"bn > relu"</c>); NL1002 removes <c>Bias = true</c> /
/// <c>bias: true</c>; NL2002 inserts <c>Flatten</c> / <c>flatten &gt;</c> before the fully connected layer;
/// NL3001 adds <c>partial</c>. Fix All applies every fix of one rule in a document, project or solution,
/// several in one literal included.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NetworkCodeFixProvider))]
[Shared]
public sealed class NetworkCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        FixKeys.NormBeforeActivationId, FixKeys.RemoveBiasId, FixKeys.InsertFlattenId, FixKeys.AddPartialId);

    // the batch fixer cannot merge two rewrites of one literal: fix each document in one pass instead
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(async (context, document, diagnostics) =>
    {
        var diagnosticsOfThisFix = diagnostics.Where(d => FixKeys.ForId(d.Id) == context.CodeActionEquivalenceKey);
        return await NetworkFixer.ApplyAsync(document, diagnosticsOfThisFix, context.CancellationToken).ConfigureAwait(false);
    });

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            var key = FixKeys.ForId(diagnostic.Id);
            if (key is null || await NetworkFixer.FixAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false) is not { } fix)
            {
                continue;
            }

            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(fix.Title, cancellationToken => NetworkFixer.ApplyAsync(document, new[] { diagnostic }, cancellationToken), key),
                diagnostic);
        }
    }
}
