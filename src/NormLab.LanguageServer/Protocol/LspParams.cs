using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using StreamJsonRpc;

namespace NormLab.LanguageServer.Protocol;

/// <summary>
/// The one check of every message's params, for requests and notifications alike: the params arrive as JSON
/// (<see cref="JsonElement"/>) and are checked against the type they are read into before they are read. A member
/// marked <see cref="JsonRequiredAttribute"/> must be present and not null; any member present must have the JSON
/// kind of its type (a string for a string, a number for a number, an object for a class, an array of non-null items
/// for a list), and null only where the member's type is nullable (<c>?</c>). A mismatch is the protocol's invalid
/// params (-32602) with one line that names the member (<c>params.textDocument.uri is missing</c>); the server answers
/// it to a request and logs it for a notification. Nothing of a malformed message reaches a handler, so no handler
/// can fail on one with a NullReferenceException (found by tools/NormLab.Fuzz --target protocol).
/// </summary>
internal static class LspParams
{
    /// <summary>JSON-RPC's invalid params.</summary>
    public const int InvalidParams = -32602;

    private static readonly ConcurrentDictionary<Type, Member[]> Plans = new();

    /// <summary>The params read into <typeparamref name="T"/>, or a -32602 <see cref="LocalRpcException"/> that names what is wrong.</summary>
    public static T Read<T>(JsonElement? raw)
        where T : class
    {
        if (raw is not { } element || element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            throw Invalid("the message has no params.");
        }

        Check(element, typeof(T), nullable: false, "params");
        try
        {
            return element.Deserialize<T>(LspJson.Options) ?? throw Invalid("the message has no params.");
        }
        catch (JsonException e)
        {
            // the kinds were checked: what is left is a number out of its type's range (a version of 1e20, 1.5)
            throw Invalid($"{Name(e.Path)} is out of range.");
        }
    }

    /// <summary>An invalid-params error with <paramref name="detail"/>, on one line.</summary>
    public static LocalRpcException Invalid(string detail) =>
        new("Invalid params: " + OneLine(detail)) { ErrorCode = InvalidParams };

    private static void Check(JsonElement element, Type type, bool nullable, string path)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            if (!nullable)
            {
                throw Invalid($"{path} is null.");
            }

            return;
        }

        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(JsonElement))
        {
            return;
        }

        if (type == typeof(string))
        {
            Expect(element, JsonValueKind.String, "a string", path);
        }
        else if (type == typeof(int) || type == typeof(long) || type == typeof(double))
        {
            Expect(element, JsonValueKind.Number, "a number", path);
        }
        else if (type == typeof(bool))
        {
            if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw Invalid($"{path} is {KindOf(element)}, not a boolean.");
            }
        }
        else if (ItemType(type) is { } item)
        {
            Expect(element, JsonValueKind.Array, "an array", path);
            var index = 0;
            foreach (var value in element.EnumerateArray())
            {
                Check(value, item, nullable: false, path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]");
                index++;
            }
        }
        else
        {
            Expect(element, JsonValueKind.Object, "an object", path);
            foreach (var member in Plans.GetOrAdd(type, Plan))
            {
                if (!TryGetMember(element, member.Name, out var value))
                {
                    if (member.Required)
                    {
                        throw Invalid($"{path}.{member.Name} is missing.");
                    }

                    continue;
                }

                Check(value, member.Type, member.Nullable && !member.Required, path + "." + member.Name);
            }
        }
    }

    private static void Expect(JsonElement element, JsonValueKind kind, string what, string path)
    {
        if (element.ValueKind != kind)
        {
            throw Invalid($"{path} is {KindOf(element)}, not {what}.");
        }
    }

    /// <summary>A member by name, as the reader finds it (<see cref="LspJson.Options"/> ignores case); the last of duplicates.</summary>
    private static bool TryGetMember(JsonElement element, string name, out JsonElement value)
    {
        if (element.TryGetProperty(name, out value))
        {
            return true;
        }

        var found = false;
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                found = true;
            }
        }

        return found;
    }

    private static string KindOf(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static Type? ItemType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(List<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>)))
        {
            return type.GetGenericArguments()[0];
        }

        return null;
    }

    private static Member[] Plan(Type type)
    {
        var context = new NullabilityInfoContext();
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .Select(p => new Member(
                p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name),
                p.PropertyType,
                p.GetCustomAttribute<JsonRequiredAttribute>() is not null,
                Nullable.GetUnderlyingType(p.PropertyType) is not null || context.Create(p).WriteState == NullabilityState.Nullable))
            .ToArray();
    }

    /// <summary><c>$.textDocument.version</c> (System.Text.Json's path) as <c>params.textDocument.version</c>.</summary>
    private static string Name(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "params" : "params" + path.Substring(1);

    /// <summary>Control characters (a line break in a member's name) as escapes: the message stays one line.</summary>
    private static string OneLine(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : c.ToString());
        }

        return builder.ToString();
    }

    private sealed record Member(string Name, Type Type, bool Required, bool Nullable);
}
