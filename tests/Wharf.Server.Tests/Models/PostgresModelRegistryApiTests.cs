using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Models;

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresModelRegistryApiTests(PostgresServer postgres) : ModelRegistryApiTests
{
    private protected override PostgresServer? Postgres => postgres;
}
