namespace Wharf.Server.Tests.Data;

/// <summary>
/// Base of the test classes that run against both providers: each concrete subclass says which database a test
/// gets (a SQLite file, or a fresh database on the shared PostgreSQL server), and the tests are written once.
/// </summary>
public abstract class DatabaseTestBase : IAsyncLifetime
{
    private TestDatabase? database;

    private protected TestDatabase Database =>
        database ?? throw new InvalidOperationException("The test database is created in InitializeAsync.");

    private protected abstract Task<TestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync() => database = await CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }
}
