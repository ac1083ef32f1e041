using Wharf.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Server.Tests.Registry.GarbageCollection;

public sealed class SqliteGarbageCollectionLoadTests(ITestOutputHelper output) : GarbageCollectionLoadTests(output)
{
    private protected override PostgresServer? Postgres => null;
}
