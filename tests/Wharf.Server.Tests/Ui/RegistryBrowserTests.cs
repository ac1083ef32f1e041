using Microsoft.Playwright;
using Wharf.Server.Tests.Registry.Conformance;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Wharf.Server.Tests.Ui;

/// <summary>
/// The registry browser in real Chromium against the real server process: pushed content found by clicking from the
/// list to a repository to a manifest, and its pull command copied. Screenshots go to TestResults/ui.
/// </summary>
public sealed class RegistryBrowserTests(ITestOutputHelper output) : BrowserTest(output)
{
    [Fact]
    public async Task Browse_ListToRepositoryToManifest_ShowsPullCommandThatCopies()
    {
        const string Repository = "vision/resnet";
        using var http = Server.CreateClient();
        var registry = new RegistryTestClient(http);
        var image = new TestImage("browser-image");
        var manifest = image.AddImage(new TestImageOptions { Tag = "v1", LayerCount = 3 });
        await registry.PushImageAsync(Repository, image);
        var signature = new TestImage("browser-signature");
        signature.AddImage(TestImages.Artifact("application/vnd.dev.cosign.artifact.sig.v1+json") with
        {
            Subject = manifest,
            Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { ["dev.sigstore.cosign/signer"] = "ci@example.com" },
        });
        await registry.PushImageAsync(Repository, signature);
        var context = await NewSignedInContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Permissions = ["clipboard-read", "clipboard-write"],
        });
        var page = await context.NewPageAsync();
        var host = $"{Server.BaseAddress.Host}:{Server.BaseAddress.Port}";

        await page.GotoAsync(Server.BaseAddress.ToString());
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Registry" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Registry");
        await ScreenshotAsync(page, "registry-list.png");
        await page.GetByRole(AriaRole.Link, new() { Name = Repository, Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(Server.BaseAddress, "/registry/" + Repository).ToString());
        await Expect(page.GetByTestId("tag-count")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("manifest-count")).ToHaveTextAsync("2");
        await ScreenshotAsync(page, "registry-repository.png");
        await page.GetByRole(AriaRole.Link, new() { Name = "v1", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"{Repository}:v1");
        await Expect(page.GetByTestId("pull-by-tag")).ToHaveTextAsync($"podman pull --tls-verify=false {host}/{Repository}:v1");
        await Expect(page.GetByTestId("pull-by-digest")).ToHaveTextAsync($"podman pull --tls-verify=false {host}/{Repository}@{manifest.Digest}");
        await Expect(page.GetByTestId("layers").Locator("tbody tr")).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("referrers").Locator("tbody tr")).ToHaveCountAsync(1);
        await ScreenshotAsync(page, "registry-manifest.png");

        // The script reveals the Copy button; it puts the exact command on the clipboard.
        var copy = page.Locator("button[data-copy=pull-by-digest]");
        await copy.ClickAsync();
        await Expect(copy).ToHaveTextAsync("Copied");
        Assert.Equal(
            $"podman pull --tls-verify=false {host}/{Repository}@{manifest.Digest}",
            await page.EvaluateAsync<string>("navigator.clipboard.readText()"));

        // The referrer links to its own page, which links back to its subject.
        await page.GetByTestId("referrers").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("manifest-kind")).ToHaveTextAsync("application/vnd.dev.cosign.artifact.sig.v1+json");
        await page.GetByTestId("subject").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("digest")).ToHaveTextAsync(manifest.Digest);
    }

    private async Task ScreenshotAsync(IPage page, string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestResults", "ui", fileName);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Output.WriteLine($"screenshot: {path}");
    }
}
