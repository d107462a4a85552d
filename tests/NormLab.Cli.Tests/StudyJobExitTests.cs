using NormLab.Cli.Commands;

namespace NormLab.Cli.Tests;

/// <summary>
/// How a failed job of <c>study --jobs N</c> is told: a job that a crash signal ended (a convolution kernel that dies
/// with SIGFPE in its probe, say) is named as crashed, by its signal; any other exit code is given as it is.
/// </summary>
public sealed class StudyJobExitTests
{
    [Fact]
    public void A_job_ended_by_a_crash_signal_is_named_by_its_signal()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Equal("exit code 136", StudyCommand.DescribeExit(136));
            return;
        }

        Assert.Equal("crashed: SIGFPE, an arithmetic error (exit code 136)", StudyCommand.DescribeExit(136));
        Assert.Equal("crashed: SIGSEGV, a segmentation fault (exit code 139)", StudyCommand.DescribeExit(139));
        Assert.Equal("crashed: SIGABRT, an abort (exit code 134)", StudyCommand.DescribeExit(134));
        Assert.Equal("crashed: SIGILL, an illegal instruction (exit code 132)", StudyCommand.DescribeExit(132));
        Assert.Equal("crashed: SIGBUS, a bus error (exit code 135)", StudyCommand.DescribeExit(135));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(130)] // SIGINT: stopped on request, not a crash
    [InlineData(137)] // SIGKILL: killed, not a crash of its own
    [InlineData(143)] // SIGTERM
    [InlineData(-1)]
    public void Other_exit_codes_are_given_as_they_are(int code)
    {
        Assert.Equal($"exit code {code}", StudyCommand.DescribeExit(code));
        Assert.Null(StudyCommand.CrashSignal(code));
    }
}
