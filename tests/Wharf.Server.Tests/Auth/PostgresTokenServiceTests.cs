using Wharf.Server.Tests.Data;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Auth;

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresTokenServiceTests(PostgresServer server) : TokenServiceTests
{
    private protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.CreatePostgresAsync(server);
}
