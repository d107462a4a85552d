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
    public const string FileNetworkNames = nameof(FileNetworkNames);
    public const string RecordNetworkNames = nameof(RecordNetworkNames);
    public const string DuplicateNames = nameof(DuplicateNames);
    public const string FileOutputs = nameof(FileOutputs);
    public const string RecordOutputs = nameof(RecordOutputs);
}
