using System;
using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Syntax;

namespace NormLab.Dsl.Binding;

/// <summary>Blocks, checked once at their declaration: parameters, names and recursion.</summary>
internal sealed partial class Binder
{
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
                    _fileDiagnostics.ReportDuplicateBlockParameter(parameter.Identifier.Span, block.Name, parameter.Name);
                }

                if (parameter.Default is not null)
                {
                    CheckNames(parameter.Default, parameters, block.Name);
                }
            }

            if (block.Body.Elements.Count == 0)
            {
                _fileDiagnostics.ReportEmptyBlock(block.Identifier.Span, block.Name);
            }

            parameters.Add(InChannels);
            CheckNames(block.Body, parameters, block.Name);
            if (ReadsInChannels(block))
            {
                _blocksReadingInChannels.Add(block.Name);
            }
        }

        FindRecursion();
    }

    /// <summary>True when the block's body or a parameter's default names <c>in_channels</c>.</summary>
    private static bool ReadsInChannels(BlockDeclarationSyntax block)
    {
        foreach (var node in block.DescendantNodesAndSelf())
        {
            if (node is NameExpressionSyntax { Identifier.IsMissing: false } name && name.Name == InChannels)
            {
                return true;
            }
        }

        return false;
    }

    private void CheckNames(SyntaxNode node, HashSet<string> parameters, string blockName)
    {
        switch (node)
        {
            case LayerCallSyntax call:
                if (!call.Identifier.IsMissing && !parameters.Contains(call.Name) && !IsCallable(call.Name))
                {
                    ReportUnknownName(_fileDiagnostics, call.Identifier, parameters);
                }

                break;
            case NameExpressionSyntax name:
                if (!name.Identifier.IsMissing && !parameters.Contains(name.Name) && !SymbolValue.IsSymbol(name.Name) && !IsCallable(name.Name))
                {
                    _fileDiagnostics.ReportUndefinedBlockParameter(name.Span, name.Name, blockName, parameters);
                }

                break;
            case RepeatSyntax { Index: { IsMissing: false } index } repeat:
                CheckNames(repeat.Count, parameters, blockName);
                var inner = new HashSet<string>(parameters, StringComparer.Ordinal) { index.Text };
                CheckNames(repeat.Element, inner, blockName);
                return;
            case CallExpressionSyntax callExpression:
                if (!IsCallable(callExpression.Identifier.Text) && !IsMathFunction(callExpression.Identifier.Text))
                {
                    ReportUnknownName(_fileDiagnostics, callExpression.Identifier, parameters);
                }

                break;
        }

        foreach (var child in node.ChildNodes())
        {
            // a residual's arguments are checked where it is expanded
            if (node is BranchSyntax branch && child == branch.Arguments)
            {
                continue;
            }

            CheckNames(child, parameters, blockName);
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
                        _fileDiagnostics.ReportRecursiveBlock(_blocks[callee].Identifier.Span, callee, cycle);
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
            var current = pending.Pop();
            switch (current)
            {
                case LayerCallSyntax call when !parameters.Contains(call.Name) && _blocks.ContainsKey(call.Name):
                    yield return call.Name;
                    break;
                case NameExpressionSyntax name when !parameters.Contains(name.Name) && _blocks.ContainsKey(name.Name):
                    yield return name.Name;
                    break;
                case CallExpressionSyntax callExpression when _blocks.ContainsKey(callExpression.Identifier.Text):
                    yield return callExpression.Identifier.Text;
                    break;
            }

            foreach (var child in current.ChildNodes())
            {
                // a repeat count and a residual's arguments are numbers and flags, not calls
                if ((current is RepeatSyntax repeat && child == repeat.Count) || (current is BranchSyntax branch && child == branch.Arguments))
                {
                    continue;
                }

                pending.Push(child);
            }
        }
    }
}
