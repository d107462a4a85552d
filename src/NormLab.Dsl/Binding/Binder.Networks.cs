using System;
using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Syntax;

namespace NormLab.Dsl.Binding;

/// <summary>A network's header: input, classes, hyper-parameters and allowed IDs.</summary>
internal sealed partial class Binder
{
    public BoundNetwork BindNetwork(NetworkDeclarationSyntax syntax, DiagnosticBag diagnostics, IReadOnlyDictionary<string, double>? overrides)
    {
        var network = new BoundNetwork(syntax);
        var scope = new Scope($"network '{syntax.Name}'", null, Array.Empty<string>(), reportsNames: true);
        var context = new ExpansionContext(diagnostics);
        BindHeader(network, scope, context, overrides);
        BindAllow(network, diagnostics);

        if (syntax.Body.Elements.Count == 0)
        {
            if (!syntax.OpenBrace.IsMissing)
            {
                diagnostics.ReportEmptyNetwork(syntax.Identifier.Span, syntax.Name);
            }

            return network;
        }

        ExpandPipeline(syntax.Body, scope, network.Layers, context);
        network.Incomplete = context.Incomplete;
        return network;
    }

    private void BindHeader(BoundNetwork network, Scope scope, ExpansionContext context, IReadOnlyDictionary<string, double>? overrides)
    {
        var syntax = network.Syntax;
        var diagnostics = context.Diagnostics;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var hasInput = false;
        foreach (var parameter in syntax.Parameters?.Parameters ?? Array.Empty<ParameterSyntax>())
        {
            if (parameter.Identifier.IsMissing)
            {
                continue;
            }

            if (!seen.Add(parameter.Name))
            {
                diagnostics.ReportDuplicateNetworkParameter(parameter.Identifier.Span, syntax.Name, parameter.Name);
                continue;
            }

            var value = parameter.Default is null ? null : Evaluate(parameter.Default, scope, context);
            switch (parameter.Name)
            {
                case "input":
                    hasInput = true;
                    network.Input = BindInput(parameter, value, diagnostics);
                    break;
                case "classes":
                    if (value is NumberValue { IsInteger: true } count && count.Number >= 1 && count.Number <= int.MaxValue)
                    {
                        network.Classes = (int)count.Number;
                        scope.Define("classes", count);
                    }
                    else
                    {
                        if (value is not ErrorValue)
                        {
                            diagnostics.ReportBadClasses((parameter.Default ?? (SyntaxNode)parameter).Span, value);
                        }

                        scope.Define("classes", ErrorValue.Instance);
                    }

                    break;
                default:
                    if (overrides is not null && overrides.TryGetValue(parameter.Name, out var overridden))
                    {
                        value = new NumberValue(overridden, Math.Abs(overridden - Math.Round(overridden)) < 1e-12 && value is NumberValue { IsInteger: true });
                    }

                    if (value is NumberValue number)
                    {
                        network.HyperParameters.Add((parameter.Name, number.Number, number.IsInteger));
                        scope.Define(parameter.Name, number);
                    }
                    else
                    {
                        if (value is null)
                        {
                            diagnostics.ReportHyperParameterWithoutDefault(parameter.Span, parameter.Name);
                        }
                        else if (value is not ErrorValue)
                        {
                            diagnostics.ReportHyperParameterNotNumber(parameter.Default!.Span, parameter.Name, value);
                        }

                        scope.Define(parameter.Name, ErrorValue.Instance);
                    }

                    break;
            }
        }

        if (overrides is not null)
        {
            foreach (var name in overrides.Keys.Where(k => !seen.Contains(k)).OrderBy(k => k, StringComparer.Ordinal))
            {
                diagnostics.ReportUnknownOverride(syntax.Identifier.Span, name, syntax.Name, seen);
            }
        }

        if (!hasInput && !syntax.Identifier.IsMissing)
        {
            diagnostics.ReportMissingInput(syntax.Identifier.Span, syntax.Name);
        }
    }

    private static int[]? BindInput(ParameterSyntax parameter, Value? value, DiagnosticBag diagnostics)
    {
        var span = (parameter.Default ?? (SyntaxNode)parameter).Span;
        switch (value)
        {
            case TypedShapeValue typed:
                var valid = typed.Kind switch
                {
                    "signal" => typed.Dimensions.Length == 2,
                    "image" => typed.Dimensions.Length is 2 or 3,
                    _ => typed.Dimensions.Length == 1,
                };
                if (!valid || typed.Dimensions.Any(d => d <= 0))
                {
                    diagnostics.ReportBadInputKind(span, typed.Kind, typed.Dimensions);
                    return null;
                }

                return typed.Kind == "image" && typed.Dimensions.Length == 2 ? new[] { 1, typed.Dimensions[0], typed.Dimensions[1] } : typed.Dimensions;
            case DimensionsValue dims when dims.Dimensions.Length is 2 or 3:
                if (dims.Dimensions.Any(d => d <= 0))
                {
                    diagnostics.ReportZeroInputDimension(span, dims);
                    return null;
                }

                return dims.Dimensions.Length == 2 ? new[] { 1, dims.Dimensions[0], dims.Dimensions[1] } : dims.Dimensions;
            case DimensionsValue dims:
                diagnostics.ReportInputRank(span, dims);
                return null;
            case NumberValue { IsInteger: true } features when features.Number >= 1 && features.Number <= int.MaxValue:
                return new[] { (int)features.Number };
            case ErrorValue:
                return null;
            default:
                diagnostics.ReportBadInput(span, value);
                return null;
        }
    }

    private static void BindAllow(BoundNetwork network, DiagnosticBag diagnostics)
    {
        foreach (var id in network.Syntax.Allow?.Ids ?? Array.Empty<SyntaxToken>())
        {
            if (id.IsMissing)
            {
                continue;
            }

            var descriptor = DiagnosticDescriptors.Find(id.Text);
            if (descriptor is null)
            {
                diagnostics.ReportUnknownAllowedId(id.Span, id.Text);
            }
            else if (descriptor.DefaultSeverity == DiagnosticSeverity.Error)
            {
                diagnostics.ReportErrorAllowed(id.Span, id.Text);
            }
            else
            {
                network.Allowed.Add(id.Text);
            }
        }
    }
}
