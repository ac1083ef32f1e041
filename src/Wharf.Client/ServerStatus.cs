namespace Wharf.Client;

/// <summary>What a running Wharf server says about itself (<c>GET /api/v1/status</c>).</summary>
/// <param name="Version">The server's product version.</param>
/// <param name="DataDirectory">The absolute path of the server's data directory.</param>
/// <param name="Database">The metadata database in use.</param>
/// <param name="Blobs">The content-addressed blob store in use.</param>
public sealed record ServerStatus(string Version, string DataDirectory, DatabaseStatus Database, BlobStoreStatus Blobs);

/// <summary>The metadata database of a server.</summary>
/// <param name="Provider">"sqlite" or "postgres".</param>
/// <param name="SchemaVersion">The last applied migration.</param>
public sealed record DatabaseStatus(string Provider, string? SchemaVersion);

/// <summary>The blob store of a server.</summary>
/// <param name="Provider">"filesystem" or "memory".</param>
/// <param name="Count">How many blobs are stored.</param>
/// <param name="TotalBytes">How many bytes they hold.</param>
public sealed record BlobStoreStatus(string Provider, long Count, long TotalBytes);
