using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;

namespace NormLab.Fuzz;

/// <summary>One input of a byte-oriented target (protocol, study): its kind (for the log and the file name) and its bytes.</summary>
internal sealed record FuzzInput(string Kind, byte[] Bytes);

/// <summary>
/// A target other than the language's: makes inputs and checks them in the worker process. <see cref="Check"/> returns
/// null when the input passed, else what went wrong.
/// </summary>
internal interface IFuzzTarget : IDisposable
{
    /// <summary>protocol or study.</summary>
    string Name { get; }

    FuzzInput Next();

    string? Check(FuzzInput input, TimeSpan budget);

    /// <summary>The file extension a failing input is saved with (it tells --replay the target and the kind).</summary>
    string ExtensionOf(FuzzInput input);

    /// <summary>Things worth a look that are no failures (printed at the end of the worker).</summary>
    IReadOnlyDictionary<string, long> Notes { get; }

    /// <summary>
    /// Problems of the machine rather than of the code under test (a fresh server that answers only when given far more
    /// time than the load-scaled budget: see ProtocolTarget.Restart), in the order seen. Never failures, never silent:
    /// the worker prints and saves each, and the supervisor counts them apart (exit code 3 when they are all there is).
    /// </summary>
    IReadOnlyList<string> MachineProblems => Array.Empty<string>();
}

/// <summary>Structural mutations of JSON documents (nulls, wrong types, missing and extra fields, extreme numbers, deep nesting).</summary>
internal sealed class JsonMutator
{
    private static readonly string[] Numbers =
    {
        "0", "-1", "1", "2147483647", "2147483648", "-2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "1e308", "1e309", "-1e309", "4.9e-324", "0.5", "-0.0", "1E400", "123456789012345678901234567890",
    };

    private static readonly string[] Strings =
    {
        string.Empty, " ", "..", ".", "../x", "..\\x", "/etc/passwd", "C:\\x", "a/b", "a\\b", "x\u0000y", "\uD800", "\uFFFF", "CON", "nul",
        "file:///../../x", "é", "K", "\u212A", "ǅ", "NaN", "Infinity", "-Infinity", "null", "true", "%2e%2e%2fx", "a:b", "x ", "x.",
    };

    private readonly Random _random;

    public JsonMutator(Random random) => _random = random;

    /// <summary>A random JSON value (a few levels deep).</summary>
    public JsonNode? RandomValue(int depth = 0)
    {
        switch (_random.Next(depth > 3 ? 5 : 8))
        {
            case 0: return null;
            case 1: return JsonValue.Create(_random.Next(2) == 0);
            case 2: return JsonNode.Parse(Numbers[_random.Next(Numbers.Length)]);
            case 3: return JsonValue.Create(Strings[_random.Next(Strings.Length)]);
            case 4: return JsonValue.Create(RandomText(_random.Next(20)));
            case 5:
            {
                var array = new JsonArray();
                for (var i = _random.Next(4); i > 0; i--)
                {
                    array.Add(RandomValue(depth + 1));
                }

                return array;
            }

            default:
            {
                var obj = new JsonObject();
                for (var i = _random.Next(4); i > 0; i--)
                {
                    obj[RandomText(_random.Next(1, 8))] = RandomValue(depth + 1);
                }

                return obj;
            }
        }
    }

    public string RandomText(int length)
    {
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(_random.Next(10) switch
            {
                0 => (char)_random.Next(0, 0x20),
                1 => (char)_random.Next(0x80, 0xFFFF),
                _ => (char)_random.Next(0x20, 0x7F),
            });
        }

