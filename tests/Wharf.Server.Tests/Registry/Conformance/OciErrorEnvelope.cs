using System.Text.Json.Serialization;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>The error body of the distribution spec: <c>{"errors":[{"code","message","detail"}]}</c>.</summary>
public sealed record OciErrorEnvelope([property: JsonPropertyName("errors")] IReadOnlyList<OciError>? Errors);
