using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Tracking;

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresMlflowApiTests(PostgresServer postgres) : MlflowApiTests
{
    private protected override PostgresServer? Postgres => postgres;
}
