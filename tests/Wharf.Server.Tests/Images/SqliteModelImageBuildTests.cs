using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Images;

public sealed class SqliteModelImageBuildTests : ModelImageBuildTests
{
    private protected override PostgresServer? Postgres => null;
}
