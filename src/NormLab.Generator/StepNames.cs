namespace NormLab.Generator;

/// <summary>Tracking names of the generator's cached stages (tests assert on them).</summary>
internal static class StepNames
{
    public const string ProjectInfo = nameof(ProjectInfo);
    public const string NormlabFiles = nameof(NormlabFiles);
    public const string DistinctFiles = nameof(DistinctFiles);
    public const string FileSpecs = nameof(FileSpecs);
    public const string RecordInputs = nameof(RecordInputs);
    public const string RecordSpecs = nameof(RecordSpecs);
}
