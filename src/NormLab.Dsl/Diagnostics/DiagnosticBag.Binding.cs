using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NormLab.Dsl.Binding;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Diagnostics;

/// <summary>The binder's diagnostics: one method per problem, so the binder never builds message text.</summary>
internal sealed partial class DiagnosticBag
{
    // ---- declarations (NL0004, NL0006, NL0007, NL0008, NL0011) ---------------------------------

    public void ReportDuplicateDeclaration(TextSpan span, bool isNetwork, string name, bool firstIsNetwork, int firstLine, string @namespace) =>
        Report(DiagnosticDescriptors.DuplicateDeclaration, span,
            $"{(isNetwork ? "Network" : "Block")} '{name}' has the name of the {(firstIsNetwork ? "network" : "block")} declared on line {firstLine} in namespace '{@namespace}'; rename one of them");

    public void ReportBlockNamedLikeLayer(TextSpan span, string name) =>
        Report(DiagnosticDescriptors.DuplicateDeclaration, span, $"Block '{name}' has the name of a built-in layer; rename the block");

    public void ReportKeywordNetworkName(TextSpan span, string name) =>
        Report(DiagnosticDescriptors.InvalidTypeName, span, $"Network '{name}' is a C# keyword and cannot name the generated type; choose another name");

    public void ReportGeneratedMemberNetworkName(TextSpan span, string name) =>
        Report(DiagnosticDescriptors.InvalidTypeName, span,
            $"Network '{name}' has the name of a member the generator adds to its record (a type cannot contain a member of its own name); choose another name");

    public void ReportModuleNameClash(TextSpan span, string name, string other) =>
        Report(DiagnosticDescriptors.InvalidTypeName, span, $"Network '{name}' clashes with the module generated for network '{other}'; choose another name");

    public void ReportNonPortableNetworkName(TextSpan span, string name) =>
        Report(DiagnosticDescriptors.InvalidTypeName, span, $"Network '{name}' is not a portable C# type name; use ASCII letters, digits and '_'");

    public void ReportRecursiveBlock(TextSpan span, string block, IEnumerable<string> cycle) =>
        Report(DiagnosticDescriptors.RecursiveBlock, span, block, string.Join(" > ", cycle));

    public void ReportBlockNestedInItself(TextSpan span, string block, int limit) =>
        Report(DiagnosticDescriptors.RecursiveBlock, span, block, $"nested in itself more than {limit} times through layer parameters");

    public void ReportEmptyBlock(TextSpan span, string block) => Report(DiagnosticDescriptors.EmptyBody, span, $"Block '{block}'");

    public void ReportEmptyNetwork(TextSpan span, string network) => Report(DiagnosticDescriptors.EmptyBody, span, $"Network '{network}'");

    public void ReportEmptyResidualBranch(TextSpan span) => Report(DiagnosticDescriptors.EmptyBody, span, "The residual branch");

    public void ReportEmptyBranch(TextSpan span, string keyword) => Report(DiagnosticDescriptors.EmptyBody, span, keyword == "concat" ? "A concat branch (write 'identity' for the input itself)" : "The scale branch");

    public void ReportBranchArguments(TextSpan span, string keyword) =>
        ReportBadArgument(span, $"'{keyword}' takes no arguments", "an argument list");

    public void ReportDuplicateBlockParameter(TextSpan span, string block, string parameter) =>
        Report(DiagnosticDescriptors.DuplicateParameter, span, $"Block '{block}'", parameter);

    public void ReportDuplicateNetworkParameter(TextSpan span, string network, string parameter) =>
        Report(DiagnosticDescriptors.DuplicateParameter, span, $"Network '{network}'", parameter);

    // ---- names (NL0002, NL0005) ------------------------------------------------------------------

    public void ReportUnknownName(SyntaxToken identifier, IEnumerable<string> candidates) =>
        Report(DiagnosticDescriptors.UnknownName, identifier.Span, identifier.Text, Suggestions.DidYouMean(identifier.Text, candidates));

