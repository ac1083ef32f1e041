using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Wharf.Server.Tests.Ui;

/// <summary>Signing in and out through the form, and the settings pages, in real Chromium against the real server process.</summary>
public sealed class LoginBrowserTests(ITestOutputHelper output) : BrowserTest(output)
{
    private async Task SignInAsync(IPage page, string password)
    {
        await page.GetByLabel("Username").FillAsync("admin");
        await page.GetByLabel("Password or access token").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    [Fact]
    public async Task AnonymousVisit_RedirectsToLogin_SignsInWithTokenAndReturns_CookieIsHttpOnlyLax_GetLogoutKeepsSession_SignOutEndsIt()
    {
        var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(Server.BaseAddress, "/registry").ToString());
        await Expect(page).ToHaveURLAsync(new Uri(Server.BaseAddress, "/login?returnUrl=%2Fregistry").ToString());
        await Expect(page.GetByTestId("token-hint")).ToContainTextAsync("access token works as the password");
        await ScreenshotAsync(page, "login.png");
        await SignInAsync(page, Server.AdminToken);

        await Expect(page).ToHaveURLAsync(new Uri(Server.BaseAddress, "/registry").ToString());
        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("admin");
        var cookie = Assert.Single(await context.CookiesAsync(), c => c.Name == "wharf_session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);

        // A GET (a link, an image on another site) does not sign out.
        await page.GotoAsync(new Uri(Server.BaseAddress, "/logout").ToString());
        await page.GotoAsync(new Uri(Server.BaseAddress, "/settings").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Settings");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(Server.BaseAddress, "/login").ToString());
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "wharf_session");
        await page.GotoAsync(new Uri(Server.BaseAddress, "/settings").ToString());
        await Expect(page).ToHaveURLAsync(new Uri(Server.BaseAddress, "/login?returnUrl=%2Fsettings").ToString());
    }

    [Fact]
    public async Task WrongPassword_ShowsGenericError()
    {
        var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(Server.BaseAddress, "/login").ToString());

        await SignInAsync(page, "not-the-password");

        await Expect(page.GetByTestId("login-error")).ToHaveTextAsync("Invalid username or password.");
        await ScreenshotAsync(page, "login-failed.png");
        await Expect(page.GetByLabel("Password or access token")).ToHaveValueAsync("");
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "wharf_session");
    }

    [Fact]
    public async Task Settings_CreateProjectAndToken_ShowsSecretOnceThenListsTheToken()
    {
        var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(Server.BaseAddress, "/login?returnUrl=%2Fsettings").ToString());
        await SignInAsync(page, Server.AdminToken);

        await page.GetByLabel("Name").FillAsync("vision");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create project" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("vision");
        await Expect(page.GetByTestId("members")).ToContainTextAsync("admin");
        await ScreenshotAsync(page, "settings-project.png");

        await page.GotoAsync(new Uri(Server.BaseAddress, "/settings/tokens").ToString());
        await page.GetByLabel("Name").FillAsync("laptop");
        await page.GetByLabel("Project", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "vision" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();

        var secret = page.GetByTestId("new-token-secret");
        await Expect(secret).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^wharf_pat_[A-Za-z0-9_-]{43}$"));
        await Expect(page.GetByTestId("new-token")).ToContainTextAsync("shown only once");
        var value = await secret.TextContentAsync();
        await ScreenshotAsync(page, "settings-token-created.png");
        await Expect(page.GetByTestId("tokens")).ToContainTextAsync("laptop");

        await page.GotoAsync(new Uri(Server.BaseAddress, "/settings/tokens").ToString());
        await Expect(page.GetByTestId("tokens")).ToContainTextAsync("laptop");
        await Expect(page.GetByTestId("new-token")).ToHaveCountAsync(0);
        Assert.DoesNotContain(value!, await page.ContentAsync(), StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke laptop" }).ClickAsync();
        await Expect(page.Locator("tr", new() { HasText = "laptop" }).GetByTestId("token-status")).ToHaveTextAsync("revoked");
    }

    private async Task ScreenshotAsync(IPage page, string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestResults", "ui", fileName);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Output.WriteLine($"screenshot: {path}");
    }
}
