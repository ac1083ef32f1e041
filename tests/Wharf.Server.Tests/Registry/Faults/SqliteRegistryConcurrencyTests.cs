using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Registry.Faults;

public sealed class SqliteRegistryConcurrencyTests : RegistryConcurrencyTests
{
    private protected override PostgresServer? Postgres => null;
}
