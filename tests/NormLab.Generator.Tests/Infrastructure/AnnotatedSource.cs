using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace NormLab.Generator.Tests.Infrastructure;

/// <summary>
/// Test input with the expected spans marked as <c>[|...|]</c> (Roslyn's convention), for C# sources and
/// <c>.normlab</c> files alike: <c>relu &gt; [|bn|]</c> is the text <c>relu &gt; bn</c> with one span over <c>bn</c>.
/// The markers are removed before the text is compiled, so they may stand inside string literals.
/// </summary>
internal sealed class AnnotatedSource
{
    private AnnotatedSource(string text, IReadOnlyList<TextSpan> spans)
    {
        Text = text;
        Spans = spans;
    }

    /// <summary>The text without the markers.</summary>
    public string Text { get; }

    /// <summary>The marked spans, ordered by start.</summary>
    public IReadOnlyList<TextSpan> Spans { get; }

    /// <summary>The only marked span.</summary>
    public TextSpan Span => Assert.Single(Spans);

    public static AnnotatedSource Parse(string annotated)
    {
        var builder = new StringBuilder(annotated.Length);
        var open = new Stack<int>();
        var spans = new List<TextSpan>();
        for (var i = 0; i < annotated.Length; i++)
        {
            if (annotated[i] == '[' && i + 1 < annotated.Length && annotated[i + 1] == '|')
            {
                open.Push(builder.Length);
                i++;
            }
            else if (annotated[i] == '|' && i + 1 < annotated.Length && annotated[i + 1] == ']')
            {
                if (open.Count == 0)
                {
                    throw new ArgumentException($"'|]' at {i} has no matching '[|' in: {annotated}");
                }

                spans.Add(TextSpan.FromBounds(open.Pop(), builder.Length));
                i++;
            }
            else
            {
                builder.Append(annotated[i]);
            }
        }

        if (open.Count != 0)
        {
            throw new ArgumentException($"'[|' without a matching '|]' in: {annotated}");
        }

        return new AnnotatedSource(builder.ToString(), spans.OrderBy(s => s.Start).ThenBy(s => s.Length).ToArray());
    }

    /// <summary>The text of a span, for readable failure messages.</summary>
    public string this[TextSpan span] => Text.Substring(span.Start, span.Length);
}
