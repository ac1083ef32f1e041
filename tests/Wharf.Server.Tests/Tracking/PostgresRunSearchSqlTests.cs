using Wharf.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Server.Tests.Tracking;

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresRunSearchSqlTests(PostgresServer postgres, ITestOutputHelper output) : RunSearchSqlTests(output)
{
    private protected override PostgresServer? Postgres => postgres;
}
