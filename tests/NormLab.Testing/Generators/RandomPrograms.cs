using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NormLab.Testing.Generators;

/// <summary>
/// A seeded generator of NormLab programs (one network each) that are usually valid: it follows the shape
/// as it goes so that most programs pass the checker, and uses every layer of the catalog with every kind of
/// argument (conv kernel/stride/padding same|valid|int/dilation/groups/bias, pools, norms, activations,
/// residual and residual(project) with down-sampling branches, repeats, blocks, hyper-parameters). Its
/// own shape bookkeeping only raises the yield: whether a program is valid is for the checker to say.
/// </summary>
public sealed partial class RandomPrograms
{
    private static readonly int[] Widths = { 2, 3, 4, 6, 8, 12, 16 };

    /// <summary>
    /// The catalog's activations that take no arguments, aliases included (softmax, a normalization over the
    /// channels, aside): read from the layer kinds, so a new activation is generated without an edit here.
    /// </summary>
    private static readonly string[] SimpleActivations = NormLab.Dsl.Layers.LayerKind.Names
        .Where(name => NormLab.Dsl.Layers.LayerKind.Find(name) is { Category: NormLab.Dsl.Layers.LayerCategory.Activation, Arguments.Count: 0 } definition
            && definition.Kind != NormLab.Dsl.Layers.LayerKind.Softmax)
        .ToArray();

    private readonly Random _random;
    private readonly List<string> _blocks = new();
    private readonly List<string> _hyper = new();
    private readonly bool _second;
    private int? _width;

    /// <summary>
    /// A generator for <paramref name="seed"/>. With <paramref name="secondRelease"/> the programs also use the second
    /// release's constructs (RandomPrograms.SecondRelease.cs); without it the stream is the first release's, the same
    /// for a seed as it always was.
    /// </summary>
    public RandomPrograms(int seed, bool secondRelease = false)
    {
        _random = new Random(seed);
        _second = secondRelease;
    }

    /// <summary>A program declaring network <c>Net{index}</c> (and perhaps a block it calls).</summary>
    public string Next(int index)
    {
        _blocks.Clear();
        _hyper.Clear();
        _width = null;

        string input;
        S shape;
        var roll = _second ? 1.0 : _random.NextDouble();
        if (_second)
        {
            SecondInput(out input, out shape);
        }
        else if (roll < 0.08)
        {
            var features = Pick(4, 6, 8, 12, 16, 20);
            input = Invariant(features);
            shape = S.Features(features);
        }
        else
        {
            var channels = roll < 0.16 ? 1 : _random.Next(1, 4);
            var height = _random.Next(8, 17);
            var width = _random.NextDouble() < 0.8 ? height : _random.Next(8, 17);
            input = roll < 0.16 ? $"{height}x{width}" : $"{channels}x{height}x{width}";
            shape = S.Image(channels, height, width);
        }

        if (_random.NextDouble() < 0.3)
        {
            _width = Pick(4, 6, 8);
            _hyper.Add($"width: {_width}");
        }

        var elements = new List<string>();
        if (shape.Spatial)
        {
            elements.AddRange(Pipeline(ref shape, _random.Next(2, 9), depth: 0, preserve: false));
            if (_random.NextDouble() < 0.75)
            {
                elements.Add(ToFeatures(ref shape));
            }
        }

        if (!shape.Spatial)
        {
            elements.AddRange(Pipeline(ref shape, _random.Next(0, 5), depth: 0, preserve: false));
        }

        string? classes = null;
        if (_random.NextDouble() < 0.5 && !shape.Spatial)
        {
            var count = Pick(2, 3, 5, 10);
            classes = $"classes: {count}";
            elements.Add(_random.NextDouble() < 0.5 ? "linear(classes)" : $"dense({count})");
        }

        if (elements.Count == 0)
        {
            elements.Add("identity");
        }

        var header = new List<string> { "input: " + input };
        if (classes is not null)
        {
            header.Add(classes);
        }

        header.AddRange(_hyper);
        var text = new System.Text.StringBuilder();
        foreach (var block in _blocks)
        {
            text.AppendLine(block);
        }

        text.Append("network Net").Append(Invariant(index)).Append('(').Append(string.Join(", ", header)).AppendLine(") {");
        text.Append("    ").AppendLine(string.Join("\n    > ", elements));
        text.AppendLine("}");
        return text.ToString();
    }

