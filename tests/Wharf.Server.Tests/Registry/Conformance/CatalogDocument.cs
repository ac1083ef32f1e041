using System.Text.Json.Serialization;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>The body of <c>GET /v2/_catalog</c>.</summary>
public sealed record CatalogDocument([property: JsonPropertyName("repositories")] IReadOnlyList<string>? Repositories);
