using Wharf.Server.Tests.Data;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Events;

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresOutboxTests(PostgresServer server) : OutboxTests
{
    private protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.CreatePostgresAsync(server);
}
