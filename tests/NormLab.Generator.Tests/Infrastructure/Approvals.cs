using System.Globalization;
using System.Text;

namespace NormLab.Generator.Tests.Infrastructure;

/// <summary>
/// Approved-file assertions for generated code. <c>Verify(text, "Name")</c> compares with
/// <c>Approved/Name.approved.cs</c>; on a mismatch (or when there is no approved file) it writes
/// <c>Approved/Name.received.cs</c> beside it and fails with the first differing lines. It never approves
/// anything itself: read the received file, then rename it by hand.
/// </summary>
internal static class Approvals
{
    private const int ContextLines = 3;

    public static void Verify(string received, string name, string extension = "cs")
    {
        var approvedPath = Path.Combine(TestPaths.Approved, $"{name}.approved.{extension}");
        var receivedPath = Path.Combine(TestPaths.Approved, $"{name}.received.{extension}");
        var actual = Normalize(received);

        if (!File.Exists(approvedPath))
        {
            Directory.CreateDirectory(TestPaths.Approved);
            File.WriteAllText(receivedPath, actual, new UTF8Encoding(false));
            Assert.Fail($"No approved file {approvedPath}. Read {receivedPath} and rename it to approve it.");
        }

        var expected = Normalize(File.ReadAllText(approvedPath));
        if (expected == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual, new UTF8Encoding(false));
        Assert.Fail($"{Path.GetFileName(receivedPath)} differs from {Path.GetFileName(approvedPath)} (written to {receivedPath}):\n" + Diff(expected, actual));
    }

    /// <summary>Line ends become <c>\n</c>, and the text ends with exactly one.</summary>
    internal static string Normalize(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').TrimEnd('\n') + "\n";

    /// <summary>The first differing line, with a few lines of context, in unified-diff style.</summary>
    internal static string Diff(string expected, string actual)
    {
        var a = expected.TrimEnd('\n').Split('\n');
        var b = actual.TrimEnd('\n').Split('\n');
        var first = 0;
        while (first < a.Length && first < b.Length && a[first] == b[first])
        {
            first++;
        }

        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"@@ line {first + 1} (approved {a.Length} lines, received {b.Length} lines) @@\n");
        for (var i = Math.Max(0, first - ContextLines); i < first; i++)
        {
            builder.Append("  ").Append(a[i]).Append('\n');
        }

        for (var i = first; i < Math.Min(a.Length, first + ContextLines); i++)
        {
            builder.Append("- ").Append(a[i]).Append('\n');
        }

        for (var i = first; i < Math.Min(b.Length, first + ContextLines); i++)
        {
            builder.Append("+ ").Append(b[i]).Append('\n');
        }

        return builder.ToString();
    }
}
