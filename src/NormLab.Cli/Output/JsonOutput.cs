using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using NormLab.Dsl.Shapes;

namespace NormLab.Cli.Output;

/// <summary>
/// The one way the command line writes JSON: indented, <c>\n</c> line ends on every OS, and messages
/// kept readable (<c>'bn'</c>, not <c>\u0027bn\u0027</c>). Numbers are written by
/// <see cref="Utf8JsonWriter"/>, which never depends on the culture. No control character reaches a terminal raw.
/// </summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        // the relaxed encoder escapes C0 controls only: DEL, C1 and the bidirectional controls that a file can hold
        // would reach a terminal raw. They can only stand inside strings, where TerminalText's \uXXXX is JSON's own
        // escape, so the document means the same.
        output.WriteLine(TerminalText.Escape(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), keepNewLines: true));
    }

    /// <summary>A shape as one compact array, <c>"output": [32, 28, 28]</c>, as cli.md shows it; null when unknown.</summary>
    public static void WriteShape(Utf8JsonWriter writer, string name, Shape? shape)
    {
        writer.WritePropertyName(name);
        if (shape is null)
        {
            writer.WriteNullValue();
            return;
        }

        var dimensions = new string[shape.Dimensions.Count];
        for (var i = 0; i < dimensions.Length; i++)
        {
            dimensions[i] = shape.Dimensions[i].ToString(CultureInfo.InvariantCulture);
        }

        writer.WriteRawValue("[" + string.Join(", ", dimensions) + "]");
    }
}
