using Wharf.Server.Events;
using Wharf.Server.Hosting;
using Wharf.Server.Tests.Data;

namespace Wharf.Server.Tests.Events;

public sealed class SqliteEventDispatcherTests : EventDispatcherTests
{
    private protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.CreateSqliteAsync();

    [Fact]
    public async Task StartAsync_TwoSubscribersShareAName_RefusesToStart()
    {
        using var host = CreateHost(configure: s => s.AddEventSubscriber<HealthySubscriber>());

        var refusal = await Assert.ThrowsAsync<StartupException>(() => host.StartAsync());

        Assert.Contains($"'{HealthySubscriber.SubscriberName}'", refusal.Message, StringComparison.Ordinal);
    }
}
