using Microsoft.Playwright;
using Wharf.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Server.Tests.Ui;

/// <summary>
/// A real server process and a real headless Chromium per test: the base of the browser tests. The server's own log
/// is written to the test output, so a failure can be read without rerunning it.
/// </summary>
public abstract class BrowserTest(ITestOutputHelper output) : IAsyncLifetime
{
    private WharfServerProcess? _server;
    private HeadlessChromium? _chromium;

    private protected WharfServerProcess Server => _server ?? throw new InvalidOperationException("not initialized");

    private protected ITestOutputHelper Output => output;

    private protected IBrowser Browser => (_chromium ?? throw new InvalidOperationException("not initialized")).Browser;

    /// <summary>
    /// A browser context whose every request carries the administrator's token, for tests of pages rather than of the
    /// login itself (the login tests sign in through the form).
    /// </summary>
    private protected Task<IBrowserContext> NewSignedInContextAsync(BrowserNewContextOptions options)
    {
        options.ExtraHTTPHeaders = new Dictionary<string, string>(StringComparer.Ordinal) { ["Authorization"] = $"Bearer {Server.AdminToken}" };
        return Browser.NewContextAsync(options);
    }

    public async Task InitializeAsync()
    {
        // The browser first: when Chromium is missing, that is the failure to report, before any server starts.
        _chromium = await HeadlessChromium.LaunchAsync();
        _server = await WharfServerProcess.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        if (_server is not null)
        {
            output.WriteLine("--- Wharf.Server output ---");
            output.WriteLine(_server.Output);
            await _server.DisposeAsync();
        }
    }
}
