using Wharf.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Server.Tests.Registry.GarbageCollection;

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresGarbageCollectionLoadTests(PostgresServer postgres, ITestOutputHelper output) : GarbageCollectionLoadTests(output)
{
    private protected override PostgresServer? Postgres => postgres;
}
