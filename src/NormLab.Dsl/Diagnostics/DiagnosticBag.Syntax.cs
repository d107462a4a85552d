using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Diagnostics;

/// <summary>The lexer's and the parser's diagnostics (NL0001).</summary>
internal sealed partial class DiagnosticBag
{
    public void ReportSyntax(TextSpan span, string message) => Report(DiagnosticDescriptors.SyntaxError, span, message);

    /// <summary>A run of bad characters (see the lexer): the first, and how many more follow it.</summary>
    public void ReportBadCharacter(TextSpan span, string first, int more) =>
        ReportSyntax(span, more == 0
            ? $"Unexpected character '{first}'"
            : $"Unexpected character '{first}' and {more.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} more after it");

    public void ReportUnexpectedToken(TextSpan span, string expected, string found) =>
        ReportSyntax(span, $"Expected {expected} but found {found}");

    public void ReportSecondNamespace(TextSpan span) =>
        ReportSyntax(span, "A file has one namespace declaration, before its blocks and networks");

    public void ReportTooManyOperators(TextSpan span, int limit) =>
        ReportSyntax(span, $"An expression has more than {limit} operators");

    public void ReportSyntaxNestingTooDeep(TextSpan span, int limit) =>
        ReportSyntax(span, $"Nesting is deeper than {limit} levels");
}
