using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wharf.Server.Data;
using Wharf.Server.Events;
using Wharf.Server.Tests.Data;

namespace Wharf.Server.Tests.Events;

/// <summary>The dispatcher as a hosted service, on the real clock; run on SQLite and PostgreSQL by the subclasses.</summary>
public abstract class EventDispatcherTests : DatabaseTestBase
{
    private readonly SubscriberJournal journal = new();

    [Fact]
    public async Task StartAsync_EventsWrittenWhileStopped_DeliveredAfterRestart()
    {
        using (var before = CreateHost())
        {
            await before.StartAsync();
            await before.StopAsync();
        }

        long first, second;
        await using (var offline = Database.CreateServices())
        {
            first = await AddEventAsync(offline, new ThingRenamed("a", "1"));
            second = await AddEventAsync(offline, new ThingRenamed("a", "2"));
        }

        using var after = CreateHost();
        await after.StartAsync();
        try
        {
            await journal.WaitUntilAsync(j => j.Accepted(HealthySubscriber.SubscriberName).Count >= 2);
        }
        finally
        {
            await after.StopAsync();
        }

        Assert.Equal([first, second], journal.Accepted(HealthySubscriber.SubscriberName));
    }

    [Fact]
    public async Task Commit_DispatcherIdle_WakesItWithoutWaitingForThePoll()
    {
        // An hour between polls: only the commit's wake-up can deliver within the test.
        using var host = CreateHost(new Dictionary<string, string?> { ["Wharf:Events:PollInterval"] = "01:00:00" });
        await host.StartAsync();
        try
        {
            var first = await AddEventAsync(host.Services, new ThingRenamed("a", "1"));
            await journal.WaitUntilAsync(j => j.Accepted(HealthySubscriber.SubscriberName).Contains(first));

            var second = await AddEventAsync(host.Services, new ThingRenamed("a", "2"));
            await journal.WaitUntilAsync(j => j.Accepted(HealthySubscriber.SubscriberName).Contains(second));

            Assert.Equal([first, second], journal.Accepted(HealthySubscriber.SubscriberName));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private protected IHost CreateHost(
        IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
        => Database.CreateHost(settings, s =>
        {
            s.AddSingleton(journal);
            s.AddEventSubscriber<HealthySubscriber>();
            configure?.Invoke(s);
        });

    private static async Task<long> AddEventAsync(IServiceProvider services, ThingRenamed domainEvent)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        db.Settings.Add(new Setting { Name = $"thing:{Guid.NewGuid():N}", Value = domainEvent.NewName });
        var row = db.AddEvent(domainEvent);
        await db.SaveChangesAsync();
        return row.Id;
    }
}
