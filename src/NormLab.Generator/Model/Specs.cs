using NormLab.Generator.Helpers;

namespace NormLab.Generator.Model;

/// <summary>Where a network was declared.</summary>
internal enum NetworkOrigin
{
    /// <summary>A network of a <c>.normlab</c> file: the generator declares the record too.</summary>
    TextFile,

    /// <summary>A user's <c>[Network]</c> record: the generator adds members to it.</summary>
    AttributedRecord,
}

/// <summary>One hyper-parameter: its name in the language, the C# property and its default.</summary>
internal sealed record HyperParameterSpec(string DslName, string PropertyName, bool IsInteger, string DefaultLiteral);

/// <summary>One field of the generated module (a layer with a module): its name, signature, TorchSharp type and summary facts.</summary>
internal sealed record FieldSpec(
    string Name,
    string KindName,
    string Signature,
    string FieldType,
    string OutputShape,
    long Parameters);

/// <summary>
/// One step of the forward plan, as the emitter writes it: <c>Target = Layer.call(Sources[0])</c>,
/// <c>var Target = Sources[0]</c> (a save) or <c>Target = Sources[0] + Sources[1] + …</c> (a join).
/// </summary>
internal sealed record StepSpec(string Kind, string Target, EquatableArray<string> Sources, string Layer);

/// <summary>A containing type of an attributed record (<c>partial class Outer</c>).</summary>
internal sealed record ContainingTypeSpec(string Keyword, string Name);

/// <summary>Everything the emitter needs for one network; small, immutable and equatable.</summary>
internal sealed record NetworkSpec(
    NetworkOrigin Origin,
    string Namespace,
    string TypeName,
    string Accessibility,
    string RecordKeyword,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    string SourcePath,
    string SourceLine,
    EquatableArray<HyperParameterSpec> HyperParameters,
    EquatableArray<int> Input,
    EquatableArray<int> Output,
    long ParameterCount,
    long Macs,
    EquatableArray<FieldSpec> Fields,
    EquatableArray<StepSpec> Forward,
    string SummaryTable);

/// <summary>
/// An attributed record as read from C#: its network in NormLab text and what the emitter needs from the
/// declaration. Equal inputs skip the check (<c>RecordSpecs</c>), which is where the time goes.
/// </summary>
internal sealed record RecordInput(
    string TypeName,
    string Text,
    string Namespace,
    string Accessibility,
    string RecordKeyword,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    EquatableArray<HyperParameterSpec> HyperParameters,
    string SourcePath,
    int Line,
    string HintName);

/// <summary>The generator's output for one <c>.normlab</c> file or one attributed record.</summary>
/// <param name="SourceClass">For a <c>.normlab</c> file: the class that holds its text; empty for an attributed record.</param>
/// <param name="Declared">For a <c>.normlab</c> file: the qualified names of all its networks, valid or not (the cross-file check); empty for a record.</param>
internal sealed record SourceSpec(string HintName, string SourceConstant, string SourcePath, string SourceClass, EquatableArray<NetworkSpec> Networks, EquatableArray<string> Declared);
