using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NormLab.Testing.Generators;

/// <summary>
/// Generates inputs for the robustness checks: random syntactically valid programs (every layer of the
/// catalog, blocks with layer-valued parameters, hyper-parameters, residuals, repetitions, groups,
/// comments), mutations of them, and extreme inputs (deep nesting, huge numbers, huge files, huge
/// repeat counts). Deterministic for a seed. Shared by the test suite, tools/NormLab.Fuzz and
/// bench/NormLab.Bench (linked into both).
/// </summary>
public sealed class InputGenerator
{
    /// <summary>Every activation of the catalog as it may be written, arguments included.</summary>
    private static readonly string[] Activations =
    {
        "relu", "leakyrelu", "leakyrelu(0.2)", "leakyrelu(slope: 0.1)", "elu", "elu(alpha: 0.5)", "prelu", "sigmoid", "tanh",
        "softplus", "softplus(beta: 2)", "swish", "silu", "gelu", "mish", "selu", "relu6", "hardswish", "hardsigmoid",
    };

    private static readonly string[] AllowableIds =
    {
        "NL1001", "NL1002", "NL1003", "NL1004", "NL1005", "NL1006", "NL1007", "NL1008", "NL1009", "NL1010",
        "NL1011", "NL1012", "NL1013", "NL2005", "NL2008", "NL4001", "NL4002", "NL4003", "NL4004", "NL4005",
    };

    private static readonly string[] Vocabulary =
    {
        "network", "block", "namespace", "allow", "residual", "project", "input", "classes", "conv", "conv3x3", "bn",
        "relu", "linear", "maxpool", "gap", "flatten", "dropout", "gn", "groups", "kernel", "stride", "padding", "same",
        "valid", "bias", "true", "false", "auto", "(", ")", "{", "}", ",", ":", ";", "=", ">", "+", "-", "*", "/", ".", "|",
        "0", "1", "2", "-1", "1.5", "1e-5", "3x32x32", "28x28", "1x", "x1", "//", "/*", "*/", "NL1001", "\n", "\"", "#",
        "concat", "scale", "se", "as", "i", "signal", "image", "features", "channels", "shuffle", "droppath", "layerscale",
        "conv1d", "maxpool1d", "avgpool1d", "dropout1d", "in_channels", "over", "ceil", "1x7", "7x1", "2x1", "round", "min",
        "max", "floor", "identity", "act", "gate",
    };

    private static readonly string[] StrangeCharacters =
    {
        "\0", "\u0001", "\u007f", "\t", "\r", "\r\n", "\n", "\u00a0", "\u2028", "\u2029", "\ufeff", "é", "λ", "Ж", "中", "٣",
        "\u0301", "\ud83d\ude00", "\ud83d", "\ude00", "\uffff", "\ufffe", "@", "#", "$", "%", "^", "&", "!", "?", "~", "`", "\\",
        "\"", "'", "[", "]", "<", "≥", "ⅸ", "\u200b", "\u202e",
    };

    private readonly Random _random;

    public InputGenerator(int seed) => _random = new Random(seed);

    // ---- the mix the robustness checks draw from -----------------------------------------------

    /// <summary>One input: mostly valid programs and their mutations, sometimes a random extreme case.</summary>
    public GeneratedInput Next()
    {
        var roll = _random.NextDouble();
        if (roll < 0.35)
        {
            return new GeneratedInput("valid", ValidProgram(), expectNoSyntaxErrors: true);
        }

        if (roll < 0.97)
        {
            return new GeneratedInput("mutated", Mutate(ValidProgram()), expectNoSyntaxErrors: false);
        }

        var (name, text) = RandomExtreme();
        return new GeneratedInput("extreme:" + name, text, expectNoSyntaxErrors: false);
    }

    // ---- valid programs ------------------------------------------------------------------------

    /// <summary>A random program without syntax errors (semantic diagnostics are possible).</summary>
    public string ValidProgram(int networkCount = 0)
    {
        var program = new ProgramBuilder(this);
        return program.Build(networkCount <= 0 ? _random.Next(1, 4) : networkCount);
    }

    private sealed class BlockInfo
    {
        public BlockInfo(string name, string kind, int arity)
        {
            Name = name;
            Kind = kind;
            Arity = arity;
        }

        public string Name { get; }

        /// <summary>conv: (c[, act]) sets channels; stem: no params, 16 channels; res: (c) keeps C×H×W when C = c; act: keeps the shape; head: (n[, p]) on features.</summary>
        public string Kind { get; }

        public int Arity { get; }
    }

    /// <summary>The tensor the generator believes flows at a point: C×H×W or F features.</summary>
    private struct State
    {
        public bool Spatial;

        /// <summary>A signal C×L (L in H).</summary>
        public bool Signal;
        public int C;
        public int H;
        public int W;

        public int F => C;
    }

    private sealed class ProgramBuilder
    {
        private readonly InputGenerator _g;
        private readonly StringBuilder _sb = new();
        private readonly List<BlockInfo> _blocks = new();
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);
        private Dictionary<string, double> _hyper = new(StringComparer.Ordinal);
        private int _depth;

        public ProgramBuilder(InputGenerator generator) => _g = generator;

        private Random R => _g._random;

        public string Build(int networkCount)
        {
            if (R.Next(2) == 0)
            {
                Comment();
            }

            if (R.Next(2) == 0)
            {
                _sb.Append("namespace ").Append(Name("Ns"));
                if (R.Next(2) == 0)
                {
                    _sb.Append('.').Append(Name("Sub"));
                }

                _sb.Append(R.Next(3) == 0 ? ";" : string.Empty).Append(Ws()).Append('\n');
            }

            var blockCount = R.Next(0, 5);
            for (var i = 0; i < blockCount; i++)
            {
                Block();
            }

            for (var i = 0; i < networkCount; i++)
            {
                Network();
            }

            return _sb.ToString();
        }

        private string Name(string prefix)
        {
            while (true)
            {
                var name = prefix + R.Next(0, 100000).ToString(CultureInfo.InvariantCulture);
                if (_names.Add(name))
                {
                    return name;
                }
            }
        }

        private string Ws()
        {
            switch (R.Next(14))
            {
                case 0:
                    return "\n    ";
                case 1:
                    return " /* " + CommentText() + " */ ";
                case 2:
                    return " // " + CommentText() + "\n    ";
                case 3:
                    return "\r\n\t";
                case 4:
                    return string.Empty;
                default:
                    return " ";
            }
        }

