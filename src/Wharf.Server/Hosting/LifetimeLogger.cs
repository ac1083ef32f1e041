using Microsoft.Extensions.Options;
using Prometheus;

namespace Wharf.Server.Hosting;

/// <summary>Logs start and stop, and publishes the build-info metric.</summary>
internal sealed class LifetimeLogger(ILogger<LifetimeLogger> logger, IOptions<WharfOptions> options) : IHostedService
{
    private static readonly Gauge BuildInfo = Metrics.CreateGauge(
        "wharf_build_info", "Wharf build information; the value is always 1.", "version");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        BuildInfo.WithLabels(HostingExtensions.Version).Set(1);
        Log.Starting(logger, HostingExtensions.Version, options.Value.DataDirectoryFullPath);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Log.Stopping(logger);
        return Task.CompletedTask;
    }
}
