using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using NormLab.Cli.Output;
using NormLab.Runtime.Building;
using NormLab.Runtime.Export;
using NormLab.Runtime.Training;

namespace NormLab.Cli.Commands;

/// <summary>
/// <c>normlab export FILE --network NAME [--weights PATH] [--seed S] [--format onnx|safetensors] --out OUT
/// [--fold-batch-norm]</c>: builds the network with the run-time builder, with the weights of a <c>model.bin</c> that
/// <c>normlab train</c> wrote (or a safetensors file), or else the initial weights of <c>--seed</c> (seeded as
/// <c>train</c> seeds them), and writes it as an ONNX model (<see cref="OnnxExport"/>) or its state dict as safetensors
/// (<see cref="SafeTensors"/>). Everything that can be checked is checked before the module is built; the file is
/// written atomically, so a failure never leaves a partial file.
/// </summary>
internal static class ExportCommand
{
    public const string Onnx = "onnx";

    public const string SafeTensorsFormat = "safetensors";

    public static readonly string[] Formats = { Onnx, SafeTensorsFormat };

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>What the command line asked for; <see cref="Seed"/> is null when <c>--seed</c> was not given.</summary>
    internal sealed record Arguments(
        string File,
        string Network,
        string Out,
        string? Format = null,
        string? Weights = null,
        long? Seed = null,
        bool FoldBatchNorm = false);

    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE")
        {
            Description = "The .normlab file that declares the network.",
        };
        var network = new Option<string>("--network", "-n")
        {
            Description = "The network to export.",
            HelpName = "NAME",
            Required = true,
        };
        var output = new Option<string>("--out", "-o")
        {
            Description = "The file to write (replaced if it exists; its folder must exist).",
            HelpName = "OUT",
            Required = true,
        };
        var format = new Option<string?>("--format", "-f")
        {
            Description = "onnx: the network as an ONNX model (evaluation mode, a dynamic batch dimension), for ONNX Runtime; safetensors: its weights (parameters and batch norm's running statistics, under their state-dict names). Default: from the extension of --out (.onnx or .safetensors).",
            HelpName = "onnx|safetensors",
        };
        var weights = new Option<string?>("--weights", "-w")
        {
            Description = "The weights: a model.bin that normlab train wrote (or its run folder), or a safetensors file. Default: the initial weights of --seed.",
            HelpName = "PATH",
        };
        var seed = new Option<long>("--seed")
        {
            Description = "Without --weights: the seed of the initial weights, the same as train's --seed (default 1).",
            DefaultValueFactory = _ => 1,
            HelpName = "S",
        };
        var fold = new Option<bool>("--fold-batch-norm")
        {
            Description = "ONNX only: fold each batch norm into the convolution before it, where that changes no output beyond float rounding.",
        };

        file.Validators.Add(result => InputFiles.RejectUnknownOptions(result, context));
        OptionRules.NotEmpty(network, "the name of a network of the file");
        OptionRules.NotEmpty(output, "a file to write");
        OptionRules.NotEmpty(weights, "a weights file");
        OptionRules.OneOf(format!, Formats);
        OptionRules.WholeNumber(seed, long.MinValue, long.MaxValue, 1);

