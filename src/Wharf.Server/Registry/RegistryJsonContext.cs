using System.Text.Json.Serialization;

namespace Wharf.Server.Registry;

[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;
