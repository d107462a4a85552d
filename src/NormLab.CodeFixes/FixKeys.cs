using DslDescriptors = NormLab.Dsl.Diagnostics.DiagnosticDescriptors;

namespace NormLab.CodeFixes;

/// <summary>
/// The diagnostics with a code fix and each fix's equivalence key: one key per rule, shared by the attribute
/// form and the pipeline string, so that Fix All fixes both forms of one rule at once.
/// </summary>
public static class FixKeys
{
    public static readonly string NormBeforeActivationId = DslDescriptors.NormAfterActivation.Id;
    public static readonly string RemoveBiasId = DslDescriptors.BiasBeforeNorm.Id;
    public static readonly string InsertFlattenId = DslDescriptors.MissingFlatten.Id;
    public static readonly string AddPartialId = DslDescriptors.NotPartial.Id;

    public const string NormBeforeActivation = "NormLab.NL1001.MoveNormalizationBeforeActivation";
    public const string RemoveBias = "NormLab.NL1002.RemoveBias";
    public const string InsertFlatten = "NormLab.NL2002.InsertFlatten";
    public const string AddPartial = "NormLab.NL3001.AddPartial";

    /// <summary>The equivalence key of the fix for a diagnostic ID, or null when it has none.</summary>
    public static string? ForId(string id) =>
        id == NormBeforeActivationId ? NormBeforeActivation
        : id == RemoveBiasId ? RemoveBias
        : id == InsertFlattenId ? InsertFlatten
        : id == AddPartialId ? AddPartial
        : null;
}
