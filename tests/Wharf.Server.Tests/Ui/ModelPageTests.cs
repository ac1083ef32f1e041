using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Ui;

/// <summary>
/// The model registry's pages as HTML, rendered by the real server in process against real SQLite, seeded through the
/// MLflow REST API: the models list, the model page (versions, aliases, the confirmed alias move), the version page
/// (signature, files, pull command, lineage), what a viewer and another project's member see, and hostile routes and posts.
/// </summary>
public sealed class ModelPageTests
{
    private const string Password = "correct horse battery";

    private sealed record Seeded(string ExperimentId, string Run1, string Run2);

    /// <summary>
    /// Project ml with model iris (v1 from run-a, v2 from run-b, a FAILED v3; production → v1) and model churn (no
    /// versions); project other with model secret.
    /// </summary>
    private static async Task<Seeded> SeedAsync(HttpClient admin)
    {
        var seed = new ModelSeed(admin);
        await seed.Tracking.CreateProjectAsync("ml");
        await seed.Tracking.CreateProjectAsync("other");
        var experimentId = await seed.Tracking.CreateExperimentAsync("ml/iris-training");
        var run1 = await seed.RunWithModelAsync(experimentId, "run-a", 0.91);
        var run2 = await seed.RunWithModelAsync(experimentId, "run-b", 0.97);
        var broken = await seed.RunWithModelAsync(experimentId, "run-broken", 0.1, "not a protobuf at all"u8.ToArray());
        await seed.CreateModelAsync("ml/iris", "Classifies iris flowers.");
        Assert.Equal((1, "READY"), await seed.CreateVersionAsync("ml/iris", run1));
        Assert.Equal((2, "READY"), await seed.CreateVersionAsync("ml/iris", run2));
        Assert.Equal((3, "FAILED_REGISTRATION"), await seed.CreateVersionAsync("ml/iris", broken));
        await seed.SetAliasAsync("ml/iris", "production", 1);
        await seed.CreateModelAsync("ml/churn");
        var otherExperiment = await seed.Tracking.CreateExperimentAsync("other/secret-training");
        await seed.CreateModelAsync("other/secret");
        await seed.CreateVersionAsync("other/secret", await seed.RunWithModelAsync(otherExperiment, "secret-run", 0.5));
        return new Seeded(experimentId, run1, run2);
    }

    /// <summary>A signed-in browser-like client (session cookie, antiforgery) of a new user with <paramref name="role"/> in ml.</summary>
    private static async Task<HttpClient> SignedInAsync(WharfFactory factory, string username, ProjectRole role)
    {
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var directory = scope.ServiceProvider.GetRequiredService<AuthDirectory>();
            var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
            var user = await directory.CreateUserAsync(username, Password);
            await directory.SetUserRoleAsync(db.Projects.Single(p => p.Name == "ml").Id, user.Id, role);
        }