    public void ReportUndefinedParameter(TextSpan span, string name, string owner, IEnumerable<string> candidates) =>
        Report(DiagnosticDescriptors.UndefinedParameter, span, name, owner, Suggestions.DidYouMean(name, candidates));

    public void ReportUndefinedBlockParameter(TextSpan span, string name, string block, IEnumerable<string> candidates) =>
        ReportUndefinedParameter(span, name, $"block '{block}'", candidates);

    public void ReportUnknownOverride(TextSpan span, string name, string network, IEnumerable<string> candidates) =>
        ReportUndefinedParameter(span, name, $"network '{network}'", candidates);

    // ---- the network's header (NL0009, NL0010, NL0021, NL0022, NL0023) ----------------------------

    public void ReportMissingInput(TextSpan span, string network) =>
        Report(DiagnosticDescriptors.BadInput, span, $"Network '{network}' has no 'input'; declare its shape: network {network}(input: 1x28x28)");

    public void ReportZeroInputDimension(TextSpan span, DimensionsValue shape) =>
        Report(DiagnosticDescriptors.BadInput, span, $"The input shape {shape} has a zero dimension; every size must be at least 1");

    public void ReportInputRank(TextSpan span, DimensionsValue shape) =>
        Report(DiagnosticDescriptors.BadInput, span, $"The input shape {shape} has {shape.Dimensions.Length} dimensions; use CxHxW, HxW or a feature count");

    public void ReportBadInput(TextSpan span, Value? value) =>
        Report(DiagnosticDescriptors.BadInput, span, $"'input' must be a shape such as 1x28x28, 28x28 or a feature count such as 784, got {Describe(value)}");

    public void ReportUnknownAllowedId(TextSpan span, string id) =>
        Report(DiagnosticDescriptors.BadAllow, span,
            $"'{id}' is not a NormLab diagnostic ID{Suggestions.DidYouMean(id, DiagnosticDescriptors.All.Select(d => d.Id))}");

    public void ReportErrorAllowed(TextSpan span, string id) =>
        Report(DiagnosticDescriptors.BadAllow, span, $"{id} is an error and cannot be allowed: the network could not be built; fix the cause instead");

    public void ReportBadClasses(TextSpan span, Value? value) => Report(DiagnosticDescriptors.BadClasses, span, Describe(value));

    public void ReportHyperParameterWithoutDefault(TextSpan span, string name) =>
        Report(DiagnosticDescriptors.HyperParameterWithoutDefault, span, name);

    public void ReportHyperParameterNotNumber(TextSpan span, string name, Value value) =>
        Report(DiagnosticDescriptors.HyperParameterNotNumber, span, name, Describe(value));

    // ---- expansion (NL0012 - NL0015, NL0019, NL0020, NL0030) ----------------------------------------

    public void ReportTooManyLayers(TextSpan span, int limit) => Report(DiagnosticDescriptors.TooManyLayers, span, limit);

    public void ReportExpansionTooLong(TextSpan span, int limit) => Report(DiagnosticDescriptors.ExpansionTooLong, span, limit);

    public void ReportNestingTooDeep(TextSpan span, int limit) => Report(DiagnosticDescriptors.NestingTooDeep, span, limit);

    public void ReportBadRepeatCount(TextSpan span, int limit, Value? value) =>
        Report(DiagnosticDescriptors.BadRepeatCount, span, limit, Describe(value));

    public void ReportNumberAsLayer(TextSpan span, string name, Value value) =>
        Report(DiagnosticDescriptors.NumberAsLayer, span, name, value);

    public void ReportArgumentsOnLayerParameter(TextSpan span, string name, LayerValue layer) =>
        Report(DiagnosticDescriptors.ArgumentsOnLayerParameter, span, name, layer);

    public void ReportBadResidualArgument(TextSpan span) => Report(DiagnosticDescriptors.BadResidualArgument, span);

    // ---- call arguments (NL0024 - NL0027, NL0029) ---------------------------------------------------

