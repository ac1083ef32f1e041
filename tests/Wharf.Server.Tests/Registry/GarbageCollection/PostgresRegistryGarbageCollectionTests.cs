using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Registry.GarbageCollection;

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresRegistryGarbageCollectionTests(PostgresServer postgres) : RegistryGarbageCollectionTests
{
    private protected override PostgresServer? Postgres => postgres;
}
