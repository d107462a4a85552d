using System;
using System.Security.Cryptography;
using System.Text;

namespace NormLab.Runtime.Export;

/// <summary>
/// The hash of the source a network was built from, which exported files carry in their metadata so that a model
/// can be traced back to its text: the SHA-256 (lowercase hex) of the whole source file's UTF-8 bytes. The whole
/// file, not the network's lines: a network may use blocks declared elsewhere in it. The ONNX export writes the
/// same hash.
/// </summary>
public static class SourceHash
{
    /// <summary>The hash of <paramref name="source"/>.</summary>
    public static string Compute(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)));
    }
}
