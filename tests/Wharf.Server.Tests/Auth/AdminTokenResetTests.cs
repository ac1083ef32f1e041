using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wharf.Server.Auth;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Auth;

/// <summary>The way back in when the bootstrap administrator's token is lost: a reset revokes it and writes a new one.</summary>
public sealed class AdminTokenResetTests : IDisposable
{
    private readonly WharfFactory _factory = new();

    [Fact]
    public async Task ResetAdminToken_RevokesTheOldTokenAndWritesAWorkingNewOne()
    {
        var old = _factory.AdminToken;
        var path = Path.Combine(_factory.DataDirectory, AuthBootstrapService.AdminTokenFileName);

        var written = await _factory.Services.GetServices<IHostedService>().OfType<AuthBootstrapService>().Single().ResetAdminTokenAsync();

        var fresh = _factory.AdminToken;
        Assert.Equal(path, written);
        Assert.NotEqual(old, fresh);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(path));
        using var client = _factory.CreateAnonymousClient();
        Assert.Equal(HttpStatusCode.Unauthorized, await WhoAmIStatusAsync(client, old));
        Assert.Equal(HttpStatusCode.OK, await WhoAmIStatusAsync(client, fresh));
    }

    public void Dispose() => _factory.Dispose();

    private static async Task<HttpStatusCode> WhoAmIStatusAsync(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/whoami");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
