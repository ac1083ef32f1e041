using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Images;

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresModelImageBuildTests(PostgresServer postgres) : ModelImageBuildTests
{
    private protected override PostgresServer? Postgres => postgres;
}
