using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Registry.GarbageCollection;

public sealed class SqliteRegistryGarbageCollectionTests : RegistryGarbageCollectionTests
{
    private protected override PostgresServer? Postgres => null;
}
