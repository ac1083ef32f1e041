using Microsoft.Extensions.Options;
using Prometheus;

namespace Wharf.Server.Hosting;

/// <summary>
/// Creates the data directory, logs start and stop, and publishes the build-info metric. Registered first, so it
/// runs before the features that keep files in the data directory.
/// </summary>
internal sealed class HostLifetime(ILogger<HostLifetime> logger, IOptions<WharfOptions> options) : IHostedService
{
    private static readonly Gauge BuildInfo = Metrics.CreateGauge(
        "wharf_build_info", "Wharf build information; the value is always 1.", "version");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.Value.DataDirectoryFullPath);
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
