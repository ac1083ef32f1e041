using System.Text.Json.Serialization;

namespace Wharf.Serving.Protocol;

/// <summary>Source-generated JSON for the protocol's small documents (tensor data has its own reader and writer).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(ServerMetadataResponse))]
[JsonSerializable(typeof(ModelMetadataResponse))]
[JsonSerializable(typeof(RepositoryIndexEntry[]))]
[JsonSerializable(typeof(RepositoryIndexRequest))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext;
