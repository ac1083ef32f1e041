using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Client.Registry;
using Wharf.Server.Auth;
using Wharf.Server.Tests.Infrastructure;
using Wharf.Server.Tests.Registry.Conformance;

namespace Wharf.Server.Tests.Auth;

/// <summary>
/// A member of project <c>ml</c> against content of project <c>other</c>, through every surface that lists or reads
/// repositories: refused by name, and absent from listings (filtered in the query, not after it).
/// </summary>
public sealed class CrossProjectAccessTests(WharfFactory factory) : IClassFixture<WharfFactory>
{
    private string _alice = "";

    [Fact]
    public async Task MemberOfOneProject_SeesAndReadsOnlyItsRepositories()
    {
        var token = await SeedAsync();
        using var alice = factory.CreateAnonymousClient();
        alice.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var catalog = await alice.GetAsync("/v2/_catalog");
        var repositories = (await JsonDocument.ParseAsync(await catalog.Content.ReadAsStreamAsync()))
            .RootElement.GetProperty("repositories").EnumerateArray().Select(e => e.GetString()).ToList();
        var api = await alice.GetFromJsonAsync<RepositoryPage>("/api/v1/registry/repositories");
        using var ownTags = await alice.GetAsync("/v2/ml/app/tags/list");
        using var otherTags = await alice.GetAsync("/v2/other/app/tags/list");
        using var otherApiTags = await alice.GetAsync("/api/v1/registry/tags?repository=other/app");
        using var otherDelete = await alice.DeleteAsync("/api/v1/registry/references?reference=other/app:v1");
        using var gc = await alice.PostAsync("/api/v1/registry/gc", null);

        Assert.Equal(["ml/app"], repositories);
        Assert.Equal(["ml/app"], api!.Items.Select(r => r.Name));
        Assert.Equal(HttpStatusCode.OK, ownTags.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherTags.StatusCode);
        Assert.Contains("DENIED", await otherTags.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, otherApiTags.StatusCode);
        Assert.Equal("application/problem+json", otherApiTags.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, otherDelete.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, gc.StatusCode);

        // Nothing of project other was changed by the refused delete.
        using var admin = factory.CreateClient();
        using var stillThere = await admin.GetAsync("/v2/other/app/manifests/v1");
        Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
    }

    [Fact]
    public async Task RemovedMember_LosesAccessOnTheNextRequest()
    {
        var token = await SeedAsync();
        using var alice = factory.CreateAnonymousClient();
        alice.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var before = await alice.GetAsync("/v2/ml/app/tags/list");

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Wharf.Server.Data.WharfDbContext>();
            var directory = scope.ServiceProvider.GetRequiredService<AuthDirectory>();
            var project = db.Projects.Single(p => p.Name == "ml");
            var user = db.Users.Single(u => u.Username == _alice);
            await directory.RemoveUserAsync(project.Id, user.Id);
        }

        using var after = await alice.GetAsync("/v2/ml/app/tags/list");
        using var listing = await alice.GetFromJsonAsync<JsonDocument>("/v2/_catalog");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
        Assert.Empty(listing!.RootElement.GetProperty("repositories").EnumerateArray());
    }

    /// <summary>Pushes ml/app:v1 and other/app:v1 as the administrator and returns a token of a developer of ml only.</summary>
    private async Task<string> SeedAsync()
    {
        using var admin = factory.CreateClient();
        var registry = new RegistryTestClient(admin);
        foreach (var repository in new[] { "ml/app", "other/app" })
        {
            var image = new TestImage($"cross-{repository}");
            image.AddImage(new TestImageOptions { Tag = "v1" });
            await registry.PushImageAsync(repository, image);
        }

        await using var scope = factory.Services.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<AuthDirectory>();
        var db = scope.ServiceProvider.GetRequiredService<Wharf.Server.Data.WharfDbContext>();
        var ml = db.Projects.SingleOrDefault(p => p.Name == "ml") ?? await directory.CreateProjectAsync("ml");
        _ = db.Projects.SingleOrDefault(p => p.Name == "other") ?? await directory.CreateProjectAsync("other");
        _alice = $"alice-{Guid.NewGuid():N}"[..20];
        var alice = await directory.CreateUserAsync(_alice, "alice-password");
        await directory.SetUserRoleAsync(ml.Id, alice.Id, ProjectRole.Developer);
        var created = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(
            PrincipalKind.User, alice.Id, "laptop", [new TokenGrantRequest(ml.Id, Scopes.All)]);
        return created.Secret;
    }
}