        var command = new Command("export", "Export one network of a .normlab file, with trained or initial weights, as an ONNX model or as safetensors weights (exit code 1: the file has errors; 2: bad usage, unknown network, weights that do not fit, or an output that cannot be written).")
        {
            file,
            network,
            output,
            format,
            weights,
            seed,
            fold,
        };
        command.SetAction(parseResult => Execute(context, new Arguments(
            parseResult.GetValue(file) ?? string.Empty,
            parseResult.GetValue(network) ?? string.Empty,
            parseResult.GetValue(output) ?? string.Empty,
            parseResult.GetValue(format),
            parseResult.GetValue(weights),
            parseResult.GetResult(seed) is { Implicit: false } ? parseResult.GetValue(seed) : null,
            parseResult.GetValue(fold))));
        return command;
    }

    public static int Execute(CliContext context, Arguments arguments)
    {
        if (arguments.Weights is not null && arguments.Seed is not null)
        {
            context.ReportError("--seed chooses initial weights, and --weights gives the weights: leave one out");
            return ExitCodes.UsageError;
        }

        if (CommandHelpers.LoadNetwork(context, arguments.File, arguments.Network, "exported", out int exitCode) is not (var source, var network))
        {
            return exitCode;
        }

        if (ResolveOutput(context, arguments.Out) is not { } output
            || ResolveFormat(context, arguments.Format, output.Full) is not { } format)
        {
            return ExitCodes.UsageError;
        }

        if (arguments.FoldBatchNorm && format != Onnx)
        {
            context.ReportError("--fold-batch-norm changes the ONNX graph only; safetensors files hold the weights as the module has them");
            return ExitCodes.UsageError;
        }

        (string Full, string Display)? weights = null;
        if (arguments.Weights is not null)
        {
            weights = ResolveWeights(context, arguments.Weights);
            if (weights is null)
            {
                return ExitCodes.UsageError;
            }
        }

        long seed = arguments.Seed ?? 1;
        string sourceHash = SourceHash.Compute(source.Text);
        try
        {
            // seeded exactly as Trainer seeds a run before it builds the module: the initial weights of train --seed
            TorchSharp.torch.random.manual_seed(seed);
            using var module = new NetworkModule(network);
            if (weights is { } given)
            {
                WeightsFile.Load(module, given.Full, network.Name);
            }

            module.eval();
            if (format == SafeTensorsFormat)
            {
                SafeTensors.Save(module, output.Full, SafeTensors.Metadata(network.Name, sourceHash));
            }
            else
            {
                // OnnxExport.Write is atomic itself; the temporary file around it makes sure of it whatever it does
                AtomicFile.Write(output.Full, temporary => OnnxExport.Write(module, network, temporary, new OnnxExportOptions(arguments.FoldBatchNorm, sourceHash)));
            }
        }
        catch (WeightsException e)
        {
            context.ReportError(WeightsException.Describe(e.Problem, weights?.Display ?? e.Path, e.Detail, e.Network));
            return ExitCodes.UsageError;
        }
        catch (NotSupportedException e)
        {
            context.ReportError($"cannot export {network.Name} as {format}: {OneLine(e.Message)}");
            return ExitCodes.UsageError;
        }
        catch (UnauthorizedAccessException)
        {
            // .NET's message names the temporary file; the user named the output
            context.ReportError($"cannot write {output.Display}: permission denied");
            return ExitCodes.UsageError;
        }
        catch (IOException e)
        {
            context.ReportError($"cannot write {output.Display}: {OneLine(e.Message)}");
            return ExitCodes.UsageError;
        }

        long bytes = new FileInfo(output.Full).Length;
        string what = format == Onnx ? $"an ONNX model, opset {OnnxExport.Opset.ToString(Invariant)}" : "safetensors weights";
        string from = weights is { } used ? $"the weights of {used.Display}" : $"the initial weights of seed {seed.ToString(Invariant)}";
        context.Output.WriteLine(TerminalText.Escape(string.Format(Invariant, "Wrote {0} ({1}, {2:N0} bytes): network {3} with {4}", output.Display, what, bytes, network.Name, from)));
        return ExitCodes.Success;
    }

    /// <summary>The output file, checked before any work: a valid path, not a folder, in a folder that exists.</summary>
    private static (string Full, string Display)? ResolveOutput(CliContext context, string given)
    {
        if (InputFiles.FullPathOrReport(given, context, $"--out expects a file, and '{given}' is not a valid path") is not { } full)
        {
            return null;
        }

        string display = InputFiles.DisplayPath(full, given, context);
        if (Directory.Exists(full) || given.EndsWith('/') || given.EndsWith(Path.DirectorySeparatorChar))
        {
            context.ReportError($"--out expects a file, and {display} is a folder; name the file to write, such as {InputFiles.ToForwardSlashes(Path.Combine(display.TrimEnd('/'), "model.onnx"))}");
            return null;
        }

        string? folder = Path.GetDirectoryName(full);
        if (folder is null || !Directory.Exists(folder))
        {
            string shown = folder is null ? display : InputFiles.DisplayPath(folder, Path.GetDirectoryName(given) ?? given, context);
            context.ReportError(File.Exists(folder)
                ? $"cannot write {display}: {shown} is a file, not a folder"
                : $"cannot write {display}: the folder {shown} does not exist");
            return null;
        }

        return (full, display);
    }

    /// <summary>The format asked for, or the one the output's extension names.</summary>
    private static string? ResolveFormat(CliContext context, string? given, string output)
    {
        if (given is not null)
        {
            return given;
        }

        string extension = Path.GetExtension(output).ToLowerInvariant();
        if (extension is ".onnx")
        {
            return Onnx;
        }

        if (extension is ".safetensors")
        {
            return SafeTensorsFormat;
        }

        context.ReportError(extension.Length == 0
            ? "give --format onnx or --format safetensors (--out has no extension to tell it from)"
            : $"give --format onnx or --format safetensors (the extension of --out, {extension}, names neither)");
        return null;
    }

    /// <summary>The weights file; a run folder stands for its model.bin.</summary>
    private static (string Full, string Display)? ResolveWeights(CliContext context, string given)
    {
        if (InputFiles.FullPathOrReport(given, context, $"--weights expects a weights file, and '{given}' is not a valid path") is not { } full)
        {
            return null;
        }

        if (Directory.Exists(full))
        {
            string inFolder = Path.Combine(full, TrainCommand.WeightsFileName);
            if (!File.Exists(inFolder))
            {
                context.ReportError($"--weights expects a weights file, and {InputFiles.DisplayPath(full, given, context)} is a folder without {TrainCommand.WeightsFileName}");
                return null;
            }

            full = inFolder;
            given = Path.Combine(given, TrainCommand.WeightsFileName);
        }

        return (full, InputFiles.DisplayPath(full, given, context));
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
