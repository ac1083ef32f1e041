using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Events.Webhooks;

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresWebhookApiTests(PostgresServer postgres) : WebhookApiTests
{
    private protected override PostgresServer? Postgres => postgres;
}
