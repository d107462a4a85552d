using System.Collections.Generic;
using Microsoft.CodeAnalysis.Text;

namespace NormLab.CodeFixes.Fixes;

/// <summary>One fix as changes of the C# source, applied together or not at all, with its title.</summary>
internal sealed class SourceFix
{
    public SourceFix(string title, IReadOnlyList<TextChange> changes)
    {
        Title = title;
        Changes = changes;
    }

    public string Title { get; }

    public IReadOnlyList<TextChange> Changes { get; }
}
