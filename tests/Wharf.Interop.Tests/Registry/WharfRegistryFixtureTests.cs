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
            // InitializeAsync returns only once /healthz/ready answers; the server creates WHARF_DATA at start.
            await fixture.InitializeAsync();

            Assert.Equal("127.0.0.1", fixture.BaseUrl.Host);
            Assert.True(Directory.Exists(fixture.Data.Combine("data")), "the server did not use WHARF_DATA");
        }
        finally
        {
            await fixture.DisposeAsync();
        }

        Assert.False(Directory.Exists(fixture.Data.Path), "the fixture left its data directory behind");
    }
}
