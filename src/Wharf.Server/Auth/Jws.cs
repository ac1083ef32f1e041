using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Wharf.Server.Auth;

/// <summary>
/// The compact JWS encoding, for one algorithm only: ES256 (P-256, SHA-256, the 64-byte r||s signature of RFC 7518
/// §3.4, which is .NET's IEEE P1363 format). Nothing here reads the algorithm from the token.
/// </summary>
internal static class Jws
{
    public const string Algorithm = "ES256";

    public static string Sign(SigningKey key, ReadOnlySpan<byte> payloadJson)
    {
        var header = $$"""{"alg":"{{Algorithm}}","typ":"JWT","kid":"{{key.KeyId}}"}""";
        var signingInput = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header)) + "." + Base64Url.EncodeToString(payloadJson);
        var signature = key.Key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }
}
