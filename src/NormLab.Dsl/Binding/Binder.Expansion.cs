using System;
using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Binding;

/// <summary>Expansion of a pipeline into layers: calls, repeats, residuals and layer values, within the limits.</summary>
internal sealed partial class Binder
{
    private sealed class ExpansionContext
    {
        public ExpansionContext(DiagnosticBag diagnostics) => Diagnostics = diagnostics;

        public DiagnosticBag Diagnostics { get; }

        public List<string> BlockStack { get; } = new();

        public int LayerCount { get; set; }

        public bool Overflowed { get; set; }

        /// <summary>A layer was left out because of an error already reported.</summary>
        public bool Incomplete { get; set; }

        public int Nesting { get; set; }

        public bool NestingReported { get; set; }

        public int Steps { get; set; }

        /// <summary>Block calls waiting for their first layer (whose input channels are their <c>in_channels</c>).</summary>
        public List<InChannelsMarker> PendingMarkers { get; } = new();
    }

    private void ExpandPipeline(PipelineSyntax pipeline, Scope scope, List<BoundLayer> output, ExpansionContext context)
    {
        foreach (var element in pipeline.Elements)
        {
            ExpandElement(element, scope, output, context);
        }
    }

    private void ExpandElement(ElementSyntax element, Scope scope, List<BoundLayer> output, ExpansionContext context)
    {
        if (context.Overflowed)
        {
            return;
        }

        if (++context.Steps > MaxExpansionSteps)
        {
            context.Overflowed = true;
            context.Incomplete = true;
            context.Diagnostics.ReportExpansionTooLong(scope.Locate(element.Span), MaxExpansionSteps);
            return;
        }

        if (context.Nesting >= MaxNesting)
        {
            ReportNesting(scope.Locate(element.Span), context);
            return;
        }

        context.Nesting++;
        switch (element)
        {
            case LayerCallSyntax call:
                ExpandCall(call.Identifier, call.Arguments, call.Span, scope, output, context);
                break;
            case GroupSyntax group:
                ExpandPipeline(group.Pipeline, scope, output, context);
                break;
            case RepeatSyntax repeat:
                var count = EvaluateCount(repeat, scope, context);
                for (var i = 0; i < count && !context.Overflowed; i++)
                {
                    var before = context.LayerCount;
                    var inner = scope;
                    if (repeat.Index is { IsMissing: false } index)
                    {
                        // X * n as i: i = 0 … n − 1 inside X, lexically
                        inner = scope.With(index.Text, new NumberValue(i, isInteger: true));
                    }

                    ExpandElement(repeat.Element, inner, output, context);
                    if (context.LayerCount == before)
                    {
                        break; // it expands to nothing: the other repetitions would only repeat its diagnostics
                    }
                }

                break;
            case BranchSyntax branch when branch.Keyword.Kind == TokenKind.ResidualKeyword:
                ExpandResidual(branch, scope, output, context);
                break;
            case BranchSyntax branch:
                ExpandBranches(branch, scope, output, context);
                break;
        }

        context.Nesting--;
    }

    private static void ReportNesting(TextSpan at, ExpansionContext context)
    {
        context.Incomplete = true;
        if (!context.NestingReported)
        {
            context.NestingReported = true;
            context.Diagnostics.ReportNestingTooDeep(at, MaxNesting);
        }
    }

    private int EvaluateCount(RepeatSyntax repeat, Scope scope, ExpansionContext context)
    {
        var value = Evaluate(repeat.Count, scope, context);
        if (value is DeferredValue)
        {
            context.Diagnostics.ReportInChannelsInRepeat(scope.Locate(repeat.Count.Span));
            return 1;
        }

        if (value is NumberValue { IsInteger: true } number && number.Number >= 1 && number.Number <= MaxLayers)
        {
            return (int)number.Number;
        }

        if (value is not ErrorValue)
        {
            context.Diagnostics.ReportBadRepeatCount(scope.Locate(repeat.Count.Span), MaxLayers, value);
        }

        return 1;
    }

    private void ExpandCall(SyntaxToken identifier, ArgumentListSyntax? arguments, TextSpan span, Scope scope, List<BoundLayer> output, ExpansionContext context)
    {
        if (identifier.IsMissing)
        {
            context.Incomplete = true;
            return;
        }

        var name = identifier.Text;
        context.Steps += arguments?.Arguments.Count ?? 0;
        if (scope.TryLookup(name, out var value))
        {
            switch (value)
            {
                case LayerValue layer:
                    if (arguments is not null)
                    {
                        context.Diagnostics.ReportArgumentsOnLayerParameter(scope.Locate(arguments.Span), name, layer);
                    }

                    ExpandLayerValue(layer, output, context);
                    return;
                case ErrorValue:
                    context.Incomplete = true;
                    return;
                default:
                    context.Incomplete = true;
                    context.Diagnostics.ReportNumberAsLayer(scope.Locate(identifier.Span), name, value);
                    return;
            }
        }

        var definition = LayerCatalog.Find(name);
        if (definition is not null)
        {
            var before = context.Diagnostics.Count;
            var layer = BindLayer(definition, arguments, span, scope, context);
            layer.WrittenName = name;
            if (context.Diagnostics.Count > before)
            {
                // a bad argument was replaced by its default: shapes and rules after it would be a cascade
                context.Incomplete = true;
            }

            Add(layer, output, context, span, scope);
        }
        else if (_blocks.TryGetValue(name, out var block))
        {
            ExpandBlock(block, arguments, span, scope, output, context);
        }
        else
        {
            context.Incomplete = true;
            if (scope.ReportsNames)
            {
                ReportUnknownName(context.Diagnostics, identifier, LayerNames(scope));
            }
        }
    }