    /// <summary>A pipeline of up to <paramref name="length"/> elements; with <paramref name="preserve"/> every element keeps the shape.</summary>
    private List<string> Pipeline(ref S shape, int length, int depth, bool preserve)
    {
        var elements = new List<string>();
        for (var i = 0; i < length; i++)
        {
            elements.Add(shape.Spatial ? SpatialElement(ref shape, depth, preserve) : FeatureElement(ref shape, depth, preserve));
        }

        return elements;
    }

    private string SpatialElement(ref S shape, int depth, bool preserve)
    {
        if (_second)
        {
            return SecondSpatialElement(ref shape, depth, preserve);
        }

        return Choose(ref shape, _random.NextDouble(),
            (0.30, true, (ref S s) => Conv(ref s, preserve)),
            (0.42, true, (ref S s) => SpatialNorm(s)),
            (0.57, true, (ref S s) => Activation(ref s, preserve)),
            (0.69, true, (ref S s) => Pool(ref s, preserve)),
            (0.83, depth < 2, (ref S s) => Residual(ref s, depth, preserve)),
            (0.87, depth < 2, (ref S s) => Repeat(ref s, depth)),
            (0.91, true, (ref S s) => Block(ref s, preserve)),
            (1.00, true, (ref S _) => Pick("dropout", "dropout(0.25)", "dropout2d", "dropout2d(p: 0.1)", "identity")));
    }

    private string FeatureElement(ref S shape, int depth, bool preserve)
    {
        if (_second)
        {
            return SecondFeatureElement(ref shape, depth, preserve);
        }

        return Choose(ref shape, _random.NextDouble(),
            (0.25, true, (ref S s) => Dense(ref s, preserve)),
            // no gn: it needs CxHxW (NL2003), see Groupnorm_on_features_is_refused_by_both
            (0.42, true, (ref S _) => _random.Next(4) switch
            {
                0 => Pick("bn", "batchnorm"),
                1 => "bn(eps: 0.001, momentum: 0.2)",
                2 => Pick("ln", "layernorm", "ln(affine: false)"),
                _ => "bn(affine: false)",
            }),
            (0.65, true, (ref S s) => Activation(ref s, preserve)),
            (0.80, depth < 2, (ref S s) => Residual(ref s, depth, preserve)),
            (0.84, depth < 2, (ref S s) => Repeat(ref s, depth)),
            (1.00, true, (ref S _) => Pick("dropout", "dropout(0.1)", "dropout(p: 0.3)", "identity")));
    }

    /// <summary>Makes one element of a pipeline, and changes the shape to the element's output.</summary>
    private delegate string Element(ref S shape);

    /// <summary>
    /// The element of the first choice whose bound is above <paramref name="roll"/> and whose condition holds: each
    /// choice takes the share of the roll from the bound before it to its own, and the last one's bound is 1. Only
    /// the chosen element draws from the generator, so a seed gives the programs the if-chains it replaces gave.
    /// </summary>
    private static string Choose(ref S shape, double roll, params (double Below, bool When, Element Make)[] choices)
    {
        foreach (var (below, when, make) in choices)
        {
            if (roll < below && when)
            {
                return make(ref shape);
            }
        }

        throw new InvalidOperationException($"no choice takes the roll {roll}: the last one's bound must be 1");
    }

