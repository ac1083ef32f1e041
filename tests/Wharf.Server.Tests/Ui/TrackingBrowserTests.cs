using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Wharf.Server.Tests.Ui;

/// <summary>
/// The tracking pages in real Chromium against the real server process: the runs table filtered, sorted and two runs
/// compared on an overlaid chart; a run page's chart. Screenshots go to TestResults/ui.
/// </summary>
public sealed class TrackingBrowserTests(ITestOutputHelper output) : BrowserTest(output)
{
    [Fact]
    public async Task RunsTable_FilterSortSelectTwo_CompareShowsOverlaidChart()
    {
        using var http = Server.CreateClient();
        var seed = new TrackingSeed(http);
        await seed.CreateProjectAsync("ml");
        var experimentId = await seed.CreateExperimentAsync("ml/browser");
        for (var i = 0; i < 6; i++)
        {
            await seed.CreateRunAsync(
                experimentId,
                $"run-{i}",
                new Dictionary<string, string> { ["lr"] = i < 3 ? "0.01" : "0.1" },
                new Dictionary<string, double> { ["acc"] = 0.4 + (i * 0.1) },
                steps: 10 + i,
                startTime: 1_700_000_000_000 + (i * 1000));
        }

        var context = await NewSignedInContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();

        await page.GotoAsync(Server.BaseAddress.ToString());
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Experiments" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Experiments");
        await ScreenshotAsync(page, "experiments-list.png");
        await page.GetByRole(AriaRole.Link, new() { Name = "ml/browser", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("runs").Locator("tbody tr")).ToHaveCountAsync(6);

        // A malformed filter answers with the parser's message, on the same page.
        await page.GetByLabel("Filter runs (MLflow search syntax)").FillAsync("metrics.acc >");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByTestId("filter-error")).ToContainTextAsync("Invalid search expression");

        await page.GetByLabel("Filter runs (MLflow search syntax)").FillAsync("metrics.acc > 0.55 and params.lr = '0.1'");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var rows = page.GetByTestId("runs").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(3);

        // The metric column sorts by the latest value: first descending, then, clicked again, ascending.
        await page.Locator("th[data-column='metrics.acc'] a").ClickAsync();
        await Expect(page.Locator("th[data-column='metrics.acc']")).ToHaveAttributeAsync("aria-sort", "descending");
        await Expect(rows.Locator("a.run-name")).ToHaveTextAsync(["run-5", "run-4", "run-3"]);
        await page.Locator("th[data-column='metrics.acc'] a").ClickAsync();
        await Expect(page.Locator("th[data-column='metrics.acc']")).ToHaveAttributeAsync("aria-sort", "ascending");
        await Expect(rows.Locator("a.run-name")).ToHaveTextAsync(["run-3", "run-4", "run-5"]);
        Assert.Contains("filter=", page.Url, StringComparison.Ordinal); // the sort kept the filter
        await ScreenshotAsync(page, "experiment-runs.png");

        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Select run-3" }).CheckAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Select run-5" }).CheckAsync();
        await page.GetByTestId("compare").ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Compare runs");
        var chart = page.Locator("figure.chart[data-metric='acc']");
        await Expect(chart.Locator("polyline")).ToHaveCountAsync(2);
        await Expect(chart.Locator("polyline[data-series='run-3']")).ToHaveCountAsync(1);
        await Expect(chart.Locator("polyline[data-series='run-5']")).ToHaveCountAsync(1);
        await Expect(chart.GetByTestId("legend").Locator("li")).ToHaveTextAsync(["run-3", "run-5"]);
        var colours = await chart.Locator("polyline").EvaluateAllAsync<string[]>("lines => lines.map(l => l.getAttribute('stroke'))");
        Assert.Equal(2, colours.Distinct(StringComparer.Ordinal).Count());
        await Expect(page.Locator("[data-testid=compare-params] tr.differs")).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "runs-compare.png");
    }

    [Fact]
    public async Task RunPage_Chart_HasOnePolylinePointPerLoggedStep()
    {
        using var http = Server.CreateClient();
        var seed = new TrackingSeed(http);
        await seed.CreateProjectAsync("ml");
        var experimentId = await seed.CreateExperimentAsync("ml/curves");
        var runId = await seed.CreateRunAsync(
            experimentId, "curve", new Dictionary<string, string> { ["lr"] = "0.01", ["optimizer"] = "adam" },
            new Dictionary<string, double> { ["loss"] = 0.25, ["acc"] = 0.93 }, steps: 137);
        await seed.FinishRunAsync(runId);
        var context = await NewSignedInContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(Server.BaseAddress, $"/experiments/{experimentId}").ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "curve", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("curve");
        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("FINISHED");
        var loss = page.Locator("figure.chart[data-metric='loss'] polyline");
        await Expect(loss).ToHaveCountAsync(1);
        var points = await loss.EvaluateAsync<int>("line => line.points.numberOfItems");
        Assert.Equal(137, points);
        // Drawn, not just present: the line has a real size on screen.
        var box = await loss.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Width > 100 && box.Height > 20, $"polyline box {box.Width}x{box.Height}");
        await Expect(page.GetByTestId("no-artifacts")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "run.png");
    }

    private async Task ScreenshotAsync(IPage page, string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestResults", "ui", fileName);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Output.WriteLine($"screenshot: {path}");
    }
}
