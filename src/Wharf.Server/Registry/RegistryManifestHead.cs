namespace Wharf.Server.Registry;

/// <summary>What a manifest GET needs from the database besides the bytes, which come from <see cref="RegistryManifestCache"/>.</summary>
internal sealed record RegistryManifestHead(long Id, string Digest, string MediaType, long Size);
