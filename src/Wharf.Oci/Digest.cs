using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Wharf.Oci;

/// <summary>
/// A content digest as the OCI image specification defines it: <c>algorithm ":" encoded</c>.
/// Only the registered algorithms <c>sha256</c> and <c>sha512</c> are accepted, with lowercase hex of the
/// exact length, so a parsed digest is always safe to use as a file name.
/// </summary>
public readonly record struct Digest
{
    private Digest(string algorithm, string hex)
    {
        Algorithm = algorithm;
        Hex = hex;
    }

    /// <summary>The algorithm: <c>sha256</c> or <c>sha512</c>.</summary>
    public string Algorithm { get; }

    /// <summary>The lowercase hex encoding of the hash.</summary>
    public string Hex { get; }

    /// <summary>True for the default value, which names no content.</summary>
    public bool IsEmpty => Algorithm is null;

    /// <summary>Parses a digest string, throwing <see cref="FormatException"/> with the reason when it is invalid.</summary>
    public static Digest Parse(string value)
        => TryParse(value, out var digest, out var error) ? digest : throw new FormatException(error);

    /// <summary>Parses a digest string without throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out Digest digest)
        => TryParse(value, out digest, out _);

    /// <summary>Parses a digest string without throwing, reporting why it is invalid.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out Digest digest, [NotNullWhen(false)] out string? error)
    {
        digest = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "digest is empty";
            return false;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            error = $"digest '{Truncate(value)}' is not of the form algorithm:hex";
            return false;
        }

        var algorithm = value[..colon];
        var hex = value[(colon + 1)..];
        var expectedLength = algorithm switch
        {
            "sha256" => 64,
            "sha512" => 128,
            _ => -1,
        };
        if (expectedLength < 0)
        {
            error = $"digest algorithm '{Truncate(algorithm)}' is not supported (sha256, sha512)";
            return false;
        }

        if (hex.Length != expectedLength || !IsLowerHex(hex))
        {
            error = $"digest '{Truncate(value)}' must have {expectedLength} lowercase hex characters after '{algorithm}:'";
            return false;
        }

        digest = new Digest(algorithm, hex);
        error = null;
        return true;
    }

    /// <summary>Creates a digest from a finished hash.</summary>
    public static Digest FromHash(string algorithm, ReadOnlySpan<byte> hash)
        => Parse($"{algorithm}:{Convert.ToHexStringLower(hash)}");

    /// <summary>Computes the sha256 digest of bytes in memory.</summary>
    public static Digest Sha256(ReadOnlySpan<byte> content) => FromHash("sha256", SHA256.HashData(content));

    /// <summary>Starts an incremental hash for this digest's algorithm.</summary>
    public IncrementalHash CreateHash() => CreateHash(Algorithm);

    /// <summary>Starts an incremental hash for an algorithm name.</summary>
    public static IncrementalHash CreateHash(string algorithm) => algorithm switch
    {
        "sha256" => IncrementalHash.CreateHash(HashAlgorithmName.SHA256),
        "sha512" => IncrementalHash.CreateHash(HashAlgorithmName.SHA512),
        _ => throw new ArgumentException($"digest algorithm '{algorithm}' is not supported", nameof(algorithm)),
    };

    /// <inheritdoc />
    public override string ToString() => IsEmpty ? string.Empty : $"{Algorithm}:{Hex}";

    private static bool IsLowerHex(string s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c) && c is < 'a' or > 'f')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Makes hostile input safe to echo in an error (which ends up in logs and response bodies): at most 80
    /// characters, never half a surrogate pair, and anything but printable ASCII as a <c>\uXXXX</c> escape.
    /// </summary>
    private static string Truncate(string s)
    {
        var length = Math.Min(s.Length, 80);
        if (length < s.Length && char.IsHighSurrogate(s[length - 1]))
        {
            length--;
        }

        var builder = new StringBuilder(length + 8);
        foreach (var c in s.AsSpan(0, length))
        {
            if (c is >= ' ' and <= '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
        }

        return length < s.Length ? builder.Append("...").ToString() : builder.ToString();
    }
}
