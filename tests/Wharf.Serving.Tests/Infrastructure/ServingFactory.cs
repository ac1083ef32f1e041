using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Wharf.Serving.Tests.Infrastructure;

/// <summary>wharf-serve in process (TestServer) with the given configuration, real ONNX Runtime, real model files.</summary>
internal sealed class ServingFactory(
    IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (configureServices is not null)
        {
            builder.ConfigureTestServices(configureServices);
        }
    }

    /// <summary>Polls /v2/health/ready until it answers 200 (start-up loads run in the background).</summary>
    public async Task<HttpClient> CreateReadyClientAsync()
    {
        var client = CreateClient();
        for (var attempt = 0; attempt < 600; attempt++)
        {
            using var response = await client.GetAsync("/v2/health/ready");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return client;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("wharf-serve did not become ready: " + await client.GetStringAsync("/v2/repository/index"));
    }

    /// <summary>Polls until start-up has finished, ready or not: the repository index shows no LOADING version.</summary>
    public async Task<HttpClient> CreateStartedClientAsync()
    {
        var client = CreateClient();
        for (var attempt = 0; attempt < 600; attempt++)
        {
            using var response = await client.GetAsync("/v2/health/ready");
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK || !body.Contains("still loading", StringComparison.Ordinal))
            {
                return client;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("wharf-serve did not finish starting.");
    }
}
