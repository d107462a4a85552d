using System.Collections.Generic;
using System.Linq;
using NormLab.Dsl.Diagnostics;
using NormLab.Dsl.Syntax;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Model;

/// <summary>What <see cref="NormLabCompiler.Check(SourceText, CheckOptions?)"/> returns: the tree, the checked networks and every diagnostic.</summary>
public sealed class CheckResult
{
    internal CheckResult(SourceText source, CompilationUnitSyntax syntax, string @namespace, IReadOnlyList<NetworkModel> networks, IReadOnlyList<Diagnostic> diagnostics)
    {
        Source = source;
        Syntax = syntax;
        Namespace = @namespace;
        Networks = networks;
        Diagnostics = diagnostics;
    }

    public SourceText Source { get; }

    public CompilationUnitSyntax Syntax { get; }

    /// <summary>The file's namespace (declared, or the default from the options).</summary>
    public string Namespace { get; }

    public IReadOnlyList<NetworkModel> Networks { get; }

    /// <summary>Every diagnostic of the file, sorted by position (hidden ones included).</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    public NetworkModel? FindNetwork(string name) => Networks.FirstOrDefault(n => n.Name == name);
}
