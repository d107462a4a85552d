using NormLab.Cli.Output;

namespace NormLab.Cli.Tests;

/// <summary>The progress line never reaches the terminal's last column, whatever its width, so its redraw never wraps.</summary>
public sealed class ProgressLineTests
{
    private static readonly string[] Extras = { "loss 0.1234", "accuracy 97.12%", "12,345 images/s" };

    [Fact]
    public void A_wide_terminal_gets_the_whole_line_with_the_full_bar()
    {
        string line = ProgressLine.Fit(200, "epoch 3/10", 0.5, "63/125", Extras);
        Assert.Equal("epoch 3/10 [############............] 63/125  loss 0.1234  accuracy 97.12%  12,345 images/s", line);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(60)]
    [InlineData(40)]
    [InlineData(24)]
    [InlineData(10)]
    [InlineData(1)]
    public void Every_width_gets_a_line_shorter_than_itself(int width)
    {
        for (int step = 0; step <= 125; step += 25)
        {
            string line = ProgressLine.Fit(width, "epoch 3/10", step / 125.0, $"{step}/125", Extras);
            Assert.True(line.Length <= Math.Max(1, width - 1), $"{line.Length} characters at width {width}: {line}");
            Assert.StartsWith(width >= 12 ? "epoch 3/10" : "epoch"[..Math.Min(5, Math.Max(0, width - 2))], line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_bar_narrows_before_figures_go_and_the_least_useful_figures_go_first()
    {
        Assert.Equal("epoch 3/10 [###########] 125/125  loss 0.1234  accuracy 97.12%  12,345 images/s", ProgressLine.Fit(80, "epoch 3/10", 1, "125/125", Extras));
        Assert.Equal("epoch 3/10 [########] 125/125  loss 0.1234  accuracy 97.12%", ProgressLine.Fit(60, "epoch 3/10", 1, "125/125", Extras));
        Assert.Equal("epoch 3/10 [##########] 125/125", ProgressLine.Fit(32, "epoch 3/10", 1, "125/125", Extras));
        Assert.Equal("epoch 3/10 125/125", ProgressLine.Fit(20, "epoch 3/10", 1, "125/125", Extras));
        Assert.Equal("epoch 3/1…", ProgressLine.Fit(11, "epoch 3/10", 1, "125/125", Extras));
    }
}
