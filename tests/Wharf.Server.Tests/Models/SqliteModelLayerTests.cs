using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Models;

public sealed class SqliteModelLayerTests : ModelLayerTests
{
    private protected override PostgresServer? Postgres => null;
}
