using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Events.Webhooks;

public sealed class SqliteWebhookApiTests : WebhookApiTests
{
    private protected override PostgresServer? Postgres => null;
}
