using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Client.Webhooks;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Tests.Infrastructure;
using Wharf.Server.Tests.Registry.Conformance;

namespace Wharf.Server.Tests.Events.Webhooks;

/// <summary>
/// Webhooks end to end on a real server: a registry push reaches a real receiver on loopback (allowed by its port),
/// signed; retries, the delivery log, the connect-time refusals (loopback not allowed, a redirect to a port not
/// allowed, the metadata address) and hostile input at create. Run on SQLite and PostgreSQL.
/// </summary>
public abstract class WebhookApiTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private protected abstract PostgresServer? Postgres { get; }

    private static string NewProject() => $"p{Guid.NewGuid():N}"[..12];

    [Fact]
    public async Task Push_ManifestToProject_ReceiverGetsSignedEvent()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await WebhookTestServer.StartAsync(Postgres, $"127.0.0.1:{receiver.Port}");
        using var admin = server.Admin();
        var project = await CreateProjectAsync(admin);
        var created = await CreateWebhookAsync(admin, project, new CreateWebhookRequest(receiver.Url().ToString(), ["registry.*"]));

        var image = TestImages.Create("image");
        await new RegistryTestClient(admin).PushImageAsync($"{project}/app", image);
        await receiver.WaitUntilAsync(r => r.Any(w => w.Headers["X-Wharf-Event"] == "registry.manifest-pushed"));

        var request = receiver.Received.First(w => w.Headers["X-Wharf-Event"] == "registry.manifest-pushed");
        var timestamp = request.Headers["X-Wharf-Timestamp"];
        var expected = "sha256=" + Convert.ToHexStringLower(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(created.Secret), Encoding.UTF8.GetBytes($"{timestamp}.{request.Body}")));
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hook", request.Path);
        Assert.Equal(expected, request.Headers["X-Wharf-Signature"]);
        Assert.True(Guid.TryParse(request.Headers["X-Wharf-Delivery"], out _));
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("registry.manifest-pushed", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(project, body.RootElement.GetProperty("project").GetString());
        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("id").GetString()));
        Assert.True(body.RootElement.TryGetProperty("occurred_at", out _));
        var data = body.RootElement.GetProperty("data");
        Assert.Equal($"{project}/app", data.GetProperty("repository").GetString());
        Assert.Contains(image.Manifests.Select(m => m.Digest), d => d == data.GetProperty("digest").GetString());

        var deliveries = await WaitForDeliveriesAsync(admin, project, created.Webhook.Id, p => p.Deliveries.Count > 0 && p.Deliveries.All(d => d.State != "pending"));
        var delivered = deliveries.Deliveries.First(d => d.DeliveryId.ToString("D") == request.Headers["X-Wharf-Delivery"]);
        Assert.Equal("delivered", delivered.State);
        Assert.Equal(1, delivered.Attempts);
        Assert.Equal(204, delivered.LastStatusCode);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request.Body))), delivered.BodySha256);
    }

    [Fact]
    public async Task Push_OtherProjectOrFilteredOut_NoDelivery()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await WebhookTestServer.StartAsync(Postgres, $"127.0.0.1:{receiver.Port}");
        using var admin = server.Admin();
        var project = await CreateProjectAsync(admin);
        var other = await CreateProjectAsync(admin);
        var filtered = await CreateWebhookAsync(admin, project, new CreateWebhookRequest(receiver.Url("/filtered").ToString(), ["models.*"]));
        await CreateWebhookAsync(admin, other, new CreateWebhookRequest(receiver.Url("/other").ToString()));
        var inactive = await CreateWebhookAsync(admin, project, new CreateWebhookRequest(receiver.Url("/inactive").ToString(), Active: false));
        var all = await CreateWebhookAsync(admin, project, new CreateWebhookRequest(receiver.Url("/all").ToString()));

        await new RegistryTestClient(admin).PushImageAsync($"{project}/app", TestImages.Create("image"));
        await WaitForDeliveriesAsync(admin, project, all.Webhook.Id, p => p.Deliveries.All(d => d.State == "delivered"));
        var filteredLog = await admin.GetFromJsonAsync<WebhookDeliveryPage>($"/api/v1/projects/{project}/webhooks/{filtered.Webhook.Id}/deliveries");
        var inactiveLog = await admin.GetFromJsonAsync<WebhookDeliveryPage>($"/api/v1/projects/{project}/webhooks/{inactive.Webhook.Id}/deliveries");

        Assert.All(receiver.Received, r => Assert.Equal("/all", r.Path));
        Assert.Empty(filteredLog!.Deliveries);
        Assert.Empty(inactiveLog!.Deliveries);
    }

    [Fact]
    public async Task Receiver_Hangs_OtherWebhooksStillDelivered()
    {
        await using var hanging = await WebhookReceiver.StartAsync();
        var release = new TaskCompletionSource();
        hanging.Hold = release.Task;
        await using var healthy = await WebhookReceiver.StartAsync();
        await using var server = await WebhookTestServer.StartAsync(Postgres, $"127.0.0.1:{hanging.Port}", $"127.0.0.1:{healthy.Port}");
        using var admin = server.Admin();
        var project = await CreateProjectAsync(admin);
        var stuck = await CreateWebhookAsync(admin, project, new CreateWebhookRequest(hanging.Url().ToString()));
        var fine = await CreateWebhookAsync(admin, project, new CreateWebhookRequest(healthy.Url().ToString()));

        await PingAsync(admin, project, stuck.Webhook.Id);
        await hanging.WaitUntilAsync(r => r.Count == 1);
        await PingAsync(admin, project, fine.Webhook.Id);
        await healthy.WaitUntilAsync(r => r.Count == 1);
        var stuckLog = await admin.GetFromJsonAsync<WebhookDeliveryPage>($"/api/v1/projects/{project}/webhooks/{stuck.Webhook.Id}/deliveries");
        release.SetResult();

        Assert.Equal("pending", Assert.Single(stuckLog!.Deliveries).State);
        Assert.Single(healthy.Received);
    }

    [Fact]
    public async Task Receiver_FailsTwiceThenSucceeds_RetriedUnderOneDeliveryIdAndLogged()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = n => (n <= 2 ? 500 : 200, null);
        await using var server = await WebhookTestServer.StartAsync(Postgres, $"127.0.0.1:{receiver.Port}");
        using var admin = server.Admin();
        var project = await CreateProjectAsync(admin);
        var created = await CreateWebhookAsync(admin, project, new CreateWebhookRequest(receiver.Url().ToString()));

        var ping = await PingAsync(admin, project, created.Webhook.Id);
        var page = await WaitForDeliveriesAsync(admin, project, created.Webhook.Id, p => p.Deliveries.All(d => d.State != "pending"));

        var delivery = Assert.Single(page.Deliveries);
        Assert.Equal(ping.DeliveryId, delivery.DeliveryId);
        Assert.Equal("delivered", delivery.State);
        Assert.Equal("wharf.ping", delivery.EventType);
        Assert.Equal(3, delivery.Attempts);
        Assert.Equal([500, 500, 200], delivery.AttemptLog.Select(a => a.StatusCode));
        Assert.Contains("500", delivery.AttemptLog[0].Error, StringComparison.Ordinal);
        Assert.Null(delivery.AttemptLog[2].Error);
        Assert.Equal(3, receiver.Received.Count);
        Assert.All(receiver.Received, r => Assert.Equal(ping.DeliveryId.ToString("D"), r.Headers["X-Wharf-Delivery"]));
        Assert.Single(receiver.Received.Select(r => r.Body).Distinct());
    }

    [Fact]
    public async Task Receiver_AlwaysFails_GivesUpAfterMaxAttempts()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = _ => (503, null);
        await using var server = await WebhookTestServer.StartAsync(Postgres, $"127.0.0.1:{receiver.Port}");
        using var admin = server.Admin();
        var project = await CreateProjectAsync(admin);
        var created = await CreateWebhookAsync(admin, project, new CreateWebhookRequest(receiver.Url().ToString()));

        await PingAsync(admin, project, created.Webhook.Id);
        var page = await WaitForDeliveriesAsync(admin, project, created.Webhook.Id, p => p.Deliveries.All(d => d.State != "pending"));

        var delivery = Assert.Single(page.Deliveries);
        Assert.Equal("failed", delivery.State);
        Assert.Equal(3, delivery.Attempts);
        Assert.NotNull(delivery.CompletedAt);
        Assert.Equal(3, receiver.Received.Count);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("[::ffff:127.0.0.1]")]
    public async Task Loopback_NotAllowed_DeliveryFailsClearlyAndNothingArrives(string host)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await WebhookTestServer.StartAsync(Postgres);
        using var admin = server.Admin();
        var project = await CreateProjectAsync(admin);
        var created = await CreateWebhookAsync(admin, project, new CreateWebhookRequest($"http://{host}:{receiver.Port}/hook"));

        await PingAsync(admin, project, created.Webhook.Id);
        var page = await WaitForDeliveriesAsync(admin, project, created.Webhook.Id, p => p.Deliveries.All(d => d.State != "pending"));

        var delivery = Assert.Single(page.Deliveries);
        Assert.Equal("failed", delivery.State);
        Assert.All(delivery.AttemptLog, a => Assert.Null(a.StatusCode));
        Assert.Contains("loopback", delivery.LastError, StringComparison.Ordinal);
        Assert.Contains("Wharf:Webhooks:AllowedNetworks", delivery.LastError, StringComparison.Ordinal);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task Redirect_ToLoopbackPortNotAllowed_RefusedAndSecondReceiverSeesNothing()
    {
        await using var target = await WebhookReceiver.StartAsync();
        await using var redirector = await WebhookReceiver.StartAsync();
        redirector.Respond = _ => (302, target.Url("/stolen").ToString());
        await using var server = await WebhookTestServer.StartAsync(Postgres, $"127.0.0.1:{redirector.Port}");
        using var admin = server.Admin();
        var project = await CreateProjectAsync(admin);
        var created = await CreateWebhookAsync(admin, project, new CreateWebhookRequest(redirector.Url().ToString()));

        await PingAsync(admin, project, created.Webhook.Id);
        var page = await WaitForDeliveriesAsync(admin, project, created.Webhook.Id, p => p.Deliveries.All(d => d.State != "pending"));

        var delivery = Assert.Single(page.Deliveries);
        Assert.Equal("failed", delivery.State);
        Assert.Contains("after a redirect", delivery.LastError, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{target.Port}", delivery.LastError, StringComparison.Ordinal);
        Assert.Equal(3, redirector.Received.Count);
        Assert.Empty(target.Received);
    }

    [Fact]
    public async Task Redirect_ToAnotherScheme_Refused()
    {
        await using var redirector = await WebhookReceiver.StartAsync();
        redirector.Respond = _ => (307, "file:///etc/passwd");
        await using var server = await WebhookTestServer.StartAsync(Postgres, $"127.0.0.1:{redirector.Port}");
        using var admin = server.Admin();
        var project = await CreateProjectAsync(admin);
        var created = await CreateWebhookAsync(admin, project, new CreateWebhookRequest(redirector.Url().ToString()));

        await PingAsync(admin, project, created.Webhook.Id);
        var page = await WaitForDeliveriesAsync(admin, project, created.Webhook.Id, p => p.Deliveries.All(d => d.State != "pending"));

        Assert.Contains("'file'", Assert.Single(page.Deliveries).LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetadataUrl_AcceptedAtCreate_NeverDelivered()
    {
        await using var server = await WebhookTestServer.StartAsync(Postgres);
        using var admin = server.Admin();
        var project = await CreateProjectAsync(admin);
        var created = await CreateWebhookAsync(admin, project, new CreateWebhookRequest("http://169.254.169.254/latest/meta-data"));

        await PingAsync(admin, project, created.Webhook.Id);
        var page = await WaitForDeliveriesAsync(admin, project, created.Webhook.Id, p => p.Deliveries.All(d => d.State != "pending"));

        var delivery = Assert.Single(page.Deliveries);
        Assert.Equal("failed", delivery.State);
        Assert.Contains("cloud metadata", delivery.LastError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://example.com/hook")]
    [InlineData("http://user:pw@example.com/hook")]
    [InlineData("not a url")]
    [InlineData("LONG")]
    public async Task Create_HostileUrl_400AndNothingStored(string url)
    {
        await using var server = await WebhookTestServer.StartAsync(Postgres);
        using var admin = server.Admin();
        var project = await CreateProjectAsync(admin);
        url = url == "LONG" ? "http://example.com/" + new string('a', 10 * 1024) : url;

        using var response = await admin.PostAsJsonAsync($"/api/v1/projects/{project}/webhooks", new { url });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("url:", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await using var scope = server.Services.CreateAsyncScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<WharfDbContext>().Webhooks.CountAsync());
    }

    [Theory]
    [InlineData("{\"url\":\"https://example.com/h\",\"events\":[\"Bad Type!\"]}", "events:")]
    [InlineData("{\"url\":\"https://example.com/h\",\"secret\":\"short\"}", "secret:")]
    public async Task Create_BadEventsOrSecret_400(string json, string detail)
    {
        await using var server = await WebhookTestServer.StartAsync(Postgres);
        using var admin = server.Admin();
        var project = await CreateProjectAsync(admin);

        using var response = await admin.PostAsync(
            $"/api/v1/projects/{project}/webhooks", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(detail, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crud_CreateGetUpdateListDelete_SecretShownOnceAndStoredProtected()
    {
        await using var server = await WebhookTestServer.StartAsync(Postgres);
        using var admin = server.Admin();
        var project = await CreateProjectAsync(admin);

        var created = await CreateWebhookAsync(admin, project, new CreateWebhookRequest("https://hooks.example.com/w", ["models.*"], Description: "ci"));
        var got = await admin.GetFromJsonAsync<WebhookInfo>($"/api/v1/projects/{project}/webhooks/{created.Webhook.Id}");
        using var patch = await admin.PatchAsJsonAsync(
            $"/api/v1/projects/{project}/webhooks/{created.Webhook.Id}", new UpdateWebhookRequest(Events: [], Active: false));
        var updated = await patch.Content.ReadFromJsonAsync<WebhookInfo>();
        var listed = await admin.GetFromJsonAsync<List<WebhookInfo>>($"/api/v1/projects/{project}/webhooks");
        var getText = await admin.GetStringAsync($"/api/v1/projects/{project}/webhooks/{created.Webhook.Id}");
        string stored;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            stored = await scope.ServiceProvider.GetRequiredService<WharfDbContext>().Webhooks.Select(w => w.ProtectedSecret).SingleAsync();
        }

        using var deleted = await admin.DeleteAsync($"/api/v1/projects/{project}/webhooks/{created.Webhook.Id}");
        using var gone = await admin.GetAsync($"/api/v1/projects/{project}/webhooks/{created.Webhook.Id}");

        Assert.StartsWith("whsec_", created.Secret, StringComparison.Ordinal);
        Assert.Equal(["models.*"], got!.Events);
        Assert.Equal("ci", got.Description);
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.False(updated!.Active);
        Assert.Empty(updated.Events);
        Assert.Single(listed!);
        Assert.DoesNotContain(created.Secret, getText, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Secret, stored, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Access_DeveloperOrOtherProjectsOwner_Refused()
    {
        await using var server = await WebhookTestServer.StartAsync(Postgres);
        using var admin = server.Admin();
        var project = await CreateProjectAsync(admin);
        var other = await CreateProjectAsync(admin);
        var created = await CreateWebhookAsync(admin, project, new CreateWebhookRequest("https://hooks.example.com/w"));
        using var developer = await server.MemberOfAsync(project, ProjectRole.Developer);
        using var otherOwner = await server.MemberOfAsync(other, ProjectRole.Owner);

        using var byDeveloper = await developer.GetAsync($"/api/v1/projects/{project}/webhooks");
        using var crossProject = await otherOwner.GetAsync($"/api/v1/projects/{project}/webhooks/{created.Webhook.Id}");
        using var idThroughOwnProject = await otherOwner.GetAsync($"/api/v1/projects/{other}/webhooks/{created.Webhook.Id}");
        using var deleteThroughOwnProject = await otherOwner.DeleteAsync($"/api/v1/projects/{other}/webhooks/{created.Webhook.Id}");

        Assert.Equal(HttpStatusCode.Forbidden, byDeveloper.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, crossProject.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, idThroughOwnProject.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deleteThroughOwnProject.StatusCode);
        Assert.NotNull(await admin.GetFromJsonAsync<WebhookInfo>($"/api/v1/projects/{project}/webhooks/{created.Webhook.Id}"));
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=100000")]
    [InlineData("limit=-5")]
    [InlineData("before=-1")]
    public async Task Deliveries_BadPaging_400(string query)
    {
        await using var server = await WebhookTestServer.StartAsync(Postgres);
        using var admin = server.Admin();
        var project = await CreateProjectAsync(admin);
        var created = await CreateWebhookAsync(admin, project, new CreateWebhookRequest("https://hooks.example.com/w"));

        using var response = await admin.GetAsync($"/api/v1/projects/{project}/webhooks/{created.Webhook.Id}/deliveries?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static async Task<string> CreateProjectAsync(HttpClient admin)
    {
        var name = NewProject();
        using var response = await admin.PostAsJsonAsync("/api/v1/projects", new { name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return name;
    }

    private static async Task<CreatedWebhookInfo> CreateWebhookAsync(HttpClient admin, string project, CreateWebhookRequest request)
    {
        using var response = await admin.PostAsJsonAsync($"/api/v1/projects/{project}/webhooks", request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<CreatedWebhookInfo>())!;
    }

    private static async Task<WebhookDeliveryInfo> PingAsync(HttpClient admin, string project, long id)
    {
        using var response = await admin.PostAsync($"/api/v1/projects/{project}/webhooks/{id}/ping", content: null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<WebhookDeliveryInfo>())!;
    }

    /// <summary>Polls the delivery log until <paramref name="done"/> holds (a guard against hanging, not a timing assertion).</summary>
    private static async Task<WebhookDeliveryPage> WaitForDeliveriesAsync(
        HttpClient admin, string project, long id, Func<WebhookDeliveryPage, bool> done)
    {
        using var guard = new CancellationTokenSource(Guard);
        while (true)
        {
            var page = (await admin.GetFromJsonAsync<WebhookDeliveryPage>($"/api/v1/projects/{project}/webhooks/{id}/deliveries", guard.Token))!;
            if (page.Deliveries.Count > 0 && done(page))
            {
                return page;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), guard.Token);
        }
    }
}
