using Microsoft.Extensions.Options;
using Wharf.Server.Hosting;

namespace Wharf.Server.Storage;

/// <summary>
/// Opens the blob store at start-up rather than on the first request, so an unusable directory stops the server with
/// a clear message and the leftovers of a crashed write are swept before anything is served.
/// </summary>
internal sealed class BlobStoreInitializer(IServiceProvider services, IOptions<StorageOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _ = services.GetRequiredService<IBlobStore>();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupException(
                $"the blob store directory '{options.Value.Path}' ({StorageOptions.Section}:Path) cannot be used: {ex.Message}", ex);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
