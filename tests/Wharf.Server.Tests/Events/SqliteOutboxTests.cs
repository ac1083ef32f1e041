using Wharf.Server.Tests.Data;

namespace Wharf.Server.Tests.Events;

public sealed class SqliteOutboxTests : OutboxTests
{
    private protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.CreateSqliteAsync();
}
