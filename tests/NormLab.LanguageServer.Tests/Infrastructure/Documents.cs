using NormLab.LanguageServer.Analysis;
using NormLab.Dsl.Text;

namespace NormLab.LanguageServer.Tests.Infrastructure;

/// <summary>Test documents: <c>$$</c> marks the cursor.</summary>
internal static class Documents
{
    public const string Cursor = "$$";

    public static DocumentAnalysis Analyze(string text) => new DocumentAnalyzer().Analyze(SourceText.From(text));

    /// <summary>The text without its cursor mark, and the cursor's offset.</summary>
    public static (string Text, int Offset) WithCursor(string marked)
    {
        var offset = marked.IndexOf(Cursor, StringComparison.Ordinal);
        Assert.True(offset >= 0, "no $$ in the test text");
        return (marked.Remove(offset, Cursor.Length), offset);
    }

    /// <summary>The offset of the <paramref name="occurrence"/>-th <paramref name="find"/>, plus <paramref name="delta"/>.</summary>
    public static int OffsetOf(string text, string find, int delta = 0, int occurrence = 0)
    {
        var index = -1;
        for (var i = 0; i <= occurrence; i++)
        {
            index = text.IndexOf(find, index + 1, StringComparison.Ordinal);
            Assert.True(index >= 0, $"'{find}' (occurrence {occurrence}) is not in the text");
        }

        return index + delta;
    }

    public static string Example(string name) =>
        File.ReadAllText(Path.Combine(TestPaths.Examples, "networks", name));

    /// <summary>A file of about <paramref name="lines"/> lines: a block and many networks that use it.</summary>
    public static string Large(int lines)
    {
        var builder = new System.Text.StringBuilder();
        builder.Append("namespace Bench\n");
        builder.Append("block ConvBlock(c, act = relu) = conv3x3(c) > bn > act\n");
        var count = 2;
        for (var n = 0; count < lines; n++)
        {
            builder.Append("network Net").Append(n).Append("(input: 1x28x28, classes: 10, width: 32) {\n");
            builder.Append("    ConvBlock(width) > maxpool\n");
            builder.Append("    > ConvBlock(width * 2) > maxpool\n");
            builder.Append("    > conv3x3(64) > relu > bn > maxpool\n");
            builder.Append("    > residual { conv3x3(64) > bn > relu > conv3x3(64) > bn } > relu\n");
            builder.Append("    > flatten > linear(128) > relu > dropout(0.5) > linear(classes)\n");
            builder.Append("}\n\n");
            count += 8;
        }

        return builder.ToString();
    }
}
