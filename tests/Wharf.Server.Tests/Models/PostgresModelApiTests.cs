using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Models;

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresModelApiTests(PostgresServer postgres) : ModelApiTests
{
    private protected override PostgresServer? Postgres => postgres;
}
