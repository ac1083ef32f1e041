using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Tracking;

public sealed class SqliteArtifactApiTests : ArtifactApiTests
{
    private protected override PostgresServer? Postgres => null;
}
