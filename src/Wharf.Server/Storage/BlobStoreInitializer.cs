using Microsoft.Extensions.Options;
using Wharf.Server.Hosting;

namespace Wharf.Server.Storage;

/// <summary>
/// Opens the blob store at start-up rather than on the first request, so an unusable directory stops the server with
/// a clear message and the leftovers of a crashed write are swept before anything is served.
/// </summary>
internal sealed class BlobStoreInitializer(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Open(services);
        return Task.CompletedTask;
    }

    /// <summary>Opens the store (idempotent: it is a singleton), turning an unusable directory into a refusal to start.</summary>
    public static void Open(IServiceProvider services)
    {
        try
        {
            _ = services.GetRequiredService<IBlobStore>();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var path = services.GetRequiredService<IOptions<StorageOptions>>().Value.Path;
            throw new StartupException($"the blob store directory '{path}' ({StorageOptions.Section}:Path) cannot be used: {ex.Message}", ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
