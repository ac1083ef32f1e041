using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Wharf.Server.Data;
using Wharf.Server.Events;
using Wharf.Server.Tests.Data;

namespace Wharf.Server.Tests.Events;

/// <summary>
/// The outbox, one dispatcher pass at a time on a fake clock; run on SQLite and PostgreSQL by the subclasses.
/// </summary>
public abstract class OutboxTests : DatabaseTestBase
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly SubscriberJournal journal = new();

    [Fact]
    public async Task AddEvent_SavedWithChange_CommitsBoth()
    {
        await using var services = await StartAsync();

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
            db.Settings.Add(new Setting { Name = "thing:a", Value = "b", UpdatedAt = time.GetUtcNow() });
            db.AddEvent(new ThingRenamed("a", "b"), aggregateKey: "thing:a");
            await db.SaveChangesAsync();
        }

        await using var check = Database.CreateContext();
        Assert.Equal("b", (await check.Settings.SingleAsync()).Value);
        var stored = await check.OutboxEvents.SingleAsync();
        Assert.Equal(ThingRenamed.EventType, stored.Type);
        Assert.Equal("thing:a", stored.AggregateKey);
        Assert.Equal(time.GetUtcNow(), stored.OccurredAt);
        Assert.Null(stored.DispatchedAt);
    }

    [Fact]
    public async Task AddEvent_SaveChangesFails_StoresNeither()
    {
        await using var services = await StartAsync();
        await using (var db = Database.CreateContext())
        {
            db.Settings.Add(new Setting { Name = "thing:a", Value = "original" });
            await db.SaveChangesAsync();
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
            db.Settings.Add(new Setting { Name = "thing:b", Value = "new" });
            db.Settings.Add(new Setting { Name = "thing:a", Value = "duplicate" });
            db.AddEvent(new ThingRenamed("a", "duplicate"));
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }

        await using var check = Database.CreateContext();
        Assert.Equal(0, await check.OutboxEvents.CountAsync());
        Assert.Equal(["original"], await check.Settings.Select(s => s.Value).ToListAsync());
    }

    [Fact]
    public async Task AddEvent_TransactionRolledBack_StoresNeither()
    {
        await using var services = await StartAsync();

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Settings.Add(new Setting { Name = "thing:a", Value = "b" });
            db.AddEvent(new ThingRenamed("a", "b"));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        await using var check = Database.CreateContext();
        Assert.Equal(0, await check.OutboxEvents.CountAsync());
        Assert.Equal(0, await check.Settings.CountAsync());
    }

    [Fact]
    public async Task RunOnceAsync_CommittedEvent_ReachesEverySubscriber()
    {
        await using var services = await StartAsync();
        var id = await AddEventAsync(services, new ThingRenamed("a", "b"), "thing:a");

        var result = await services.GetRequiredService<OutboxProcessor>().RunOnceAsync();

        Assert.Equal(2, result.Delivered);
        Assert.Equal(0, result.Pending);
        var received = Assert.Single(journal.Calls(HealthySubscriber.SubscriberName)).Envelope;
        Assert.Equal(id, received.Id);
        Assert.Equal("thing:a", received.AggregateKey);
        Assert.Equal(1, received.Attempt);
        Assert.Equal(new ThingRenamed("a", "b"), received.Deserialize<ThingRenamed>());
        Assert.Equal([id], journal.Accepted(FlakySubscriber.SubscriberName));
    }

    [Fact]
    public async Task RunOnceAsync_ThrowingSubscriber_RetriedAfterBackoffWhileHealthyOneGetsItOnce()
    {
        await using var services = await StartAsync();
        var processor = services.GetRequiredService<OutboxProcessor>();
        journal.FailNext(FlakySubscriber.SubscriberName, calls: 1);
        var id = await AddEventAsync(services, new ThingRenamed("a", "b"));

        var first = await processor.RunOnceAsync();
        var beforeBackoff = await processor.RunOnceAsync();
        time.Advance(services.GetRequiredService<IOptions<EventsOptions>>().Value.RetryDelay(1));
        var afterBackoff = await processor.RunOnceAsync();

        Assert.Equal((1, 1), (first.Delivered, first.Failed));
        Assert.Equal((0, 0), (beforeBackoff.Delivered, beforeBackoff.Failed));
        Assert.Equal((1, 0), (afterBackoff.Delivered, afterBackoff.Failed));
        Assert.Equal([id], journal.Accepted(HealthySubscriber.SubscriberName));
        Assert.Single(journal.Calls(HealthySubscriber.SubscriberName));
        Assert.Equal([false, true], journal.Calls(FlakySubscriber.SubscriberName).Select(c => c.Accepted));
        Assert.Equal(2, journal.Calls(FlakySubscriber.SubscriberName)[^1].Envelope.Attempt);

        await using var check = Database.CreateContext();
        var flaky = await check.OutboxDeliveries.SingleAsync(d => d.Subscriber == FlakySubscriber.SubscriberName);
        Assert.Equal(2, flaky.Attempts);
        Assert.NotNull(flaky.DeliveredAt);
        Assert.Null(flaky.LeaseId);
    }

    [Fact]
    public async Task RunOnceAsync_EarlierEventOfAggregateFailing_HoldsBackLaterOnesForThatSubscriberOnly()
    {
        await using var services = await StartAsync();
        var processor = services.GetRequiredService<OutboxProcessor>();
        journal.FailNext(FlakySubscriber.SubscriberName, calls: 1);
        var first = await AddEventAsync(services, new ThingRenamed("x", "1"), "thing:x");
        var second = await AddEventAsync(services, new ThingRenamed("x", "2"), "thing:x");
        var third = await AddEventAsync(services, new ThingRenamed("x", "3"), "thing:x");

        await RunUntilIdleAsync(processor);

        Assert.Equal([first, second, third], journal.Accepted(HealthySubscriber.SubscriberName));
        Assert.Equal([first], journal.Calls(FlakySubscriber.SubscriberName).Select(c => c.Envelope.Id));

        time.Advance(TimeSpan.FromHours(1));
        await RunUntilIdleAsync(processor);

        Assert.Equal([first, first, second, third], journal.Calls(FlakySubscriber.SubscriberName).Select(c => c.Envelope.Id));
        Assert.Equal([first, second, third], journal.Accepted(FlakySubscriber.SubscriberName));
        Assert.Equal(3, journal.Calls(HealthySubscriber.SubscriberName).Count);
    }

    [Fact]
    public async Task RunOnceAsync_BacklogOfOneAggregate_DeliveredInOrderInOnePass()
    {
        await using var services = await StartAsync();
        var processor = services.GetRequiredService<OutboxProcessor>();
        var ids = new List<long>();
        for (var i = 0; i < 30; i++)
        {
            ids.Add(await AddEventAsync(services, new ThingRenamed("repo", $"v{i}"), "repository:busy"));
        }

        var result = await processor.RunOnceAsync();

        Assert.Equal(60, result.Delivered);
        Assert.Equal(ids, journal.Accepted(HealthySubscriber.SubscriberName));
        Assert.Equal(ids, journal.Accepted(FlakySubscriber.SubscriberName));
    }

    [Fact]
    public async Task RunOnceAsync_AggregateStuckBehindAFailureWithAFullBatchBehindIt_OtherAggregatesStillDelivered()
    {
        await using var services = await StartAsync();
        var processor = services.GetRequiredService<OutboxProcessor>();
        var batch = services.GetRequiredService<IOptions<EventsOptions>>().Value.BatchSize;
        journal.FailNext(FlakySubscriber.SubscriberName, calls: 1);
        var stuck = await AddEventAsync(services, new ThingRenamed("stuck", "0"), "thing:stuck");
        await RunUntilIdleAsync(processor);
        for (var i = 1; i <= batch + 10; i++)
        {
            await AddEventAsync(services, new ThingRenamed("stuck", $"{i}"), "thing:stuck");
        }

        var other = await AddEventAsync(services, new ThingRenamed("other", "1"), "thing:other");
        await RunUntilIdleAsync(processor);

        Assert.Equal([other], journal.Accepted(FlakySubscriber.SubscriberName));
        Assert.Equal([stuck, other], journal.Calls(FlakySubscriber.SubscriberName).Select(c => c.Envelope.Id));
        Assert.Equal(batch + 12, journal.Accepted(HealthySubscriber.SubscriberName).Count);
    }

    [Fact]
    public async Task RunOnceAsync_DeliveryLeasedByAnotherDispatcher_WaitsForTheLeaseToExpire()
    {
        await using var services = await StartAsync();
        var processor = services.GetRequiredService<OutboxProcessor>();
        var id = await AddEventAsync(services, new ThingRenamed("a", "b"));
        await using (var db = Database.CreateContext())
        {
            // What another replica leaves behind while it works on the event.
            var stored = await db.OutboxEvents.SingleAsync(e => e.Id == id);
            stored.DispatchedAt = time.GetUtcNow();
            db.OutboxDeliveries.Add(new OutboxDelivery
            {
                EventId = id,
                Subscriber = HealthySubscriber.SubscriberName,
                NextAttemptAt = time.GetUtcNow(),
                LeaseId = Guid.NewGuid(),
                LeaseExpiresAt = time.GetUtcNow().AddMinutes(1),
            });
            await db.SaveChangesAsync();
        }

        var whileLeased = await processor.RunOnceAsync();
        time.Advance(TimeSpan.FromMinutes(1));
        var afterExpiry = await processor.RunOnceAsync();

        Assert.Equal(0, whileLeased.Delivered);
        Assert.Equal(1, whileLeased.Pending);
        Assert.Equal(1, afterExpiry.Delivered);
        Assert.Equal([id], journal.Accepted(HealthySubscriber.SubscriberName));
        Assert.Empty(journal.Calls(FlakySubscriber.SubscriberName));
    }

    [Fact]
    public async Task RunOnceAsync_RetentionPassed_DeletesDeliveredEventsOnly()
    {
        await using var services = await StartAsync();
        var processor = services.GetRequiredService<OutboxProcessor>();
        var delivered = await AddEventAsync(services, new ThingRenamed("a", "1"));
        await RunUntilIdleAsync(processor);
        journal.FailNext(FlakySubscriber.SubscriberName, calls: int.MaxValue);
        var owed = await AddEventAsync(services, new ThingRenamed("a", "2"));
        await RunUntilIdleAsync(processor);

        time.Advance(services.GetRequiredService<IOptions<EventsOptions>>().Value.Retention + TimeSpan.FromHours(1));
        await processor.RunOnceAsync();

        await using var check = Database.CreateContext();
        Assert.Equal([owed], await check.OutboxEvents.Select(e => e.Id).ToListAsync());
        Assert.Equal(2, await check.OutboxDeliveries.CountAsync());
        Assert.DoesNotContain(await check.OutboxDeliveries.Select(d => d.EventId).ToListAsync(), e => e == delivered);
    }

    private async Task<ServiceProvider> StartAsync()
    {
        var services = Database.CreateServices(time, s =>
        {
            s.AddSingleton(journal);
            s.AddEventSubscriber<HealthySubscriber>();
            s.AddEventSubscriber<FlakySubscriber>();
        });
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        return services;
    }

    private static async Task<long> AddEventAsync(IServiceProvider services, ThingRenamed domainEvent, string? aggregateKey = null)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        var row = db.AddEvent(domainEvent, aggregateKey);
        await db.SaveChangesAsync();
        return row.Id;
    }

    /// <summary>Runs passes until one changes nothing; bounded, so a dispatcher that never settles fails the test.</summary>
    private static async Task RunUntilIdleAsync(OutboxProcessor processor)
    {
        for (var pass = 0; pass < 50; pass++)
        {
            var result = await processor.RunOnceAsync();
            if (result.FannedOut + result.Delivered + result.Failed == 0)
            {
                return;
            }
        }

        Assert.Fail("The dispatcher was still busy after 50 passes.");
    }
}
