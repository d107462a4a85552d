using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using NormLab.Runtime.Training;
using NormLab.Studies.Claims;

namespace NormLab.Studies.Reports;

/// <summary>The files a report wrote (full paths).</summary>
/// <param name="Folder">The study folder.</param>
/// <param name="Report"><c>report.md</c>.</param>
/// <param name="Summary"><c>summary.json</c>.</param>
/// <param name="Runs"><c>runs.csv</c>.</param>
/// <param name="Plots">Each figure's PNG and SVG.</param>
/// <param name="MissingRuns">Cells of the grid without a run file (the report covers the others).</param>
public sealed record StudyReportFiles(string Folder, string Report, string Summary, string Runs, IReadOnlyList<string> Plots, int MissingRuns);

/// <summary>
/// Writes a study's report into its folder: <c>report.md</c>, <c>summary.json</c>, <c>runs.csv</c> and
/// <c>plots/*.png|svg</c>, each atomically, from <c>study.json</c> and the run files alone.
/// </summary>
public static class StudyReport
{
    /// <summary>Reads the study in <paramref name="folder"/> and writes its report there.</summary>
    public static StudyReportFiles Write(string folder, IReadOnlyList<IClaimSet>? claims = null)
    {
        var definition = StudyDefinition.Load(folder);
        var runs = Study.ReadRuns(folder, definition).Where(r => r.Run is not null).Select(r => r.Run!).ToArray();
        return Write(folder, StudyAnalysis.Analyze(definition, runs), claims);
    }

    /// <summary>Writes the report of <paramref name="analysis"/> into <paramref name="folder"/>.</summary>
    public static StudyReportFiles Write(string folder, StudyAnalysis analysis, IReadOnlyList<IClaimSet>? claims = null)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        Directory.CreateDirectory(folder);
        var sets = claims ?? ClaimSets.Default;
        var results = sets.Select(set => set.Evaluate(analysis)).Where(r => r.Any(c => c.Verdict != ClaimVerdict.NotTested)).SelectMany(r => r).ToArray();
        var plots = StudyPlots.Write(analysis, folder, results);
        string summary = Path.Combine(folder, SummaryJson.FileName);
        string runs = Path.Combine(folder, RunsCsv.FileName);
        string report = Path.Combine(folder, MarkdownReport.FileName);
        WriteText(summary, SummaryJson.Write(analysis, claims));
        WriteText(runs, RunsCsv.Write(analysis));
        WriteText(report, MarkdownReport.Write(analysis, plots, claims));
        var plotPaths = plots.SelectMany(p => new[] { ".png", ".svg" }.Select(e => Path.Combine(folder, StudyPlots.Folder, p.Name + e))).ToArray();
        return new StudyReportFiles(folder, report, summary, runs, plotPaths, analysis.MissingRuns);
    }

    private static void WriteText(string path, string text) =>
        AtomicFile.Write(path, temp => File.WriteAllText(temp, text, new UTF8Encoding(false)));
}
