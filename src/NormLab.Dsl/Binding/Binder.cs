using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Layers;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Binding;

/// <summary>A network after binding: its header values and its expanded layers.</summary>
internal sealed class BoundNetwork
{
    public BoundNetwork(NetworkDeclarationSyntax syntax) => Syntax = syntax;

    public NetworkDeclarationSyntax Syntax { get; }

    public int[]? Input { get; set; }

    public int? Classes { get; set; }

    public List<(string Name, double Value, bool IsInteger)> HyperParameters { get; } = new();

    public HashSet<string> Allowed { get; } = new(StringComparer.Ordinal);

    public List<BoundLayer> Layers { get; } = new();

    /// <summary>True when a layer could not be bound (unknown name, recursive block, bad layer value): later diagnostics would be a cascade.</summary>
    public bool Incomplete { get; set; }
}

/// <summary>
/// Resolves names, checks blocks once at their declaration, expands block calls and repetitions, and
/// evaluates arguments. Diagnostics inside a block expansion point at the call in the network.
/// </summary>
internal sealed class Binder
{
    /// <summary>A network that expands to more layers than this is reported (and not expanded further).</summary>
    public const int MaxLayers = 10_000;

    /// <summary>How often a block may be expanded inside itself through layer-valued arguments.</summary>
    public const int MaxSelfNesting = 32;

    /// <summary>Deeper nesting of expansions (blocks, groups, repeats, residuals, layer values) is reported, not followed (no stack overflow).</summary>
    public const int MaxNesting = 2 * Parser.MaxDepth;

    /// <summary>The work one network's expansion may take (elements, arguments, expression nodes); blocks and repeats multiply.</summary>
    public const int MaxExpansionSteps = 250_000;