    /// <summary>A fully connected layer: to a new width, or (with <paramref name="preserve"/>) to the same one.</summary>
    private string Dense(ref S shape, bool preserve)
    {
        if (preserve)
        {
            return $"linear({Invariant(shape.C)}{Bias()})";
        }

        var width = Pick(Widths.Concat(new[] { 24, 32 }).ToArray());
        shape = S.Features(width);
        return $"{Pick("linear", "dense")}({Invariant(width)}{Bias()})";
    }

    private string Conv(ref S shape, bool preserve)
    {
        var fixedKernel = _random.NextDouble() < 0.5;
        var kernel = fixedKernel ? Pick(1, 3, 3, 5, 7) : Pick(1, 2, 3, 3, 4, 5);
        var outChannels = preserve ? shape.C : Pick(Widths);
        var outText = Invariant(outChannels);
        if (!preserve && _width is int w && _random.NextDouble() < 0.5)
        {
            var twice = _random.NextDouble() < 0.5;
            outChannels = twice ? 2 * w : w;
            outText = twice ? "width * 2" : "width";
        }

        var named = new List<string>();
        var dilation = 1;
        var stride = 1;
        var padding = "same";
        if (!preserve)
        {
            if (_random.NextDouble() < 0.3)
            {
                stride = _random.NextDouble() < 0.8 ? 2 : 3;
            }

            var p = _random.NextDouble();
            padding = p < 0.6 ? "same" : p < 0.8 ? "valid" : Invariant(_random.Next(0, 3));
            if (kernel > 1 && _random.NextDouble() < 0.12)
            {
                dilation = 2;
            }
        }
        else if (kernel % 2 == 0)
        {
            kernel = 3; // "same" keeps the size only for odd kernels
        }

        var groups = 1;
        var common = Divisors(Gcd(shape.C, outChannels)).Where(d => d > 1).ToArray();
        if (common.Length > 0 && _random.NextDouble() < 0.25)
        {
            groups = Pick(common);
        }

        var pad = padding == "same" ? dilation * (kernel - 1) / 2 : padding == "valid" ? 0 : int.Parse(padding, CultureInfo.InvariantCulture);
        var extent = (dilation * (kernel - 1)) + 1;
        if ((shape.H + (2 * pad) < extent || shape.W + (2 * pad) < extent) && _random.NextDouble() < 0.85)
        {
            // too big for what is left: a 1x1 convolution always fits (sometimes kept, for the checker to refuse)
            kernel = 1;
            fixedKernel = true;
            dilation = 1;
            pad = padding == "same" || padding == "valid" ? 0 : pad;
        }

        if (stride != 1)
        {
            named.Add($"stride: {Invariant(stride)}");
        }

        if (padding != "same" || _random.NextDouble() < 0.1)
        {
            named.Add($"padding: {padding}");
        }

        if (dilation != 1)
        {
            named.Add($"dilation: {Invariant(dilation)}");
        }

        if (groups != 1)
        {
            named.Add($"groups: {Invariant(groups)}");
        }

        if (_random.NextDouble() < 0.2)
        {
            named.Add("bias: " + Pick("true", "false", "auto"));
        }

        var height = ((shape.H + (2 * pad) - ((dilation * (kernel - 1)) + 1)) / stride) + 1;
        var width = ((shape.W + (2 * pad) - ((dilation * (kernel - 1)) + 1)) / stride) + 1;
        shape = S.Image(outChannels, Math.Max(1, height), Math.Max(1, width));
        var arguments = new List<string> { outText };
        string name;
        if (fixedKernel)
        {
            name = $"conv{kernel}x{kernel}";
        }
        else
        {
            name = "conv";
            if (kernel != 3 || _random.NextDouble() < 0.3)
            {
                arguments.Add(_random.NextDouble() < 0.5 ? Invariant(kernel) : $"kernel: {Invariant(kernel)}");
            }
        }

        arguments.AddRange(named);
        return $"{name}({string.Join(", ", arguments)})";
    }

