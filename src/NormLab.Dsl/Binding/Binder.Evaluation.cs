using System;
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
