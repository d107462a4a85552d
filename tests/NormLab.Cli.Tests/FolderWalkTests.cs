namespace NormLab.Cli.Tests;

/// <summary><c>normlab check FOLDER</c> on links, FIFOs and folders it may not read.</summary>
public sealed class FolderWalkTests
{
    private const string Broken = "network X(input: 4) {\n    linear(2) > nosuch\n}\n";

    [UnixFact]
    public void A_link_loop_is_not_followed_and_each_file_is_checked_once()
    {
        using var folder = new TempFolder();
        folder.Write("models/x.normlab", Broken);
        Directory.CreateSymbolicLink(Path.Combine(folder.Path, "models", "loop"), Path.Combine(folder.Path, "models"));
        Directory.CreateSymbolicLink(Path.Combine(folder.Path, "models", "up"), folder.Path);

        var result = Cli.RunIn(folder.Path, "check", ".");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(2, result.StdoutLines.Length);
        Assert.StartsWith("models/x.normlab(2,17): error NL0002", result.StdoutLines[0], StringComparison.Ordinal);
        Assert.Equal("1 file: 1 error, 0 warnings, 0 infos", result.StdoutLines[1]);
        Assert.Equal("", result.Stderr);
    }

    [UnixFact]
    public void A_link_to_a_file_is_followed()
    {
        using var folder = new TempFolder();
        var target = folder.Write("elsewhere/x.txt", Broken);
        Directory.CreateDirectory(Path.Combine(folder.Path, "models"));
        File.CreateSymbolicLink(Path.Combine(folder.Path, "models", "x.normlab"), target);

        var result = Cli.RunIn(folder.Path, "check", "models");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("models/x.normlab(2,17): error NL0002", result.StdoutLines[0], StringComparison.Ordinal);
    }

    [UnixFact]
    public void A_fifo_in_a_folder_is_skipped_with_a_note()
    {
        using var folder = new TempFolder();
        folder.Write("models/x.normlab", Broken);
        Platform.MakeFifo(Path.Combine(folder.Path, "models", "pipe.normlab"));

        var check = Task.Run(() => Cli.RunIn(folder.Path, "check", "models"));
        Assert.True(check.Wait(TimeSpan.FromSeconds(60)), "check waited on the FIFO");
        var result = check.Result;

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(2, result.StdoutLines.Length);
        Assert.Equal(new[] { "normlab: note: skipped models/pipe.normlab: not a regular file (a FIFO, socket or device)" }, result.StderrLines);
    }

    [UnixFact]
    public void A_broken_link_is_reported_as_unreadable()
    {
        using var folder = new TempFolder();
        folder.Write("models/x.normlab", Broken);
        File.CreateSymbolicLink(Path.Combine(folder.Path, "models", "gone.normlab"), Path.Combine(folder.Path, "nothing-here"));

        var result = Cli.RunIn(folder.Path, "check", "models");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal(new[] { "normlab: error: cannot read models/gone.normlab: a link to nothing" }, result.StderrLines);
    }

    [UnixNotRootFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void An_unreadable_folder_is_reported_and_exits_2()
    {
        using var folder = new TempFolder();
        folder.Write("models/x.normlab", Broken);
        folder.Write("models/locked/y.normlab", Broken);
        var locked = Path.Combine(folder.Path, "models", "locked");
        File.SetUnixFileMode(locked, UnixFileMode.None);
        try
        {
            // as root, permissions bind only a process of another user
            var result = Platform.IsRoot ? Platform.RunAsNobody(folder.Path, "check", "models") : Cli.RunIn(folder.Path, "check", "models");

            Assert.Equal(2, result.ExitCode);
            Assert.Equal("", result.Stdout);
            var line = Assert.Single(result.StderrLines);
            Assert.StartsWith("normlab: error: cannot read folder models/locked: ", line, StringComparison.Ordinal);
        }
        finally
        {
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
