using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Models;

public sealed class SqliteModelRegistryApiTests : ModelRegistryApiTests
{
    private protected override PostgresServer? Postgres => null;
}
