using Wharf.Interop.Tests.Infrastructure;

namespace Wharf.Interop.Tests.Registry;

/// <summary>
/// Keeps the Wharf fixture slot working until the registry lands: the server starts as a child process on a
/// free port with its own data directory and answers readiness. (No registry tests against Wharf yet:
/// they would fail until /v2/ exists.)
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class WharfRegistryFixtureTests
{
    [Fact]
    public async Task InitializeAsync_ServerAssembly_StartsOnLoopbackWithOwnDataDirectory()
    {
        var fixture = new WharfRegistryFixture();
        try
        {
            await fixture.InitializeAsync();

            using var http = new HttpClient { BaseAddress = fixture.BaseUrl };
            var status = await http.GetStringAsync("/api/v1/status");
            Assert.Contains(fixture.Data.Path, status, StringComparison.Ordinal);
            Assert.Equal("127.0.0.1", fixture.BaseUrl.Host);
        }
        finally
        {
            await fixture.DisposeAsync();
        }

        Assert.False(Directory.Exists(fixture.Data.Path), "the fixture left its data directory behind");
    }
}
