using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using NormLab.Runtime.Training;
using NormLab.Studies.Claims;

namespace NormLab.Studies.Reports;

/// <summary>
/// <c>report.md</c>: the tables a person reads. Per network: final test accuracy and loss (mean ± std and 95% CI),
/// median epochs to each accuracy target, mean throughput, parameters, diverged runs; then every network against the
/// baseline (difference, Welch's CI and p, the paired figures) with one verdict line each; each claim set's verdicts
/// (<see cref="ClaimSets.Default"/>: the ordering study's, when the networks follow its naming); the plots; and what each figure means.
/// </summary>
public static class MarkdownReport
{
    public const string FileName = "report.md";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Write(StudyAnalysis analysis, IReadOnlyList<PlotFile> plots, IReadOnlyList<IClaimSet>? claims = null)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        var d = analysis.Definition;
        var text = new StringBuilder();
        text.Append("# Study: ").Append(d.Name).Append("\n\n");
        var runs = analysis.Networks.SelectMany(n => n.Runs).ToArray();
        string size = runs.Length == 0 ? string.Empty
            : string.Format(Invariant, " ({0:N0} train{2} / {1:N0} test images)", runs.Min(r => r.TrainExamples), runs.Min(r => r.TestExamples),
                runs.Any(r => r.ValidationExamples is not null) ? string.Format(Invariant, " / {0:N0} validation", runs.Min(r => r.ValidationExamples ?? 0)) : string.Empty);
        text.Append(string.Format(Invariant, "{0} network{1} × {2} seed{3} (run k of every network uses seed k: the same initial-weight seed and data order), {4} epoch{5} each, on {6}{7}. ",
            d.Networks.Count, d.Networks.Count == 1 ? string.Empty : "s", d.Seeds, d.Seeds == 1 ? string.Empty : "s", d.Epochs, d.Epochs == 1 ? string.Empty : "s", size.Length == 0 ? d.Data : StudyData.WithoutLimits(d.Data), size));
        var t = d.Training;
        text.Append(string.Format(Invariant, "{0}, learning rate {1}{2}, batch size {3}, {4}. Networks from `{5}`.",
            t.Optimizer == OptimizerKind.Adam ? "Adam" : "SGD", t.LearningRate,
            t.Momentum is double m ? string.Format(Invariant, " (momentum {0})", m) : string.Empty, t.BatchSize,
            t.Schedule == LearningRateSchedule.None ? "constant learning rate" : t.Schedule.ToString().ToLowerInvariant() + " schedule",
            d.Source));
        text.Append(analysis.Find(d.Baseline) is not null
            ? $" Per-network comparisons are against `{d.Baseline}`.\n\n"
            : "\n\n");
        text.Append(SelectionLine(d, runs)).Append("\n\n");

        if (analysis.MissingRuns > 0)
        {
            text.Append(string.Format(Invariant, "> **Incomplete:** {0} of {1} runs are missing; the figures below use the runs found.\n\n",
                analysis.MissingRuns, d.Seeds * d.Networks.Count));
        }
        if (d.Seeds < StudyAnalysis.MinimumSeeds)
        {
            text.Append(string.Format(Invariant,
                "> **Too few seeds to tell:** with {0} seed{1} there is no confidence interval worth reading. Ordering effects on MNIST are a few tenths of a point, the size of seed-to-seed noise: use at least {2} seeds, and 10 to see differences of that size.\n\n",
                d.Seeds, d.Seeds == 1 ? string.Empty : "s", StudyAnalysis.MinimumSeeds));
        }

        var plotsByName = plots.ToDictionary(p => p.Name);
        var shown = new HashSet<string>(StringComparer.Ordinal);
        foreach (var set in claims ?? ClaimSets.Default)
        {
            var results = set.Evaluate(analysis);
            if (results.Any(r => r.Verdict != ClaimVerdict.NotTested))
                WriteClaims(text, set, results, plotsByName, shown);
        }

