using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Tracking;

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresArtifactApiTests(PostgresServer postgres) : ArtifactApiTests
{
    private protected override PostgresServer? Postgres => postgres;
}
