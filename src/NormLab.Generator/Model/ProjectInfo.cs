namespace NormLab.Generator.Model;

/// <summary>The two values the generator takes from the project: its root namespace and folder.</summary>
internal sealed record ProjectInfo(string RootNamespace, string ProjectDirectory);

/// <summary>A <c>.normlab</c> file's path and text.</summary>
internal sealed record NormlabFile(string Path, string Text);
