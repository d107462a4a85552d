using System.Collections.Generic;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Fixes;

/// <summary>One edit of a text: replace <see cref="Span"/> with <see cref="NewText"/>.</summary>
public readonly struct TextEdit
{
    public TextEdit(TextSpan span, string newText)
    {
        Span = span;
        NewText = newText;
    }

    public TextSpan Span { get; }

    public string NewText { get; }

    public override string ToString() => $"{Span} -> \"{NewText}\"";
}

/// <summary>A fix: its title and the edits applied together, in the coordinates of the layers it was computed from.</summary>
public sealed class LayerFix
{
    public LayerFix(string title, IReadOnlyList<TextEdit> edits)
    {
        Title = title;
        Edits = edits;
    }

    public string Title { get; }

    public IReadOnlyList<TextEdit> Edits { get; }
}

/// <summary>A named argument of a layer as written: its name and its span (name, value and all).</summary>
public readonly struct FixArgument
{
    public FixArgument(string? name, TextSpan span)
    {
        Name = name;
        Span = span;
    }

    public string? Name { get; }

    public TextSpan Span { get; }
}

/// <summary>
/// A layer as written in one of NormLab's two forms (a call in a pipeline, or a layer attribute on a record):
/// what the fixes need to decide what to edit. Spans are in the coordinates of whatever text holds it.
/// </summary>
public sealed class FixLayer
{
    public FixLayer(string name, TextSpan span, IReadOnlyList<FixArgument> arguments, TextSpan? argumentList, bool? isActivation)
    {
        Name = name;
        Span = span;
        Arguments = arguments;
        ArgumentList = argumentList;
        IsActivation = isActivation;
    }

    /// <summary>The name as written (<c>relu</c>, or <c>ReLU</c> for an attribute).</summary>
    public string Name { get; }

    public TextSpan Span { get; }

    public IReadOnlyList<FixArgument> Arguments { get; }

    /// <summary>The span of the parenthesized argument list, when there is one.</summary>
    public TextSpan? ArgumentList { get; }

    /// <summary>True or false when the form knows (the catalog), null when it cannot tell.</summary>
    public bool? IsActivation { get; }
}

/// <summary>How one form writes what a fix inserts and names: a pipeline (<c>flatten &gt; </c>, <c>'bn'</c>) or attributes (<c>Flatten, </c>, <c>[BatchNorm]</c>).</summary>
public sealed class FixForm
{
    public FixForm(string flattenName, string flattenInsertion, string biasArgument, System.Func<string, string> quote)
    {
        FlattenName = flattenName;
        FlattenInsertion = flattenInsertion;
        BiasArgument = biasArgument;
        Quote = quote;
    }

    /// <summary>The pipeline text form: <c>flatten &gt; </c> and <c>bias: true</c>.</summary>
    public static FixForm Pipeline { get; } = new("flatten", "flatten > ", "bias: true", name => "'" + name + "'");

    /// <summary>How the flatten layer is named in a title (NL2002).</summary>
    public string FlattenName { get; }

    /// <summary>What goes before the fully connected layer (NL2002).</summary>
    public string FlattenInsertion { get; }

    /// <summary>How the bias argument reads in a title (NL1002).</summary>
    public string BiasArgument { get; }

    /// <summary>How a layer's name reads in a title.</summary>
    public System.Func<string, string> Quote { get; }
}
