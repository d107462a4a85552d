using NormLab.Dsl.Text;

namespace NormLab.Dsl.Diagnostics;

/// <summary>
/// How many diagnostics one check keeps (<see cref="NormLabCompiler.MaxDiagnostics"/>): past the budget a
/// diagnostic is only counted, so that no input (50 MB of bad characters) can make the checker hold millions
/// of messages. The bags of one check share it; the check then reports one NL0031 for what it left out.
/// </summary>
internal sealed class DiagnosticBudget
{
    public DiagnosticBudget(int limit) => Limit = limit;

    public int Limit { get; }

    /// <summary>Diagnostics kept so far.</summary>
    public int Kept { get; private set; }

    /// <summary>Diagnostics counted but not kept.</summary>
    public long Dropped { get; private set; }

    /// <summary>Whether an error was among those not kept: the file has errors though none may be listed.</summary>
    public bool DroppedError { get; private set; }

    /// <summary>The span of the first diagnostic not kept (where the list stops).</summary>
    public TextSpan FirstDroppedSpan { get; private set; }

    /// <summary>The start of the first error of the file's own bag not kept, or -1 (the networks after it count as invalid).</summary>
    public int FirstDroppedFileError { get; set; } = -1;

    /// <summary>True when one more diagnostic may be kept (and counts it); otherwise counts it as dropped.</summary>
    public bool TryKeep(DiagnosticSeverity severity, TextSpan span)
    {
        if (Kept < Limit)
        {
            Kept++;
            return true;
        }

        if (Dropped == 0)
        {
            FirstDroppedSpan = span;
        }

        Dropped++;
        DroppedError |= severity == DiagnosticSeverity.Error;
        return false;
    }
}
