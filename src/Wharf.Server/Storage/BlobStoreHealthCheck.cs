using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Wharf.Server.Storage;

/// <summary>Readiness: the blob store accepts writes. A full or read-only disk takes the server out of rotation.</summary>
internal sealed class BlobStoreHealthCheck(IBlobStore store, BlobStoreDescription description) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["provider"] = description.Provider };
        if (description.Location is { } location)
        {
            data["location"] = location;
        }

        try
        {
            await store.CheckWritableAsync(cancellationToken);
            return HealthCheckResult.Healthy("blob store is writable", data);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var reason = ex is IOException io && io.IsDiskFull() ? "blob store disk is full" : "blob store is not writable";
            return new HealthCheckResult(context.Registration.FailureStatus, $"{reason}: {ex.Message}", ex, data);
        }
    }
}
