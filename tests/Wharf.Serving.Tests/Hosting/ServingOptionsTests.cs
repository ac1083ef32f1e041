using Microsoft.Extensions.Options;
using Wharf.Serving.Hosting;

namespace Wharf.Serving.Tests.Hosting;

public sealed class ServingOptionsTests
{
    [Theory]
    [InlineData("Serving:ModelRepository", "/nonexistent/wharf-models")]
    [InlineData("Serving:MaxRequestBytes", "0")]
    [InlineData("Serving:IntraOpThreads", "-1")]
    [InlineData("Serving:ExecutionProvider", "TPU")]
    public async Task Start_InvalidConfiguration_FailsNamingTheKey(string key, string value)
    {
        // Started directly rather than through WebApplicationFactory: when a minimal-hosting app fails to start, the
        // factory's deferred host may read the already disposed service provider and throw ObjectDisposedException
        // instead of the start-up error (it did, once in three CI runs).
        await using var app = ServingApp.Build(["--urls", "http://127.0.0.1:0", "--" + key, value]);

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(key, exception.Message, StringComparison.Ordinal);
    }
}
