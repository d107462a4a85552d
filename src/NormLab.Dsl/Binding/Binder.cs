using System;
using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Syntax;

namespace NormLab.Dsl.Binding;

/// <summary>
/// Resolves names, checks blocks once at their declaration, expands block calls and repetitions, and
/// evaluates arguments. Diagnostics inside a block expansion point at the call in the network.
/// One concern per partial file: <c>Binder.Declarations.cs</c>, <c>Binder.Blocks.cs</c>, <c>Binder.Networks.cs</c>,
/// <c>Binder.Expansion.cs</c>, <c>Binder.BlockCalls.cs</c>, <c>Binder.Arguments.cs</c> (layer arguments and their
/// ranges) and <c>Binder.Evaluation.cs</c> (constant arithmetic). Messages live in <see cref="DiagnosticBag"/>.
/// </summary>
internal sealed partial class Binder
{
    /// <summary>A network that expands to more layers than this is reported (and not expanded further).</summary>
    public const int MaxLayers = 10_000;

    /// <summary>How often a block may be expanded inside itself through layer-valued arguments.</summary>
    public const int MaxSelfNesting = 32;

    /// <summary>Deeper nesting of expansions (blocks, groups, repeats, residuals, layer values) is reported, not followed (no stack overflow).</summary>
    public const int MaxNesting = 2 * Parser.MaxDepth;

    /// <summary>The work one network's expansion may take (elements, arguments, expression nodes); blocks and repeats multiply.</summary>
    public const int MaxExpansionSteps = 250_000;

    private readonly CompilationUnitSyntax _unit;
    private readonly DiagnosticBag _fileDiagnostics;
    private readonly Dictionary<string, BlockDeclarationSyntax> _blocks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _recursiveBlocks = new(StringComparer.Ordinal);

    /// <summary>Blocks whose body or defaults name <c>in_channels</c>: only their calls need its deferred value.</summary>
    private readonly HashSet<string> _blocksReadingInChannels = new(StringComparer.Ordinal);

    public Binder(CompilationUnitSyntax unit, DiagnosticBag fileDiagnostics, string @namespace)
    {
        _unit = unit;
        _fileDiagnostics = fileDiagnostics;
        Namespace = @namespace;
        DeclareMembers();
        CheckBlocks();
    }

    public string Namespace { get; }

    private bool IsCallable(string name) => LayerCatalog.Find(name) is not null || _blocks.ContainsKey(name);

    private void ReportUnknownName(DiagnosticBag bag, SyntaxToken identifier, IEnumerable<string> extraCandidates)
    {
        bag.ReportUnknownName(identifier, LayerCatalog.Names.Concat(_blocks.Keys).Concat(extraCandidates).Append("residual"));
    }
}
