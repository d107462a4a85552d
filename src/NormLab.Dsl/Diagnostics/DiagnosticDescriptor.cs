using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

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
        _compositeFormat = ToComposite(messageFormat);
    }

    private static readonly Regex NamedHole = new(@"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(:[^{}]*)?\}", RegexOptions.CultureInvariant);

    private readonly string _compositeFormat;

    public string Id { get; }

    public string Title { get; }

    /// <summary>
    /// The message with its placeholders: named (<c>{layer}</c>, <c>{count:N0}</c>) or positional (<c>{0}</c>).
    /// Named placeholders take the arguments of <see cref="Format"/> in the order they first appear.
    /// </summary>
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
            return string.Format(CultureInfo.InvariantCulture, _compositeFormat, arguments);
        }
        catch (FormatException)
        {
            return MessageFormat;
        }
    }

    public override string ToString() => Id;

    /// <summary>The names of the placeholders, in the order <see cref="Format"/> takes their arguments.</summary>
    public IReadOnlyList<string> PlaceholderNames => Names(MessageFormat);

    private static List<string> Names(string format)
    {
        var names = new List<string>();
        foreach (Match match in NamedHole.Matches(format))
        {
            if (!names.Contains(match.Groups[1].Value))
            {
                names.Add(match.Groups[1].Value);
            }
        }

        return names;
    }

    private static string ToComposite(string format)
    {
        var names = Names(format);
        return names.Count == 0
            ? format
            : NamedHole.Replace(format, m => "{" + names.IndexOf(m.Groups[1].Value).ToString(CultureInfo.InvariantCulture) + m.Groups[2].Value + "}");
    }
}
