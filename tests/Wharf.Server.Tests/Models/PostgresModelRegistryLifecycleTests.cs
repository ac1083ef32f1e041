using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Models;

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresModelRegistryLifecycleTests(PostgresServer postgres) : ModelRegistryLifecycleTests
{
    private protected override PostgresServer? Postgres => postgres;
}
