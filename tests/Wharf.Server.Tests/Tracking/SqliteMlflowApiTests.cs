using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Tracking;

public sealed class SqliteMlflowApiTests : MlflowApiTests
{
    private protected override PostgresServer? Postgres => null;
}
