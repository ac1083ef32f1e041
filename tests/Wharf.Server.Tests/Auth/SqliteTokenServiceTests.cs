using Wharf.Server.Tests.Data;

namespace Wharf.Server.Tests.Auth;

public sealed class SqliteTokenServiceTests : TokenServiceTests
{
    private protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.CreateSqliteAsync();
}
