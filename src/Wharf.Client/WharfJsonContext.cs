using System.Text.Json;
using System.Text.Json.Serialization;
using Wharf.Client.Auth;
using Wharf.Client.Registry;

namespace Wharf.Client;

/// <summary>Source-generated JSON metadata for every wire contract; camelCase like the REST API.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(ServerStatus))]
[JsonSerializable(typeof(ProblemDetailsPayload))]
[JsonSerializable(typeof(RepositoryPage))]
[JsonSerializable(typeof(TagPage))]
[JsonSerializable(typeof(GarbageCollectionResult))]
[JsonSerializable(typeof(RegistryCheckReport))]
[JsonSerializable(typeof(RegistryTokenResponse))]
[JsonSerializable(typeof(WhoAmI))]
public sealed partial class WharfJsonContext : JsonSerializerContext;