        return builder.ToString();
    }

    /// <summary>A number that is extreme for the field it replaces.</summary>
    public JsonNode ExtremeNumber() => JsonNode.Parse(Numbers[_random.Next(Numbers.Length)])!;

    public string HostileString() => Strings[_random.Next(Strings.Length)];

    /// <summary>Applies 1..3 mutations to <paramref name="root"/> (which may be replaced; the result is returned).</summary>
    public JsonNode? Mutate(JsonNode? root)
    {
        var count = 1 + _random.Next(3);
        for (var i = 0; i < count; i++)
        {
            root = MutateOnce(root);
        }

        return root;
    }

    private JsonNode? MutateOnce(JsonNode? root)
    {
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        if (nodes.Count == 0 || _random.Next(50) == 0)
        {
            return RandomValue();
        }

        var target = nodes[_random.Next(nodes.Count)];
        switch (_random.Next(9))
        {
            case 0: // remove a field or an element
                if (target is JsonObject removeFrom && removeFrom.Count > 0)
                {
                    removeFrom.Remove(removeFrom.ElementAt(_random.Next(removeFrom.Count)).Key);
                }
                else if (target is JsonArray removeAt && removeAt.Count > 0)
                {
                    removeAt.RemoveAt(_random.Next(removeAt.Count));
                }

                break;
            case 1: // add a field or an element
                if (target is JsonObject addTo)
                {
                    addTo[_random.Next(2) == 0 ? HostileString() : RandomText(5)] = RandomValue();
                }
                else if (target is JsonArray append)
                {
                    append.Add(RandomValue());
                }

                break;
            case 2: // duplicate an element (case twins when it is a string)
                if (target is JsonArray duplicate && duplicate.Count > 0)
                {
                    var copy = duplicate[_random.Next(duplicate.Count)]?.DeepClone();
                    duplicate.Add(_random.Next(2) == 0 ? CaseTwin(copy) : copy);
                }

                break;
            default: // replace a child
                var children = Children(target);
                if (children.Count == 0)
                {
                    break;
                }

                var (key, index, value) = children[_random.Next(children.Count)];
                var replacement = _random.Next(6) switch
                {
                    0 => null,
                    1 => ExtremeNumber(),
                    2 => JsonValue.Create(HostileString()),
                    3 => Nest(_random.Next(2) == 0 ? 70 : 3000),
                    4 => value is JsonValue v && v.TryGetValue<string>(out var s) ? JsonValue.Create(s.ToUpperInvariant() == s ? s.ToLowerInvariant() : s.ToUpperInvariant()) : RandomValue(),
                    _ => RandomValue(),
                };
                if (key is not null)
                {
                    ((JsonObject)target)[key] = replacement;
                }
                else
                {
                    ((JsonArray)target)[index] = replacement;
                }

                break;
        }

        return root;
    }

    private JsonNode? CaseTwin(JsonNode? node)
    {
        if (node is JsonObject obj)
        {
            foreach (var (key, value) in obj.ToList())
            {
                if (value is JsonValue v && v.TryGetValue<string>(out var s))
                {
                    obj[key] = s.ToUpperInvariant() == s ? s.ToLowerInvariant() : s.ToUpperInvariant();
                }
            }
        }
        else if (node is JsonValue value && value.TryGetValue<string>(out var text))
        {
            return JsonValue.Create(text.ToUpperInvariant() == text ? text.ToLowerInvariant() : text.ToUpperInvariant());
        }

        return node;
    }

    /// <summary>[[[…]]] <paramref name="depth"/> deep (over System.Text.Json's default limit of 64 when depth is 70 or more).</summary>
    private static JsonNode Nest(int depth)
    {
        JsonNode node = new JsonArray();
        for (var i = 1; i < Math.Min(depth, 60); i++)
        {
            node = new JsonArray(node);
        }

        // deeper than the writer allows as nodes: as raw text, which the reader refuses (a depth error)
        return depth <= 60 ? node : JsonValue.Create("deep")!;
    }

    private static void Collect(JsonNode? node, List<JsonNode> into)
    {
        if (node is JsonObject obj)
        {
            into.Add(obj);
            foreach (var (_, value) in obj)
            {
                Collect(value, into);
            }
        }
        else if (node is JsonArray array)
        {
            into.Add(array);
            foreach (var value in array)
            {
                Collect(value, into);
            }
        }
    }

    private static List<(string? Key, int Index, JsonNode? Value)> Children(JsonNode node)
    {
        var list = new List<(string?, int, JsonNode?)>();
        if (node is JsonObject obj)
        {
            foreach (var (key, value) in obj)
            {
                list.Add((key, -1, value));
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                list.Add((null, i, array[i]));
            }
        }

        return list;
    }

    /// <summary>Byte-level damage: truncation, bad UTF-8, flipped and inserted bytes, deep nesting as text.</summary>
    public byte[] DamageBytes(byte[] bytes)
    {
        var list = new List<byte>(bytes);
        var count = 1 + _random.Next(3);
        for (var i = 0; i < count; i++)
        {
            var at = list.Count == 0 ? 0 : _random.Next(list.Count + 1);
            switch (_random.Next(7))
            {
                case 0:
                    if (list.Count > 0)
                    {
                        list.RemoveRange(at == list.Count ? 0 : at, list.Count - (at == list.Count ? 0 : at));
                    }

                    break;
                case 1:
                    list.InsertRange(at, new byte[][] { new byte[] { 0xC3, 0x28 }, new byte[] { 0xFF }, new byte[] { 0xED, 0xA0, 0x80 }, new byte[] { 0xF4, 0x90, 0x80, 0x80 }, new byte[] { 0xE2, 0x82 } }[_random.Next(5)]);
                    break;
                case 2:
                    if (list.Count > 0)
                    {
                        list[Math.Min(at, list.Count - 1)] ^= (byte)(1 << _random.Next(8));
                    }

                    break;
                case 3:
                    list.InsertRange(at, Encoding.ASCII.GetBytes(new[] { "{", "}", "[", "]", "\"", ",", ":", "\\", "null", "1e999" }[_random.Next(10)]));
                    break;
                case 4:
                    var depth = _random.Next(2) == 0 ? 65 : 100_000;
                    list.InsertRange(at, Enumerable.Repeat((byte)'[', depth).Concat(Enumerable.Repeat((byte)']', depth)));
                    break;
                case 5:
                    var random = new byte[_random.Next(1, 16)];
                    _random.NextBytes(random);
                    list.InsertRange(at, random);
                    break;
                default:
                    if (list.Count > 1)
                    {
                        var from = _random.Next(list.Count);
                        list.RemoveRange(from, Math.Min(list.Count - from, _random.Next(1, 8)));
                    }

                    break;
            }
        }

        return list.ToArray();
    }

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);
}
