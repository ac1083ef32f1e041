using System.Net;
using System.Text.Json;
using Wharf.Interop.Tests.Infrastructure;
using Wharf.Server.Auth;

namespace Wharf.Interop.Tests.Registry;

/// <summary>
/// Real <c>skopeo login</c> and <c>podman login</c> against Wharf with user and service-account tokens, each into an
/// auth file of the test's own, and what those principals may and may not do: push and pull in their project, a clear
/// refusal in another project or beyond their role, and nothing at all once their token is revoked or they logged out.
/// Every test creates its own projects, so tests share the server but no state.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class RegistryLoginInteropTests(KestrelWharfFixture wharf, TestImagesFixture images) : IClassFixture<KestrelWharfFixture>
{
    private OciLayout Layout => images.Layout;

    [Fact]
    public async Task SkopeoLogin_ServiceAccountToken_PushPullThenLogoutEndsAccess()
    {
        var project = await NewProjectAsync();
        var token = await wharf.CreateServiceAccountTokenAsync(project.Id, "ci", ProjectRole.Developer);
        using var authFile = new RegistryAuthFile();
        var skopeo = new Skopeo(credentials: null, authFile);

        (await skopeo.LoginAsync(wharf.Host, "ci", token.Secret)).EnsureSuccess();

        Assert.Contains(wharf.Host, authFile.Read(), StringComparison.Ordinal);
        var local = Layout.Resolve("multilayer");
        var reference = Remote(project.Name, "app", "1");
        (await skopeo.CopyAsync($"oci:{Layout.Path}:multilayer", reference)).EnsureSuccess();
        using var back = new TempDirectory("wi-back");
        (await skopeo.CopyAsync(reference, $"oci:{back.Path}:pulled")).EnsureSuccess();
        Assert.Equal(local, new OciLayout(back.Path).Resolve("pulled"));

        (await skopeo.LogoutAsync(wharf.Host)).EnsureSuccess();

        Assert.DoesNotContain(wharf.Host, authFile.Read(), StringComparison.Ordinal);
        AssertRefused(await skopeo.InspectAsync(reference));
    }

    [Fact]
    public async Task SkopeoLogin_WrongToken_FailsAndStoresNothing()
    {
        using var authFile = new RegistryAuthFile();
        var skopeo = new Skopeo(credentials: null, authFile);

        var login = await skopeo.LoginAsync(wharf.Host, "ci", "wharf_pat_" + new string('A', 43));

        AssertRefused(login);
        Assert.DoesNotContain(wharf.Host, authFile.Read(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PodmanLogin_UserToken_PushPullRunThenLogout()
    {
        var project = await NewProjectAsync();
        var token = await wharf.CreateUserTokenAsync(project.Id, $"dev-{project.Name}", ProjectRole.Developer);
        using var authFile = new RegistryAuthFile();
        var image = $"{wharf.Host}/{project.Name}/podman:1";
        string pushed;
        await using (var pusher = new PodmanSandbox(credentials: null, authFile))
        {
            (await pusher.LoginAsync(wharf.Host, $"dev-{project.Name}", token.Secret)).EnsureSuccess();
            Assert.Contains(wharf.Host, authFile.Read(), StringComparison.Ordinal);
            var id = (await pusher.RunAsync("pull", "--quiet", $"oci:{Layout.Path}:busybox")).EnsureSuccess().Stdout.Trim();
            pushed = await pusher.PushAsync(id, $"docker://{image}");
        }

        await using (var puller = new PodmanSandbox(credentials: null, authFile))
        {
            await puller.PullAsync(image);
            var digest = (await puller.RunAsync("image", "inspect", "--format", "{{.Digest}}", image)).EnsureSuccess();
            Assert.Equal(pushed, digest.Stdout.Trim());
            Assert.Equal("logged in\n", await puller.RunContainerAsync(image, "/bin/busybox", "echo", "logged in"));

            (await puller.LogoutAsync(wharf.Host)).EnsureSuccess();

            Assert.DoesNotContain(wharf.Host, authFile.Read(), StringComparison.Ordinal);
            AssertRefused(await puller.RunAsync("pull", "--quiet", "--tls-verify=false", "--authfile", authFile.Path, image));
        }
    }

    [Fact]
    public async Task ServiceAccountOfProjectA_OnlyProjectA_RefusedOnProjectBAndCatalogListsOnlyA()
    {
        var a = await NewProjectAsync();
        var b = await NewProjectAsync();
        var admin = new Skopeo(wharf.AdminCredentials);
        (await admin.CopyAsync($"oci:{Layout.Path}:busybox", Remote(b.Name, "y", "1"))).EnsureSuccess();
        var token = await wharf.CreateServiceAccountTokenAsync(a.Id, "ci", ProjectRole.Developer);
        using var authFile = new RegistryAuthFile();
        var skopeo = new Skopeo(credentials: null, authFile);
        (await skopeo.LoginAsync(wharf.Host, "ci", token.Secret)).EnsureSuccess();

        (await skopeo.CopyAsync($"oci:{Layout.Path}:busybox", Remote(a.Name, "x", "1"))).EnsureSuccess();
        (await skopeo.InspectAsync(Remote(a.Name, "x", "1"))).EnsureSuccess();
        using var back = new TempDirectory("wi-back");
        var pullB = await skopeo.CopyAsync(Remote(b.Name, "y", "1"), $"oci:{back.Path}:pulled");
        var pushB = await skopeo.CopyAsync($"oci:{Layout.Path}:busybox", Remote(b.Name, "z", "1"));

        AssertRefused(pullB);
        AssertRefused(pushB);
        // Nothing of B's changed: y is still there (the admin sees it) and z was never created.
        (await admin.InspectAsync(Remote(b.Name, "y", "1"))).EnsureSuccess();
        Assert.Contains($"{b.Name}/y", await CatalogAsync("admin", wharf.AdminToken));
        Assert.Equal([$"{a.Name}/x"], await CatalogAsync("ci", token.Secret));
        Assert.True(await wharf.CountRefusalsAsync($"sa:{a.Name}/ci") > 0, "the refusals on project B left no audit row");
    }

    [Fact]
    public async Task ViewerToken_PullsButCannotPush()
    {
        var project = await NewProjectAsync();
        var admin = new Skopeo(wharf.AdminCredentials);
        (await admin.CopyAsync($"oci:{Layout.Path}:busybox", Remote(project.Name, "app", "1"))).EnsureSuccess();
        var token = await wharf.CreateServiceAccountTokenAsync(project.Id, "reader", ProjectRole.Viewer);
        using var authFile = new RegistryAuthFile();
        var skopeo = new Skopeo(credentials: null, authFile);
        (await skopeo.LoginAsync(wharf.Host, "reader", token.Secret)).EnsureSuccess();

        using var back = new TempDirectory("wi-back");
        var pull = await skopeo.CopyAsync(Remote(project.Name, "app", "1"), $"oci:{back.Path}:pulled");
        var push = await skopeo.CopyAsync($"oci:{Layout.Path}:multilayer", Remote(project.Name, "app", "2"));
        var delete = await skopeo.DeleteAsync(Remote(project.Name, "app", "1"));

        pull.EnsureSuccess();
        Assert.Equal(Layout.Resolve("busybox"), new OciLayout(back.Path).Resolve("pulled"));
        AssertRefused(push);
        AssertRefused(delete);
        Assert.Contains("does not allow delete on", delete.Stderr, StringComparison.Ordinal);
        Assert.Equal(["1"], await admin.ListTagsAsync($"docker://{wharf.Host}/{project.Name}/app"));
    }

    [Fact]
    public async Task RevokedToken_NextSkopeoCallRefused()
    {
        var project = await NewProjectAsync();
        var token = await wharf.CreateServiceAccountTokenAsync(project.Id, "ci", ProjectRole.Developer);
        using var authFile = new RegistryAuthFile();
        var skopeo = new Skopeo(credentials: null, authFile);
        (await skopeo.LoginAsync(wharf.Host, "ci", token.Secret)).EnsureSuccess();
        var reference = Remote(project.Name, "app", "1");
        (await skopeo.CopyAsync($"oci:{Layout.Path}:busybox", reference)).EnsureSuccess();
        (await skopeo.InspectAsync(reference)).EnsureSuccess();

        await wharf.RevokeAsync(token.Id);

        AssertRefused(await skopeo.InspectAsync(reference));
        AssertRefused(await skopeo.CopyAsync($"oci:{Layout.Path}:busybox", Remote(project.Name, "app", "2")));
        // The credentials are still in the auth file: it is the server that said no.
        Assert.Contains(wharf.Host, authFile.Read(), StringComparison.Ordinal);
    }

    private static void AssertRefused(ProcessResult result)
    {
        Assert.True(result.ExitCode != 0, result.Describe("succeeded but should have been refused"));
        var said = result.Stderr + result.Stdout;
        // What the clients print for the server's 401/403: "unauthorized: ...", "denied: ...", and for a login whose
        // credentials /auth/token refused, "invalid username/password".
        string[] refusals = ["denied", "unauthorized", "invalid username/password"];
        Assert.True(
            refusals.Any(r => said.Contains(r, StringComparison.OrdinalIgnoreCase)),
            result.Describe("failed without saying it was denied or unauthorized"));
    }

    private async Task<(long Id, string Name)> NewProjectAsync()
    {
        var name = $"p{Guid.NewGuid():N}"[..12];
        return (await wharf.CreateProjectAsync(name), name);
    }

    private string Remote(string project, string repository, string tag) => $"docker://{wharf.Host}/{project}/{repository}:{tag}";

    /// <summary>The catalog as <paramref name="username"/> sees it, through plain HTTP with Basic, as a script would ask.</summary>
    private async Task<List<string>> CatalogAsync(string username, string password)
    {
        using var client = wharf.CreateBasicClient(username, password);
        using var response = await client.GetAsync("/v2/_catalog?n=1000");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"_catalog as {username}: {response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return [.. json.RootElement.GetProperty("repositories").EnumerateArray()
            .Select(r => r.GetString()!)
            .Order(StringComparer.Ordinal)];
    }
}
