using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wharf.Server.Data;

namespace Wharf.Server.Events.Webhooks;

/// <summary>
/// Sends due webhook deliveries. It claims at most as many rows as it has free slots
/// (<see cref="WebhooksOptions.MaxConcurrency"/>) with a lease (a conditional UPDATE, as the outbox does, so server
/// replicas sharing a database never send one row twice at once), sends each in its own task, and records each
/// attempt as it ends: a dead receiver occupies one slot for at most the request timeout while the others go on.
/// </summary>
/// <remarks>
/// A delivery's life: <c>Pending</c> (next_attempt_at = now) ──► attempt ──► 2xx: <c>Delivered</c>; otherwise
/// attempts &lt; max: next_attempt_at = now + backoff with jitter, still <c>Pending</c>; else <c>Failed</c>. A crash
/// mid-attempt leaves the row leased; it is sent again when the lease expires (receivers deduplicate by
/// <c>X-Wharf-Delivery</c>).
/// </remarks>
internal sealed class WebhookDeliveryService(
    IDbContextFactory<WharfDbContext> contextFactory,
    WebhookSender sender,
    WebhookSecrets secrets,
    WebhookSignal signal,
    IOptions<WebhooksOptions> options,
    TimeProvider timeProvider,
    ILogger<WebhookDeliveryService> logger) : BackgroundService
{
    private DateTimeOffset _nextCleanupAt = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var slots = new SemaphoreSlim(options.Value.MaxConcurrency);
        var inFlight = new HashSet<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var claimed = 0;
                try
                {
                    inFlight.RemoveWhere(t => t.IsCompleted);
                    await CleanUpAsync(stoppingToken);
                    var free = slots.CurrentCount;
                    if (free > 0)
                    {
                        var leased = await ClaimAsync(free, stoppingToken);
                        claimed = leased.Count;
                        foreach (var delivery in leased)
                        {
                            await slots.WaitAsync(stoppingToken);
                            inFlight.Add(RunAsync(delivery, slots, stoppingToken));
                        }
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    Log.PassFailed(logger, ex);
                }

                if (claimed == 0 || slots.CurrentCount == 0)
                {
                    try
                    {
                        await signal.WaitAsync(options.Value.PollInterval, timeProvider, stoppingToken);
                    }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                    {
                        break;
                    }
                }
            }
        }
        finally
        {
            await Task.WhenAll(inFlight);
            slots.Dispose();
        }
    }

    /// <summary>Deletes finished deliveries older than the retention (their attempts cascade), every ten minutes.</summary>
    private async Task CleanUpAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (now < _nextCleanupAt)
        {
            return;
        }

        _nextCleanupAt = now + TimeSpan.FromMinutes(10);
        DateTimeOffset? cutoff = now - options.Value.Retention;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await db.WebhookDeliveries
            .Where(d => d.State != WebhookDeliveryState.Pending && d.CompletedAt < cutoff)
            .ExecuteDeleteAsync(cancellationToken);
    }

    private async Task<List<WebhookDelivery>> ClaimAsync(int count, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var now = timeProvider.GetUtcNow();
        var due = await db.WebhookDeliveries
            .Where(d => d.State == WebhookDeliveryState.Pending && d.NextAttemptAt <= now
                        && (d.LeaseExpiresAt == null || d.LeaseExpiresAt <= now))
            .OrderBy(d => d.NextAttemptAt)
            .Take(count)
            .Select(d => d.Id)
            .ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return [];
        }

        Guid? leaseId = Guid.NewGuid();
        DateTimeOffset? leaseExpiresAt = now + options.Value.LeaseDuration;
        await db.WebhookDeliveries
            .Where(d => due.Contains(d.Id) && d.State == WebhookDeliveryState.Pending
                        && (d.LeaseExpiresAt == null || d.LeaseExpiresAt <= now))
            .ExecuteUpdateAsync(
                s => s.SetProperty(d => d.LeaseId, leaseId).SetProperty(d => d.LeaseExpiresAt, leaseExpiresAt),
                cancellationToken);
        return await db.WebhookDeliveries.AsNoTracking()
            .Include(d => d.Webhook)
            .Where(d => d.LeaseId == leaseId)
            .ToListAsync(cancellationToken);
    }

    private async Task RunAsync(WebhookDelivery delivery, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        // Off the claiming loop at once: the loop goes on claiming while this waits on the network.
        await Task.Yield();
        try
        {
            await SendOneAsync(delivery, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the lease expires and the next start sends it again.
        }
        catch (Exception ex)
        {
            Log.SendFailed(logger, delivery.DeliveryId, ex);
        }
        finally
        {
            slots.Release();
            signal.Notify();
        }
    }

    private async Task SendOneAsync(WebhookDelivery delivery, CancellationToken stoppingToken)
    {
        var webhook = delivery.Webhook;
        var attempt = delivery.Attempts + 1;
        var startedAt = timeProvider.GetUtcNow();
        WebhookAttemptResult result;
        var final = false;
        if (!webhook.Active && delivery.EventType != WebhookPayload.PingType)
        {
            result = new WebhookAttemptResult(null, "the webhook was deactivated before this delivery was sent", TimeSpan.Zero);
            final = true;
        }
        else if (secrets.Unprotect(webhook.ProtectedSecret) is not { } secret)
        {
            result = new WebhookAttemptResult(
                null, "the signing secret cannot be decrypted (the data directory's keys changed); set a new secret", TimeSpan.Zero);
            final = true;
        }
        else
        {
            result = await sender.SendAsync(new Uri(webhook.Url), delivery.EventType, delivery.DeliveryId, delivery.Body, secret, stoppingToken);
        }

        var now = timeProvider.GetUtcNow();
        var error = Cut(result.Error);
        WebhooksMetrics.Attempts.WithLabels(result.Succeeded ? "success" : "failure").Inc();
        WebhooksMetrics.AttemptDuration.Observe(result.Duration.TotalSeconds);
        WebhookDeliveryState state;
        DateTimeOffset next = delivery.NextAttemptAt;
        if (result.Succeeded)
        {
            state = WebhookDeliveryState.Delivered;
            Log.Delivered(logger, webhook.Id, delivery.DeliveryId, attempt, result.StatusCode);
        }
        else if (final || attempt >= options.Value.MaxAttempts)
        {
            state = WebhookDeliveryState.Failed;
            WebhooksMetrics.Failed.Inc();
            Log.GaveUp(logger, webhook.Id, delivery.DeliveryId, attempt, error);
        }
        else
        {
            state = WebhookDeliveryState.Pending;
            next = now + options.Value.RetryDelay(attempt, Random.Shared.NextDouble());
            Log.Retrying(logger, webhook.Id, delivery.DeliveryId, attempt, error, next);
        }

        // Recorded even when stopping: the receiver may have seen the request. Only while the lease is still this
        // pass's: if it expired and another sender took the row, that sender records its own attempt instead.
        int? statusCode = result.StatusCode;
        long? duration = (long)result.Duration.TotalMilliseconds;
        DateTimeOffset? completedAt = state == WebhookDeliveryState.Pending ? null : now;
        var leaseId = delivery.LeaseId;
        await using var db = await contextFactory.CreateDbContextAsync(CancellationToken.None);
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var updated = await db.WebhookDeliveries
            .Where(d => d.Id == delivery.Id && d.LeaseId == leaseId)
            .ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.Attempts, attempt)
                    .SetProperty(d => d.State, state)
                    .SetProperty(d => d.LastStatusCode, statusCode)
                    .SetProperty(d => d.LastError, error)
                    .SetProperty(d => d.LastDurationMs, duration)
                    .SetProperty(d => d.NextAttemptAt, next)
                    .SetProperty(d => d.CompletedAt, completedAt)
                    .SetProperty(d => d.UpdatedAt, now)
                    .SetProperty(d => d.LeaseId, (Guid?)null)
                    .SetProperty(d => d.LeaseExpiresAt, (DateTimeOffset?)null),
                CancellationToken.None);
        if (updated == 0)
        {
            return;
        }

        db.WebhookDeliveryAttempts.Add(new WebhookDeliveryAttempt
        {
            DeliveryId = delivery.Id,
            Attempt = attempt,
            StartedAt = startedAt,
            DurationMs = duration.Value,
            StatusCode = statusCode,
            Error = error,
        });
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
    }

    private static string? Cut(string? value) =>
        value is null || value.Length <= WebhookDelivery.MaxErrorLength ? value : value[..WebhookDelivery.MaxErrorLength];
}
