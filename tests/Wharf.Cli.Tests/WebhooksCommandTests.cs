using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Wharf.Client.Webhooks;
using Wharf.Server.Tests.Events.Webhooks;

namespace Wharf.Cli.Tests;

/// <summary><c>wharf webhooks</c> end to end against a real server and a real receiver on loopback (allowed by its port).</summary>
public sealed class WebhooksCommandTests
{
    [Fact]
    public async Task Webhooks_CreatePingDeliveriesRemove_WorkEndToEnd()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = _ => (StatusCodes.Status200OK, null);
        var port = receiver.Port;
        await using var server = await LocalServer.StartAsync($"--Wharf:Webhooks:AllowedNetworks:0=127.0.0.1:{port}", "--Wharf:Webhooks:PollInterval=00:00:00.200");
        await Ok(server, "project", "create", "ml");

        var created = Json(await Ok(server, "webhooks", "create", "ml", $"http://127.0.0.1:{port}/hook", "--event", "models.*", "--event", "registry.manifest-pushed", "--format", "json"),
            WebhooksJsonContext.Default.CreatedWebhookInfo);
        var id = created.Webhook.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var listed = Json(await Ok(server, "webhooks", "ls", "ml", "--format", "json"), WebhooksJsonContext.Default.IReadOnlyListWebhookInfo);
        var text = await Ok(server, "webhooks", "ls", "ml");
        var ping = Json(await Ok(server, "webhooks", "ping", "ml", id, "--format", "json"), WebhooksJsonContext.Default.WebhookDeliveryInfo);
        WebhookDeliveryPage page;
        using (var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            do
            {
                await Task.Delay(100, guard.Token);
                page = Json(await Ok(server, "webhooks", "deliveries", "ml", id, "--format", "json"), WebhooksJsonContext.Default.WebhookDeliveryPage);
            }
            while (page.Deliveries.Any(d => d.State == "pending"));
        }

        var table = await Ok(server, "webhooks", "deliveries", "ml", id);
        await Ok(server, "webhooks", "rm", "ml", id);
        var after = await Ok(server, "webhooks", "ls", "ml");

        Assert.StartsWith("whsec_", created.Secret, StringComparison.Ordinal);
        Assert.Equal(["models.*", "registry.manifest-pushed"], Assert.Single(listed).Events);
        Assert.Contains($"http://127.0.0.1:{port}/hook", text, StringComparison.Ordinal);
        var delivery = Assert.Single(page.Deliveries);
        Assert.Equal(ping.DeliveryId, delivery.DeliveryId);
        Assert.Equal("delivered", delivery.State);
        Assert.Single(receiver.Received);
        Assert.Contains("wharf.ping", table, StringComparison.Ordinal);
        Assert.Contains("No webhooks.", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebhooksCreate_HostileUrl_ExitsWithTheServersReason()
    {
        await using var server = await LocalServer.StartAsync();
        await Ok(server, "project", "create", "ml");

        var (exit, stdout, stderr) = await server.RunAsync("webhooks", "create", "ml", "ftp://example.com/x");
        var listed = await Ok(server, "webhooks", "ls", "ml");

        Assert.NotEqual(0, exit);
        Assert.Empty(stdout);
        Assert.Contains("url: the scheme must be http or https", stderr, StringComparison.Ordinal);
        Assert.Contains("No webhooks.", listed, StringComparison.Ordinal);
    }

    private static async Task<string> Ok(LocalServer server, params string[] args)
    {
        var (exit, stdout, stderr) = await server.RunAsync(args);
        Assert.True(exit == 0, $"wharf {string.Join(' ', args)} exited {exit}: {stderr}");
        return stdout;
    }

    private static T Json<T>(string stdout, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        => JsonSerializer.Deserialize(stdout, type) ?? throw new InvalidDataException("stdout was JSON null");
}
