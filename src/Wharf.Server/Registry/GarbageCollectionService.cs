using Microsoft.Extensions.Options;

namespace Wharf.Server.Registry;

/// <summary>Runs registry garbage collection on the configured schedule (<c>Wharf:Registry:GarbageCollectionInterval</c>).</summary>
internal sealed class GarbageCollectionService(
    RegistryGarbageCollector collector,
    IOptions<RegistryOptions> options,
    TimeProvider time,
    ILogger<GarbageCollectionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.GarbageCollectionInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await collector.CollectAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failed run (database busy, disk error) must not stop the schedule; the next tick tries again.
                Log.GarbageCollectionFailed(logger, ex);
            }
        }
    }
}
