using System.Text.Json.Serialization;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>The body of <c>GET /v2/&lt;name&gt;/tags/list</c>.</summary>
public sealed record TagListDocument(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("tags")] IReadOnlyList<string>? Tags);
