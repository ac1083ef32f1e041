using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Registry.Faults;

public sealed class SqliteRegistryFsckDatabaseTests : RegistryFsckDatabaseTests
{
    private protected override PostgresServer? Postgres => null;
}
