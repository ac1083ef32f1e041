using System.Reflection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Prometheus;
using Wharf.Server.Auth;

using Wharf.Server.Tracking;

namespace Wharf.Server.Hosting;

internal static class HostingExtensions
{
    /// <summary>The product version, from the assembly's informational version.</summary>
    public static string Version { get; } =
        typeof(HostingExtensions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    /// <summary>Tag of the health checks that gate <c>/healthz/ready</c>.</summary>
    public const string ReadyTag = "ready";

    public static WebApplicationBuilder AddWharfHosting(this WebApplicationBuilder builder)
    {
        // Quiet framework defaults, as the ASP.NET templates ship them in appsettings.json: without them Kestrel and
        // routing log two lines per request, which costs throughput and drowns Wharf's own messages. Inserted
        // first, so every real configuration source (appsettings, environment, command line) still overrides them.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
            },
        });

        // WHARF_DATA is the documented way to pick the data directory; configuration keys still win.
        var dataFromEnvironment = Environment.GetEnvironmentVariable("WHARF_DATA");
        if (!string.IsNullOrWhiteSpace(dataFromEnvironment) && builder.Configuration["Wharf:DataDirectory"] is null)
        {
            builder.Configuration["Wharf:DataDirectory"] = dataFromEnvironment;
        }

        // Loopback by default: nothing is reachable from the network until the operator says so.
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])
            && string.IsNullOrEmpty(builder.Configuration["HTTP_PORTS"])
            && string.IsNullOrEmpty(builder.Configuration["HTTPS_PORTS"]))
        {
            builder.WebHost.UseUrls(WharfServer.DefaultUrl);
        }

        builder.Services.AddOptions<WharfOptions>()
            .BindConfiguration(WharfOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDirectory), "Wharf:DataDirectory (or WHARF_DATA) must name a directory.")
            .Validate(o => o.ExternalUrl is null || (o.ExternalUrl.IsAbsoluteUri && (o.ExternalUrl.Scheme == Uri.UriSchemeHttp || o.ExternalUrl.Scheme == Uri.UriSchemeHttps)),
                "Wharf:ExternalUrl must be an absolute http(s) URL.")
            .ValidateOnStart();

        builder.Services.AddSingleton(TimeProvider.System);

        // Antiforgery and cookie keys live in the data directory, not in the user's home: they belong to this
        // server's data, survive restarts with it, and are not shared with unrelated processes.
        builder.Services.AddDataProtection().SetApplicationName("wharf");
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<IConfiguration, ILoggerFactory>((keys, configuration, loggers) =>
            {
                // Read the raw setting, not IOptions<WharfOptions>: an invalid data directory must surface as the
                // options validation error at start, not as a failure inside the key manager.
                var data = configuration[$"{WharfOptions.Section}:DataDirectory"] ?? new WharfOptions().DataDirectory;
                if (!string.IsNullOrWhiteSpace(data))
                {
                    keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(Path.GetFullPath(data), "keys")), loggers);
                }
            });
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks();
        builder.Services.AddHostedService<HostLifetime>();
        builder.Services.AddSingleton<ServerStatusReader>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        return builder;
    }

    public static WebApplication UseWharfHosting(this WebApplication app)
    {
        // /api/* speaks RFC 9457 problem details, for thrown exceptions and for bare status codes alike; except the
        // MLflow routes under it, which speak MLflow's envelope (UseWharfTracking).
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/api") && !MlflowErrorMiddleware.Applies(context),
            api =>
            {
                api.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = StatusCodeFor });
                api.UseStatusCodePages();
            });
        app.UseHttpMetrics(options => options.ReduceStatusCodeCardinality());
        return app;
    }

    public static IEndpointRouteBuilder MapWharfHealth(this IEndpointRouteBuilder endpoints)
    {
        // Liveness says the process answers; readiness runs the checks of the database and the blob store.
        // Probes come from orchestrators that carry no token, and say only "healthy" or not.
        endpoints.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false })
            .AllowPublic("liveness probe");
        endpoints.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) })
            .AllowPublic("readiness probe");
        // Metrics name repositories and request volumes: administrators only (Prometheus sends a bearer token).
        endpoints.MapMetrics("/metrics").RequireAdmin();
        return endpoints;
    }

    private static int StatusCodeFor(Exception exception) => exception switch
    {
        BadHttpRequestException bad => bad.StatusCode,
        OperationCanceledException => StatusCodes.Status499ClientClosedRequest,
        _ => StatusCodes.Status500InternalServerError,
    };
}
