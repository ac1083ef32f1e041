using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Auth;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Ui;

/// <summary>
/// The experiment tracking pages as HTML, rendered by the real server in process against real SQLite, seeded through
/// the MLflow REST API: the experiments list, the runs table's filter, sort and paging, run pages, compare, and what a
/// caller of another project sees (nothing: 404).
/// </summary>
public sealed partial class TrackingPageTests
{
    private static readonly Dictionary<string, string> NoParams = [];

    private static async Task<(string ExperimentId, string[] Runs)> SeedExperimentAsync(TrackingSeed seed, string name = "ml/churn")
    {
        var experimentId = await seed.CreateExperimentAsync(name);
        var runs = new string[5];
        for (var i = 0; i < runs.Length; i++)
        {
            runs[i] = await seed.CreateRunAsync(
                experimentId,
                $"run-{i}",
                new Dictionary<string, string> { ["lr"] = i % 2 == 0 ? "0.01" : "0.1", ["depth"] = $"{i + 3}" },
                new Dictionary<string, double> { ["acc"] = 0.5 + (i * 0.1), ["loss"] = 1.0 - (i * 0.1) },
                startTime: 1_700_000_000_000 + (i * 1000));
        }

        return (experimentId, runs);
    }

    private static async Task<TrackingSeed> SeedProjectAsync(WharfFactory factory, HttpClient client, string project = "ml")
    {
        _ = factory;
        var seed = new TrackingSeed(client);
        await seed.CreateProjectAsync(project);
        return seed;
    }

    private static List<string> RunNamesInOrder(string html) =>
        [.. RunNameLink().Matches(html).Select(m => m.Groups[1].Value)];

    [GeneratedRegex("<a class=\"run-name\" href=\"/runs/[0-9a-f]{32}\">([^<]*)</a>")]
    private static partial Regex RunNameLink();

    [GeneratedRegex("<polyline [^>]*points=\"([^\"]*)\"")]
    private static partial Regex Polyline();