    public void ReportTooManyBlockArguments(TextSpan span, string block, int count) =>
        Report(DiagnosticDescriptors.TooManyArguments, span, $"Block '{block}'",
            $"{count} argument{(count == 1 ? string.Empty : "s")}, but more were given");

    public void ReportTooManyLayerArguments(TextSpan span, string layer, IReadOnlyList<string> arguments) =>
        Report(DiagnosticDescriptors.TooManyArguments, span, $"'{layer}'",
            arguments.Count == 0 ? "no arguments" : $"at most {arguments.Count} arguments ({string.Join(", ", arguments)})");

    public void ReportUnknownBlockArgument(TextSpan span, string block, string argument, IEnumerable<string> parameters) =>
        Report(DiagnosticDescriptors.UnknownArgument, span, $"Block '{block}'", argument, Suggestions.DidYouMean(argument, parameters), string.Empty);

    public void ReportUnknownLayerArgument(TextSpan span, string layer, string argument, IReadOnlyList<string> arguments) =>
        Report(DiagnosticDescriptors.UnknownArgument, span, $"'{layer}'", argument, Suggestions.DidYouMean(argument, arguments),
            $" (its arguments: {string.Join(", ", arguments)})");

    public void ReportFixedKernel(TextSpan span, string layer, int size) => Report(DiagnosticDescriptors.FixedKernel, span, layer, size);

    public void ReportDuplicateBlockArgument(TextSpan span, string block, string argument) =>
        Report(DiagnosticDescriptors.DuplicateArgument, span, argument, $"block '{block}'");

    public void ReportDuplicateLayerArgument(TextSpan span, string layer, string argument) =>
        Report(DiagnosticDescriptors.DuplicateArgument, span, argument, $"'{layer}'");

    public void ReportMissingBlockArgument(TextSpan span, string block, string argument, IEnumerable<string> parameters) =>
        Report(DiagnosticDescriptors.MissingArgument, span, $"Block '{block}'", argument, $"{block}({string.Join(", ", parameters)})");

    public void ReportMissingLayerArgument(TextSpan span, string layer, string argument, string example) =>
        Report(DiagnosticDescriptors.MissingArgument, span, $"'{layer}'", argument, $"{layer}({example})");

    // ---- layer argument values (NL0003, NL0028) ---------------------------------------------------

    public void ReportNotWholeNumber(TextSpan span, string layer, string argument, Value value) =>
        ReportBadArgument(span, $"'{argument}' of '{layer}' must be a whole number", Describe(value));

    public void ReportNotNumber(TextSpan span, string layer, string argument, Value value) =>
        ReportBadArgument(span, $"'{argument}' of '{layer}' must be a number", Describe(value));

    public void ReportNotBoolean(TextSpan span, string layer, string argument, Value value) =>
        ReportBadArgument(span, $"'{argument}' of '{layer}' must be true or false", Describe(value));

    public void ReportBadPadding(TextSpan span, string layer, Value value) =>
        ReportBadArgument(span, $"'padding' of '{layer}' must be same, valid or a whole number of at least 0", Describe(value));

    public void ReportBadBias(TextSpan span, string layer, Value value) =>
        ReportBadArgument(span, $"'bias' of '{layer}' must be auto, true or false", Describe(value));

    public void ReportArgumentTooLarge(TextSpan span, string layer, string argument, Value value) =>
        ReportBadArgument(span, $"'{argument}' of '{layer}' must be at most {int.MaxValue}", Describe(value));

    public void ReportTooFewOutputs(TextSpan span, string layer, bool channels, double value) =>
        ReportBadArgument(span, $"'{layer}' needs at least 1 output {(channels ? "channel" : "feature")}", Text(value));

    public void ReportArgumentBelowOne(TextSpan span, string layer, string argument, double value) =>
        ReportBadArgument(span, $"'{argument}' of '{layer}' must be at least 1", Text(value));

