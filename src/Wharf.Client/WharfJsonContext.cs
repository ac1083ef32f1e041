using System.Text.Json;
using System.Text.Json.Serialization;

namespace Wharf.Client;

/// <summary>Source-generated JSON metadata for every wire contract; camelCase like the REST API.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(ServerStatus))]
[JsonSerializable(typeof(ProblemDetailsPayload))]
public sealed partial class WharfJsonContext : JsonSerializerContext;
