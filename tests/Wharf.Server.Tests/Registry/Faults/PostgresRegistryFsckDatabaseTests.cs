using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Registry.Faults;

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresRegistryFsckDatabaseTests(PostgresServer postgres) : RegistryFsckDatabaseTests
{
    private protected override PostgresServer? Postgres => postgres;
}
