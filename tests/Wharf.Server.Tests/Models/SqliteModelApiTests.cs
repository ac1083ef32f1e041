using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Models;

public sealed class SqliteModelApiTests : ModelApiTests
{
    private protected override PostgresServer? Postgres => null;
}
