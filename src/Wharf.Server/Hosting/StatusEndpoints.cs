using Microsoft.Extensions.Options;
using Wharf.Server.Auth;
using Wharf.Client;
using Wharf.Server.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Wharf.Server.Storage;

namespace Wharf.Server.Hosting;

/// <summary><c>GET /api/v1/status</c>: what the server runs on, for the CLI's <c>wharf status</c> and the dashboard.</summary>
internal static class StatusEndpoints
{
    public static IEndpointRouteBuilder MapWharfStatus(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/status", GetStatusAsync).WithName("GetStatus").RequireSignedIn();
        return endpoints;
    }

    internal static async Task<Ok<ServerStatus>> GetStatusAsync(
        ServerStatusReader reader, CancellationToken cancellationToken)
        => TypedResults.Ok(await reader.ReadAsync(cancellationToken));
}

/// <summary>Gathers the status figures; shared by the API and the UI dashboard.</summary>
internal sealed class ServerStatusReader(
    IOptions<WharfOptions> wharf,
    IOptions<DatabaseOptions> database,
    IBlobStore blobs,
    BlobStoreDescription blobDescription,
    DatabaseSchema schema)
{
    public async Task<ServerStatus> ReadAsync(CancellationToken cancellationToken = default)
    {
        var usage = await blobs.GetUsageAsync(cancellationToken);
        return new ServerStatus(
            HostingExtensions.Version,
            wharf.Value.DataDirectoryFullPath,
            new DatabaseStatus(database.Value.Provider, SchemaVersion: schema.CurrentMigration),
            new BlobStoreStatus(blobDescription.Provider, usage.Count, usage.TotalBytes));
    }
}
