using System;
using System.Linq;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Syntax;

namespace NormLab.Dsl.Binding;

/// <summary>Evaluation of argument expressions: names, layer values and constant arithmetic.</summary>
internal sealed partial class Binder
{
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
                    diagnostics.ReportUndefinedParameter(name.Span, name.Name, scope.Owner, scope.Names);
                }

                return ErrorValue.Instance;
            case ShapeExpressionSyntax shape:
                if (shape.Literal.IsMissing)
                {
                    return ErrorValue.Instance;
                }

                return shape.Literal.Value switch
                {
                    int[] dims => new TypedShapeValue(shape.KindToken.Text, dims),
                    long count when count >= 1 && count <= int.MaxValue => new TypedShapeValue(shape.KindToken.Text, new[] { (int)count }),
                    _ => new TypedShapeValue(shape.KindToken.Text, new[] { 0 }),
                };
            case CallExpressionSyntax call when IsMathFunction(call.Identifier.Text):
                return EvaluateMath(call, scope, context);
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
                if (operand is DeferredValue deferred)
                {
                    return DeferNegation(deferred, unary, scope, diagnostics);
                }

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
                if ((left is DeferredValue || right is DeferredValue) && left is not ErrorValue && right is not ErrorValue)
                {
                    return DeferCombination(left, right, binary, scope, diagnostics);
                }

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

    private static Value Resolve(Value value) => value is DeferredValue deferred ? deferred.Resolve() : value;

    // the closures of deferred values live in methods of their own: in Evaluate, their captures would be
    // allocated on every call, deferred or not
    private static DeferredValue DeferNegation(DeferredValue deferred, UnaryExpressionSyntax unary, Scope scope, DiagnosticBag diagnostics) =>
        new(() => Negate(deferred.Resolve(), unary, scope, diagnostics), unary.Operator.Text + deferred.Text);

    private static DeferredValue DeferCombination(Value left, Value right, BinaryExpressionSyntax binary, Scope scope, DiagnosticBag diagnostics) =>
        new(() => Combine(Resolve(left), Resolve(right), binary, scope, diagnostics), $"{left} {binary.Operator.Text} {right}");

    private static Value Negate(Value operand, UnaryExpressionSyntax unary, Scope scope, DiagnosticBag diagnostics) => operand switch
    {
        NumberValue number => unary.Operator.Kind == TokenKind.Minus ? new NumberValue(-number.Number, number.IsInteger) : number,
        _ => ReportOperand(operand, unary.Operator, scope, diagnostics),
    };

    private static Value Combine(Value left, Value right, BinaryExpressionSyntax binary, Scope scope, DiagnosticBag diagnostics)
    {
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

    private static bool IsMathFunction(string name) => name is "round" or "floor" or "ceil" or "min" or "max";

    /// <summary><c>round(x)</c> (half away from zero), <c>floor(x)</c>, <c>ceil(x)</c>, <c>min(a, b)</c>, <c>max(a, b)</c>.</summary>
    private Value EvaluateMath(CallExpressionSyntax call, Scope scope, ExpansionContext context)
    {
        var name = call.Identifier.Text;
        var arity = name is "min" or "max" ? 2 : 1;
        var diagnostics = context.Diagnostics;
        if (call.Arguments.Arguments.Count != arity || call.Arguments.Arguments.Any(a => a.NameToken is not null))
        {
            diagnostics.ReportFunctionArity(scope.Locate(call.Span), name, arity);
            return ErrorValue.Instance;
        }

        var values = call.Arguments.Arguments.Select(a => Evaluate(a.Value, scope, context)).ToArray();
        if (values.Any(v => v is ErrorValue))
        {
            return ErrorValue.Instance;
        }

        if (values.Any(v => v is DeferredValue))
        {
            return new DeferredValue(() => Apply(name, values.Select(Resolve).ToArray(), call, scope, diagnostics), name + "(…)");
        }

        return Apply(name, values, call, scope, diagnostics);
    }

    private static Value Apply(string name, Value[] values, CallExpressionSyntax call, Scope scope, DiagnosticBag diagnostics)
    {
        foreach (var value in values)
        {
            if (value is not NumberValue)
            {
                if (value is not ErrorValue)
                {
                    diagnostics.ReportOperandNotNumber(scope.Locate(call.Span), name + "()", value);
                }

                return ErrorValue.Instance;
            }
        }

        var x = (NumberValue)values[0];
        switch (name)
        {
            case "round":
                return new NumberValue(Math.Round(x.Number, MidpointRounding.AwayFromZero), isInteger: true);
            case "floor":
                return new NumberValue(Math.Floor(x.Number), isInteger: true);
            case "ceil":
                return new NumberValue(Math.Ceiling(x.Number), isInteger: true);
            default:
                var y = (NumberValue)values[1];
                var pick = name == "min" ? (x.Number <= y.Number ? x : y) : (x.Number >= y.Number ? x : y);
                return pick;
        }
    }

    private static Value ReportOperand(Value operand, SyntaxToken op, Scope scope, DiagnosticBag diagnostics)
    {
        if (operand is not ErrorValue)
        {
            diagnostics.ReportOperandNotNumber(scope.Locate(op.Span), op.Text, operand);
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
                    diagnostics.ReportDivisionByZero(scope.Locate(binary.Span));
                    return ErrorValue.Instance;
                }

                result = a.Number / b.Number;
                integer = integer && Math.Abs(a.Number % b.Number) < 0.5;
                break;
        }

        if (double.IsInfinity(result) || double.IsNaN(result) || (integer && Math.Abs(result) > 9007199254740992d))
        {
            diagnostics.ReportArithmeticOverflow(scope.Locate(binary.Span));
            return ErrorValue.Instance;
        }

        return new NumberValue(result, integer);
    }
}
