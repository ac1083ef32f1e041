using Microsoft.Extensions.Options;
using Wharf.Serving.Tests.Infrastructure;

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
        await using var factory = new ServingFactory(new Dictionary<string, string?> { [key] = value });

        var exception = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains(key, exception.Message, StringComparison.Ordinal);
    }
}