    private string SpatialNorm(S shape) => _random.Next(8) switch
    {
        0 => Pick("bn", "batchnorm"),
        1 => "bn(eps: 0.001, momentum: 0.05)",
        2 => "bn(affine: false)",
        3 => Pick("ln", "layernorm", "ln(eps: 0.0001)"),
        4 => Pick("in", "instancenorm"),
        5 => "in(affine: true)",
        6 => $"{Pick("gn", "groupnorm")}(groups: {Invariant(Pick(Divisors(shape.C)))})",
        _ => $"gn({Invariant(Pick(Divisors(shape.C)))}, affine: false)",
    };

    private string Activation(ref S shape, bool preserve)
    {
        var roll = _random.Next(8);
        switch (roll)
        {
            case 0:
                return Pick("leakyrelu", "leakyrelu(0.2)", "leakyrelu(slope: 0.1)");
            case 1:
                return Pick("elu", "elu(0.5)", "elu(alpha: 2.0)");
            case 2:
                return Pick("softplus", "softplus(2)", "softplus(beta: 0.5)");
            case 3 when shape.C > 1:
                return "softmax";
            case 4 when !preserve:
            {
                var pieces = Divisors(shape.C).Where(d => d > 1 && d <= 4).ToArray();
                if (pieces.Length == 0)
                {
                    break;
                }

                var p = Pick(pieces);
                shape = shape with { C = shape.C / p };
                return p == 2 && _random.NextDouble() < 0.5 ? "maxout" : $"maxout({(_random.NextDouble() < 0.5 ? "pieces: " : string.Empty)}{Invariant(p)})";
            }
        }

        return Pick(SimpleActivations);
    }

    private string Pool(ref S shape, bool preserve)
    {
        var name = Pick("maxpool", "avgpool");
        if (preserve || Math.Min(shape.H, shape.W) < 2)
        {
            return $"{name}(kernel: 3, stride: 1, padding: 1)";
        }

        var kernel = Pick(2, 2, 3);
        if (_random.NextDouble() < 0.85)
        {
            kernel = Math.Min(kernel, Math.Min(shape.H, shape.W)); // sometimes too big, for the checker to refuse
        }

        var stride = _random.NextDouble() < 0.6 ? kernel : Pick(1, 2, 3);
        var padding = _random.Next(0, (kernel / 2) + 1);
        var arguments = new List<string>();
        if (kernel != 2 || _random.NextDouble() < 0.2)
        {
            arguments.Add(_random.NextDouble() < 0.5 ? Invariant(kernel) : $"kernel: {Invariant(kernel)}");
        }

        if (stride != kernel || _random.NextDouble() < 0.2)
        {
            arguments.Add($"stride: {Invariant(stride)}");
        }

        if (padding != 0)
        {
            arguments.Add($"padding: {Invariant(padding)}");
        }

        var height = ((shape.H + (2 * padding) - kernel) / stride) + 1;
        var width = ((shape.W + (2 * padding) - kernel) / stride) + 1;
        shape = S.Image(shape.C, Math.Max(1, height), Math.Max(1, width));
        return arguments.Count == 0 ? name : $"{name}({string.Join(", ", arguments)})";
    }

