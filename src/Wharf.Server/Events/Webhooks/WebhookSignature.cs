using System.Security.Cryptography;
using System.Text;

namespace Wharf.Server.Events.Webhooks;

/// <summary>
/// <c>X-Wharf-Signature: sha256=&lt;hex&gt;</c>, the HMAC-SHA256 of <c>"&lt;X-Wharf-Timestamp&gt;.&lt;body&gt;"</c> keyed
/// with the secret's UTF-8 bytes. Signing the timestamp with the body lets a receiver refuse replays of old requests.
/// </summary>
internal static class WebhookSignature
{
    public const string Scheme = "sha256=";

    public static string Compute(string secret, long timestamp, string body)
    {
        var message = Encoding.UTF8.GetBytes($"{timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)}.{body}");
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
        return Scheme + Convert.ToHexStringLower(mac);
    }
}
