using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Wharf.Server.Events.Webhooks;

/// <summary>
/// The body a receiver gets: <c>{"id","type","occurred_at","project","data"}</c>, where <c>data</c> is the event's own
/// payload as the outbox stored it and <c>id</c> is the event's id (the same for every webhook it goes to).
/// </summary>
internal static class WebhookPayload
{
    public const string PingType = "wharf.ping";

    public static string Build(string id, string type, DateTimeOffset occurredAt, string project, string dataJson)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteString("type", type);
            writer.WriteString("occurred_at", occurredAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("project", project);
            writer.WritePropertyName("data");
            writer.WriteRawValue(dataJson, skipInputValidation: false);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string Sha256(string body) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));

    /// <summary>
    /// The project an event belongs to: its <c>project</c> field, or the first segment of its <c>repository</c> field
    /// (registry events name repositories <c>&lt;project&gt;/&lt;name&gt;</c>); null when it carries neither.
    /// </summary>
    public static string? ProjectOf(string payload)
    {
        using var document = JsonDocument.Parse(payload);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (document.RootElement.TryGetProperty("project", out var project) && project.ValueKind == JsonValueKind.String)
        {
            return project.GetString();
        }

        if (document.RootElement.TryGetProperty("repository", out var repository) && repository.ValueKind == JsonValueKind.String
            && repository.GetString() is { } name && name.IndexOf('/', StringComparison.Ordinal) is var slash and > 0)
        {
            return name[..slash];
        }

        return null;
    }
}