        var grids = new[] { StudyPlots.AccuracyGrid, StudyPlots.TrainLossGrid, StudyPlots.GradientGrid, StudyPlots.DeadChannelGrid }
            .Where(p => plotsByName.ContainsKey(p.Name) && !shown.Contains(p.Name)).ToArray();
        if (grids.Length > 0)
        {
            text.Append("## Learning curves and gradient health\n\n");
            text.Append("One panel per activation (rows) and depth (columns), one line per ordering, so that the orderings a claim compares sit side by side.\n\n");
            foreach (var plot in grids)
                AppendPlot(text, plot, "###", shown);
        }

        WriteNetworks(text, analysis);
        WriteComparisons(text, analysis);

        var rest = plots.Where(p => !shown.Contains(p.Name)).ToArray();
        if (rest.Length > 0)
        {
            text.Append("## Plots\n\n");
            foreach (var plot in rest)
                AppendPlot(text, plot, "###", shown);
        }

        WriteHealth(text, analysis);
        WriteNotes(text, analysis);
        return text.ToString();
    }

    /// <summary>Which model of each run the figures describe: the final epoch's, or the one a validation set chose.</summary>
    internal static string SelectionLine(StudyDefinition definition, IReadOnlyList<RunResult> runs)
    {
        if (definition.Selection is not { } selection)
            return "**Reported model:** each run's model after its final epoch (no validation set, so nothing was chosen); test accuracy, loss and the per-image test predictions are that model's.";
        var counts = runs.Where(r => r.ValidationExamples is not null).Select(r => r.ValidationExamples!.Value).Distinct().Order().ToArray();
        string images = counts.Length == 0 ? "a validation set"
            : string.Format(Invariant, "{0:N0} validation images", counts[0]);
        string rule = selection.Monitor == MonitorMetric.ValidationAccuracy ? "the highest validation accuracy" : "the lowest validation loss";
        var chosen = runs.Where(r => r.Selected is not null && r.Epochs.Count > 0).ToArray();
        string notFinal = chosen.Length == 0 ? string.Empty
            : string.Format(Invariant, " In {0} of {1} runs that epoch was not the last.", chosen.Count(r => r.Selected!.Epoch != r.Epochs[^1].Epoch), chosen.Length);
        return string.Format(Invariant,
            "**Reported model:** each run's epoch with {0}, on {1} carved from the training data (stratified, the same for every run; `{2}`); test accuracy, loss and the per-image test predictions are that epoch's model's. The test set was never used to choose.{3}",
            rule, images, selection.Options, notFinal);
    }

    private static void AppendPlot(StringBuilder text, PlotFile plot, string heading, HashSet<string> shown)
    {
        text.Append(heading).Append(' ').Append(plot.Title).Append("\n\n");
        text.Append("![").Append(plot.Title).Append("](").Append(StudyPlots.Folder).Append('/').Append(plot.Name).Append(".png)\n\n");
        text.Append("[SVG](").Append(StudyPlots.Folder).Append('/').Append(plot.Name).Append(".svg)\n\n");
        shown.Add(plot.Name);
    }

    private static void WriteNetworks(StringBuilder text, StudyAnalysis analysis)
    {
        var targets = analysis.Definition.Training.AccuracyTargets;
        text.Append("## Networks\n\n");
        text.Append("Per network, over its seeds. Its 95% CI holds the seed-to-seed noise that the paired comparisons (and the claims) remove, so two overlapping intervals do not mean that a paired difference is within the noise.\n\n");
        text.Append("| Network | Parameters | Runs | Diverged | Test accuracy (mean ± std) | 95% CI | Test loss (mean ± std) | 95% CI |");
        foreach (double target in targets)
            text.Append(" Epochs to ").Append(ReportFormat.Percent(target, 0)).Append(" |");
        text.Append(" Images/s |\n|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (double _ in targets)
            text.Append("---:|");
        text.Append("---:|\n");
        foreach (var n in analysis.Networks)
        {
            string name = n.Name == analysis.Definition.Baseline ? $"**{n.Name}** (baseline)" : n.Name;
            text.Append("| ").Append(Cell(name)).Append(" | ").Append(n.Parameters.ToString("N0", Invariant)).Append(" | ")
                .Append(n.Runs.Count.ToString(Invariant)).Append(" | ").Append(n.Diverged.ToString(Invariant)).Append(" | ")
                .Append(MeanStd(n.TestAccuracy, percent: true)).Append(" | ").Append(Ci(n.TestAccuracy.Ci95, percent: true)).Append(" | ")
                .Append(MeanStd(n.TestLoss, percent: false)).Append(" | ").Append(Ci(n.TestLoss.Ci95, percent: false)).Append(" |");
            foreach (var (_, epochs) in n.EpochsTo)
                text.Append(' ').Append(epochs is double e ? e.ToString("0.#", Invariant) : "not reached").Append(" |");
            text.Append(' ').Append(n.ImagesPerSecond is double ips ? ips.ToString("N0", Invariant) : "n/a").Append(" |\n");
        }
        text.Append('\n');
    }

    private static void WriteComparisons(StringBuilder text, StudyAnalysis analysis)
    {
        if (analysis.Comparisons.Count == 0)
            return;
        text.Append("## Against the baseline (").Append(analysis.Definition.Baseline).Append(")\n\n");
        text.Append("Differences are network − baseline, in percentage points (pp) for accuracy. Welch: all runs of both, no equal-variance assumption. ")
            .Append("Paired: seed by seed (run k of both networks saw the same data order), which removes the seed's share of the noise.\n\n");
        text.Append("| Network | Metric | Difference | 95% CI (Welch) | p (Welch) | Paired difference | 95% CI (paired) | p (paired) | Pairs | Verdict |\n");
        text.Append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        foreach (var c in analysis.Comparisons)
        {
            bool accuracy = c.Metric == StudyMetric.TestAccuracy;
            text.Append("| ").Append(Cell(c.Network)).Append(" | ").Append(accuracy ? "test accuracy" : "test loss").Append(" | ")
                .Append(Difference(c.Welch.Difference, accuracy)).Append(" | ").Append(DifferenceCi(c.Welch.Ci95, accuracy)).Append(" | ")
                .Append(ReportFormat.P(c.Welch.PValue)).Append(" | ")
                .Append(Difference(c.Paired.Difference, accuracy)).Append(" | ").Append(DifferenceCi(c.Paired.Ci95, accuracy)).Append(" | ")
                .Append(ReportFormat.P(c.Paired.PValue)).Append(" | ").Append(c.Paired.Count.ToString(Invariant)).Append(" | ")
                .Append(VerdictWord(c.Verdict)).Append(" |\n");
        }
        text.Append("\n### Verdicts\n\n");
        foreach (var c in analysis.Comparisons)
            text.Append("- ").Append(VerdictLine(c)).Append('\n');
        text.Append('\n');
    }

    /// <summary>One sentence on a comparison: which way, by how much, and whether it is more than seed-to-seed noise.</summary>
    public static string VerdictLine(Comparison c)
    {
        bool accuracy = c.Metric == StudyMetric.TestAccuracy;
        string metric = accuracy ? "test accuracy" : "test loss";
        var p = c.Preferred;
        string kind = c.UsesPaired ? "paired" : "Welch";
        string numbers = p.Ci95 is Interval ci
            ? $"{Difference(p.Difference, accuracy)} (95% CI {DifferenceCi(ci, accuracy)}, {kind} p = {ReportFormat.P(p.PValue)}, n = {p.Count})"
            : $"{Difference(p.Difference, accuracy)} (n = {p.Count})";
        return c.Verdict switch
        {
            VerdictKind.Better => $"**{c.Network}** vs {c.Baseline}, {metric}: {numbers}. {c.Network} is better; the gap is larger than the seed-to-seed noise.",
            VerdictKind.Worse => $"**{c.Network}** vs {c.Baseline}, {metric}: {numbers}. {c.Network} is worse; the gap is larger than the seed-to-seed noise.",
            VerdictKind.CannotTell => $"**{c.Network}** vs {c.Baseline}, {metric}: {numbers}. Cannot tell them apart: the 95% CI of the difference includes 0, so the gap is within seed-to-seed noise (more seeds would narrow it).",
            _ => $"**{c.Network}** vs {c.Baseline}, {metric}: {numbers}. Too few seeds to tell: at least {StudyAnalysis.MinimumSeeds} runs of each are needed for an interval.",
        };
    }

    private static void WriteClaims(StringBuilder text, IClaimSet set, IReadOnlyList<ClaimResult> results, IReadOnlyDictionary<string, PlotFile> plots, HashSet<string> shown)
    {
        text.Append("## ").Append(set.Title).Append("\n\n");
        text.Append(set.Description).Append("\n\n");
        text.Append("| Claim | Setup that tested it | Data (train / test) | Epochs | Verdict | Evidence |\n|---|---|---|---:|---|---|\n");
        foreach (var r in results)
        {
            string data = r.DataSize is { } size ? string.Format(Invariant, "{0:N0} / {1:N0}", size.Train, size.Test) : "–";
            text.Append("| ").Append(Cell(r.Claim)).Append(" | ").Append(Cell(r.Setup.Length == 0 ? "–" : r.Setup)).Append(" | ").Append(data)
                .Append(" | ").Append(r.Epochs is int e ? e.ToString(Invariant) : "–").Append(" | **").Append(ClaimWord(r)).Append("** | ")
                .Append(Cell(r.Summary)).Append(" |\n");
        }
        text.Append('\n');
        text.Append("Verdicts: *supported*: the claim's tests came out its way after Holm's correction within the claim; *not supported*: a test showed the effect absent, smaller than declared or the other way")
            .Append(" (\"estimates point the other way\" when the estimates lie on the other side); *inconclusive*: these seeds cannot tell; *not tested at this scale*: the networks are here, but not the data or depth at which the claim could hold.\n\n");
        foreach (var r in results)
        {
            text.Append("### ").Append(r.Claim).Append("\n\n");
            text.Append("**").Append(ClaimWord(r)).Append(".** ");
            if (r.Declared.Length > 0)
                text.Append("Declared before the runs: ").Append(r.Declared).Append('.');
            text.Append("\n\n");
            foreach (string line in r.Evidence)
                text.Append("- ").Append(line).Append('\n');
            if (r.Power.Length > 0)
                text.Append("- ").Append(r.Power).Append('\n');
            text.Append('\n');
            if (plots.TryGetValue(StudyPlots.ForestName(r.Id), out var forest))
            {
                text.Append("![").Append(forest.Title).Append("](").Append(StudyPlots.Folder).Append('/').Append(forest.Name).Append(".png) ")
                    .Append("([SVG](").Append(StudyPlots.Folder).Append('/').Append(forest.Name).Append(".svg))\n\n");
                shown.Add(forest.Name);
            }
        }
    }

    private static void WriteHealth(StringBuilder text, StudyAnalysis analysis)
    {
        var withHealth = analysis.Networks.Where(n => n.Health.Count > 0).ToArray();
        if (withHealth.Length == 0)
            return;
        bool channels = withHealth.Any(n => n.Health.Any(h => h.DeadChannelFraction is not null));
        text.Append("## Activation health after training\n\n");
        text.Append("Mean over seeds, on a fixed batch of train images. ")
            .Append(channels
                ? "Dead channels: the fraction of a ReLU layer's channels that are 0 at every position for every image of the batch (a position of the image's constant border does not make a channel dead). "
                : "Dead: the fraction of ReLU units (output positions) that are 0 for every image of the batch; these runs predate per-channel counts, so the image's black border counts as dead. ")
            .Append("Normalization layers: standard deviation of their input → of their output. Gradient norms: each convolution's weight, first to last.\n\n");
        text.Append(channels ? "| Network | Dead channels per ReLU layer" : "| Network | Dead ReLU units per ReLU layer")
            .Append(" | Normalization std in → out per layer | Conv weight gradient norms |\n|---|---|---|---|\n");
        foreach (var n in withHealth)
        {
            string dead = string.Join(", ", n.Health.Where(h => (channels ? h.DeadChannelFraction : h.DeadFraction) is not null)
                .Select(h => $"{h.Layer} {ReportFormat.Percent((channels ? h.DeadChannelFraction : h.DeadFraction)!.Value, 1)}"));
            string norm = string.Join(", ", n.Health.Where(h => h.InputStd is not null).Select(h =>
                string.Format(Invariant, "{0} {1:0.###} → {2:0.###}", h.Layer, h.InputStd, h.Std)));
            string gradients = string.Join(", ", n.ConvGradients.Select(g => string.Format(Invariant, "{0:0.###e+0}", g.Mean)));
            text.Append("| ").Append(Cell(n.Name)).Append(" | ").Append(dead.Length == 0 ? "–" : dead).Append(" | ").Append(norm.Length == 0 ? "–" : norm)
                .Append(" | ").Append(gradients.Length == 0 ? "–" : gradients).Append(" |\n");
        }
        text.Append('\n');
    }

    private static void WriteNotes(StringBuilder text, StudyAnalysis analysis)
    {
        text.Append("## About these figures\n\n");
        text.Append("- Final test accuracy and loss are those after the last epoch, over the runs that did not diverge (a diverged run is counted under *Diverged* and left out of the means). ")
            .Append("Std is the sample standard deviation (n − 1); the 95% CI of a mean is mean ± t(0.975, n − 1) · std / √n.\n");
        text.Append("- *Epochs to X%* is the median over all runs of the first epoch whose test accuracy reached X%; a run that never did counts as never, so \"not reached\" means most runs did not get there.\n");
        text.Append("- Welch's test: t = difference / √(s₁²/n₁ + s₂²/n₂) with Welch–Satterthwaite degrees of freedom; two-sided p. Paired test: the mean of the per-seed differences, t with n − 1 degrees of freedom. ")
            .Append("A verdict uses the paired figures when there are at least 2 pairs, and needs at least ")
            .Append(StudyAnalysis.MinimumSeeds.ToString(Invariant)).Append(" runs.\n");
        text.Append("- *Images/s* is measured training throughput: it differs between machines and between runs, unlike every other number here.\n");
        text.Append("- Files: `summary.json` (the numbers for scripts; only its `imagesPerSecond` fields are measured, everything else is a function of `study.json` and the run files), ")
            .Append("`runs.csv` (one row per run), `runs/<network>/seed-<k>.json` (each run in full), `plots/` (PNG and SVG).\n");
        text.Append("- `runs.csv` columns: ").Append(string.Join(", ", RunsCsv.Columns(analysis.Definition.Training.AccuracyTargets).Select(c => "`" + c + "`")))
            .Append(". Accuracies are fractions in 0..1; empty cells are values that do not exist (a target not reached, a run that did not diverge).\n");
    }

    private static string MeanStd(SampleStatistics s, bool percent)
    {
        if (s.Count == 0)
            return "n/a";
        string mean = percent ? ReportFormat.Percent(s.Mean) : s.Mean.ToString("0.0000", Invariant);
        if (s.StandardDeviation is not double std)
            return mean;
        return mean + " ± " + (percent ? (std * 100).ToString("0.00", Invariant) : std.ToString("0.0000", Invariant));
    }

    private static string Ci(Interval? ci, bool percent) => ci is Interval i
        ? percent ? $"{ReportFormat.Percent(i.Low)} to {ReportFormat.Percent(i.High)}" : string.Format(Invariant, "{0:0.0000} to {1:0.0000}", i.Low, i.High)
        : "n/a";

    private static string Difference(double value, bool accuracy) =>
        !double.IsFinite(value) ? "n/a" : accuracy ? ReportFormat.Points(value) : value.ToString("+0.0000;−0.0000;0.0000", Invariant);

    private static string DifferenceCi(Interval? ci, bool accuracy) => ci is Interval i
        ? $"{Difference(i.Low, accuracy)} to {Difference(i.High, accuracy)}"
        : "n/a";

    private static string VerdictWord(VerdictKind verdict) => verdict switch
    {
        VerdictKind.Better => "better",
        VerdictKind.Worse => "worse",
        VerdictKind.CannotTell => "cannot tell (CI includes 0)",
        _ => "too few seeds",
    };

    /// <summary>The verdict as the report writes it.</summary>
    public static string ClaimWord(ClaimResult claim) => claim.Verdict switch
    {
        ClaimVerdict.Supported => "supported",
        ClaimVerdict.NotSupported => claim.PointsOtherWay ? "not supported (estimates point the other way)" : "not supported",
        ClaimVerdict.Inconclusive => "inconclusive",
        ClaimVerdict.NotTestedAtThisScale => "not tested at this scale",
        _ => "not tested",
    };

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
