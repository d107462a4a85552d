using System;
using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Binding;

/// <summary>A block call: its arguments bound to the parameters, its body expanded in a new scope.</summary>
internal sealed partial class Binder
{
    /// <summary>Inside a block: the channels (or features) of the tensor entering the block call.</summary>
    private const string InChannels = "in_channels";

    private void ExpandBlock(BlockDeclarationSyntax block, ArgumentListSyntax? arguments, TextSpan span, Scope caller, List<BoundLayer> output, ExpansionContext context)
    {
        if (_recursiveBlocks.Contains(block.Name))
        {
            context.Incomplete = true;
            return; // reported once at the declaration (NL0007)
        }

        // a block passed to itself as a layer value (Wrap(inner: Wrap)) nests finitely once declared cycles are
        // excluded; the limit is a safety net, reported rather than silently dropping layers
        var selfNesting = 0;
        foreach (var name in context.BlockStack)
        {
            selfNesting += name == block.Name ? 1 : 0;
        }

        if (selfNesting >= MaxSelfNesting)
        {
            context.Incomplete = true;
            context.Diagnostics.ReportBlockNestedInItself(caller.Locate(span), block.Name, MaxSelfNesting);
            return;
        }

        var site = caller.Locate(span);
        var path = new string[caller.BlockPath.Count + 1];
        for (var i = 0; i < caller.BlockPath.Count; i++)
        {
            path[i] = caller.BlockPath[i];
        }

        path[path.Length - 1] = block.Name;
        var scope = new Scope($"block '{block.Name}'", site, path, reportsNames: false);
        // in_channels: a value deferred until the shape inference reaches the call's first layer (only for the
        // blocks that read it: a marker per call of every block would cost each check of a file of blocks)
        InChannelsMarker? marker = null;
        if (_blocksReadingInChannels.Contains(block.Name))
        {
            var entry = marker = new InChannelsMarker();
            scope.Define(InChannels, new DeferredValue(() => entry.Channels is int channels ? new NumberValue(channels, isInteger: true) : ErrorValue.Instance, InChannels));
        }

        var parameters = block.Parameters?.Parameters ?? Array.Empty<ParameterSyntax>();
        context.Steps += parameters.Count;
        var given = BindCallArguments(block, parameters, arguments, caller, context);
        foreach (var parameter in parameters)
        {
            if (parameter.Identifier.IsMissing)
            {
                continue;
            }

            if (given.TryGetValue(parameter.Name, out var value))
            {
                scope.Define(parameter.Name, value);
            }
            else if (parameter.Default is not null)
            {
                scope.Define(parameter.Name, Evaluate(parameter.Default, scope, context));
            }
            else
            {
                context.Diagnostics.ReportMissingBlockArgument(caller.Locate(span), block.Name, parameter.Name, parameters.Select(p => p.Name));
                scope.Define(parameter.Name, ErrorValue.Instance);
            }
        }

        context.BlockStack.Add(block.Name);
        if (marker is not null)
        {
            context.PendingMarkers.Add(marker);
        }

        ExpandPipeline(block.Body, scope, output, context);
        context.BlockStack.RemoveAt(context.BlockStack.Count - 1);
    }

    private Dictionary<string, Value> BindCallArguments(BlockDeclarationSyntax block, IReadOnlyList<ParameterSyntax> parameters, ArgumentListSyntax? arguments, Scope caller, ExpansionContext context)
    {
        var given = new Dictionary<string, Value>(StringComparer.Ordinal);
        if (arguments is null)
        {
            return given;
        }

        var position = 0;
        foreach (var argument in arguments.Arguments)
        {
            string? target;
            if (argument.NameToken is null)
            {
                if (position >= parameters.Count)
                {
                    context.Diagnostics.ReportTooManyBlockArguments(caller.Locate(argument.Span), block.Name, parameters.Count);
                    continue;
                }

                target = parameters[position++].Name;
            }
            else
            {
                target = argument.Name!;
                if (!parameters.Any(p => p.Name == target))
                {
                    context.Diagnostics.ReportUnknownBlockArgument(caller.Locate(argument.NameToken.Span), block.Name, target, parameters.Select(p => p.Name));
                    continue;
                }
            }

            if (given.ContainsKey(target))
            {
                context.Diagnostics.ReportDuplicateBlockArgument(caller.Locate(argument.Span), block.Name, target);
                continue;
            }

            given[target] = Evaluate(argument.Value, caller, context);
        }

        return given;
    }
}
