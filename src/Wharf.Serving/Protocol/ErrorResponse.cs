namespace Wharf.Serving.Protocol;

/// <summary>The protocol's error body, <c>{"error": "..."}</c>.</summary>
internal sealed record ErrorResponse(string Error);