    public void ReportNegativePadding(TextSpan span, string layer, double value) =>
        ReportBadArgument(span, $"'padding' of '{layer}' must be at least 0", Text(value));

    public void ReportBadProbability(TextSpan span, string layer, double value) =>
        ReportBadArgument(span, $"'{layer}' needs a probability p with 0 <= p < 1", Text(value));

    public void ReportNotPositive(TextSpan span, string layer, string argument, double value) =>
        ReportBadArgument(span, $"'{argument}' of '{layer}' must be greater than 0", Text(value));

    public void ReportMomentumOutOfRange(TextSpan span, string layer, double value) =>
        ReportBadArgument(span, $"'momentum' of '{layer}' must lie in 0..1", Text(value));

    /// <summary>A value outside an argument's declared range, for arguments without a message of their own.</summary>
    public void ReportOutOfRange(TextSpan span, string layer, string argument, string range, double value) =>
        ReportBadArgument(span, $"'{argument}' of '{layer}' must be {range}", Text(value));

    public void ReportPoolingPaddingTooLarge(TextSpan span, string layer, int padding, int kernel) =>
        Report(DiagnosticDescriptors.PoolingPaddingTooLarge, span, layer, padding, kernel, kernel / 2);

    // ---- arithmetic (NL0016 - NL0018) --------------------------------------------------------------

    public void ReportDivisionByZero(TextSpan span) => Report(DiagnosticDescriptors.DivisionByZero, span);

    public void ReportArithmeticOverflow(TextSpan span) => Report(DiagnosticDescriptors.ArithmeticOverflow, span);

    public void ReportOperandNotNumber(TextSpan span, string op, Value operand) =>
        Report(DiagnosticDescriptors.OperandNotNumber, span, op, Describe(operand));

    public void ReportFunctionArity(TextSpan span, string name, int arity) =>
        ReportBadArgument(span, $"'{name}' takes {(arity == 1 ? "one number" : "two numbers")}, positionally", "another argument list");

    public void ReportInChannelsInRepeat(TextSpan span) =>
        ReportBadArgument(span, "a repeat count must be known before shapes are (it cannot depend on 'in_channels')", "a count computed from 'in_channels'");

    public void ReportBadSymbol(TextSpan span, string layer, string argument, string allowed, Value value) =>
        ReportBadArgument(span, $"'{layer}' takes {argument}: {allowed}", Describe(value));

    public void ReportNotALayer(TextSpan span, string layer, string argument, Value value) =>
        ReportBadArgument(span, $"'{layer}' takes a single activation as {argument} (relu, leakyrelu(0.2), a layer-valued parameter)", Describe(value));

    public void ReportBadPair(TextSpan span, string layer, string argument, Value value) =>
        ReportBadArgument(span, $"'{layer}' takes {argument} as a whole number at least {(argument == "padding" ? 0 : 1)}, or one per dimension (HxW)", Describe(value));

    public void ReportBadInputKind(TextSpan span, string kind, int[] dimensions) =>
        ReportBadArgument(span, kind switch
        {
            "signal" => "'signal' takes channels × length, both at least 1 (signal 12x1000)",
            "image" => "'image' takes HxW or CxHxW, each at least 1 (image 3x32x32)",
            _ => "'features' takes a count of at least 1 (features 784)",
        }, kind + " " + string.Join("x", dimensions));

    private void ReportBadArgument(TextSpan span, string constraint, string value) =>
        Report(DiagnosticDescriptors.BadArgument, span, constraint, value);

    // the value's text only for a message (formatting every argument's value showed in profiles)
    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Describe(Value? value) => value switch
    {
        null => "nothing",
        NumberValue number => number.ToString(),
        SymbolValue symbol => "'" + symbol.Name + "'",
        DimensionsValue dims => "the shape " + dims,
        LayerValue layer => "the layer '" + layer + "'",
        TypedShapeValue shape => "the shape " + shape,
        DeferredValue deferred => "'" + deferred.Text + "'",
        _ => "an invalid value",
    };
}
