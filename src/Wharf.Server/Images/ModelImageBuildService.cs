using Microsoft.Extensions.Options;

namespace Wharf.Server.Images;

/// <summary>
/// The background builder: wakes on <c>models.version-ready</c> (<see cref="ModelImageSubscriber"/>), on a rebuild or
/// setting change, and every <see cref="ImagesOptions.PollInterval"/>; each pass enqueues what is owed and builds until
/// nothing is left (<see cref="ModelImageBuilds.ProcessAsync"/>). A pass that fails is retried on the next wake-up.
/// </summary>
internal sealed class ModelImageBuildService(
    IServiceScopeFactory scopes, ModelImageSignal signal, IOptions<ImagesOptions> options, ILogger<ModelImageBuildService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.PollInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ModelImageBuilds>().ProcessAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.PassFailed(logger, ex);
            }

            await signal.WaitAsync(interval, stoppingToken);
        }
    }
}
