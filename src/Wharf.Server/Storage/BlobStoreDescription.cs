namespace Wharf.Server.Storage;

/// <summary>Which blob store driver is in use, for status pages.</summary>
internal sealed record BlobStoreDescription(string Provider, string? Location);
