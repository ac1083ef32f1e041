using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Wharf.Server.Tests.Ui;

/// <summary>
/// The run page's artifact browser in real Chromium against the real server process: into a nested directory, a text
/// file's preview, and a PNG preview that the browser really decodes. Screenshots go to TestResults/ui.
/// </summary>
public sealed class ArtifactBrowserBrowserTests(ITestOutputHelper output) : BrowserTest(output)
{
    [Fact]
    public async Task RunPage_BrowseIntoDirectory_PreviewsTextAndImage()
    {
        using var http = Server.CreateClient();
        var seed = new TrackingSeed(http);
        await seed.CreateProjectAsync("ml");
        var experimentId = await seed.CreateExperimentAsync("ml/artifacts");
        var runId = await seed.CreateRunAsync(experimentId, "with-files", new Dictionary<string, string>(), new Dictionary<string, double> { ["acc"] = 0.9 });
        var root = $"/api/2.0/mlflow-artifacts/artifacts/{experimentId}/{runId}/artifacts/";
        foreach (var (path, content) in new (string, byte[])[]
        {
            ("reports/eval/summary.txt", "accuracy: 0.93\n<b>not bold</b>\n"u8.ToArray()),
            ("reports/eval/confusion.png", TinyPng.Create(12, 8, 200, 30, 30)),
            ("model.bin", new byte[2048]),
            ("reports/eval/roc.svg", """
                <svg xmlns="http://www.w3.org/2000/svg" width="20" height="10" onload="document.title='pwned'">
                <script>parent.document.title='pwned'</script><rect width="20" height="10" fill="red"/></svg>
                """u8.ToArray()),
        })
        {
            using var put = await http.PutAsync(new Uri(Server.BaseAddress, root + path), new ByteArrayContent(content));
            Assert.True(put.IsSuccessStatusCode, $"upload of {path} answered {(int)put.StatusCode}");
        }

        var context = await NewSignedInContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(Server.BaseAddress, $"/runs/{runId}").ToString());

        var artifacts = page.GetByTestId("artifacts");
        await Expect(artifacts.Locator("a.artifact-name")).ToHaveTextAsync(["model.bin", "reports/"]);
        await artifacts.GetByRole(AriaRole.Link, new() { Name = "reports/", Exact = true }).ClickAsync();
        await artifacts.GetByRole(AriaRole.Link, new() { Name = "eval/", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("artifact-breadcrumbs")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"artifacts\s*/\s*reports\s*/\s*eval"));
        await Expect(artifacts.Locator("a.artifact-name")).ToHaveTextAsync(["confusion.png", "roc.svg", "summary.txt"]);

        await artifacts.GetByRole(AriaRole.Link, new() { Name = "summary.txt", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("preview-text")).ToHaveTextAsync("accuracy: 0.93\n<b>not bold</b>\n");
        await Expect(page.GetByTestId("preview-text").Locator("b")).ToHaveCountAsync(0);

        await artifacts.GetByRole(AriaRole.Link, new() { Name = "confusion.png", Exact = true }).ClickAsync();
        var image = page.GetByTestId("preview-image");
        await Expect(image).ToBeVisibleAsync();
        // Decoded by the browser, not a broken image: its natural size is the PNG's.
        await Expect(image).ToHaveJSPropertyAsync("complete", true);
        var size = await image.EvaluateAsync<int[]>("img => [img.naturalWidth, img.naturalHeight]");
        Assert.Equal([12, 8], size);

        // An SVG previews through <img>, which draws it but never runs its scripts.
        await artifacts.GetByRole(AriaRole.Link, new() { Name = "roc.svg", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("preview-image")).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("roc\\.svg$"));
        await Expect(page.GetByTestId("preview-image")).ToHaveJSPropertyAsync("complete", true);
        var svgSize = await page.GetByTestId("preview-image").EvaluateAsync<int[]>("img => [img.naturalWidth, img.naturalHeight]");
        Assert.Equal([20, 10], svgSize);
        Assert.NotEqual("pwned", await page.TitleAsync());

        // Back up through the breadcrumb.
        await page.GetByTestId("artifact-breadcrumbs").GetByRole(AriaRole.Link, new() { Name = "reports", Exact = true }).ClickAsync();
        await Expect(artifacts.Locator("a.artifact-name")).ToHaveTextAsync(["eval/"]);
        await ScreenshotAsync(page, "run-artifacts.png");
    }

    private async Task ScreenshotAsync(IPage page, string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestResults", "ui", fileName);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Output.WriteLine($"screenshot: {path}");
    }
}
