using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Prometheus;
using Wharf.Server.Data;

namespace Wharf.Server.Events;

/// <summary>
/// One pass of the outbox: fan out new events, deliver what is due, clean up. <see cref="EventDispatcher"/> runs
/// passes in a loop; tests run them one at a time.
/// </summary>
/// <remarks>
/// How an event travels, and why it arrives at least once:
/// <code>
///  feature:     db.AddEvent(e); SaveChanges ──► outbox_events row, in the SAME transaction as the change
///  1 fan-out:   event with dispatched_at NULL ──► one outbox_deliveries row per interested subscriber, and
///               dispatched_at set, in one transaction (a conditional UPDATE, so two dispatchers never both do it)
///  2 deliver:   due rows (undelivered, next_attempt_at &lt;= now, lease free, no earlier row of the same
///               subscriber and aggregate still owed unless delivered first in the same pass) ──► leased
///               (conditional UPDATE) ──► subscriber.HandleAsync in its own DI scope ──► delivered_at, or
///               attempts+1 and next_attempt_at = now + backoff
///  3 clean up:  events whose deliveries are all done, older than the retention ──► deleted (deliveries cascade)
/// </code>
/// Each delivery row is written only after its subscriber returned, so a crash at any point leaves the row owed:
/// an event not yet fanned out is fanned out by the next pass, a leased row is taken again when its lease expires.
/// The price is that a subscriber may see an event twice; it never silently misses one. Bookkeeping per
/// subscriber means a failing subscriber is retried alone, and the per-aggregate check holds back its later
/// events of the same aggregate until the earlier one is through. Leases and conditional updates, rather than
/// in-process locks, keep the door open to several server replicas sharing one database.
/// </remarks>
internal sealed class OutboxProcessor(
    IDbContextFactory<WharfDbContext> contextFactory,
    IServiceScopeFactory scopeFactory,
    IOptions<EventsOptions> options,
    TimeProvider timeProvider,
    ILogger<OutboxProcessor> logger)
{
    private static readonly TimeSpan CleanupInterval = TimeSpan.FromMinutes(10);

    private DateTimeOffset nextCleanupAt = DateTimeOffset.MinValue;

    public async Task<OutboxPassResult> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        List<(string Name, IReadOnlyCollection<string> EventTypes)> subscribers;
        await using (var scope = scopeFactory.CreateAsyncScope())
        {
            subscribers = scope.ServiceProvider.GetServices<IEventSubscriber>()
                .Select(s => (s.Name, s.EventTypes))
                .ToList();
        }

        var names = subscribers.Select(s => s.Name).ToList();
        var fannedOut = await FanOutAsync(subscribers, cancellationToken);
        var (claimed, delivered, failed) = await DeliverAsync(names, cancellationToken);
        await CleanUpAsync(cancellationToken);
        var pending = await CountPendingAsync(names, cancellationToken);
        EventsMetrics.Pending.Set(pending);

        var batchSize = options.Value.BatchSize;
        return new OutboxPassResult(fannedOut, delivered, failed, pending, fannedOut == batchSize || claimed == batchSize);
    }

    private async Task<int> FanOutAsync(
        IReadOnlyList<(string Name, IReadOnlyCollection<string> EventTypes)> subscribers,
        CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var events = await db.OutboxEvents
            .Where(e => e.DispatchedAt == null)
            .OrderBy(e => e.Id)
            .Take(options.Value.BatchSize)
            .Select(e => new { e.Id, e.Type, e.AggregateKey })
            .ToListAsync(cancellationToken);
        if (events.Count == 0)
        {
            return 0;
        }

        var now = timeProvider.GetUtcNow();
        var deliveries = 0;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var e in events)
        {
            // The conditional update is the claim: if another dispatcher fanned this event out first, it matches
            // nothing (PostgreSQL re-checks the condition after waiting for that dispatcher's row lock).
            var claimed = await db.OutboxEvents
                .Where(x => x.Id == e.Id && x.DispatchedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.DispatchedAt, (DateTimeOffset?)now), cancellationToken);
            if (claimed == 0)
            {
                continue;
            }

            foreach (var (name, eventTypes) in subscribers)
            {
                if (eventTypes.Contains(e.Type))
                {
                    db.OutboxDeliveries.Add(new OutboxDelivery
                    {
                        EventId = e.Id,
                        Subscriber = name,
                        AggregateKey = e.AggregateKey,
                        NextAttemptAt = now,
                    });
                    deliveries++;
                }
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Log.FannedOut(logger, events.Count, deliveries);
        return events.Count;
    }

    private async Task<(int Claimed, int Delivered, int Failed)> DeliverAsync(
        IReadOnlyList<string> subscriberNames, CancellationToken cancellationToken)
    {
        if (subscriberNames.Count == 0)
        {
            return default;
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var now = timeProvider.GetUtcNow();
        // Per subscriber and aggregate, events go out in order: an aggregate whose subscriber still owes an event
        // this pass cannot take (waiting for its retry, or leased by another dispatcher) sits the pass out, and
        // the other due rows go in event order, so a run of one aggregate's events goes out in one pass. Asking
        // per subscriber for its few held-back aggregates keeps a pass linear in the backlog: a per-row "is an
        // earlier one still owed" probe made every pass quadratic in one busy repository's events.
        var candidates = new List<DeliveryCandidate>();
        foreach (var name in subscriberNames)
        {
            var heldBack = await db.OutboxDeliveries
                .Where(d => d.Subscriber == name
                            && d.DeliveredAt == null
                            && d.AggregateKey != null
                            && (d.NextAttemptAt > now || (d.LeaseExpiresAt != null && d.LeaseExpiresAt > now)))
                .Select(d => d.AggregateKey!)
                .Distinct()
                .ToListAsync(cancellationToken);
            candidates.AddRange(await db.OutboxDeliveries
                .Where(d => d.Subscriber == name
                            && d.DeliveredAt == null
                            && d.NextAttemptAt <= now
                            && (d.LeaseExpiresAt == null || d.LeaseExpiresAt <= now)
                            && (d.AggregateKey == null || !heldBack.Contains(d.AggregateKey)))
                .OrderBy(d => d.EventId)
                .Take(options.Value.BatchSize)
                .Select(d => new DeliveryCandidate(d.Id, d.EventId, d.Subscriber, d.AggregateKey))
                .ToListAsync(cancellationToken));
        }

        candidates = [.. candidates.OrderBy(c => c.EventId).ThenBy(c => c.Id).Take(options.Value.BatchSize)];
        if (candidates.Count == 0)
        {
            return default;
        }

        var due = candidates.Select(c => c.Id).ToList();

        // Lease what is still free; the lease condition is repeated in the UPDATE so that a concurrent dispatcher
        // that leased some of these rows in the meantime keeps them.
        Guid? leaseId = Guid.NewGuid();
        DateTimeOffset? leaseExpiresAt = now + options.Value.LeaseDuration;
        await db.OutboxDeliveries
            .Where(d => due.Contains(d.Id) && d.DeliveredAt == null
                        && (d.LeaseExpiresAt == null || d.LeaseExpiresAt <= now))
            .ExecuteUpdateAsync(
                s => s.SetProperty(d => d.LeaseId, leaseId).SetProperty(d => d.LeaseExpiresAt, leaseExpiresAt),
                cancellationToken);
        var leased = await db.OutboxDeliveries
            .Include(d => d.Event)
            .Where(d => d.LeaseId == leaseId)
            .ToDictionaryAsync(d => d.Id, cancellationToken);

        // An aggregate stalls for the rest of the pass once one of its events was not ours to deliver (leased or
        // delivered by another dispatcher meanwhile) or failed: its later events wait for a later pass.
        var stalled = new HashSet<(string Subscriber, string AggregateKey)>();
        var delivered = 0;
        var failed = 0;
        try
        {
            foreach (var candidate in candidates)
            {
                (string, string)? aggregate = candidate.AggregateKey is null ? null : (candidate.Subscriber, candidate.AggregateKey);
                if (!leased.TryGetValue(candidate.Id, out var delivery))
                {
                    if (aggregate is { } notOurs)
                    {
                        stalled.Add(notOurs);
                    }

                    continue;
                }

                cancellationToken.ThrowIfCancellationRequested();

                // A stalled aggregate's later rows are handed back untouched.
                if (aggregate is not { } key || !stalled.Contains(key))
                {
                    if (await DeliverOneAsync(delivery, cancellationToken))
                    {
                        delivered++;
                    }
                    else
                    {
                        failed++;
                        if (aggregate is { } failing)
                        {
                            stalled.Add(failing);
                        }
                    }
                }

                delivery.LeaseId = null;
                delivery.LeaseExpiresAt = null;

                // Recorded even when stopping: the subscriber has already run.
                await db.SaveChangesAsync(CancellationToken.None);
            }
        }
        finally
        {
            if (cancellationToken.IsCancellationRequested)
            {
                // Hand back what this pass didn't get to, so the next start needn't wait for the lease to expire.
                await db.OutboxDeliveries
                    .Where(d => d.LeaseId == leaseId && d.DeliveredAt == null)
                    .ExecuteUpdateAsync(
                        s => s.SetProperty(d => d.LeaseId, (Guid?)null).SetProperty(d => d.LeaseExpiresAt, (DateTimeOffset?)null),
                        CancellationToken.None);
            }
        }

        return (leased.Count, delivered, failed);
    }

    private async Task<bool> DeliverOneAsync(OutboxDelivery delivery, CancellationToken cancellationToken)
    {
        var envelope = new EventEnvelope(
            delivery.EventId, delivery.Event.Type, delivery.AggregateKey, delivery.Event.OccurredAt,
            delivery.Event.Payload, delivery.Attempts + 1);
        try
        {
            await using var scope = scopeFactory.CreateAsyncScope();
            var subscriber = scope.ServiceProvider.GetServices<IEventSubscriber>()
                .First(s => string.Equals(s.Name, delivery.Subscriber, StringComparison.Ordinal));
            using (EventsMetrics.DeliveryDuration.WithLabels(delivery.Subscriber).NewTimer())
            {
                await subscriber.HandleAsync(envelope, cancellationToken);
            }

            delivery.Attempts++;
            delivery.DeliveredAt = timeProvider.GetUtcNow();
            delivery.LastError = null;
            EventsMetrics.Dispatched.WithLabels(delivery.Subscriber).Inc();
            Log.Delivered(logger, delivery.EventId, envelope.Type, delivery.Subscriber);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            delivery.Attempts++;
            delivery.NextAttemptAt = timeProvider.GetUtcNow() + options.Value.RetryDelay(delivery.Attempts);
            var error = $"{ex.GetType().Name}: {ex.Message}";
            delivery.LastError = error.Length <= OutboxDelivery.MaxErrorLength ? error : error[..OutboxDelivery.MaxErrorLength];
            EventsMetrics.Failures.WithLabels(delivery.Subscriber).Inc();
            Log.DeliveryFailed(
                logger, delivery.Subscriber, delivery.EventId, envelope.Type, delivery.Attempts, delivery.NextAttemptAt, ex);
            return false;
        }
    }

    private async Task CleanUpAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (now < nextCleanupAt)
        {
            return;
        }

        nextCleanupAt = now + CleanupInterval;
        DateTimeOffset? cutoff = now - options.Value.Retention;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var deleted = await db.OutboxEvents
            .Where(e => e.DispatchedAt != null && e.DispatchedAt < cutoff && e.Deliveries.All(d => d.DeliveredAt != null))
            .ExecuteDeleteAsync(cancellationToken);
        if (deleted > 0)
        {
            Log.CleanedUp(logger, deleted);
        }
    }

    private async Task<int> CountPendingAsync(IReadOnlyList<string> subscriberNames, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var events = await db.OutboxEvents.CountAsync(e => e.DispatchedAt == null, cancellationToken);
        var deliveries = await db.OutboxDeliveries
            .CountAsync(d => d.DeliveredAt == null && subscriberNames.Contains(d.Subscriber), cancellationToken);
        return events + deliveries;
    }

    private sealed record DeliveryCandidate(long Id, long EventId, string Subscriber, string? AggregateKey);
}
