using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Data;

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresDatabaseMigratorTests(PostgresServer server) : DatabaseMigratorTests
{
    private protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.CreatePostgresAsync(server);
}
