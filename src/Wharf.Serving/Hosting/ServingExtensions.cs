using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Prometheus;
using Wharf.Serving.Metrics;
using Wharf.Serving.Models;
using Wharf.Serving.Onnx;
using Wharf.Serving.Protocol;

namespace Wharf.Serving.Hosting;

/// <summary>wharf-serve's wiring: <see cref="AddServing"/> registers it, <see cref="MapServing"/> maps it.</summary>
internal static class ServingExtensions
{
    public const string DefaultUrl = "http://127.0.0.1:8000";

    public static WebApplicationBuilder AddServing(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // Per-request framework logs cost more than this server's whole overhead budget; load and failure logs stay.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var services = builder.Services;
        services.AddOptions<ServingOptions>().BindConfiguration(ServingOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServingOptions>, ServingOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ServingMetrics>();
        services.AddSingleton<OnnxModelLoader>();
        services.TryAddSingleton<IInferenceSchedulerFactory, InferenceSchedulerFactory>();
        services.AddSingleton<IModelSource, DirectoryModelSource>();
        services.AddSingleton<IModelSource, ConfiguredModelSource>();
        services.AddSingleton<ModelRepository>();
        services.AddHostedService<ModelStartupService>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ProtocolJson.Context));
        return builder;
    }

    /// <summary>
    /// Maps the Open Inference Protocol and /metrics. Every endpoint is anonymous on purpose: wharf-serve runs inside a
    /// model image behind the platform's gateway, which authenticates callers; the image itself has no users or tokens.
    /// </summary>
    public static WebApplication MapServing(this WebApplication app)
    {
        // Routing's own refusals (no such path, wrong method) answer in the protocol's {"error"} shape too.
        app.UseStatusCodePages(context => ProtocolResults.WriteErrorAsync(
            context.HttpContext,
            context.HttpContext.Response.StatusCode,
            $"{context.HttpContext.Request.Method} {context.HttpContext.Request.Path} is not an endpoint of this server " +
            $"(HTTP {context.HttpContext.Response.StatusCode})"));
        app.MapServerEndpoints();
        app.MapModelEndpoints();
        app.MapInferEndpoints();
        app.MapRepositoryEndpoints();
        app.MapMetrics("/metrics", app.Services.GetRequiredService<ServingMetrics>().Registry);
        return app;
    }
}