    private string Residual(ref S shape, int depth, bool preserve)
    {
        if (preserve || _random.NextDouble() < 0.45)
        {
            var inner = shape;
            var body = Pipeline(ref inner, _random.Next(1, 5), depth + 1, preserve: true);
            var open = _random.NextDouble() < 0.2 ? "residual(project) { " : "residual { ";
            if (_second)
            {
                body.AddRange(BranchEnd(inner));
            }

            return open + string.Join(" > ", body) + " }";
        }

        // a projected residual: usually a stride-2 (or wider) start, then layers that keep the shape
        var branch = new List<string>();
        var s = shape;
        if (s.Rank == 1)
        {
            var width = Pick(Widths);
            var stride = s.H >= 2 && _random.NextDouble() < 0.75 ? 2 : 1;
            var kernel = Pick(1, 3, 3, 5);
            branch.Add($"{Pick("conv", "conv1d")}({Invariant(width)}, kernel: {Invariant(kernel)}{(stride == 2 ? ", stride: 2" : string.Empty)})");
            s = S.Signal(width, ((s.H - 1) / stride) + 1);
        }
        else if (s.Spatial)
        {
            var width = Pick(Widths);
            var stride = Math.Min(s.H, s.W) >= 2 && _random.NextDouble() < 0.75 ? 2 : 1;
            var kernel = Pick(1, 3, 3);
            branch.Add($"conv{kernel}x{kernel}({Invariant(width)}{(stride == 2 ? ", stride: 2" : string.Empty)})");
            s = S.Image(width, ((s.H - 1) / stride) + 1, ((s.W - 1) / stride) + 1);
        }
        else
        {
            var width = Pick(Widths);
            branch.Add($"linear({Invariant(width)})");
            s = S.Features(width);
        }

        branch.AddRange(Pipeline(ref s, _random.Next(0, 4), depth + 1, preserve: true));
        if (_second)
        {
            branch.AddRange(BranchEnd(s));
        }

        shape = s;
        return "residual(project) { " + string.Join(" > ", branch) + " }";
    }

    private string Repeat(ref S shape, int depth)
    {
        if (_second && _random.NextDouble() < 0.4)
        {
            return NumberedRepeat(shape, depth);
        }

        var inner = shape;
        var body = Pipeline(ref inner, _random.Next(1, 3), depth + 1, preserve: true);
        var count = Invariant(_random.Next(2, 4));
        return body.Count == 1 && !body[0].Contains(' ') ? $"{body[0]} * {count}" : $"({string.Join(" > ", body)}) * {count}";
    }

    private string Block(ref S shape, bool preserve)
    {
        if (_second && (shape.Rank == 1 || _random.NextDouble() < 0.5))
        {
            return SecondBlock(ref shape, preserve);
        }

        var name = "Blk" + Invariant(_blocks.Count);
        if (_random.NextDouble() < 0.5)
        {
            _blocks.Add($"block {name}(c, act = relu) = conv3x3(c) > bn > act");
            var width = preserve ? shape.C : Pick(Widths);
            shape = S.Image(width, shape.H, shape.W);
            return _random.NextDouble() < 0.5 ? $"{name}({Invariant(width)})" : $"{name}({Invariant(width)}, {Pick("gelu", "tanh", "leakyrelu(0.2)", "identity")})";
        }

        _blocks.Add($"block {name} = bn > relu > conv1x1({Invariant(shape.C)})");
        return name;
    }

    private string ToFeatures(ref S shape)
    {
        var canFlatten = (long)shape.C * shape.H * shape.W <= 1024;
        var choice = canFlatten ? Pick("gap", "gmp", "flatten") : Pick("gap", "gmp");
        shape = S.Features(choice == "flatten" ? shape.C * shape.H * shape.W : shape.C);
        return choice;
    }

    private string Bias() => _random.NextDouble() < 0.2 ? ", bias: " + Pick("true", "false") : string.Empty;

    private T Pick<T>(params T[] items) => items[_random.Next(items.Length)];

    private static int[] Divisors(int n) => Enumerable.Range(1, Math.Max(1, n)).Where(d => n % d == 0).ToArray();

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The generator's own idea of the shape: <c>C×H×W</c> (rank 2), a signal <c>C×L</c> (rank 1, L in H), or <c>C</c> features (rank 0).</summary>
    private readonly record struct S(int C, int H, int W, int Rank)
    {
        public bool Spatial => Rank > 0;

        public static S Image(int c, int h, int w) => new(c, h, w, 2);

        public static S Signal(int c, int length) => new(c, length, 1, 1);

        public static S Features(int f) => new(f, 1, 1, 0);
    }
}
