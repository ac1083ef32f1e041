using Wharf.Server.Tests.Registry.Conformance;

namespace Wharf.Server.Tests.Ui;

/// <summary>
/// One in-process server shared by the registry page tests, because starting one per test would dominate their run
/// time. Tests stay independent by pushing into a project of their own (<see cref="NewProject"/>) and by filtering
/// listings to it.
/// </summary>
public sealed class RegistryUiFixture : IAsyncLifetime
{
    private readonly UiWebApplicationFactory _factory = new();
    private HttpClient? _http;

    /// <summary>Requests to the server (pages and <c>/v2/</c>); redirects are not followed, so none can hide.</summary>
    public HttpClient Http => _http ?? throw new InvalidOperationException("not initialized");

    public RegistryTestClient Registry => new(Http);

    /// <summary>A project name (the first repository component) no other test uses.</summary>
    public static string NewProject() => "ui" + Guid.NewGuid().ToString("N")[..12];

    public Task InitializeAsync()
    {
        _http = _factory.CreateClient(new() { AllowAutoRedirect = false });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        await _factory.DisposeAsync();
    }
}
