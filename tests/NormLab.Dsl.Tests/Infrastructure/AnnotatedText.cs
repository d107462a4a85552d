using System.Text;
using NormLab.Dsl.Text;

namespace NormLab.Dsl.Tests.Infrastructure;

/// <summary>
/// Test input with the expected spans marked as <c>[|...|]</c> (Roslyn's and minsk's convention):
/// <c>conv3x3(8) &gt; relu &gt; [|bn|]</c> is the text <c>conv3x3(8) &gt; relu &gt; bn</c> with one span over <c>bn</c>.
/// </summary>
public sealed class AnnotatedText
{
    private AnnotatedText(string text, IReadOnlyList<TextSpan> spans)
    {
        Text = text;
        Spans = spans;
    }

    /// <summary>The text without the markers.</summary>
    public string Text { get; }

    /// <summary>The marked spans, in the order of their start (nested markers are allowed).</summary>
    public IReadOnlyList<TextSpan> Spans { get; }

    public static AnnotatedText Parse(string annotated)
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

        return new AnnotatedText(builder.ToString(), spans.OrderBy(s => s.Start).ThenBy(s => s.Length).ToArray());
    }
}
