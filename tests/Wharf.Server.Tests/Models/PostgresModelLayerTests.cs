using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Models;

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresModelLayerTests(PostgresServer postgres) : ModelLayerTests
{
    private protected override PostgresServer? Postgres => postgres;
}