    /// <summary>The names in scope that hold layers (suggestions for an unknown name; apart from ExpandCall, whose every call would allocate the lambda's captures).</summary>
    private static IEnumerable<string> LayerNames(Scope scope) => scope.Names.Where(n => scope.TryLookup(n, out var v) && v is LayerValue);

    private void Add(BoundLayer layer, List<BoundLayer> output, ExpansionContext context, TextSpan span, Scope scope)
    {
        if (++context.LayerCount > MaxLayers)
        {
            context.Overflowed = true;
            context.Diagnostics.ReportTooManyLayers(scope.Locate(span), MaxLayers);
            return;
        }

        if (context.PendingMarkers.Count > 0)
        {
            // the first layer after a block call starts: its input is what entered the call
            layer.EntryMarkers = new List<InChannelsMarker>(context.PendingMarkers);
            context.PendingMarkers.Clear();
        }

        output.Add(layer);
    }

    private void ExpandLayerValue(LayerValue layer, List<BoundLayer> output, ExpansionContext context)
    {
        if (context.Nesting >= MaxNesting)
        {
            ReportNesting(layer.Scope.Locate(layer.Syntax.Span), context);
            return;
        }

        context.Nesting++;
        switch (layer.Syntax)
        {
            case NameExpressionSyntax name:
                ExpandCall(name.Identifier, null, name.Span, layer.Scope, output, context);
                break;
            case CallExpressionSyntax call:
                ExpandCall(call.Identifier, call.Arguments, call.Span, layer.Scope, output, context);
                break;
        }

        context.Nesting--;
    }

    private void ExpandResidual(BranchSyntax syntax, Scope scope, List<BoundLayer> output, ExpansionContext context)
    {
        var project = false;
        foreach (var argument in syntax.Arguments?.Arguments ?? Array.Empty<ArgumentSyntax>())
        {
            var value = Evaluate(argument.Value, scope, context);
            if (argument.NameToken is null && value is SymbolValue { Name: "project" })
            {
                project = true;
            }
            else if (argument.Name == "project" && value is SymbolValue { Name: "true" or "false" } flag)
            {
                project = flag.Name == "true";
            }
            else if (value is not ErrorValue)
            {
                context.Diagnostics.ReportBadResidualArgument(scope.Locate(argument.Span));
            }
        }

        var headerEnd = syntax.Arguments?.Span.End ?? syntax.Keyword.Span.End;
        var layer = new BoundLayer(LayerCatalog.Residual, scope.Locate(TextSpan.FromBounds(syntax.Keyword.Span.Start, headerEnd)), syntax.Span,
            scope.BlockPath, new Dictionary<string, object?>()) { Project = project };
        foreach (var pipeline in syntax.Branches)
        {
            var branch = new List<BoundLayer>();
            if (pipeline.Elements.Count == 0 && !syntax.Open.IsMissing)
            {
                context.Diagnostics.ReportEmptyResidualBranch(scope.Locate(syntax.Keyword.Span));
            }

            ExpandPipeline(pipeline, scope, branch, context);
            layer.Branches.Add(branch);
        }

        Add(layer, output, context, syntax.Keyword.Span, scope);
    }
}

internal sealed partial class Binder
{
    /// <summary>
    /// <c>concat { a | b }</c> and <c>scale { … }</c>: a structure layer whose branches each run on its input.
    /// The branches are expanded in textual order (that order fixes field names and initial weights).
    /// </summary>
    private void ExpandBranches(BranchSyntax syntax, Scope scope, List<BoundLayer> output, ExpansionContext context)
    {
        var kind = syntax.Keyword.Kind == TokenKind.ConcatKeyword ? LayerCatalog.Concat : LayerCatalog.Scale;
        if (syntax.Arguments is not null)
        {
            context.Diagnostics.ReportBranchArguments(scope.Locate(syntax.Arguments.Span), syntax.Keyword.Text);
        }

        var headerEnd = syntax.Open.IsMissing ? syntax.Keyword.Span.End : syntax.Open.Span.End;
        var layer = new BoundLayer(kind, scope.Locate(TextSpan.FromBounds(syntax.Keyword.Span.Start, syntax.Keyword.Span.End)), syntax.Span,
            scope.BlockPath, new Dictionary<string, object?>());
        var markers = context.PendingMarkers.Count > 0 ? new List<InChannelsMarker>(context.PendingMarkers) : null;
        for (var b = 0; b < syntax.Branches.Count; b++)
        {
            var pipeline = syntax.Branches[b];
            var branch = new List<BoundLayer>();
            if (pipeline.Elements.Count == 0 && !syntax.Open.IsMissing)
            {
                context.Diagnostics.ReportEmptyBranch(scope.Locate(pipeline.Elements.Count == 0 ? new TextSpan(pipeline.Position, 0) : pipeline.Span), syntax.Keyword.Text);
            }

            if (b > 0 && markers is not null)
            {
                // every branch starts from the same input: a block call at the start of each sees it
                context.PendingMarkers.Clear();
                context.PendingMarkers.AddRange(markers);
            }

            ExpandPipeline(pipeline, scope, branch, context);
            layer.Branches.Add(branch);
        }

        _ = headerEnd;
        Add(layer, output, context, syntax.Keyword.Span, scope);
    }
}