        private string CommentText() => R.Next(4) switch
        {
            0 => "conv > bn > relu { } ( ) , * / + -",
            1 => "ünïcödé λ 中文 \ud83d\ude00",
            2 => "network X(input: 1x2x3) { relu }",
            _ => "note " + R.Next(1000).ToString(CultureInfo.InvariantCulture),
        };

        private void Comment()
        {
            if (R.Next(2) == 0)
            {
                _sb.Append("// ").Append(CommentText()).Append('\n');
            }
            else
            {
                _sb.Append("/* ").Append(CommentText()).Append("\n   ").Append(CommentText()).Append(" */\n");
            }
        }

        private static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);

        private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

        // ---- blocks ----

        private void Block()
        {
            var kind = new[] { "conv", "stem", "res", "act", "head", "double" }[R.Next(6)];
            if (kind == "double" && !_blocks.Any(b => b.Kind == "conv"))
            {
                kind = "conv";
            }

            var name = Name(kind switch { "conv" => "ConvBlock", "stem" => "Stem", "res" => "ResBlock", "act" => "Act", "head" => "Head", _ => "Double" });
            _sb.Append("block ").Append(name);
            var arity = 0;
            switch (kind)
            {
                case "conv":
                    _sb.Append("(c, act").Append(Ws()).Append('=').Append(Ws()).Append(Activation()).Append(")").Append(Ws()).Append("= ");
                    _sb.Append(ConvName()).Append("(c)").Append(Ws()).Append("> ").Append(R.Next(3) == 0 ? "batchnorm" : "bn").Append(" > act");
                    arity = 2;
                    break;
                case "stem":
                    _sb.Append(" = conv3x3(16) > bn > ").Append(Activation());
                    break;
                case "res":
                    _sb.Append("(c) = residual {").Append(Ws()).Append("conv3x3(c) > bn > relu > conv3x3(c) > bn").Append(Ws()).Append("} > relu");
                    arity = 1;
                    break;
                case "act":
                    _sb.Append("(a = ").Append(Activation()).Append(") = a > identity");
                    arity = 1;
                    break;
                case "head":
                    _sb.Append("(n, p: 0.5) = dropout(p) > linear(n)");
                    arity = 2;
                    break;
                default:
                {
                    var inner = _blocks.First(b => b.Kind == "conv");
                    _sb.Append("(c) = ").Append(inner.Name).Append("(c) > ").Append(inner.Name).Append("(c, act: ").Append(Activation()).Append(')');
                    arity = 1;
                    break;
                }
            }

            _sb.Append('\n');
            if (R.Next(3) == 0)
            {
                Comment();
            }

            _blocks.Add(new BlockInfo(name, kind == "double" ? "conv" : kind, arity));
        }

        private string ConvName() => new[] { "conv3x3", "conv1x1", "conv5x5", "conv7x7" }[R.Next(4)];

        private string Activation() => Activations[R.Next(Activations.Length)];

        // ---- networks ----

        private void Network()
        {
            _hyper = new Dictionary<string, double>(StringComparer.Ordinal);
            var name = Name("Net");
            _sb.Append("network ").Append(name).Append('(');
            State state;
            var roll = R.Next(13);
            if (roll >= 10)
            {
                var c = new[] { 1, 2, 12 }[R.Next(3)];
                var length = new[] { 16, 50, 100 }[R.Next(3)];
                state = new State { Spatial = true, Signal = true, C = c, H = length, W = 1 };
                _sb.Append("input: signal ").Append(c).Append('x').Append(length);
            }
            else if (roll < 6)
            {
                var c = new[] { 1, 3, 4 }[R.Next(3)];
                var size = new[] { 8, 16, 28, 32, 64 }[R.Next(5)];
                state = new State { Spatial = true, C = c, H = size, W = size };
                _sb.Append("input: ").Append(c).Append('x').Append(size).Append('x').Append(size);
            }
            else if (roll < 8)
            {
                var size = new[] { 8, 28, 32 }[R.Next(3)];
                state = new State { Spatial = true, C = 1, H = size, W = size };
                _sb.Append("input: ").Append(size).Append('x').Append(size);
            }
            else
            {
                var f = new[] { 16, 64, 784 }[R.Next(3)];
                state = new State { Spatial = false, C = f };
                _sb.Append("input: ").Append(f);
            }

            var classes = new[] { 2, 10, 100 }[R.Next(3)];
            var hasClasses = R.Next(4) != 0;
            if (hasClasses)
            {
                _sb.Append(',').Append(Ws()).Append("classes: ").Append(classes);
            }

            if (R.Next(2) == 0)
            {
                var width = new[] { 16, 32, 64 }[R.Next(3)];
                _hyper["width"] = width;
                _sb.Append(", width").Append(R.Next(2) == 0 ? ": " : " = ").Append(width);
            }

            if (R.Next(3) == 0)
            {
                var p = new[] { 0.1, 0.25, 0.5 }[R.Next(3)];
                _hyper["p"] = p;
                _sb.Append(", p: ").Append(F(p));
            }

            if (R.Next(4) == 0)
            {
                _hyper["depth"] = 2;
                _sb.Append(", depth: 1 + 1");
            }

            _sb.Append(')');
            if (R.Next(4) == 0)
            {
                _sb.Append(" allow ");
                var count = R.Next(1, 4);
                for (var i = 0; i < count; i++)
                {
                    _sb.Append(i == 0 ? string.Empty : ", ").Append(AllowableIds[R.Next(AllowableIds.Length)]);
                }
            }

            _sb.Append(R.Next(2) == 0 ? " {\n    " : "\n{\n    ");
            var elements = new List<string>();
            var stages = R.Next(1, 6);
            _depth = 0;
            for (var i = 0; i < stages; i++)
            {
                elements.Add(!state.Spatial ? FeatureElement(ref state) : state.Signal ? SignalElement(ref state) : SpatialElement(ref state));
            }

            if (state.Spatial)
            {
                var pool = R.Next(4);
                if (pool == 0 && (long)state.C * state.H * state.W <= 100_000)
                {
                    elements.Add("flatten");
                    state = new State { Spatial = false, C = state.C * state.H * (state.Signal ? 1 : state.W) };
                }
                else
                {
                    elements.Add(pool == 1 ? "gmp" : "gap");
                    state = new State { Spatial = false, C = state.C };
                }
            }

            var heads = R.Next(0, 3);
            for (var i = 0; i < heads; i++)
            {
                elements.Add(FeatureElement(ref state));
            }

            elements.Add((R.Next(4) == 0 ? "dense" : "linear") + "(" + (hasClasses && R.Next(3) != 0 ? "classes" : I(classes)) + ")");
            if (R.Next(8) == 0)
            {
                elements.Add("softmax");
            }

            for (var i = 0; i < elements.Count; i++)
            {
                if (i > 0)
                {
                    _sb.Append(R.Next(3) == 0 ? "\n    > " : " >" + Ws());
                }

                _sb.Append(elements[i]);
            }

            _sb.Append("\n}\n");
            if (R.Next(3) == 0)
            {
                Comment();
            }
        }

        /// <summary>An integer expression for a channel count, using hyper-parameters when they exist.</summary>
        private string Channels(int preferred, out int value)
        {
            if (_hyper.TryGetValue("width", out var width) && R.Next(2) == 0)
            {
                var w = (int)width;
                switch (R.Next(5))
                {
                    case 0:
                        value = w;
                        return "width";
                    case 1:
                        value = w * 2;
                        return "width * 2";
                    case 2:
                        value = w + 16;
                        return "(width + 16)";
                    case 3:
                        value = w / 2;
                        return "width / 2";
                    default:
                        value = (w * 3) - 8;
                        return "width * 3 - 8";
                }
            }

            value = preferred;
            return I(preferred);
        }

        private string SpatialElement(ref State state)
        {
            var c = new[] { 8, 16, 32, 64 }[R.Next(4)];
            switch (R.Next(24))
            {
                case 18:
                case 19:
                    return Branches(ref state);
                case 20:
                    return Gate(state);
                case 21:
                    if (state.C % 2 == 0)
                    {
                        var h = I(state.C / 2);
                        return "concat { channels(0, " + h + ") |" + Ws() + "channels(" + h + ", " + I(state.C) + ") > conv1x1(" + h + ") > bn > relu > conv3x3(" + h + ", groups: " + h + ") > bn }" + Ws() + "> shuffle(2)";
                    }

                    return "layerscale(1e-6)";
                case 22:
                {
                    var text = new[] { "conv(" + I(state.C) + ", kernel: 1x7, padding: 0x3)", "conv(" + I(state.C) + ", kernel: 7x1, padding: 3x0)", "conv(" + I(state.C) + ", kernel: 3x3, stride: 1x1, dilation: 1x2, padding: 1x2)" }[R.Next(3)];
                    return text + (R.Next(2) == 0 ? " > ln(over: channels)" : " > bn");
                }

                case 23:
                    if (state.H >= 4)
                    {
                        var pool = new[] { "maxpool(kernel: 3, stride: 2, ceil: true)", "avgpool(kernel: 3, stride: 2, ceil: true)", "maxpool(kernel: 2x1, stride: 2x1)" }[R.Next(3)];
                        state.H = pool.Contains("2x1") ? state.H / 2 : ((state.H - 2) / 2) + 1 + ((state.H - 3) % 2 == 0 ? 0 : 1);
                        state.W = pool.Contains("2x1") ? state.W : state.H;
                        return pool;
                    }

                    return "identity";
                case 0:
                case 1:
                {
                    var expression = Channels(c, out var value);
                    state.C = value;
                    return ConvName() + "(" + expression + ")";
                }

                case 2:
                {
                    var expression = Channels(c, out var value);
                    var kernel = new[] { 1, 3, 5 }[R.Next(3)];
                    var stride = state.H >= 8 && R.Next(2) == 0 ? 2 : 1;
                    var dilation = R.Next(4) == 0 ? 2 : 1;
                    var args = new List<string> { expression };
                    if (R.Next(2) == 0)
                    {
                        args.Add(I(kernel));
                    }
                    else
                    {
                        args.Add("kernel: " + I(kernel));
                    }

                    if (stride > 1 || R.Next(3) == 0)
                    {
                        args.Add("stride: " + I(stride));
                    }

                    if (dilation > 1)
                    {
                        args.Add("dilation: " + I(dilation));
                    }

                    var paddingRoll = R.Next(4);
                    var padding = dilation * (kernel - 1) / 2;
                    if (paddingRoll == 1)
                    {
                        args.Add("padding: same");
                    }
                    else if (paddingRoll == 2 && state.H > dilation * (kernel - 1) + 2)
                    {
                        args.Add("padding: valid");
                        padding = 0;
                    }
                    else if (paddingRoll == 3)
                    {
                        args.Add("padding: " + I(padding));
                    }

                    if (R.Next(4) == 0 && value % 2 == 0 && state.C % 2 == 0)
                    {
                        args.Add("groups: 2");
                    }

                    if (R.Next(4) == 0)
                    {
                        args.Add("bias: " + new[] { "auto", "true", "false" }[R.Next(3)]);
                    }

                    state.C = value;
                    state.H = ((state.H + (2 * padding) - (dilation * (kernel - 1)) - 1) / stride) + 1;
                    state.W = state.H;
                    return "conv(" + string.Join(", ", args) + ")";
                }

                case 3:
                    return new[] { "bn", "batchnorm(eps: 1e-3)", "bn(momentum: 0.2, affine: false)", "in", "instancenorm(affine: true)", "ln", "layernorm(eps: 1e-6)" }[R.Next(7)];
                case 4:
                {
                    var channels = state.C;
                    var groups = new[] { 1, 2, 4, 8 }.Where(g => channels % g == 0).ToArray();
                    return "gn(groups: " + I(groups[R.Next(groups.Length)]) + (R.Next(2) == 0 ? ", eps: 0.00001" : string.Empty) + ")";
                }

                case 5:
                case 6:
                    return Activation();
                case 7:
                    if (state.H >= 4)
                    {
                        var pool = new[] { "maxpool", "avgpool", "maxpool(2)", "avgpool(kernel: 2, stride: 2)", "maxpool(kernel: 2, padding: 1)" }[R.Next(5)];
                        state.H = pool.Contains("padding") ? (state.H / 2) + 1 : state.H / 2;
                        state.W = state.H;
                        return pool;
                    }

                    return "identity";
                case 8:
                    return "dropout2d(" + (_hyper.ContainsKey("p") && R.Next(2) == 0 ? "p" : "0.1") + ")";
                case 9:
                    return R.Next(2) == 0 ? "dropout" : "dropout(p: 0.2)";
                case 10:
                case 11:
                {
                    if (_depth > 3)
                    {
                        return "relu";
                    }

                    _depth++;
                    var inner = new List<string> { "conv3x3(" + I(state.C) + ")", "bn", Activation(), "conv3x3(" + I(state.C) + ")", "bn" };
                    if (R.Next(3) == 0)
                    {
                        var nested = state;
                        inner.Insert(3, SpatialShapePreserving(ref nested));
                    }

                    _depth--;
                    return "residual" + Ws() + "{" + Ws() + string.Join(" > ", inner) + Ws() + "}";
                }

                case 12:
                {
                    var wide = state.C * 2;
                    var stride = state.H >= 8 && R.Next(2) == 0 ? 2 : 1;
                    var text = "residual(project) { conv3x3(" + I(wide) + (stride > 1 ? ", stride: 2" : string.Empty) + ") > bn > relu > conv3x3(" + I(wide) + ") > bn }";
                    state.C = wide;
                    if (stride > 1)
                    {
                        state.H = ((state.H - 1) / 2) + 1;
                        state.W = state.H;
                    }

                    return text;
                }

                case 13:
                {
                    var count = _hyper.ContainsKey("depth") && R.Next(2) == 0 ? "depth" : I(R.Next(1, 4));
                    return "(" + ConvName() + "(" + I(state.C) + ") > bn > " + Activation() + ") * " + count;
                }

                case 14:
                case 15:
                    return BlockCall(ref state) ?? "identity";
                case 16:
                    if (state.C % 2 == 0 && state.C >= 4)
                    {
                        state.C /= 2;
                        return R.Next(2) == 0 ? "maxout" : "maxout(pieces: 2)";
                    }

                    return "prelu";
                default:
                    return Activation() + " * " + I(R.Next(1, 3));
            }
        }

        /// <summary>concat { … } (identity, nested, residual and repeat inside) or, on features, concat of linears.</summary>
        private string Branches(ref State state)
        {
            if (_depth > 2)
            {
                return "identity";
            }

            _depth++;
            var count = R.Next(2, 5);
            var parts = new List<string>();
            var total = 0;
            for (var i = 0; i < count; i++)
            {
                var width = new[] { 4, 8, 16 }[R.Next(3)];
                switch (R.Next(6))
                {
                    case 0:
                        parts.Add("identity");
                        width = state.C;
                        break;
                    case 1 when state.Spatial:
                    {
                        var inner = state;
                        parts.Add(Branches(ref inner));
                        width = inner.C;
                        break;
                    }

                    case 2 when state.Spatial:
                        parts.Add("residual { " + Conv1(state.C, state) + " > bn > droppath(0.1) } > " + Conv1(width, state));
                        break;
                    case 3 when state.Spatial:
                        parts.Add("(" + Conv1(state.C, state) + " > " + Activation() + ") * 2 as i > " + Conv1(width, state));
                        break;
                    default:
                        parts.Add(state.Spatial ? Conv1(width, state) + " > bn > " + Activation() : "linear(" + I(width) + ")");
                        break;
                }

                total += width;
            }

            _depth--;
            state.C = total;
            return "concat {" + Ws() + string.Join(" |" + Ws(), parts) + Ws() + "}";
        }

        private static string Conv1(int channels, State state) => (state.Signal ? "conv(" : "conv1x1(") + I(channels) + (state.Signal ? ", kernel: 1)" : ")");

        /// <summary>scale { … } or se(…), keeping the shape.</summary>
        private string Gate(State state)
        {
            var squeeze = I(Math.Max(1, state.C / 4));
            return R.Next(4) switch
            {
                0 => "scale {" + Ws() + (state.Spatial ? "gap > " : string.Empty) + "linear(" + squeeze + ") > " + Activation() + " > linear(" + I(state.C) + ") > sigmoid" + Ws() + "}",
                1 => "se(" + squeeze + ")",
                2 => "se(" + squeeze + ", act: " + Activation() + ", gate: hardsigmoid)",
                _ => "se(squeeze: max(1, round(" + I(state.C) + " / 4)), gate: " + Activation() + ")",
            };
        }

        /// <summary>A layer on a signal C×L: the 1-d names, the rank-polymorphic layers, branches and gates.</summary>
        private string SignalElement(ref State state)
        {
            switch (R.Next(12))
            {
                case 0:
                case 1:
                {
                    var expression = Channels(new[] { 8, 16, 32 }[R.Next(3)], out var value);
                    var stride = state.H >= 8 && R.Next(3) == 0 ? 2 : 1;
                    state.C = value;
                    state.H = ((state.H - 1) / stride) + 1;
                    return (R.Next(2) == 0 ? "conv1d(" : "conv(") + expression + ", kernel: " + I(new[] { 1, 3, 5, 7 }[R.Next(4)]) + (stride > 1 ? ", stride: 2" : string.Empty) + ")";
                }

                case 2:
                    return new[] { "bn", "in(affine: true)", "ln", "ln(over: channels)", "gn(groups: 1)" }[R.Next(5)];
                case 3:
                    return Activation();
                case 4:
                    if (state.H >= 4)
                    {
                        state.H = state.H / 2;
                        return new[] { "maxpool1d(2)", "avgpool1d(kernel: 2)", "maxpool(2)", "avgpool(kernel: 2, stride: 2)" }[R.Next(4)];
                    }

                    return "identity";
                case 5:
                    return new[] { "dropout1d(0.1)", "dropout", "dropout1d" }[R.Next(3)];
                case 6:
                case 7:
                    return Branches(ref state);
                case 8:
                    return Gate(state);
                case 9:
                    return "residual {" + Ws() + "conv(" + I(state.C) + ", kernel: 3) > bn > " + Activation() + " > layerscale(0.1) > droppath(0.1)" + Ws() + "}";
                case 10:
                    return state.C % 2 == 0 ? "shuffle(2)" : "channels(0, " + I(state.C) + ")";
                default:
                    return "(conv(" + I(state.C) + ", kernel: 2 * i + 1) > bn > relu) * 2 as i";
            }
        }

        private string SpatialShapePreserving(ref State state) => R.Next(4) switch
        {
            0 => "identity",
            1 => "dropout2d(0.1)",
            2 => "residual { " + Activation() + " }",
            _ => "(" + Activation() + " > conv3x3(" + I(state.C) + ")) * 2",
        };

        private string FeatureElement(ref State state)
        {
            switch (R.Next(10))
            {
                case 0:
                case 1:
                {
                    var f = new[] { 32, 64, 128, 256 }[R.Next(4)];
                    var expression = Channels(f, out var value);
                    state.C = value;
                    return (R.Next(3) == 0 ? "dense" : "linear") + "(" + expression + (R.Next(4) == 0 ? ", bias: false" : string.Empty) + ")";
                }

                case 2:
                    return Activation();
                case 3:
                    return _hyper.ContainsKey("p") && R.Next(2) == 0 ? "dropout(p)" : "dropout(" + F(new[] { 0.0, 0.3, 0.5 }[R.Next(3)]) + ")";
                case 4:
                    return new[] { "bn", "ln", "layernorm(affine: false)" }[R.Next(3)];
                case 5:
                    return "residual { linear(" + I(state.C) + ") > " + Activation() + " }";
                case 6:
                {
                    var head = _blocks.FirstOrDefault(b => b.Kind == "head");
                    if (head is null)
                    {
                        return "prelu";
                    }

                    state.C = 64;
                    return head.Name + (R.Next(2) == 0 ? "(64)" : "(64, p: 0.25)");
                }

                case 7:
                {
                    var act = _blocks.FirstOrDefault(b => b.Kind == "act");
                    return act is null ? "identity" : act.Name + (R.Next(2) == 0 ? string.Empty : "(" + Activation() + ")");
                }

                case 8:
                    if (state.C % 2 == 0)
                    {
                        state.C /= 2;
                        return "maxout";
                    }

                    return "gelu";
                default:
                    return "(linear(" + I(state.C) + ") > " + Activation() + ") * " + I(R.Next(1, 3));
            }
        }

        private string? BlockCall(ref State state)
        {
            if (_blocks.Count == 0)
            {
                return null;
            }

            var block = _blocks[R.Next(_blocks.Count)];
            var c = new[] { 16, 32, 64 }[R.Next(3)];
            switch (block.Kind)
            {
                case "conv":
                {
                    var expression = Channels(c, out var value);
                    state.C = value;
                    if (block.Arity == 2 && R.Next(2) == 0)
                    {
                        return block.Name + "(" + expression + ", " + (R.Next(2) == 0 ? "act: " : string.Empty) + Activation() + ")";
                    }

                    return block.Name + "(" + expression + ")" + (R.Next(3) == 0 ? " * 2" : string.Empty);
                }

                case "stem":
                    state.C = 16;
                    return block.Name;
                case "res":
                    return block.Name + "(" + I(state.C) + ")" + (R.Next(3) == 0 ? " * 2" : string.Empty);
                case "act":
                    return R.Next(2) == 0 ? block.Name : block.Name + "(a: " + Activation() + ")";
                default:
                    return null;
            }
        }
    }

    // ---- mutations -----------------------------------------------------------------------------

    /// <summary>Applies one to five random edits: deleted, duplicated, swapped or replaced tokens, inserted characters, truncation.</summary>
    public string Mutate(string text)
    {
        var tokens = Tokenize(text);
        var edits = _random.Next(1, 6);
        for (var e = 0; e < edits; e++)
        {
            if (tokens.Count == 0)
            {
                tokens.Add(Vocabulary[_random.Next(Vocabulary.Length)]);
                continue;
            }

            var i = _random.Next(tokens.Count);
            switch (_random.Next(17))
            {
                case 0:
                case 1:
                    tokens.RemoveAt(i);
                    break;
                case 2:
                    tokens.Insert(i, tokens[i]);
                    break;
                case 3:
                {
                    var j = _random.Next(tokens.Count);
                    (tokens[i], tokens[j]) = (tokens[j], tokens[i]);
                    break;
                }

                case 4:
                case 5:
                    tokens.Insert(i, Vocabulary[_random.Next(Vocabulary.Length)]);
                    break;
                case 6:
                    tokens[i] = Vocabulary[_random.Next(Vocabulary.Length)];
                    break;
                case 7:
                case 8:
                    tokens.Insert(i, StrangeCharacters[_random.Next(StrangeCharacters.Length)]);
                    break;
                case 9:
                    tokens.Insert(i, RandomCharacters(_random.Next(1, 8)));
                    break;
                case 10:
                    tokens[i] = HugeNumber();
                    break;
                case 11:
                {
                    // duplicate a whole run of tokens (a copied line or member)
                    var length = Math.Min(tokens.Count - i, _random.Next(1, 40));
                    tokens.InsertRange(i, tokens.GetRange(i, length));
                    break;
                }

                case 12:
                {
                    // delete a run of tokens
                    var length = Math.Min(tokens.Count - i, _random.Next(1, 20));
                    tokens.RemoveRange(i, length);
                    break;
                }

                case 14:
                case 15:
                {
                    // a run of openers around the nesting limits (128 in the parser, 256 through blocks), maybe closed
                    var opener = new[] { "(", "residual { ", "residual(project) { ", "-", "-(", "conv(", "A(", "{" }[_random.Next(8)];
                    var closer = opener.EndsWith("{ ", StringComparison.Ordinal) || opener == "{" ? " }" : opener == "-" ? string.Empty : ")";
                    var depth = _random.Next(1, 300);
                    tokens.Insert(i, string.Concat(Enumerable.Repeat(opener, depth)));
                    if (_random.Next(2) == 0)
                    {
                        tokens.Insert(Math.Min(tokens.Count, i + 1 + _random.Next(4)), string.Concat(Enumerable.Repeat(closer, depth)));
                    }

                    break;
                }

                case 16:
                {
                    // splice in a slice of another program
                    var other = Tokenize(ValidProgram());
                    var start = _random.Next(other.Count);
                    tokens.InsertRange(i, other.GetRange(start, Math.Min(other.Count - start, _random.Next(1, 60))));
                    break;
                }

                default:
                {
                    // truncate
                    var joined = string.Concat(tokens);
                    var cut = _random.Next(joined.Length + 1);
                    tokens = Tokenize(joined.Substring(0, cut));
                    break;
                }
            }
        }

        return string.Concat(tokens);
    }

    private string RandomCharacters(int count)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var c = _random.Next(4) switch
            {
                0 => (char)_random.Next(0, 32),
                1 => (char)_random.Next(32, 127),
                2 => (char)_random.Next(0xD800, 0xE000), // lone surrogates
                _ => (char)_random.Next(128, 0x10000),
            };
            sb.Append(c);
        }

        return sb.ToString();
    }

    private string HugeNumber() => _random.Next(12) switch
    {
        0 => "1e400",
        1 => "99999999999999999999999",
        2 => "1x99999999999x1",
        3 => "2147483647",
        4 => "2147483648",
        5 => "9223372036854775807",
        6 => "9223372036854775808",
        7 => "0x0x0",
        8 => "1e-400",
        9 => "4294967296x4294967296",
        10 => "0.000000000000000000000000000001",
        _ => "1" + new string('0', _random.Next(10, 400)),
    };

    /// <summary>Splits text into words (letters, digits, '_', '.'), runs of white space and single other characters.</summary>
    public static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            var c = text[i];
            if (char.IsLetterOrDigit(c) || c == '_' || c == '.')
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_' || text[i] == '.'))
                {
                    i++;
                }
            }
            else if (char.IsWhiteSpace(c))
            {
                while (i < text.Length && char.IsWhiteSpace(text[i]))
                {
                    i++;
                }
            }
            else
            {
                i++;
            }

            tokens.Add(text.Substring(start, i - start));
        }

        return tokens;
    }

    // ---- extreme inputs ------------------------------------------------------------------------

    /// <summary>A network around a body: <c>network N(input: 3x32x32, classes: 10) { body }</c>.</summary>
    public static string Net(string body, string input = "3x32x32") => "network N(input: " + input + ") {\n    " + body + "\n}\n";

    private static string Repeat(string s, int count)
    {
        var sb = new StringBuilder(s.Length * count);
        for (var i = 0; i < count; i++)
        {
            sb.Append(s);
        }

        return sb.ToString();
    }

    /// <summary>Every extreme case, by name, at its full size.</summary>
    public static IReadOnlyList<(string Name, string Text)> ExtremeCases() => ExtremeCases(1.0);

    /// <summary>The extreme cases, with their sizes scaled by <paramref name="scale"/> (1 = full size).</summary>
    public static IReadOnlyList<(string Name, string Text)> ExtremeCases(double scale)
    {
        int N(int full) => Math.Max(2, (int)(full * scale));
        var n10k = N(10_000);
        var n100k = N(100_000);
        var cases = new List<(string, string)>
        {
            // deep nesting
            ("nested-parentheses", Net(Repeat("(", n10k) + "relu" + Repeat(")", n10k))),
            ("nested-parentheses-unclosed", Net(Repeat("(", n10k) + "relu")),
            ("nested-residuals", Net(Repeat("residual { ", n10k) + "relu" + Repeat(" }", n10k))),
            ("nested-residual-project", Net(Repeat("residual(project) { conv3x3(8) > ", n10k) + "relu" + Repeat(" }", n10k))),
            ("nested-residuals-unclosed", Net(Repeat("residual {", n10k))),
            ("nested-expression-parentheses", Net("conv(" + Repeat("(", n10k) + "1" + Repeat(")", n10k) + ") > gap")),
            ("nested-expression-parentheses-unclosed", Net("conv(" + Repeat("(", n10k) + "1")),
            ("nested-argument-calls", "block A(act = relu) = act\n" + Net("A(" + Repeat("leakyrelu(", n10k) + "0.1" + Repeat(")", n10k) + ")")),
            ("unary-minus-chain", Net("conv(" + Repeat("-", n100k) + "1) > gap")),
            ("unary-minus-chain-spaced", Net("conv(" + Repeat("- ", n100k) + "1) > gap")),
            ("unary-plus-minus-chain", Net("conv(" + Repeat("+-", n100k / 2) + "1) > gap")),
            ("unary-chain-in-parentheses", Net("conv(" + Repeat("-(", n10k) + "1" + Repeat(")", n10k) + ") > gap")),
            ("nested-braces", Net(Repeat("{", n10k) + "relu" + Repeat("}", n10k))),
            ("nested-mixed", Net(Repeat("(residual { ", n10k / 2) + "relu" + Repeat(" })", n10k / 2))),
            ("nested-concat", Net(Repeat("concat { identity | ", n10k) + "relu" + Repeat(" }", n10k))),
            ("nested-concat-unclosed", Net(Repeat("concat { relu | ", n10k))),
            ("nested-scale", Net(Repeat("scale { ", n10k) + "gap > linear(3) > sigmoid" + Repeat(" }", n10k))),
            ("nested-se-arguments", Net("se(4, act: " + Repeat("leakyrelu(", n10k) + "0.1" + Repeat(")", n10k) + ")")),
            ("many-branches", Net("concat { " + string.Join(" | ", Enumerable.Repeat("conv1x1(1)", n10k)) + " } > gap")),
            ("many-bars", Net("concat { " + Repeat("|", n100k) + " }")),
            ("many-empty-branches", Net("concat { " + Repeat("| relu |", n10k) + " } > scale { } > residual { | }")),
            ("concat-of-huge-widths", Net("concat { conv1x1(2147483647) | conv1x1(2147483647) | identity } > channels(0, 2147483647) > shuffle(2147483647)")),
            ("huge-signal", Net("conv1d(8, kernel: 2147483647) > maxpool1d(kernel: 2147483647, ceil: true) > gap", "signal 2147483647x2147483647")),
            ("huge-hxw", Net("conv(8, kernel: 2147483647x1, stride: 1x2147483647, padding: 1073741823x0, dilation: 2147483647x2147483647) > maxpool(kernel: 2147483647x2, ceil: true)", "3x2147483647x2147483647")),
            ("repeat-as-huge", Net("(conv(8, kernel: 2 * i + 1) > droppath(0.1 * i)) * 1000000000 as i")),
            ("repeat-as-nested", Net(Repeat("(", 100) + "layerscale(i + 1)" + Repeat(") * 3 as i", 100))),
            ("in-channels-chain", BlockChain(N(2000), "B{0} = conv1x1(in_channels + 1) > B{1}", "relu")),
            ("nested-repeats", Net(Repeat("(", 127) + "relu" + Repeat(") * 2", 127))),
            ("expression-parentheses-times-chains", Net("conv(" + Repeat("(", 127) + Repeat("1 + ", 500) + "1" + Repeat(Repeat(" + 1", 500) + ")", 127) + ") > gap")),
            ("call-argument-chains", "block A(act = relu) = act\n" + Net("A(" + Repeat("leakyrelu(", 127) + Repeat("1 + ", 500) + "1" + Repeat(Repeat(" + 1", 500) + ")", 127) + ")")),

            // huge numbers
            ("huge-float", Net("conv(1e400) > gap > linear(1e400) > dropout(1e400)")),
            ("huge-integer", Net("conv(99999999999999999999999) > linear(99999999999999999999999)")),
            ("huge-dimensions", Net("relu", "1x99999999999x1")),
            ("huge-dimensions-2", Net("conv3x3(8) > gap", "99999999999x99999999999")),
            ("max-int-input", Net("conv(2147483647, kernel: 2147483647, padding: 2147483647, dilation: 2147483647) > flatten > linear(2147483647) > linear(2147483647)", "2147483647x2147483647x2147483647")),
            ("max-int-pool", Net("maxpool(kernel: 2147483647, stride: 2147483647, padding: 1073741823) > avgpool(2147483647)", "3x2147483647x2147483647")),
            ("max-int-groups", Net("gn(groups: 2147483647) > conv(2147483647, groups: 2147483647) > maxout(pieces: 2147483647)", "3x32x32")),
            ("max-int-residual-project", Net("residual(project) { maxpool(kernel: 2147483647, stride: 2147483647) } > residual(project) { conv(7, stride: 2147483647) }", "3x2147483647x2147483647")),
            ("max-int-parameter-count", Net("conv3x3(2147483647) > conv3x3(2147483647) > residual { conv3x3(2147483647) } > gap > linear(2147483647) > linear(10)", "1x8x8")),
            ("max-int-flatten", Net("flatten > linear(10) > ln > maxout(pieces: 3)", "2147483647x2147483647x2147483647")),
            ("max-int-hyper", "network N(input: 3x32x32, w: 2147483647, big: 1e308) {\n conv(w * w * w * w) > conv(big * big) > conv(w / 0) > conv(w - w) > conv(-w) > gap > linear(w + w)\n}\n"),
            ("overflowing-arithmetic", Net("conv(" + Repeat("99999 * ", 100) + "1) > gap > linear(" + Repeat("1e300 * ", 10) + "1)")),
            ("tiny-numbers", Net("dropout(1e-400) > bn(eps: 0.0000000000000000000000000000000000001) > elu(alpha: -0)")),
            ("long-number", Net("conv(" + new string('9', n100k) + ") > gap")),
            ("long-dimensions", Net("relu", Repeat("1x", n10k) + "1")),
            ("long-fraction", Net("dropout(0." + new string('1', n100k) + ")")),

            // long files
            ("many-networks", ManyNetworks(n10k)),
            ("many-duplicate-networks", Repeat("network Same(input: 8) { linear(4) }\n", n10k)),
            ("many-blocks", ManyBlocks(n10k)),
            ("long-pipeline", Net(Repeat("conv3x3(8) > bn > relu > ", n100k / 10) + "gap")),
            ("long-pipeline-layers-overflow", Net(Repeat("relu > ", n100k) + "relu")),
            ("long-identifier", Net(new string('a', n100k))),
            ("long-network-name", "network " + new string('N', n100k) + "(input: 8) { relu }\n"),
            ("long-comment-unclosed", Net("relu") + "/*" + Repeat("comment ", n10k)),
            ("many-line-comments", Repeat("// comment\n", n100k / 10) + Net("relu")),
            ("many-bad-characters", Net(Repeat("\0", n100k))),
            ("many-surrogates", Net(Repeat("\ud83d", n10k) + Repeat("\ude00", n10k))),
            ("many-greater", Net("relu" + Repeat(" >", n100k) + " relu")),
            ("many-commas", Net("conv(" + Repeat(",", n100k) + ")")),
            ("many-arguments", Net("conv(" + Repeat("1, ", n10k) + "1)")),
            ("many-named-arguments", Net("conv(8" + Repeat(", kernel: 3", n10k) + ") > gap")),
            ("many-parameters", "network N(input: 8" + Repeat(", p: 1", n10k) + ") { relu }\n"),
            ("many-distinct-parameters", "network N(input: 8" + string.Concat(Enumerable.Range(0, n10k).Select(i => ", p" + i + ": " + i)) + ") { linear(p" + (n10k - 1) + ") }\n"),
            ("many-allow", "network N(input: 8) allow " + string.Join(", ", Enumerable.Repeat("NL1001", n10k)) + " { relu }\n"),
            ("many-unknown-allow", "network N(input: 8) allow " + string.Join(", ", Enumerable.Range(0, n10k).Select(i => "NL" + i)) + " { relu }\n"),
            ("many-unknown-names", Net(string.Join(" > ", Enumerable.Range(0, n10k).Select(i => "layr" + i)))),
            ("many-unknown-names-many-blocks", ManyBlocks(N(2000)) + Net(string.Join(" > ", Enumerable.Range(0, N(2000)).Select(i => "Blok" + i)))),
            ("many-namespaces", Repeat("namespace A.B\n", n10k) + Net("relu")),
            ("many-semicolons", Repeat(";", n100k)),
            ("only-keywords", Repeat("network block residual allow namespace ", n10k)),
            ("many-empty-networks", Repeat("network E() { }\n", n10k)),

            // long operator chains
            ("plus-chain", Net("conv(" + Repeat("1+", n100k) + "1) > gap")),
            ("times-chain", Net("conv(" + Repeat("1*", n100k) + "1) > gap")),
            ("mixed-chain", Net("conv(" + Repeat("1+2*3-4/", n100k / 4) + "1) > gap")),
            ("plus-chain-in-header", "network N(input: 3x8x8, w: " + Repeat("1+", n100k) + "1) { conv(w) > gap }\n"),
            ("plus-chain-in-repeat", Net("relu * " + Repeat("1+", n100k) + "1")),
            ("plus-chain-in-block-default", "block B(c = " + Repeat("1+", n100k) + "1) = conv(c)\n" + Net("B > gap")),
            ("operator-chain-without-operands", Net("conv(" + Repeat("+*/", n100k / 3) + ")")),

            // huge repeat counts
            ("repeat-billion", Net("relu * 1000000000")),
            ("repeat-huge", Net("relu * 99999999999999999999999 > relu * 1e400 > relu * -1 > relu * 0 > relu * 2.5 > relu * 1x1")),
            ("repeat-nested", Net("((relu * 10000) * 10000) * 10000")),
            ("repeat-nested-deep", Net(Repeat("(", 100) + "relu" + Repeat(") * 10000", 100))),
            ("repeat-chain", Net("relu" + Repeat(" * 10000", 100))),
            ("repeat-empty-nested", Net("((unknownlayer * 10000) * 10000) * 10000")),
            ("repeat-number-parameter", "block A(x) = x\n" + Net("((A(3) * 10000) * 10000) * 10000")),
            ("repeat-bad-block-arguments", "block A(x) = x\n" + Net("((A(3, 4, y: 5) * 10000) * 10000) * 10000")),
            ("repeat-missing-elements", Net("(() * 10000) * 10000")),
            ("block-exponential", ExponentialBlocks(64, "relu")),
            ("block-exponential-empty", ExponentialBlocks(64, "unknownlayer")),
            ("block-exponential-number", "block Leaf(x) = x\n" + ExponentialBlocks(64, "Leaf(3)")),
            ("block-exponential-repeats", ExponentialRepeatBlocks(64)),
            ("block-huge-parameter-list", "block A(" + string.Join(", ", Enumerable.Range(0, n10k).Select(i => "p" + i + " = 1 + " + i)) + ") = relu\n" + Net("A * 10000")),
            ("block-huge-parameter-list-empty", "block A(" + string.Join(", ", Enumerable.Range(0, n10k).Select(i => "p" + i + " = 1 + " + i)) + ") = p0\n" + Net("(A * 10000) * 10000")),

            // deep block chains
            ("block-chain", BlockChain(n10k, "B{0} = B{1}", "relu")),
            ("block-chain-residual", BlockChain(n10k, "B{0} = residual { B{1} }", "relu")),
            ("block-chain-group", BlockChain(n10k, "B{0} = (B{1}) > relu", "relu")),
            ("block-chain-parameter", BlockChain(n10k, "B{0}(act = relu) = B{1}(act)", "act")),
            ("block-chain-layer-values", BlockChain(n10k, "B{0}(a = relu) = B{1}(a: B{0})", "relu")),
            ("block-cycle-long", BlockCycle(n10k)),
            ("block-self-layer-value", "block x = relu\nblock A(act = x, x = act) = act\n" + Net("A")),
            ("block-mutual-layer-values", "block x = relu\nblock y = relu\nblock A(p = x, x = y, y = p) = x\n" + Net("A > A(p: A)")),
            ("block-layer-value-itself", "block A(act = A) = act\n" + Net("A > A(A) > A(act: A(A))")),
            ("recursive-blocks", "block A = B\nblock B = A\nblock C = C\n" + Net("A > B > C")),
            ("block-calls-network", "network M(input: 8) { N }\n" + Net("M")),
        };

        return cases;
    }

    /// <summary>The extreme cases at a random size (a quarter to full), for the fuzzer's mix.</summary>
    public (string Name, string Text) RandomExtreme()
    {
        var scale = 0.05 + (_random.NextDouble() * 0.2);
        var cases = ExtremeCases(scale);
        var picked = cases[_random.Next(cases.Count)];
        return _random.Next(3) == 0 ? (picked.Name + "+mutated", Mutate(picked.Text)) : picked;
    }

    private static string ManyNetworks(int count)
    {
        var sb = new StringBuilder();
        sb.Append("namespace Many\nblock ConvBlock(c, act = relu) = conv3x3(c) > bn > act\n");
        for (var i = 0; i < count; i++)
        {
            sb.Append("network Net").Append(i).Append("(input: 3x32x32, classes: 10, width: ").Append(16 + (i % 4 * 16)).Append(") {\n");
            sb.Append("    ConvBlock(width) > maxpool > residual { conv3x3(width) > bn > relu } > gap > linear(classes)\n}\n");
        }

        return sb.ToString();
    }

    private static string ManyBlocks(int count)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            sb.Append("block Block").Append(i).Append("(c = ").Append(i % 64 + 1).Append(") = conv3x3(c) > bn > relu\n");
        }

        sb.Append(Net("Block0 > Block" + (count - 1) + " > gap"));
        return sb.ToString();
    }

    /// <summary>B0 = B1 > B1, B1 = B2 > B2, … : 2^levels leaves.</summary>
    private static string ExponentialBlocks(int levels, string leaf)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < levels; i++)
        {
            sb.Append("block E").Append(i).Append(" = E").Append(i + 1).Append(" > E").Append(i + 1).Append('\n');
        }

        sb.Append("block E").Append(levels).Append(" = ").Append(leaf).Append('\n');
        sb.Append(Net("E0"));
        return sb.ToString();
    }

    /// <summary>R0 = R1 * 1000, R1 = R2 * 1000, … ending in a block that expands to nothing.</summary>
    private static string ExponentialRepeatBlocks(int levels)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < levels; i++)
        {
            sb.Append("block R").Append(i).Append(" = (R").Append(i + 1).Append(" > R").Append(i + 1).Append(") * 1000\n");
        }

        sb.Append("block R").Append(levels).Append("(x = 1) = x\n");
        sb.Append(Net("R0"));
        return sb.ToString();
    }

    private static string BlockChain(int count, string pattern, string last)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            sb.Append("block ").Append(pattern.Replace("{0}", i.ToString(CultureInfo.InvariantCulture)).Replace("{1}", (i + 1).ToString(CultureInfo.InvariantCulture))).Append('\n');
        }

        var lastName = "B" + count.ToString(CultureInfo.InvariantCulture);
        sb.Append("block ").Append(lastName).Append(pattern.Contains("(act") ? "(act = relu)" : string.Empty).Append(" = ").Append(last).Append('\n');
        sb.Append(Net("B0 > gap"));
        return sb.ToString();
    }

    private static string BlockCycle(int count)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            sb.Append("block C").Append(i).Append(" = C").Append((i + 1) % count).Append(" > relu\n");
        }

        sb.Append(Net("C0"));
        return sb.ToString();
    }
}

/// <summary>One generated input with what is expected of it.</summary>
public sealed class GeneratedInput
{
    public GeneratedInput(string kind, string text, bool expectNoSyntaxErrors)
    {
        Kind = kind;
        Text = text;
        ExpectNoSyntaxErrors = expectNoSyntaxErrors;
    }

    /// <summary>valid, mutated or extreme:NAME.</summary>
    public string Kind { get; }

    public string Text { get; }

    /// <summary>True for generated valid programs: they must not produce NL0001.</summary>
    public bool ExpectNoSyntaxErrors { get; }
}