    [Fact]
    public async Task Experiments_ListsCallersExperimentsWithRunCountsAndFiltersByName()
    {
        using var factory = new WharfFactory();
        using var client = factory.CreateClient();
        var seed = await SeedProjectAsync(factory, client);
        await SeedExperimentAsync(seed);
        await seed.CreateExperimentAsync("ml/fraud");

        var all = await client.GetStringAsync(new Uri("/experiments", UriKind.Relative));
        var filtered = await client.GetStringAsync(new Uri("/experiments?q=CHURN", UriKind.Relative));

        Assert.Contains(">ml/churn</a>", all, StringComparison.Ordinal);
        Assert.Contains(">ml/fraud</a>", all, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"run-count\">5<", all, StringComparison.Ordinal);
        Assert.Contains(">ml/churn</a>", filtered, StringComparison.Ordinal);
        Assert.DoesNotContain(">ml/fraud</a>", filtered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Experiments_PageSizeOne_NextPageShowsTheOtherExperiment()
    {
        using var factory = new WharfFactory();
        using var client = factory.CreateClient();
        var seed = await SeedProjectAsync(factory, client);
        await seed.CreateExperimentAsync("ml/first");
        await seed.CreateExperimentAsync("ml/second");

        var first = await client.GetStringAsync(new Uri("/experiments?n=1", UriKind.Relative));
        var next = Regex.Match(first, "href=\"([^\"]*)\" rel=\"next\"");
        Assert.True(next.Success, first);
        var second = await client.GetStringAsync(new Uri(WebUtility.HtmlDecode(next.Groups[1].Value), UriKind.Relative));

        var names = Regex.Matches(first + second, "class=\"experiment-name\" href=\"[^\"]*\">([^<]*)<").Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);
        Assert.Equal(["ml/first", "ml/second"], names);
        Assert.Contains("rel=\"prev\"", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_FilterInMlflowGrammar_ShowsOnlyMatchingRuns()
    {
        using var factory = new WharfFactory();
        using var client = factory.CreateClient();
        var (experimentId, _) = await SeedExperimentAsync(await SeedProjectAsync(factory, client));

        var html = await client.GetStringAsync(new Uri(
            $"/experiments/{experimentId}?filter={Uri.EscapeDataString("metrics.acc > 0.65 and params.lr = '0.01'")}", UriKind.Relative));

        Assert.Equal(["run-4", "run-2"], RunNamesInOrder(html));
        Assert.Contains("data-testid=\"total-runs\">5<", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_MalformedFilter_ShowsParserMessageNotErrorPage()
    {
        using var factory = new WharfFactory();
        using var client = factory.CreateClient();
        var (experimentId, _) = await SeedExperimentAsync(await SeedProjectAsync(factory, client));

        using var response = await client.GetAsync(new Uri(
            $"/experiments/{experimentId}?filter={Uri.EscapeDataString("metrics.acc > 0.5 OR 1=1; DROP TABLE tracking_runs")}", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var error = Regex.Match(html, "data-testid=\"filter-error\">([^<]*)<");
        Assert.True(error.Success, html);
        Assert.Contains("Invalid search expression", WebUtility.HtmlDecode(error.Groups[1].Value), StringComparison.Ordinal);
        Assert.Empty(RunNamesInOrder(html));
        // Nothing was dropped: the unfiltered table still lists every run.
        Assert.Equal(5, RunNamesInOrder(await client.GetStringAsync(new Uri($"/experiments/{experimentId}", UriKind.Relative))).Count);
    }

    [Fact]
    public async Task Runs_SortByMetricAndParam_OrdersWholeSearchBothWays()
    {
        using var factory = new WharfFactory();
        using var client = factory.CreateClient();
        var (experimentId, _) = await SeedExperimentAsync(await SeedProjectAsync(factory, client));

        var ascending = await client.GetStringAsync(new Uri($"/experiments/{experimentId}?sort=metrics.acc&dir=asc&metrics=acc", UriKind.Relative));
        var descending = await client.GetStringAsync(new Uri($"/experiments/{experimentId}?sort=metrics.acc&dir=desc&metrics=acc", UriKind.Relative));
        var byParam = await client.GetStringAsync(new Uri($"/experiments/{experimentId}?sort=params.depth&dir=desc&params=depth", UriKind.Relative));

        Assert.Equal(["run-0", "run-1", "run-2", "run-3", "run-4"], RunNamesInOrder(ascending));
        Assert.Equal(["run-4", "run-3", "run-2", "run-1", "run-0"], RunNamesInOrder(descending));
        Assert.Equal(["run-4", "run-3", "run-2", "run-1", "run-0"], RunNamesInOrder(byParam));
        Assert.Contains("aria-sort=\"ascending\" data-column=\"metrics.acc\"", ascending, StringComparison.Ordinal);
        // The header of the current sort links to the other direction.
        Assert.Contains($"href=\"/experiments/{experimentId}?sort=metrics.acc&amp;dir=desc&amp;metrics=acc\"", ascending, StringComparison.Ordinal);
        // Only the chosen columns are shown.
        Assert.Contains("data-metric=\"acc\"", ascending, StringComparison.Ordinal);
        Assert.DoesNotContain("data-metric=\"loss\"", ascending, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_PageSize_PagesThroughEveryRunOnce()
    {
        using var factory = new WharfFactory();
        using var client = factory.CreateClient();
        var (experimentId, _) = await SeedExperimentAsync(await SeedProjectAsync(factory, client));

        var seen = new List<string>();
        var url = $"/experiments/{experimentId}?sort=run_name&dir=asc&n=2";
        for (var pages = 0; pages < 5 && url is not null; pages++)
        {
            var html = await client.GetStringAsync(new Uri(url, UriKind.Relative));
            var names = RunNamesInOrder(html);
            Assert.InRange(names.Count, 1, 2);
            seen.AddRange(names);
            var next = Regex.Match(html, "href=\"([^\"]*)\" rel=\"next\"");
            url = next.Success ? WebUtility.HtmlDecode(next.Groups[1].Value) : null;
        }

        Assert.Equal(["run-0", "run-1", "run-2", "run-3", "run-4"], seen);
    }

    [Fact]
    public async Task RunPage_ShowsParamsMetricsAndOneChartPointPerStep()
    {
        using var factory = new WharfFactory();
        using var client = factory.CreateClient();
        var seed = await SeedProjectAsync(factory, client);
        var experimentId = await seed.CreateExperimentAsync("ml/curve");
        var runId = await seed.CreateRunAsync(experimentId, "curve", new Dictionary<string, string> { ["lr"] = "0.01" }, new Dictionary<string, double> { ["acc"] = 0.9 }, steps: 40);
        await seed.FinishRunAsync(runId);

        var html = await client.GetStringAsync(new Uri($"/runs/{runId}", UriKind.Relative));

        Assert.Contains("<h1>curve</h1>", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"run-status\">FINISHED<", html, StringComparison.Ordinal);
        Assert.Matches("<th scope=\"row\">lr</th>\\s*<td[^>]*>0.01</td>", html);
        Assert.Matches("<th scope=\"row\">acc</th>\\s*<td[^>]*>0.9</td>", html);
        var line = Assert.Single(Polyline().Matches(html));
        Assert.Equal(40, line.Groups[1].Value.Split(' ').Length);
        Assert.Contains("data-testid=\"no-artifacts\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunPage_ListsArtifactsLinkingToTheProxyDownload()
    {
        using var factory = new WharfFactory();
        using var client = factory.CreateClient();
        var seed = await SeedProjectAsync(factory, client);
        var experimentId = await seed.CreateExperimentAsync("ml/files");
        var runId = await seed.CreateRunAsync(experimentId, "files", NoParams, new Dictionary<string, double> { ["acc"] = 0.5 }, steps: 1);
        var download = $"/api/2.0/mlflow-artifacts/artifacts/{experimentId}/{runId}/artifacts/model/my%20model.onnx";
        using (var put = await client.PutAsync(new Uri(download, UriKind.Relative), new ByteArrayContent(new byte[1234])))
        {
            Assert.True(put.IsSuccessStatusCode, $"upload answered {(int)put.StatusCode}");
        }

        var root = await client.GetStringAsync(new Uri($"/runs/{runId}", UriKind.Relative));
        var html = await client.GetStringAsync(new Uri($"/runs/{runId}?path=model", UriKind.Relative));
        var bytes = await client.GetByteArrayAsync(new Uri(download, UriKind.Relative));

        // The root lists the directory; the directory's listing links the file to its download.
        Assert.DoesNotContain("data-testid=\"no-artifacts\"", root, StringComparison.Ordinal);
        Assert.Contains($"href=\"/runs/{runId}?path=model#artifacts\"", root, StringComparison.Ordinal);
        Assert.Contains($"href=\"{download}\"", html, StringComparison.Ordinal);
        Assert.Contains("my model.onnx", html, StringComparison.Ordinal);
        Assert.Equal(1234, bytes.Length);
    }

    [Fact]
    public async Task RunPage_LongHistory_IsDownsampledToAtMostAThousandPoints()
    {
        using var factory = new WharfFactory();
        using var client = factory.CreateClient();
        var seed = await SeedProjectAsync(factory, client);
        var experimentId = await seed.CreateExperimentAsync("ml/long");
        var runId = await seed.CreateRunAsync(experimentId, "long", NoParams, new Dictionary<string, double> { ["loss"] = 0.1 }, steps: 3500);

        var html = await client.GetStringAsync(new Uri($"/runs/{runId}", UriKind.Relative));

        var points = Assert.Single(Polyline().Matches(html)).Groups[1].Value.Split(' ');
        Assert.InRange(points.Length, 500, 1000);
        // Every point has coordinates inside the drawing area: none is NaN or off the chart.
        Assert.All(points, p => Assert.Matches("^[0-9.]+,[0-9.]+$", p));
    }

    [Fact]
    public async Task Compare_TwoRuns_OverlaysCommonMetricsAndMarksDifferingParams()
    {
        using var factory = new WharfFactory();
        using var client = factory.CreateClient();
        var seed = await SeedProjectAsync(factory, client);
        var experimentId = await seed.CreateExperimentAsync("ml/cmp");
        var a = await seed.CreateRunAsync(experimentId, "a", new Dictionary<string, string> { ["lr"] = "0.01", ["seed"] = "1" }, new Dictionary<string, double> { ["acc"] = 0.8, ["f1"] = 0.7 }, steps: 5);
        var b = await seed.CreateRunAsync(experimentId, "b", new Dictionary<string, string> { ["lr"] = "0.1", ["seed"] = "1" }, new Dictionary<string, double> { ["acc"] = 0.9 }, steps: 7);

        var html = await client.GetStringAsync(new Uri($"/runs/compare?ids={a}&ids={b}", UriKind.Relative));

        var lines = Polyline().Matches(html);
        Assert.Equal(2, lines.Count); // acc only: f1 is not common
        Assert.Equal([5, 7], lines.Select(l => l.Groups[1].Value.Split(' ').Length));
        Assert.Contains("data-series=\"a\"", html, StringComparison.Ordinal);
        Assert.Contains("data-series=\"b\"", html, StringComparison.Ordinal);
        Assert.Contains("<tr class=\"differs\" data-key=\"lr\">", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-key=\"seed\">", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"differing-params\">1<", html, StringComparison.Ordinal);
        Assert.Contains("not charted: f1", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?ids=0123456789abcdef0123456789abcdef")]
    public async Task Compare_FewerThanTwoRuns_SaysHowManyToSelect(string query)
    {
        using var factory = new WharfFactory();
        using var client = factory.CreateClient();

        var html = await client.GetStringAsync(new Uri("/runs/compare" + query, UriKind.Relative));

        Assert.Contains("data-testid=\"compare-problem\"", html, StringComparison.Ordinal);
        Assert.Contains("Select between 2 and 10 runs", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherProjectsRunsAndExperiments_AreNotFoundForAMemberOfOneProject()
    {
        using var factory = new WharfFactory();
        using var admin = factory.CreateClient();
        var seed = await SeedProjectAsync(factory, admin);
        var (mine, myRuns) = await SeedExperimentAsync(seed);
        await seed.CreateProjectAsync("other");
        var (theirs, theirRuns) = await SeedExperimentAsync(seed, "other/secret");
        using var alice = factory.CreateClient();
        alice.DefaultRequestHeaders.Authorization = new("Bearer", await ViewerTokenAsync(factory, "ml"));

        using var myRun = await alice.GetAsync(new Uri($"/runs/{myRuns[0]}", UriKind.Relative));
        using var theirRun = await alice.GetAsync(new Uri($"/runs/{theirRuns[0]}", UriKind.Relative));
        using var theirExperiment = await alice.GetAsync(new Uri($"/experiments/{theirs}", UriKind.Relative));
        using var compare = await alice.GetAsync(new Uri($"/runs/compare?ids={myRuns[0]},{theirRuns[0]}", UriKind.Relative));
        var list = await alice.GetStringAsync(new Uri("/experiments", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, myRun.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, theirRun.StatusCode);
        Assert.Contains("<h1>Page not found</h1>", await theirRun.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, theirExperiment.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, compare.StatusCode);
        Assert.Contains($"href=\"/experiments/{mine}\"", list, StringComparison.Ordinal);
        Assert.DoesNotContain("other/secret", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownOrMalformedId_Returns404()
    {
        using var factory = new WharfFactory();
        using var client = factory.CreateClient();

        using var unknown = await client.GetAsync(new Uri("/runs/0123456789abcdef0123456789abcdef", UriKind.Relative));
        using var malformed = await client.GetAsync(new Uri("/runs/..%2F..%2Fetc", UriKind.Relative));
        using var experiment = await client.GetAsync(new Uri("/experiments/987654", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, experiment.StatusCode);
    }

    /// <summary>A token of a new user who is a viewer of <paramref name="project"/> only.</summary>
    private static async Task<string> ViewerTokenAsync(WharfFactory factory, string project)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<AuthDirectory>();
        var db = scope.ServiceProvider.GetRequiredService<Wharf.Server.Data.WharfDbContext>();
        var user = await directory.CreateUserAsync("alice", "correct horse battery");
        var projectId = db.Projects.Single(p => p.Name == project).Id;
        await directory.SetUserRoleAsync(projectId, user.Id, ProjectRole.Viewer);
        var token = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(
            PrincipalKind.User, user.Id, "laptop", [new TokenGrantRequest(projectId, Scope.TrackingRead)]);
        return token.Secret;
    }
}
