namespace Wharf.Serving.Protocol;

/// <summary><c>GET /v2</c>.</summary>
internal sealed record ServerMetadataResponse(string Name, string Version, IReadOnlyList<string> Extensions);
