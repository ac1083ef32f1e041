using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Models;

public sealed class SqliteModelRegistryLifecycleTests : ModelRegistryLifecycleTests
{
    private protected override PostgresServer? Postgres => null;
}
