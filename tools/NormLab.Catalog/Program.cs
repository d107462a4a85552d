using NormLab.Catalog;

// Writes the files derived from the layer definitions; `--check` only reports the ones that are stale (exit 1).
var check = args.Contains("--check");
var root = Directory.GetCurrentDirectory();
while (!File.Exists(Path.Combine(root, "NormLab.sln")))
{
    root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Run this inside the NormLab repository (no NormLab.sln above the current folder).");
}

var stale = 0;
foreach (var (path, text) in CatalogFiles.All())
{
    var full = Path.Combine(root, path);
    var current = File.Exists(full) ? File.ReadAllText(full).Replace("\r\n", "\n") : null;
    if (current == text)
    {
        Console.WriteLine($"up to date: {path}");
        continue;
    }

    stale++;
    if (check)
    {
        Console.WriteLine($"stale: {path}");
        continue;
    }

    File.WriteAllText(full, text, new System.Text.UTF8Encoding(false));
    Console.WriteLine($"wrote: {path}");
}

return check && stale > 0 ? 1 : 0;
