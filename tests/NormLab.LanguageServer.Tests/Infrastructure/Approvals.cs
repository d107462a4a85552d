using System.Text;

namespace NormLab.LanguageServer.Tests.Infrastructure;

/// <summary>
/// Approved-file assertions: <c>Verify(text, "name", "md")</c> compares with
/// <c>Approved/name.approved.md</c>. On a mismatch, or when no approved file exists, it writes
/// <c>Approved/name.received.md</c> beside it and fails with the first differing line. It never
/// approves anything itself: review the received file and rename it by hand.
/// </summary>
internal static class Approvals
{
    public static void Verify(string received, string name, string extension)
    {
        var approvedPath = Path.Combine(TestPaths.Approved, $"{name}.approved.{extension}");
        var receivedPath = Path.Combine(TestPaths.Approved, $"{name}.received.{extension}");
        var actual = Normalize(received);
        if (!File.Exists(approvedPath))
        {
            File.WriteAllText(receivedPath, actual, new UTF8Encoding(false));
            Assert.Fail($"No approved file {approvedPath}. Review {receivedPath} and rename it to approve it.");
        }

        var expected = Normalize(File.ReadAllText(approvedPath));
        if (expected == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual, new UTF8Encoding(false));
        Assert.Fail($"{Path.GetFileName(receivedPath)} differs from {Path.GetFileName(approvedPath)} (written to {receivedPath}):\n" + FirstDifference(expected, actual));
    }

    /// <summary>Line ends become <c>\n</c>; trailing line ends are dropped.</summary>
    internal static string Normalize(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').TrimEnd('\n');

    private static string FirstDifference(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var line = 0;
        while (line < a.Length && line < b.Length && a[line] == b[line])
        {
            line++;
        }

        var approvedLine = line < a.Length ? a[line] : "(end)";
        var receivedLine = line < b.Length ? b[line] : "(end)";
        return $"line {line + 1}:\n- {approvedLine}\n+ {receivedLine}";
    }
}
