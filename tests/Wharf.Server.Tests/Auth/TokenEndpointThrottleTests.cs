using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Auth;
using Wharf.Server.Tests.Infrastructure;

namespace Wharf.Server.Tests.Auth;

/// <summary>
/// The registry token endpoint counts failed credentials like the UI sign-in: password guesses against a username are
/// cut off after the limit (even a right password then waits), while wrong tokens count against the address only, so
/// nobody can lock a user's docker logins out by sending garbage under their name.
/// </summary>
public sealed class TokenEndpointThrottleTests : IDisposable
{
    private readonly WharfFactory _factory = new();

    public TokenEndpointThrottleTests()
    {
        _factory.Settings["Wharf:Auth:Login:MaxFailures"] = "3";
    }

    [Fact]
    public async Task PasswordGuesses_OverTheLimit_Answer429EvenForTheRightPassword()
    {
        await CreateUserAsync("carol", "carol-password-1");
        using var client = _factory.CreateAnonymousClient();

        for (var i = 0; i < 3; i++)
        {
            using var wrong = await GetTokenAsync(client, "carol", $"guess-{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var limited = await GetTokenAsync(client, "carol", "carol-password-1");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Contains("TOOMANYREQUESTS", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a 429 says when to retry");
    }

    [Fact]
    public async Task WrongTokens_UnderAUsername_DoNotLockThatUsernameOut()
    {
        using var client = _factory.CreateAnonymousClient();
        var admin = _factory.AdminToken;

        // Two wrong tokens (under the limit of three for the address) must not count against "admin" itself.
        for (var i = 0; i < 2; i++)
        {
            using var wrong = await GetTokenAsync(client, "admin", "wharf_pat_" + new string((char)('A' + i), 43));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var right = await GetTokenAsync(client, "admin", admin);

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    public void Dispose() => _factory.Dispose();

    private async Task CreateUserAsync(string username, string password)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AuthDirectory>().CreateUserAsync(username, password);
    }

    private static Task<HttpResponseMessage> GetTokenAsync(HttpClient client, string username, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/auth/token?service=wharf&scope=repository:ml/app:pull");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));
        return client.SendAsync(request);
    }
}