        var client = UiForms.BrowserLikeClient(factory);
        await UiForms.SignInAsync(client, username, Password);
        return client;
    }

    private static async Task<(int? Alias, string? TagDigest, string V1, string V2, int Events)> AliasStateAsync(WharfFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        var model = await db.RegisteredModels.SingleAsync(m => m.Name == "iris");
        var alias = await db.ModelAliases.Where(a => a.ModelId == model.Id && a.Alias == "production").Select(a => (int?)a.Version).SingleOrDefaultAsync();
        var repository = await db.RegistryRepositories.SingleAsync(r => r.Name == "ml/models/iris");
        var tag = await (
            from t in db.RegistryTags
            join m in db.RegistryManifests on t.ManifestId equals m.Id
            where t.RepositoryId == repository.Id && t.Name == "production"
            select m.Digest).SingleOrDefaultAsync();
        var versions = await db.ModelVersions.Where(v => v.ModelId == model.Id && v.Version <= 2).OrderBy(v => v.Version).Select(v => v.ManifestDigest!).ToListAsync();
        var events = await db.OutboxEvents.CountAsync(e => e.Type == "models.alias-set");
        return (alias, tag, versions[0], versions[1], events);
    }

    [Fact]
    public async Task ModelsList_ViewerOfOneProject_SeesItsModelsWithLatestVersionAndAliasesFilteredByName()
    {
        using var factory = new WharfFactory();
        using var admin = factory.CreateClient();
        await SeedAsync(admin);
        using var alice = await SignedInAsync(factory, "alice", ProjectRole.Viewer);

        var all = await alice.GetStringAsync(new Uri("/models", UriKind.Relative));
        var filtered = await alice.GetStringAsync(new Uri("/models?q=IRI", UriKind.Relative));
        var paged = await alice.GetStringAsync(new Uri("/models?n=1", UriKind.Relative));

        Assert.Contains("href=\"/models/ml/iris\">iris</a>", all, StringComparison.Ordinal);
        Assert.Contains("href=\"/models/ml/churn\">churn</a>", all, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", all, StringComparison.Ordinal);
        Assert.Matches("<tr data-model=\"ml/iris\">[\\s\\S]*?href=\"/models/ml/iris/versions/3\">v3</a>", all);
        Assert.Contains("data-alias=\"production\">production → v1</span>", all, StringComparison.Ordinal);
        Assert.Contains("href=\"/models/ml/iris\"", filtered, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/models/ml/churn\"", filtered, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(paged, "class=\"model-name\""));
        Assert.Contains("rel=\"next\"", paged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelPage_ShowsDescriptionVersionsStatusAliasesSourceRunsAndKeyMetrics()
    {
        using var factory = new WharfFactory();
        using var admin = factory.CreateClient();
        var seeded = await SeedAsync(admin);

        var html = await admin.GetStringAsync(new Uri("/models/ml/iris", UriKind.Relative));

        Assert.Contains("<h1>iris</h1>", html, StringComparison.Ordinal);
        Assert.Contains("Classifies iris flowers.", html, StringComparison.Ordinal);
        var rows = Regex.Matches(html, "<tr data-version=\"(\\d+)\">([\\s\\S]*?)</tr>");
        Assert.Equal(["3", "2", "1"], rows.Select(r => r.Groups[1].Value));
        var (v3, v2, v1) = (rows[0].Groups[2].Value, rows[1].Groups[2].Value, rows[2].Groups[2].Value);
        Assert.Contains(">FAILED_REGISTRATION<", v3, StringComparison.Ordinal);
        Assert.Contains("model.onnx", Regex.Match(v3, "data-testid=\"status-message\">([^<]*)<").Groups[1].Value, StringComparison.Ordinal);
        Assert.Contains(">READY<", v2, StringComparison.Ordinal);
        Assert.Contains("data-alias=\"production\"", v1, StringComparison.Ordinal);
        Assert.DoesNotContain("data-alias=", v2, StringComparison.Ordinal);
        Assert.Contains($"href=\"/runs/{seeded.Run1}\">run-a</a>", v1, StringComparison.Ordinal);
        Assert.Contains($"href=\"/runs/{seeded.Run2}\">run-b</a>", v2, StringComparison.Ordinal);
        Assert.Contains("data-metric=\"acc\">acc=0.97</span>", v2, StringComparison.Ordinal);
        Assert.Contains("data-metric=\"acc\">acc=0.91</span>", v1, StringComparison.Ordinal);
        // The administrator holds models:promote: the alias form offers only READY versions.
        var select = Regex.Match(html, "<select id=\"alias-version\"[\\s\\S]*?</select>").Value;
        Assert.Equal(["2", "1"], Regex.Matches(select, "<option value=\"(\\d+)\"").Select(m => m.Groups[1].Value));
    }

    [Fact]
    public async Task VersionPage_ShowsSignatureFilesPullCommandAndLineageGraph()
    {
        using var factory = new WharfFactory();
        using var admin = factory.CreateClient();
        var seeded = await SeedAsync(admin);

        var html = await admin.GetStringAsync(new Uri("/models/ml/iris/versions/1", UriKind.Relative));

        Assert.Contains("<h1>iris v1</h1>", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"version-status\">READY<", html, StringComparison.Ordinal);
        var inputs = Regex.Match(html, "data-testid=\"signature-inputs\"[\\s\\S]*?</table>").Value;
        Assert.Matches("<code>input</code></td>\\s*<td>float</td>\\s*<td><code>\\[batch, 4\\]</code>", inputs);
        var outputs = Regex.Match(html, "data-testid=\"signature-outputs\"[\\s\\S]*?</table>").Value;
        Assert.Contains("<td>int64</td>", outputs, StringComparison.Ordinal);
        Assert.Contains("<tr data-path=\"model.onnx\">", html, StringComparison.Ordinal);
        Assert.Contains($"title=\"{ModelSeed.OnnxModel.Length:N0} bytes\"", html, StringComparison.Ordinal);
        // The row shows the raw file's digest, then the digest of the tar layer that carries it.
        var row = Regex.Match(html, "<tr data-path=\"model.onnx\">[\\s\\S]*?</tr>").Value;
        var digests = Regex.Matches(row, "class=\"digest\" title=\"(sha256:[0-9a-f]{64})\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, digests.Count);
        Assert.Equal($"sha256:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(ModelSeed.OnnxModel))}", digests[0]);
        Assert.NotEqual(digests[0], digests[1]);
        Assert.Matches("data-testid=\"skopeo-copy\">skopeo copy --src-tls-verify=false docker://localhost/ml/models/iris:v1 oci:iris-v1<", html);
        Assert.Contains("data-testid=\"oci-reference\">localhost/ml/models/iris:v1<", html, StringComparison.Ordinal);
        // Lineage: dataset → run (in its experiment) → this version → its alias, the run and experiment linked.
        var svg = Regex.Match(html, "<svg[^>]*data-testid=\"lineage-graph\"[\\s\\S]*?</svg>").Value;
        Assert.Equal(["dataset", "experiment", "run", "model version", "alias"], Regex.Matches(svg, "data-kind=\"([^\"]*)\"").Select(m => m.Groups[1].Value));
        Assert.Contains($"<a href=\"/runs/{seeded.Run1}\" class=\"lineage-node\" data-kind=\"run\">", svg, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/experiments/{seeded.ExperimentId}\" class=\"lineage-node\" data-kind=\"experiment\">", svg, StringComparison.Ordinal);
        Assert.Contains(">iris-train</text>", svg, StringComparison.Ordinal);
        Assert.Contains(">production</text>", svg, StringComparison.Ordinal);
        // Three arrows (dataset→run, run→version, version→alias), each a well-formed curve.
        var curves = Regex.Matches(svg, "<path d=\"([^\"]*)\"[^>]*marker-end=").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(3, curves.Count);
        Assert.All(curves, d => Assert.Matches("^M[0-9.]+,[0-9.]+ C[0-9.]+,[0-9.]+ [0-9.]+,[0-9.]+ [0-9.]+,[0-9.]+$", d));
    }

    [Fact]
    public async Task FailedVersionPage_ShowsReasonAndNoPullCommand()
    {
        using var factory = new WharfFactory();
        using var admin = factory.CreateClient();
        await SeedAsync(admin);

        var html = await admin.GetStringAsync(new Uri("/models/ml/iris/versions/3", UriKind.Relative));

        Assert.Contains("data-testid=\"version-status\">FAILED_REGISTRATION<", html, StringComparison.Ordinal);
        Assert.Contains("does not load", html, StringComparison.Ordinal);
        Assert.DoesNotContain("skopeo copy", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"no-files\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/models/ml/nope")]
    [InlineData("/models/nope/iris")]
    [InlineData("/models/ml/iris/versions/99")]
    [InlineData("/models/ml/iris/versions/-1")]
    [InlineData("/models/ml/iris/versions/99999999999999999999")]
    [InlineData("/models/ml/IRIS")]
    [InlineData("/models/ml/..%2Fother%2Fsecret")]
    [InlineData("/models/..%2F..%2Fetc/passwd")]
    [InlineData("/models/other/secret")]
    [InlineData("/models/other/secret/versions/1")]
    public async Task HostileOrForeignRoute_IsTheNotFoundPage(string path)
    {
        using var factory = new WharfFactory();
        using var admin = factory.CreateClient();
        await SeedAsync(admin);
        using var alice = await SignedInAsync(factory, "alice", ProjectRole.Maintainer);

        using var response = await alice.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("<h1>Page not found</h1>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AliasMove_Maintainer_AsksForConfirmationThenMovesAliasTagAndEmitsEvent()
    {
        using var factory = new WharfFactory();
        using var admin = factory.CreateClient();
        await SeedAsync(admin);
        using var bob = await SignedInAsync(factory, "bob", ProjectRole.Maintainer);
        var before = await AliasStateAsync(factory);

        var page = await bob.GetStringAsync(new Uri("/models/ml/iris", UriKind.Relative));
        using var ask = await UiForms.PostFormAsync(bob, "/models/ml/iris", page, "alias", [new("Move.Alias", "production"), new("Move.Version", "2")]);
        var question = await ask.Content.ReadAsStringAsync();
        var afterAsk = await AliasStateAsync(factory);
        using var confirm = await UiForms.PostFormAsync(bob, "/models/ml/iris", question, "alias", []);
        var done = await confirm.Content.ReadAsStringAsync();
        var after = await AliasStateAsync(factory);

        Assert.Equal(HttpStatusCode.OK, ask.StatusCode);
        Assert.Contains("Move alias <strong>production</strong> from v1 to v2?", question, StringComparison.Ordinal);
        Assert.Contains("name=\"Move.Confirmed\" value=\"true\"", question, StringComparison.Ordinal);
        Assert.Equal(before, afterAsk); // asking changes nothing
        Assert.Equal((1, before.V1), (before.Alias, before.TagDigest));
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.Contains("data-testid=\"form-success\">Alias production moved from v1 to v2.<", done, StringComparison.Ordinal);
        Assert.Matches("<tr data-version=\"2\">[\\s\\S]*?data-alias=\"production\"[\\s\\S]*?</tr>", done);
        Assert.Equal((2, before.V2, before.Events + 1), (after.Alias, after.TagDigest, after.Events));
    }

    [Fact]
    public async Task AliasMove_WithoutAntiforgeryToken_Returns400AndChangesNothing()
    {
        using var factory = new WharfFactory();
        using var admin = factory.CreateClient();
        await SeedAsync(admin);
        using var bob = await SignedInAsync(factory, "bob", ProjectRole.Maintainer);
        var before = await AliasStateAsync(factory);

        var page = await bob.GetStringAsync(new Uri("/models/ml/iris", UriKind.Relative));
        using var ask = await UiForms.PostFormAsync(bob, "/models/ml/iris", page, "alias", [new("Move.Alias", "production"), new("Move.Version", "2")]);
        var question = await ask.Content.ReadAsStringAsync();
        using var forged = await UiForms.PostFormAsync(bob, "/models/ml/iris", question, "alias", [], withAntiforgery: false);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(before, await AliasStateAsync(factory));
    }

    [Fact]
    public async Task AliasMove_Viewer_SeesNoFormAndAForgedPostIsRefused()
    {
        using var factory = new WharfFactory();
        using var admin = factory.CreateClient();
        await SeedAsync(admin);
        using var alice = await SignedInAsync(factory, "alice", ProjectRole.Viewer);
        var before = await AliasStateAsync(factory);

        var page = await alice.GetStringAsync(new Uri("/models/ml/iris", UriKind.Relative));
        // The viewer has no alias form; a post built by hand carries the session's antiforgery token (from the sign-out form).
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]*)\"").Groups[1].Value;
        using var confirm = await alice.PostAsync(new Uri("/models/ml/iris", UriKind.Relative), new FormUrlEncodedContent(
        [
            new("_handler", "alias"), new("__RequestVerificationToken", WebUtility.HtmlDecode(token)),
            new("Move.Alias", "production"), new("Move.Version", "2"), new("Move.Confirmed", "true"),
        ]));
        var refused = await confirm.Content.ReadAsStringAsync();

        Assert.Contains("data-testid=\"alias-read-only\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"alias\"", page, StringComparison.Ordinal);
        Assert.NotEmpty(token);
        Assert.Equal(HttpStatusCode.Forbidden, confirm.StatusCode);
        Assert.Contains("needs models:promote on project", refused, StringComparison.Ordinal);
        Assert.Equal(before, await AliasStateAsync(factory));
    }

    [Theory]
    [InlineData("v3", "2")]
    [InlineData("a/b", "2")]
    [InlineData("prod:x", "2")]
    [InlineData("latest", "2")]
    [InlineData("production", "3")] // FAILED_REGISTRATION
    [InlineData("production", "42")]
    [InlineData("production", "x")]
    public async Task AliasMove_InvalidAliasOrVersion_Returns400AndChangesNothing(string alias, string version)
    {
        using var factory = new WharfFactory();
        using var admin = factory.CreateClient();
        await SeedAsync(admin);
        using var bob = await SignedInAsync(factory, "bob", ProjectRole.Maintainer);
        var before = await AliasStateAsync(factory);

        var page = await bob.GetStringAsync(new Uri("/models/ml/iris", UriKind.Relative));
        using var confirm = await bob.PostAsync(new Uri("/models/ml/iris", UriKind.Relative), new FormUrlEncodedContent(
        [
            new("_handler", "alias"),
            new("__RequestVerificationToken", WebUtility.HtmlDecode(Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]*)\"").Groups[1].Value)),
            new("Move.Alias", alias), new("Move.Version", version), new("Move.Confirmed", "true"),
        ]));

        Assert.Equal(HttpStatusCode.BadRequest, confirm.StatusCode);
        Assert.Contains("data-testid=\"form-error\"", await confirm.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await AliasStateAsync(factory));
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<WharfDbContext>().ModelAliases.CountAsync());
    }
}
