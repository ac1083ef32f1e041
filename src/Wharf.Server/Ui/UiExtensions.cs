using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.FileProviders;
using Wharf.Server.Auth;
using Wharf.Server.Ui.Account;
using Wharf.Server.Ui.Errors;

namespace Wharf.Server.Ui;

/// <summary>
/// The web UI: Blazor components rendered on the server (static SSR). Pages are plain HTML and work without
/// JavaScript; the stylesheet is embedded in this assembly (see <see cref="UseWharfUiAssets"/>).
/// </summary>
internal static class UiExtensions
{
    /// <summary>Where the embedded <c>wwwroot</c> files are served; the layout links <c>/ui/wharf.css</c>.</summary>
    public const string AssetsPath = "/ui";

    private const string OpaqueRedirectPath = "/_framework/opaque-redirect";

    /// <summary>
    /// Paths that belong to machine surfaces, which answer in their own error formats (problem details, the OCI
    /// envelope, health and metrics text). The UI never turns their status codes into HTML pages.
    /// </summary>
    private static readonly PathString[] MachinePaths = ["/api", "/ajax-api", "/v2", "/healthz", "/metrics"];

    public static IServiceCollection AddWharfUi(this IServiceCollection services)
    {
        // Static server rendering only: no interactive render modes, so no circuits and no WebAssembly.
        // This also registers the antiforgery services the forms of later pages rely on.
        services.AddRazorComponents();
        return services;
    }

    /// <summary>
    /// Adds the UI's outer middleware: error pages for page requests and the embedded assets. It needs the
    /// <see cref="WebApplication"/>, not only an endpoint builder, because re-execution must route again.
    /// </summary>
    public static WebApplication UseWharfUi(this WebApplication app)
    {
        // An unknown page renders the UI's 404 page (with status 404) instead of an empty body. This must be added
        // to the WebApplication itself, not inside a UseWhen branch: only there does re-execution route the request
        // again (a branch does not inherit the global route builder, and the 404 page would never be found).
        app.UseStatusCodePagesWithReExecute(NotFoundPage.Path, createScopeForStatusCodePages: true);
        app.Use(static (context, next) =>
        {
            // Machine surfaces answer in their own error formats (/api: problem details), and a re-executed POST
            // would meet the page's antiforgery check; both keep their status code as it is.
            if (!IsPageRequest(context.Request) && context.Features.Get<IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }

            return next(context);
        });

        app.UseWharfUiAssets();
        return app;
    }

    /// <summary>Maps the pages, behind antiforgery (which runs after access control has resolved the caller).</summary>
    public static WebApplication MapWharfUi(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapAccount();
        app.MapRazorComponents<App>().Finally(endpoint =>
        {
            // Pages declare their access as attributes. Blazor adds one endpoint of its own: the redirect after an
            // enhanced form post, which only follows a URL the server itself encrypted (data protection).
            if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: OpaqueRedirectPath }
                && !endpoint.Metadata.OfType<EndpointAccess>().Any())
            {
                endpoint.Metadata.Add(new PublicAccess("Blazor's redirect after a form post; follows only server-encrypted URLs"));
            }
        });
        return app;
    }

    /// <summary>
    /// Serves <c>wwwroot</c> from resources embedded in Wharf.Server.dll. Static web assets (<c>MapStaticAssets</c>)
    /// find their files under the content root's <c>wwwroot</c>, or in Development through a manifest pointing
    /// into the source tree; tried here, they answered 200 with an empty stylesheet whenever the server ran from
    /// the <c>wharf</c> CLI or from another working directory. Embedded files travel with the assembly, so the
    /// same bytes are served whichever entry assembly, working directory or environment hosts the server.
    /// </summary>
    private static void UseWharfUiAssets(this WebApplication app)
    {
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new EmbeddedFileProvider(typeof(UiExtensions).Assembly, "Wharf.Server.wwwroot"),
            RequestPath = AssetsPath,
            // The URL is not fingerprinted, so browsers revalidate every time; the ETag makes that a cheap 304,
            // and a new version's stylesheet is picked up at once after an upgrade.
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
    }

    private static bool IsPageRequest(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && !IsMachinePath(request.Path);

    /// <summary>Whether <paramref name="path"/> belongs to a machine surface rather than to the UI's pages.</summary>
    public static bool IsMachinePath(PathString path) =>
        MachinePaths.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));
}