    private static readonly HashSet<string> CSharpKeywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    };

    /// <summary>Members the generator adds to every network's record (a C# type cannot have a member of its own name).</summary>
    private static readonly HashSet<string> GeneratedMemberNames = new(StringComparer.Ordinal)
    {
        "Build", "Summary", "InputShape", "OutputShape", "ParameterCount", "NormLabSource",
    };

    private readonly CompilationUnitSyntax _unit;
    private readonly DiagnosticBag _fileDiagnostics;
    private readonly Dictionary<string, BlockDeclarationSyntax> _blocks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _recursiveBlocks = new(StringComparer.Ordinal);

    public Binder(CompilationUnitSyntax unit, DiagnosticBag fileDiagnostics, string @namespace)
    {
        _unit = unit;
        _fileDiagnostics = fileDiagnostics;
        Namespace = @namespace;
        DeclareMembers();
        CheckBlocks();
    }

    public string Namespace { get; }

    // ---- declarations -------------------------------------------------------------------------

    private void DeclareMembers()
    {
        var seen = new Dictionary<string, MemberSyntax>(StringComparer.Ordinal);
        foreach (var member in _unit.Members)
        {
            if (member.Identifier.IsMissing)
            {
                continue;
            }

            var what = member is NetworkDeclarationSyntax ? "Network" : "Block";
            if (seen.TryGetValue(member.Name, out var first))
            {
                var firstWhat = first is NetworkDeclarationSyntax ? "network" : "block";
                var line = _fileDiagnostics.Source.GetLinePosition(first.Identifier.Span.Start).Line + 1;
                _fileDiagnostics.Report(DiagnosticDescriptors.DuplicateDeclaration, member.Identifier.Span,
                    $"{what} '{member.Name}' has the name of the {firstWhat} declared on line {line} in namespace '{DisplayNamespace}'; rename one of them");
                continue;
            }

            seen.Add(member.Name, member);
            if (member is BlockDeclarationSyntax block)
            {
                if (LayerCatalog.Find(block.Name) is not null)
                {
                    _fileDiagnostics.Report(DiagnosticDescriptors.DuplicateDeclaration, block.Identifier.Span,
                        $"Block '{block.Name}' has the name of a built-in layer; rename the block");
                    continue;
                }

                _blocks.Add(block.Name, block);
            }
        }

        foreach (var member in _unit.Members.OfType<NetworkDeclarationSyntax>())
        {
            CheckTypeName(member, seen);
        }
    }

    private string DisplayNamespace => Namespace.Length == 0 ? "(default)" : Namespace;

    private void CheckTypeName(NetworkDeclarationSyntax network, Dictionary<string, MemberSyntax> declared)
    {
        var name = network.Name;
        if (network.Identifier.IsMissing)
        {
            return;
        }

        if (CSharpKeywords.Contains(name))
        {
            _fileDiagnostics.Report(DiagnosticDescriptors.InvalidTypeName, network.Identifier.Span,
                $"Network '{name}' is a C# keyword and cannot name the generated type; choose another name");
        }
        else if (GeneratedMemberNames.Contains(name))
        {
            _fileDiagnostics.Report(DiagnosticDescriptors.InvalidTypeName, network.Identifier.Span,
                $"Network '{name}' has the name of a member the generator adds to its record (a type cannot contain a member of its own name); choose another name");
        }
        else if (name.EndsWith("Module", StringComparison.Ordinal) &&
                 declared.TryGetValue(name.Substring(0, name.Length - "Module".Length), out var other) &&
                 other is NetworkDeclarationSyntax)
        {
            _fileDiagnostics.Report(DiagnosticDescriptors.InvalidTypeName, network.Identifier.Span,
                $"Network '{name}' clashes with the module generated for network '{other.Name}'; choose another name");
        }
        else if (name.StartsWith("__", StringComparison.Ordinal) || name.Any(c => c > 127))
        {
            _fileDiagnostics.Report(DiagnosticDescriptors.InvalidTypeName, network.Identifier.Span,
                $"Network '{name}' is not a portable C# type name; use ASCII letters, digits and '_'");
        }
    }

    // ---- blocks: checked once at their declaration ---------------------------------------------

    private void CheckBlocks()
    {
        foreach (var block in _blocks.Values)
        {
            var parameters = new HashSet<string>(StringComparer.Ordinal);
            foreach (var parameter in block.Parameters?.Parameters ?? Array.Empty<ParameterSyntax>())
            {
                if (parameter.Identifier.IsMissing)
                {
                    continue;
                }

                if (!parameters.Add(parameter.Name))
                {
                    _fileDiagnostics.Report(DiagnosticDescriptors.BadArgument, parameter.Identifier.Span,
                        $"Block '{block.Name}' declares the parameter '{parameter.Name}' twice");
                }

                if (parameter.Default is not null)
                {
                    CheckNames(parameter.Default, parameters, block.Name);
                }
            }

            if (block.Body.Elements.Count == 0)
            {
                _fileDiagnostics.Report(DiagnosticDescriptors.EmptyBody, block.Identifier.Span, $"Block '{block.Name}'");
            }

            CheckNames(block.Body, parameters, block.Name);
        }

        FindRecursion();
    }

    private void CheckNames(SyntaxNode node, HashSet<string> parameters, string blockName)
    {
        switch (node)
        {
            case PipelineSyntax pipeline:
                foreach (var element in pipeline.Elements)
                {
                    CheckNames(element, parameters, blockName);
                }

                break;
            case LayerCallSyntax call:
                if (!call.Identifier.IsMissing && !parameters.Contains(call.Name) && !IsCallable(call.Name))
                {
                    ReportUnknownName(_fileDiagnostics, call.Identifier, parameters);
                }

                if (call.Arguments is not null)
                {
                    CheckNames(call.Arguments, parameters, blockName);
                }

                break;
            case GroupSyntax group:
                CheckNames(group.Pipeline, parameters, blockName);
                break;
            case RepeatSyntax repeat:
                CheckNames(repeat.Element, parameters, blockName);
                CheckNames(repeat.Count, parameters, blockName);
                break;
            case BranchSyntax branch:
                foreach (var pipeline in branch.Branches)
                {
                    CheckNames(pipeline, parameters, blockName);
                }

                break;
            case ArgumentListSyntax arguments:
                foreach (var argument in arguments.Arguments)
                {
                    CheckNames(argument.Value, parameters, blockName);
                }

                break;
            case NameExpressionSyntax name:
                if (!name.Identifier.IsMissing && !parameters.Contains(name.Name) && !SymbolValue.IsSymbol(name.Name) && !IsCallable(name.Name))
                {
                    _fileDiagnostics.Report(DiagnosticDescriptors.UndefinedParameter, name.Span, name.Name, $"block '{blockName}'",
                        Suggestions.DidYouMean(name.Name, parameters));
                }

                break;
            case CallExpressionSyntax callExpression:
                if (!IsCallable(callExpression.Identifier.Text))
                {
                    ReportUnknownName(_fileDiagnostics, callExpression.Identifier, parameters);
                }

                CheckNames(callExpression.Arguments, parameters, blockName);
                break;
            case UnaryExpressionSyntax unary:
                CheckNames(unary.Operand, parameters, blockName);
                break;
            case BinaryExpressionSyntax binary:
                CheckNames(binary.Left, parameters, blockName);
                CheckNames(binary.Right, parameters, blockName);
                break;
            case ParenthesizedExpressionSyntax parenthesized:
                CheckNames(parenthesized.Expression, parameters, blockName);
                break;
        }
    }

    private void FindRecursion()
    {
        // depth-first search over the block call graph; a back edge closes a cycle
        // (iterative: a chain of thousands of blocks must not overflow the stack)
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new List<string>();
        var callees = new Stack<IEnumerator<string>>();
        foreach (var root in _blocks.Keys.OrderBy(n => _blocks[n].Span.Start))
        {
            if (!state.ContainsKey(root))
            {
                Enter(root);
            }

            while (callees.Count > 0)
            {
                var pending = callees.Peek();
                if (!pending.MoveNext())
                {
                    callees.Pop().Dispose();
                    state[stack[stack.Count - 1]] = 2;
                    stack.RemoveAt(stack.Count - 1);
                    continue;
                }

                var callee = pending.Current;
                state.TryGetValue(callee, out var calleeState);
                if (calleeState == 1)
                {
                    var cycle = stack.Skip(stack.IndexOf(callee)).Concat(new[] { callee }).ToArray();
                    if (_recursiveBlocks.Add(callee))
                    {
                        _fileDiagnostics.Report(DiagnosticDescriptors.RecursiveBlock, _blocks[callee].Identifier.Span, callee, string.Join(" > ", cycle));
                    }
                }
                else if (calleeState == 0)
                {
                    Enter(callee);
                }
            }
        }

        void Enter(string name)
        {
            state[name] = 1;
            stack.Add(name);
            var block = _blocks[name];
            var parameters = new HashSet<string>((block.Parameters?.Parameters ?? Array.Empty<ParameterSyntax>()).Select(p => p.Name));
            var defaults = (block.Parameters?.Parameters ?? Array.Empty<ParameterSyntax>()).Where(p => p.Default is not null);
            callees.Push(CalledBlocks(block.Body, parameters).Concat(defaults.SelectMany(p => CalledBlocks(p.Default!, parameters))).GetEnumerator());
        }
    }

    private IEnumerable<string> CalledBlocks(SyntaxNode node, HashSet<string> parameters)
    {
        var pending = new Stack<SyntaxNode>();
        pending.Push(node);
        while (pending.Count > 0)
        {
            switch (pending.Pop())
            {
                case PipelineSyntax pipeline:
                    foreach (var element in pipeline.Elements)
                    {
                        pending.Push(element);
                    }

                    break;
                case LayerCallSyntax call:
                    if (!parameters.Contains(call.Name) && _blocks.ContainsKey(call.Name))
                    {
                        yield return call.Name;
                    }

                    if (call.Arguments is not null)
                    {
                        pending.Push(call.Arguments);
                    }

                    break;
                case ArgumentListSyntax arguments:
                    foreach (var argument in arguments.Arguments)
                    {
                        pending.Push(argument.Value);
                    }

                    break;
                case NameExpressionSyntax name when !parameters.Contains(name.Name) && _blocks.ContainsKey(name.Name):
                    yield return name.Name;
                    break;
                case CallExpressionSyntax callExpression:
                    if (_blocks.ContainsKey(callExpression.Identifier.Text))
                    {
                        yield return callExpression.Identifier.Text;
                    }

                    pending.Push(callExpression.Arguments);
                    break;
                case GroupSyntax group:
                    pending.Push(group.Pipeline);
                    break;
                case RepeatSyntax repeat:
                    pending.Push(repeat.Element);
                    break;
                case BranchSyntax branch:
                    foreach (var pipeline in branch.Branches)
                    {
                        pending.Push(pipeline);
                    }

                    break;
            }
        }
    }

    private bool IsCallable(string name) => LayerCatalog.Find(name) is not null || _blocks.ContainsKey(name);

    private void ReportUnknownName(DiagnosticBag bag, SyntaxToken identifier, IEnumerable<string> extraCandidates)
    {
        var candidates = LayerCatalog.Names.Concat(_blocks.Keys).Concat(extraCandidates).Append("residual");
        bag.Report(DiagnosticDescriptors.UnknownName, identifier.Span, identifier.Text, Suggestions.DidYouMean(identifier.Text, candidates));
    }

    // ---- networks ------------------------------------------------------------------------------

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
                diagnostics.Report(DiagnosticDescriptors.EmptyBody, syntax.Identifier.Span, $"Network '{syntax.Name}'");
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
                diagnostics.Report(DiagnosticDescriptors.BadArgument, parameter.Identifier.Span,
                    $"Network '{syntax.Name}' declares the parameter '{parameter.Name}' twice");
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
                            diagnostics.Report(DiagnosticDescriptors.BadArgument, (parameter.Default ?? (SyntaxNode)parameter).Span,
                                $"'classes' must be a whole number of at least 1, got {Describe(value)}");
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
                            diagnostics.Report(DiagnosticDescriptors.BadArgument, parameter.Span,
                                $"Hyper-parameter '{parameter.Name}' needs a default value: '{parameter.Name}: 32'");
                        }
                        else if (value is not ErrorValue)
                        {
                            diagnostics.Report(DiagnosticDescriptors.BadArgument, parameter.Default!.Span,
                                $"Hyper-parameter '{parameter.Name}' must be a number, got {Describe(value)}");
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
                diagnostics.Report(DiagnosticDescriptors.UndefinedParameter, syntax.Identifier.Span, name, $"network '{syntax.Name}'",
                    Suggestions.DidYouMean(name, seen));
            }
        }

        if (!hasInput && !syntax.Identifier.IsMissing)
        {
            diagnostics.Report(DiagnosticDescriptors.BadInput, syntax.Identifier.Span,
                $"Network '{syntax.Name}' has no 'input'; declare its shape: network {syntax.Name}(input: 1x28x28)");
        }
    }

    private static int[]? BindInput(ParameterSyntax parameter, Value? value, DiagnosticBag diagnostics)
    {
        var span = (parameter.Default ?? (SyntaxNode)parameter).Span;
        switch (value)
        {
            case DimensionsValue dims when dims.Dimensions.Length is 2 or 3:
                if (dims.Dimensions.Any(d => d <= 0))
                {
                    diagnostics.Report(DiagnosticDescriptors.BadInput, span, $"The input shape {dims} has a zero dimension; every size must be at least 1");
                    return null;
                }

                return dims.Dimensions.Length == 2 ? new[] { 1, dims.Dimensions[0], dims.Dimensions[1] } : dims.Dimensions;
            case DimensionsValue dims:
                diagnostics.Report(DiagnosticDescriptors.BadInput, span, $"The input shape {dims} has {dims.Dimensions.Length} dimensions; use CxHxW, HxW or a feature count");
                return null;
            case NumberValue { IsInteger: true } features when features.Number >= 1 && features.Number <= int.MaxValue:
                return new[] { (int)features.Number };
            case ErrorValue:
                return null;
            default:
                diagnostics.Report(DiagnosticDescriptors.BadInput, span,
                    $"'input' must be a shape such as 1x28x28, 28x28 or a feature count such as 784, got {Describe(value)}");
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
                diagnostics.Report(DiagnosticDescriptors.BadAllow, id.Span,
                    $"'{id.Text}' is not a NormLab diagnostic ID{Suggestions.DidYouMean(id.Text, DiagnosticDescriptors.All.Select(d => d.Id))}");
            }
            else if (descriptor.DefaultSeverity == DiagnosticSeverity.Error)
            {
                diagnostics.Report(DiagnosticDescriptors.BadAllow, id.Span,
                    $"{id.Text} is an error and cannot be allowed: the network could not be built; fix the cause instead");
            }
            else
            {
                network.Allowed.Add(id.Text);
            }
        }
    }

    // ---- expansion -----------------------------------------------------------------------------

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
            context.Diagnostics.Report(DiagnosticDescriptors.BadArgument, scope.Locate(element.Span),
                $"The network's expansion takes more than {MaxExpansionSteps} steps (blocks and repeats multiply); reduce the repeat counts");
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
                    ExpandElement(repeat.Element, scope, output, context);
                    if (context.LayerCount == before)
                    {
                        break; // it expands to nothing: the other repetitions would only repeat its diagnostics
                    }
                }

                break;
            case BranchSyntax branch:
                ExpandResidual(branch, scope, output, context);
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
            context.Diagnostics.Report(DiagnosticDescriptors.BadArgument, at,
                $"Blocks, groups, residuals and layer parameters nest deeper than {MaxNesting} levels here (or a layer parameter stands for itself); flatten the structure");
        }
    }

    private int EvaluateCount(RepeatSyntax repeat, Scope scope, ExpansionContext context)
    {
        var value = Evaluate(repeat.Count, scope, context);
        if (value is NumberValue { IsInteger: true } number && number.Number >= 1 && number.Number <= MaxLayers)
        {
            return (int)number.Number;
        }

        if (value is not ErrorValue)
        {
            context.Diagnostics.Report(DiagnosticDescriptors.BadArgument, scope.Locate(repeat.Count.Span),
                $"A repeat count must be a whole number from 1 to {MaxLayers}, got {Describe(value)}");
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
                        context.Diagnostics.Report(DiagnosticDescriptors.BadArgument, scope.Locate(arguments.Span),
                            $"'{name}' stands for the layer '{layer}' and takes no arguments here; pass them where the layer is chosen ({name} = leakyrelu(0.2))");
                    }

                    ExpandLayerValue(layer, output, context);
                    return;
                case ErrorValue:
                    context.Incomplete = true;
                    return;
                default:
                    context.Incomplete = true;
                    context.Diagnostics.Report(DiagnosticDescriptors.BadArgument, scope.Locate(identifier.Span),
                        $"'{name}' is the number {value}, not a layer; pass a layer such as 'relu' for it");
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
                ReportUnknownName(context.Diagnostics, identifier, scope.Names.Where(n => scope.TryLookup(n, out var v) && v is LayerValue));
            }
        }
    }

    private void Add(BoundLayer layer, List<BoundLayer> output, ExpansionContext context, TextSpan span, Scope scope)
    {
        if (++context.LayerCount > MaxLayers)
        {
            context.Overflowed = true;
            context.Diagnostics.Report(DiagnosticDescriptors.BadArgument, scope.Locate(span),
                $"The network expands to more than {MaxLayers} layers; reduce the repeat counts");
            return;
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
            context.Diagnostics.Report(DiagnosticDescriptors.RecursiveBlock, caller.Locate(span), block.Name, $"nested in itself more than {MaxSelfNesting} times through layer parameters");
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
                context.Diagnostics.Report(DiagnosticDescriptors.BadArgument, caller.Locate(span),
                    $"Block '{block.Name}' needs the argument '{parameter.Name}': {block.Name}({string.Join(", ", parameters.Select(p => p.Name))})");
                scope.Define(parameter.Name, ErrorValue.Instance);
            }
        }

        context.BlockStack.Add(block.Name);
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
                    context.Diagnostics.Report(DiagnosticDescriptors.BadArgument, caller.Locate(argument.Span),
                        $"Block '{block.Name}' takes {parameters.Count} argument{(parameters.Count == 1 ? string.Empty : "s")}, but more were given");
                    continue;
                }

                target = parameters[position++].Name;
            }
            else
            {
                target = argument.Name!;
                if (!parameters.Any(p => p.Name == target))
                {
                    context.Diagnostics.Report(DiagnosticDescriptors.BadArgument, caller.Locate(argument.NameToken.Span),
                        $"Block '{block.Name}' has no parameter '{target}'{Suggestions.DidYouMean(target, parameters.Select(p => p.Name))}");
                    continue;
                }
            }

            if (given.ContainsKey(target))
            {
                context.Diagnostics.Report(DiagnosticDescriptors.BadArgument, caller.Locate(argument.Span),
                    $"The argument '{target}' of block '{block.Name}' is given twice");
                continue;
            }

            given[target] = Evaluate(argument.Value, caller, context);
        }

        return given;
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
                context.Diagnostics.Report(DiagnosticDescriptors.BadArgument, scope.Locate(argument.Span),
                    "'residual' takes one optional argument, 'project': residual(project) { … }");
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
                context.Diagnostics.Report(DiagnosticDescriptors.EmptyBody, scope.Locate(syntax.Keyword.Span), "The residual branch");
            }

            ExpandPipeline(pipeline, scope, branch, context);
            layer.Branches.Add(branch);
        }

        Add(layer, output, context, syntax.Keyword.Span, scope);
    }

    // ---- layer arguments -----------------------------------------------------------------------

    private BoundLayer BindLayer(LayerDefinition definition, ArgumentListSyntax? arguments, TextSpan span, Scope scope, ExpansionContext context)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var spec in definition.Arguments)
        {
            values[spec.Name] = spec.Default;
        }

        var biasExplicit = false;
        var given = arguments is { Arguments.Count: > 0 } ? new HashSet<string>(StringComparer.Ordinal) : null;
        var position = 0;
        foreach (var argument in arguments?.Arguments ?? Array.Empty<ArgumentSyntax>())
        {
            var at = scope.Locate(argument.Span);
            ArgumentSpec? spec;
            if (argument.NameToken is null)
            {
                if (position >= definition.Arguments.Count)
                {
                    context.Diagnostics.Report(DiagnosticDescriptors.BadArgument, at,
                        definition.Arguments.Count == 0
                            ? $"'{definition.Name}' takes no arguments"
                            : $"'{definition.Name}' takes at most {definition.Arguments.Count} arguments ({string.Join(", ", definition.Arguments.Select(a => a.Name))})");
                    continue;
                }

                spec = definition.Arguments[position++];
            }
            else
            {
                spec = definition.FindArgument(argument.Name!);
                if (spec is null)
                {
                    var message = definition.FixedKernel is int k && argument.Name == "kernel"
                        ? $"'{definition.Name}' has a fixed {k}x{k} kernel; use conv(out, kernel: n) for another size"
                        : definition.Arguments.Count == 0
                            ? $"'{definition.Name}' takes no arguments"
                            : $"'{definition.Name}' has no argument '{argument.Name}'{Suggestions.DidYouMean(argument.Name!, definition.Arguments.Select(a => a.Name))} (its arguments: {string.Join(", ", definition.Arguments.Select(a => a.Name))})";
                    context.Diagnostics.Report(DiagnosticDescriptors.BadArgument, scope.Locate(argument.NameToken.Span), message);
                    continue;
                }
            }

            if (!given!.Add(spec.Name))
            {
                context.Diagnostics.Report(DiagnosticDescriptors.BadArgument, at, $"The argument '{spec.Name}' of '{definition.Name}' is given twice");
                continue;
            }

            var value = Evaluate(argument.Value, scope, context);
            if (value is ErrorValue)
            {
                continue;
            }

            var converted = Convert(definition, spec, value, at, context.Diagnostics);
            if (converted is not null)
            {
                values[spec.Name] = converted;
                if (spec.Name == "bias" && converted is "true")
                {
                    biasExplicit = true;
                }
            }
        }

        foreach (var spec in definition.Arguments)
        {
            if (!spec.Required || (given is not null && given.Contains(spec.Name)))
            {
                continue;
            }

            context.Diagnostics.Report(DiagnosticDescriptors.BadArgument, scope.Locate(span),
                $"'{definition.Name}' needs the argument '{spec.Name}': {definition.Example}");
            values[spec.Name] = spec.Name == "groups" ? 1 : 1;
        }

        if (definition.FixedKernel is int fixedKernel)
        {
            values["kernel"] = fixedKernel;
        }

        if (definition.Kind.Is(LayerTraits.LocalPooling))
        {
            values["stride"] ??= values["kernel"];
            if (values["padding"] is int padding && values["kernel"] is int kernel && padding > kernel / 2)
            {
                context.Diagnostics.Report(DiagnosticDescriptors.BadArgument, scope.Locate(span),
                    $"'{definition.Name}' has padding {padding} but its kernel is {kernel}: padding can be at most half the kernel ({kernel / 2})");
                values["padding"] = kernel / 2;
            }
        }

        return new BoundLayer(definition, scope.Locate(span), span, scope.BlockPath, values) { BiasExplicit = biasExplicit };
    }

    private static object? Convert(LayerDefinition layer, ArgumentSpec spec, Value value, TextSpan at, DiagnosticBag diagnostics)
    {
        string? error = null;
        object? result = null;
        switch (spec.Type)
        {
            case ArgumentType.Integer:
                if (value is NumberValue { IsInteger: true } integer && Math.Abs(integer.Number) <= int.MaxValue)
                {
                    result = (int)integer.Number;
                    error = CheckRange(layer, spec.Name, integer.Number);
                }
                else if (value is NumberValue { IsInteger: true } huge)
                {
                    error = CheckRange(layer, spec.Name, huge.Number)
                        ?? $"'{spec.Name}' of '{layer.Name}' is {huge}, more than the largest allowed value ({int.MaxValue})";
                }
                else
                {
                    error = $"'{spec.Name}' of '{layer.Name}' must be a whole number, got {Describe(value)}";
                }

                break;
            case ArgumentType.Float:
                if (value is NumberValue number)
                {
                    result = number.Number;
                    error = CheckRange(layer, spec.Name, number.Number);
                }
                else
                {
                    error = $"'{spec.Name}' of '{layer.Name}' must be a number, got {Describe(value)}";
                }

                break;
            case ArgumentType.Boolean:
                if (value is SymbolValue { Name: "true" or "false" } flag)
                {
                    result = flag.Name == "true";
                }
                else
                {
                    error = $"'{spec.Name}' of '{layer.Name}' must be true or false, got {Describe(value)}";
                }

                break;
            case ArgumentType.Padding:
                if (value is SymbolValue { Name: "same" or "valid" } padding)
                {
                    result = padding.Name;
                }
                else if (value is NumberValue { IsInteger: true } amount && amount.Number >= 0 && amount.Number <= int.MaxValue)
                {
                    result = (int)amount.Number;
                }
                else
                {
                    error = $"'padding' of '{layer.Name}' must be same, valid or a whole number of at least 0, got {Describe(value)}";
                }

                break;
            case ArgumentType.Bias:
                if (value is SymbolValue { Name: "auto" or "true" or "false" } bias)
                {
                    result = bias.Name;
                }
                else
                {
                    error = $"'bias' of '{layer.Name}' must be auto, true or false, got {Describe(value)}";
                }

                break;
        }

        if (error is not null)
        {
            diagnostics.Report(DiagnosticDescriptors.BadArgument, at, error);
            return null;
        }

        return result;
    }

    private static string? CheckRange(LayerDefinition layer, string name, double value)
    {
        // the value's text only for a message (formatting every argument's value showed in profiles)
        string Text() => value.ToString("R", CultureInfo.InvariantCulture);
        return name switch
        {
            "out" when value < 1 => $"'{layer.Name}' needs at least 1 output {(layer.Category == LayerCategory.Convolution ? "channel" : "feature")}, got {Text()}",
            "kernel" or "stride" or "dilation" or "groups" or "pieces" when value < 1 => $"'{name}' of '{layer.Name}' must be at least 1, got {Text()}",
            "padding" when value < 0 => $"'padding' of '{layer.Name}' must be at least 0, got {Text()}",
            "p" when value < 0 || value >= 1 => $"'{layer.Name}' needs a probability p with 0 <= p < 1, got {Text()}",
            "eps" when value <= 0 => $"'eps' of '{layer.Name}' must be greater than 0, got {Text()}",
            "momentum" when value < 0 || value > 1 => $"'momentum' of '{layer.Name}' must lie in 0..1, got {Text()}",
            "beta" when value <= 0 => $"'beta' of '{layer.Name}' must be greater than 0, got {Text()}",
            _ => null,
        };
    }

    // ---- expressions ---------------------------------------------------------------------------

    private Value Evaluate(ExpressionSyntax expression, Scope scope, ExpansionContext context)
    {
        context.Steps++;
        var diagnostics = context.Diagnostics;
        switch (expression)
        {
            case LiteralExpressionSyntax literal:
                if (literal.Token.IsMissing)
                {
                    return ErrorValue.Instance;
                }

                return literal.Token.Value switch
                {
                    long integer => new NumberValue(integer, isInteger: true),
                    double real => new NumberValue(real, isInteger: false),
                    int[] dims => new DimensionsValue(dims),
                    _ => ErrorValue.Instance,
                };
            case NameExpressionSyntax name:
                if (name.Identifier.IsMissing)
                {
                    return ErrorValue.Instance;
                }

                if (scope.TryLookup(name.Name, out var value))
                {
                    return value;
                }

                if (SymbolValue.IsSymbol(name.Name))
                {
                    return new SymbolValue(name.Name);
                }

                if (IsCallable(name.Name))
                {
                    return new LayerValue(name, scope);
                }

                if (scope.ReportsNames)
                {
                    diagnostics.Report(DiagnosticDescriptors.UndefinedParameter, name.Span, name.Name, scope.Owner,
                        Suggestions.DidYouMean(name.Name, scope.Names));
                }

                return ErrorValue.Instance;
            case CallExpressionSyntax call:
                if (IsCallable(call.Identifier.Text))
                {
                    return new LayerValue(call, scope);
                }

                if (scope.ReportsNames)
                {
                    ReportUnknownName(diagnostics, call.Identifier, Array.Empty<string>());
                }

                return ErrorValue.Instance;
            case ParenthesizedExpressionSyntax parenthesized:
                return Evaluate(parenthesized.Expression, scope, context);
            case UnaryExpressionSyntax unary:
            {
                var operand = Evaluate(unary.Operand, scope, context);
                if (operand is NumberValue number)
                {
                    return unary.Operator.Kind == TokenKind.Minus ? new NumberValue(-number.Number, number.IsInteger) : number;
                }

                return ReportOperand(operand, unary.Operator, scope, diagnostics);
            }

            case BinaryExpressionSyntax binary:
            {
                var left = Evaluate(binary.Left, scope, context);
                var right = Evaluate(binary.Right, scope, context);
                if (left is not NumberValue a)
                {
                    return ReportOperand(left, binary.Operator, scope, diagnostics);
                }

                if (right is not NumberValue b)
                {
                    return ReportOperand(right, binary.Operator, scope, diagnostics);
                }

                return Arithmetic(a, b, binary, scope, diagnostics);
            }

            default:
                return ErrorValue.Instance;
        }
    }

    private static Value ReportOperand(Value operand, SyntaxToken op, Scope scope, DiagnosticBag diagnostics)
    {
        if (operand is not ErrorValue)
        {
            diagnostics.Report(DiagnosticDescriptors.BadArgument, scope.Locate(op.Span), $"'{op.Text}' needs numbers, got {Describe(operand)}");
        }

        return ErrorValue.Instance;
    }

    private static Value Arithmetic(NumberValue a, NumberValue b, BinaryExpressionSyntax binary, Scope scope, DiagnosticBag diagnostics)
    {
        var integer = a.IsInteger && b.IsInteger;
        double result;
        switch (binary.Operator.Kind)
        {
            case TokenKind.Plus:
                result = a.Number + b.Number;
                break;
            case TokenKind.Minus:
                result = a.Number - b.Number;
                break;
            case TokenKind.Star:
                result = a.Number * b.Number;
                break;
            default:
                if (b.Number == 0)
                {
                    diagnostics.Report(DiagnosticDescriptors.BadArgument, scope.Locate(binary.Span), "Division by zero");
                    return ErrorValue.Instance;
                }

                result = a.Number / b.Number;
                integer = integer && Math.Abs(a.Number % b.Number) < 0.5;
                break;
        }

        if (double.IsInfinity(result) || double.IsNaN(result) || (integer && Math.Abs(result) > 9007199254740992d))
        {
            diagnostics.Report(DiagnosticDescriptors.BadArgument, scope.Locate(binary.Span), "The result of this arithmetic is too large");
            return ErrorValue.Instance;
        }

        return new NumberValue(result, integer);
    }

    private static string Describe(Value? value) => value switch
    {
        null => "nothing",
        NumberValue number => number.ToString(),
        SymbolValue symbol => "'" + symbol.Name + "'",
        DimensionsValue dims => "the shape " + dims,
        LayerValue layer => "the layer '" + layer + "'",
        _ => "an invalid value",
    };
}
