using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Wharf.Client;
using Wharf.Server.Ui.Layout;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Wharf.Server.Tests.Ui;

/// <summary>
/// The UI in real Chromium against the real server process: what a person sees and clicks. Each test starts its
/// own server (own data directory) and browser. Screenshots go to TestResults/ui under the test output directory.
/// </summary>
public sealed partial class DashboardBrowserTests(ITestOutputHelper output) : BrowserTest(output)
{
    [Fact]
    public async Task Dashboard_FreshServer_ShowsTheStatusTheApiReports()
    {
        using var http = Server.CreateClient();
        var status = await new WharfClient(http).GetStatusAsync();
        var page = await NewPageAsync(javaScriptEnabled: true);
        var failedResponses = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                failedResponses.Add($"{response.Status} {response.Url}");
            }
        };

        var response = await page.GotoAsync(Server.BaseAddress.ToString());

        Assert.Equal(200, response?.Status);
        await Expect(page).ToHaveTitleAsync("Overview · Wharf");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Overview");
        await Expect(page.GetByTestId("header-version")).ToHaveTextAsync("v" + status.Version);
        await Expect(page.GetByTestId("version")).ToHaveTextAsync(status.Version);
        Assert.Equal(Server.DataDirectory, status.DataDirectory);
        await Expect(page.GetByTestId("data-directory")).ToHaveTextAsync(Server.DataDirectory);
        await Expect(page.GetByTestId("database-provider")).ToHaveTextAsync(status.Database.Provider);
        await Expect(page.GetByTestId("blob-provider")).ToHaveTextAsync(status.Blobs.Provider);
        await Expect(page.GetByTestId("blob-count")).ToHaveTextAsync(status.Blobs.Count.ToString("N0", CultureInfo.InvariantCulture));
        await Expect(page.GetByTestId("blob-size")).ToHaveAttributeAsync(
            "title", string.Create(CultureInfo.InvariantCulture, $"{status.Blobs.TotalBytes:N0} bytes"));
        await Expect(ActiveNavEntry(page)).ToHaveTextAsync("Overview");
        // The stylesheet arrived and applies: the top bar has its colour rather than the browser's default.
        await Expect(page.Locator(".topbar")).ToHaveCSSAsync("background-color", "rgb(22, 27, 34)");
        Assert.Empty(failedResponses);

        await ScreenshotAsync(page, "dashboard.png");
    }

    /// <summary>JavaScript is off: navigation must work with server-rendered HTML and plain links alone.</summary>
    [Fact]
    public async Task Navigation_ClickEachSectionWithoutJavaScript_ShowsItsPageAndMarksItActive()
    {
        var page = await NewPageAsync(javaScriptEnabled: false);
        await page.GotoAsync(Server.BaseAddress.ToString());
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });

        foreach (var section in UiSections.Capabilities.Append(UiSections.Overview))
        {
            var link = nav.GetByRole(AriaRole.Link, new() { Name = section.Title, Exact = true });
            await link.ClickAsync();

            await Expect(page).ToHaveURLAsync(new Uri(Server.BaseAddress, section.Path).ToString());
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(section.Title);
            await Expect(link).ToHaveAttributeAsync("aria-current", "page");
            await Expect(link).ToHaveClassAsync(ActiveClass());
            await Expect(ActiveNavEntry(page)).ToHaveCountAsync(1);
            if (section != UiSections.Overview && !section.Available)
            {
                await Expect(page.GetByTestId("availability")).ToHaveTextAsync("Not yet available");
            }

            if (section.Path == "/experiments")
            {
                await ScreenshotAsync(page, "experiments.png");
            }
        }
    }

    [Fact]
    public async Task UnknownPage_InBrowser_ShowsNotFoundPageWithStatus404()
    {
        var page = await NewPageAsync(javaScriptEnabled: true);

        var response = await page.GotoAsync(new Uri(Server.BaseAddress, "/no/such/page").ToString());

        Assert.Equal(404, response?.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Page not found");
        await Expect(page.GetByTestId("missing-path")).ToHaveTextAsync("/no/such/page");
        await ScreenshotAsync(page, "not-found.png");

        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the overview" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Overview");
    }

    private async Task<IPage> NewPageAsync(bool javaScriptEnabled)
    {
        var context = await NewSignedInContextAsync(new BrowserNewContextOptions
        {
            JavaScriptEnabled = javaScriptEnabled,
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        return await context.NewPageAsync();
    }

    private static ILocator ActiveNavEntry(IPage page)
        => page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).Locator("a[aria-current=page]");

    private async Task ScreenshotAsync(IPage page, string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestResults", "ui", fileName);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Output.WriteLine($"screenshot: {path}");
    }

    [GeneratedRegex(@"\bactive\b")]
    private static partial Regex ActiveClass();
}
