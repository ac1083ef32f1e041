using System.Security.Cryptography;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>Content digests (<c>algorithm:hex</c>) computed by the test, never read back from the registry.</summary>
public static class OciDigest
{
    public const string Sha256 = "sha256";
    public const string Sha512 = "sha512";

    public static string Compute(ReadOnlySpan<byte> content, string algorithm = Sha256) => algorithm switch
    {
        Sha256 => $"{Sha256}:{Convert.ToHexStringLower(SHA256.HashData(content))}",
        Sha512 => $"{Sha512}:{Convert.ToHexStringLower(SHA512.HashData(content))}",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unsupported digest algorithm"),
    };

    /// <summary>The digest of content nobody pushes: a well-formed reference to something that does not exist.</summary>
    public static string Missing(string label, string algorithm = Sha256) => Compute(TestBytes.Create("missing:" + label, 64), algorithm);
}
