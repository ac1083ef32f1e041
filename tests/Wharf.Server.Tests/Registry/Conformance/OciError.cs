using System.Text.Json;
using System.Text.Json.Serialization;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>One entry of <see cref="OciErrorEnvelope"/>; <c>detail</c> is free-form JSON.</summary>
public sealed record OciError(
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("detail")] JsonElement? Detail);
