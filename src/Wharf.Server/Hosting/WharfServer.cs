using Microsoft.Extensions.Options;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Events;
using Wharf.Server.Events.Webhooks;
using Wharf.Server.Images;
using Wharf.Server.Models;
using Wharf.Server.Registry;
using Wharf.Server.Storage;
using Wharf.Server.Tracking;
using Wharf.Server.Ui;

namespace Wharf.Server.Hosting;

/// <summary>
/// The platform's composition root. It is a table of contents: each feature adds its services with
/// <c>AddX()</c> and its endpoints with <c>MapX()</c>. Both <c>Wharf.Server</c> and <c>wharf server</c> start here.
/// </summary>
public sealed class WharfServer
{
    /// <summary>Default address: loopback only, so a fresh start exposes nothing to the network.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8080";

    // Not static only so that WebApplicationFactory<WharfServer> can name this assembly's entry point.
    private WharfServer()
    {
    }

    /// <summary>Builds and runs the server until shutdown; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        WebApplication app;
        try
        {
            app = Build(args);
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync($"wharf: invalid configuration: {string.Join("; ", ex.Failures)}");
            return 2;
        }

        try
        {
            await PreflightAsync(app, cancellationToken);
            await app.RunAsync(cancellationToken);
            return 0;
        }
        catch (StartupException ex)
        {
            // Expected refusals to start (schema newer than the code, half-migrated schema, bad options):
            // one clear line, no stack trace.
            await Console.Error.WriteLineAsync($"wharf: {ex.Message}");
            return 3;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync($"wharf: invalid configuration: {string.Join("; ", ex.Failures)}");
            return 2;
        }
    }

    /// <summary>
    /// Does what start-up would refuse on (options, schema, blob store directory) before the host starts, so a
    /// refusal prints one clear line instead of the host's "failed to start" log with a stack trace. The hosted
    /// services find the work done; in-process test hosts rely on them alone.
    /// </summary>
    private static async Task PreflightAsync(WebApplication app, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(app.Services.GetRequiredService<IOptions<WharfOptions>>().Value.DataDirectoryFullPath);
        await app.Services.GetRequiredService<DatabaseMigrator>().EnsureMigratedAsync(cancellationToken);
        BlobStoreInitializer.Open(app.Services);
    }

    internal static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(WharfServer).Assembly.GetName().Name,
        });

        builder.AddWharfHosting();
        builder.Services.AddWharfData();
        builder.Services.AddWharfStorage();
        builder.Services.AddWharfEvents();
        builder.Services.AddWharfRegistry();
        builder.Services.AddWharfAuth();
        builder.Services.AddWharfTracking();
        builder.Services.AddWharfModels();
        builder.Services.AddWharfModelImages();
        builder.Services.AddWharfWebhooks();
        builder.Services.AddWharfUi();

        var app = builder.Build();

        // Middleware order matters: the UI's error pages wrap access control, so a refused page renders as a page;
        // access control runs before antiforgery (added by MapWharfUi), which keys its tokens on the caller.
        app.UseWharfHosting();
        app.UseWharfTracking();
        app.UseWharfUi();
        app.UseWharfAuth();
        app.MapWharfHealth();
        app.MapWharfStatus();
        app.MapWharfRegistry();
        app.MapWharfRegistryApi();
        app.MapWharfAuth();
        app.MapWharfTracking();
        app.MapWharfModels();
        app.MapWharfModelImages();
        app.MapWharfWebhooks();
        app.MapWharfUi();
        return app;
    }
}
