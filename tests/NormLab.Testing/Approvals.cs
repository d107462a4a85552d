using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Xunit;

namespace NormLab.Testing;

/// <summary>
/// Approved-file (golden) assertions. <c>Verify(text, "name", "json")</c>, called from the test project
/// <c>tests/X</c>, compares with <c>tests/X/Approved/name.approved.json</c>; on a mismatch (or when no approved file
/// exists) it writes <c>name.received.json</c> beside it and fails with the first differing lines. Line ends and the
/// final line end do not count. It never approves anything itself: review the received file and rename it by hand.
/// </summary>
public static class Approvals
{
    private const int ContextLines = 3;

    /// <summary>Compares <paramref name="received"/> with the calling test project's approved file.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Verify(string received, string name, string extension = "cs") =>
        VerifyIn(ApprovedFolder(Assembly.GetCallingAssembly()), received, name, extension);

    /// <summary><c>tests/{assembly name}/Approved</c>.</summary>
    public static string ApprovedFolder(Assembly testAssembly) =>
        Path.Combine(TestPaths.ProjectFolder(testAssembly.GetName().Name!), "Approved");

    /// <summary>Compares <paramref name="received"/> with <c>{folder}/{name}.approved.{extension}</c>.</summary>
    public static void VerifyIn(string folder, string received, string name, string extension)
    {
        var approvedPath = Path.Combine(folder, $"{name}.approved.{extension}");
        var receivedPath = Path.Combine(folder, $"{name}.received.{extension}");
        var actual = Normalize(received);

        if (!File.Exists(approvedPath))
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(receivedPath, actual + "\n", new UTF8Encoding(false));
            Assert.Fail($"No approved file {approvedPath}. Review {receivedPath} and rename it to approve it.");
        }

        var expected = Normalize(File.ReadAllText(approvedPath));
        if (expected == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual + "\n", new UTF8Encoding(false));
        Assert.Fail($"{Path.GetFileName(receivedPath)} differs from {Path.GetFileName(approvedPath)} (written to {receivedPath}):\n" + Diff(expected, actual));
    }

    /// <summary>Line ends become <c>\n</c>; trailing line ends are dropped (received files get one back).</summary>
    public static string Normalize(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').TrimEnd('\n');

    /// <summary>The first differing line, with a few lines of context, in unified-diff style.</summary>
    public static string Diff(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
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
