using Wharf.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Server.Tests.Tracking;

public sealed class SqliteRunSearchSqlTests(ITestOutputHelper output) : RunSearchSqlTests(output)
{
    private protected override PostgresServer? Postgres => null;
}
