using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Wharf.Server.Data;

namespace Wharf.Server.Events;

/// <summary>
/// Stamps outbox events when they are saved and wakes the dispatcher once they are committed: after
/// <c>SaveChanges</c> when it ran in its own transaction, or after the caller's transaction commits.
/// </summary>
internal sealed class OutboxInterceptor(OutboxSignal signal, TimeProvider timeProvider)
    : SaveChangesInterceptor, IDbTransactionInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Stamp(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Stamp(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        SignalIfCommitted(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(
        SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        SignalIfCommitted(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
        => SignalCommitted(eventData.Context);

    public Task TransactionCommittedAsync(
        DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        SignalCommitted(eventData.Context);
        return Task.CompletedTask;
    }

    private void Stamp(DbContext? context)
    {
        if (context is not WharfDbContext db)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        foreach (var entry in db.ChangeTracker.Entries<OutboxEvent>())
        {
            if (entry.State == EntityState.Added)
            {
                entry.Entity.OccurredAt = now;
                db.EventsAwaitingCommit = true;
            }
        }
    }

    private void SignalIfCommitted(DbContext? context)
    {
        // Inside the caller's transaction the events are not visible yet; TransactionCommitted signals then.
        if (context?.Database.CurrentTransaction is null)
        {
            SignalCommitted(context);
        }
    }

    private void SignalCommitted(DbContext? context)
    {
        if (context is WharfDbContext { EventsAwaitingCommit: true } db)
        {
            db.EventsAwaitingCommit = false;
            signal.Notify();
        }
    }
}
