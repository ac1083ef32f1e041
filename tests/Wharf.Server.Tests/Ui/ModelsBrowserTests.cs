using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Wharf.Server.Tests.Ui;

/// <summary>
/// The model pages in real Chromium against the real server process: a version registered through the MLflow API,
/// the alias moved from the model page with its confirmation step, and the version page showing the alias and the
/// lineage graph. Screenshots go to TestResults/ui.
/// </summary>
public sealed class ModelsBrowserTests(ITestOutputHelper output) : BrowserTest(output)
{
    [Fact]
    public async Task ModelPage_MoveAliasWithConfirmation_VersionPageShowsAliasAndLineage()
    {
        using var http = Server.CreateClient();
        var seed = new ModelSeed(http);
        await seed.Tracking.CreateProjectAsync("ml");
        var experimentId = await seed.Tracking.CreateExperimentAsync("ml/iris-training");
        var first = await seed.RunWithModelAsync(experimentId, "first", 0.9);
        var second = await seed.RunWithModelAsync(experimentId, "second", 0.96);
        await seed.CreateModelAsync("ml/iris", "Classifies iris flowers.");
        Assert.Equal((1, "READY"), await seed.CreateVersionAsync("ml/iris", first));
        Assert.Equal((2, "READY"), await seed.CreateVersionAsync("ml/iris", second));
        await seed.SetAliasAsync("ml/iris", "production", 1);
        var context = await NewSignedInContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();

        await page.GotoAsync(Server.BaseAddress.ToString());
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Models" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Models");
        await ScreenshotAsync(page, "models-list.png");
        await page.GetByRole(AriaRole.Link, new() { Name = "iris", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("iris");
        await Expect(page.GetByTestId("versions").Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("tr[data-version='1'] [data-alias='production']")).ToHaveCountAsync(1);
        await Expect(page.Locator("tr[data-version='2'] [data-metric='acc']")).ToHaveTextAsync("acc=0.96");

        await page.GetByLabel("Alias", new() { Exact = true }).FillAsync("production");
        await page.GetByLabel("Version", new() { Exact = true }).SelectOptionAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Move alias" }).ClickAsync();
        await Expect(page.GetByTestId("alias-question")).ToHaveTextAsync("Move alias production from v1 to v2?");
        // Asking changed nothing yet.
        await Expect(page.Locator("tr[data-version='1'] [data-alias='production']")).ToHaveCountAsync(1);
        await ScreenshotAsync(page, "model-alias-confirm.png");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Expect(page.GetByTestId("form-success")).ToHaveTextAsync("Alias production moved from v1 to v2.");
        await Expect(page.Locator("tr[data-version='2'] [data-alias='production']")).ToHaveCountAsync(1);
        await Expect(page.Locator("tr[data-version='1'] [data-alias='production']")).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "model.png");

        await page.GetByRole(AriaRole.Link, new() { Name = "v2", Exact = true }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("iris v2");
        await Expect(page.Locator(".page-heading [data-alias='production']")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("skopeo-copy")).ToContainTextAsync("/ml/models/iris:v2 oci:iris-v2");
        await Expect(page.GetByTestId("signature-inputs").Locator("tr[data-name='input'] td").Nth(2)).ToHaveTextAsync("[batch, 4]");
        var graph = page.GetByTestId("lineage-graph");
        await Expect(graph).ToBeVisibleAsync();
        await Expect(graph.Locator("[data-kind]")).ToHaveCountAsync(5); // dataset, experiment, run, version, alias
        await Expect(graph.Locator("a[data-kind='alias'] [data-testid='lineage-label']")).ToHaveTextAsync("production");
        var box = await graph.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Width > 400 && box.Height > 50, $"lineage box {box.Width}x{box.Height}");
        // The arrows are drawn, not just present.
        var arrow = await graph.Locator("path[data-edge='run-model version']").BoundingBoxAsync();
        Assert.NotNull(arrow);
        Assert.True(arrow.Width > 20, $"arrow box {arrow.Width}x{arrow.Height}");
        await ScreenshotAsync(page, "model-version.png");

        // The run box links to the run page.
        await graph.Locator("a[data-kind='run']").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("second");
    }

    private async Task ScreenshotAsync(IPage page, string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestResults", "ui", fileName);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Output.WriteLine($"screenshot: {path}");
    }
}
