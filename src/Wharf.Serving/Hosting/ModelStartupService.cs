using Wharf.Serving.Models;

namespace Wharf.Serving.Hosting;

/// <summary>
/// Discovers and loads the models in the background, so the server answers liveness (and says why it is not ready)
/// while large models load.
/// </summary>
internal sealed class ModelStartupService(ModelRepository repository) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await repository.StartAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down during start-up.
        }
    }
}
