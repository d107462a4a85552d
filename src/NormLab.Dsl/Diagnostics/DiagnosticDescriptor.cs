using System;
using System.Globalization;

namespace NormLab.Dsl.Diagnostics;

/// <summary>One rule of the diagnostic catalog: its ID, wording, default severity and help link.</summary>
public sealed class DiagnosticDescriptor
{
    public DiagnosticDescriptor(
        string id,
        string title,
        string messageFormat,
        string category,
        DiagnosticSeverity defaultSeverity,
        string description)
    {
        Id = id;
        Title = title;
        MessageFormat = messageFormat;
        Category = category;
        DefaultSeverity = defaultSeverity;
        Description = description;
    }

    public string Id { get; }

    public string Title { get; }

    /// <summary>A composite format string (<see cref="string.Format(IFormatProvider, string, object[])"/>).</summary>
    public string MessageFormat { get; }

    /// <summary><c>Language</c>, <c>Ordering</c>, <c>Shape</c>, <c>Binding</c> or <c>Architecture</c>.</summary>
    public string Category { get; }

    public DiagnosticSeverity DefaultSeverity { get; }

    /// <summary>Why the rule exists, in one or two sentences.</summary>
    public string Description { get; }

    public string HelpLink => DiagnosticDescriptors.HelpLinkBase + Id + ".md";

    public string Format(params object?[] arguments)
    {
        try
        {
            return string.Format(CultureInfo.InvariantCulture, MessageFormat, arguments);
        }
        catch (FormatException)
        {
            return MessageFormat;
        }
    }

    public override string ToString() => Id;
}
