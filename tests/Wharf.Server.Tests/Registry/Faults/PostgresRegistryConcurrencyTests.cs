using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Registry.Faults;

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresRegistryConcurrencyTests(PostgresServer postgres) : RegistryConcurrencyTests
{
    private protected override PostgresServer? Postgres => postgres;
}
