using Microsoft.AspNetCore.Http.Features;
using Wharf.Server.Auth;

namespace Wharf.Server.Registry;

/// <summary>
/// Maps the OCI distribution API under <c>/v2/</c>. Repository names contain slashes, so one catch-all route takes
/// every request and <see cref="RegistryRoute"/> reads the path from its end; the request then goes to the handler
/// class of its resource (<see cref="RegistryBlobEndpoints"/>, <see cref="RegistryUploadEndpoints"/>,
/// <see cref="RegistryManifestEndpoints"/>, <see cref="RegistryDiscoveryEndpoints"/>) after the authorization hook
/// has approved the actions it needs.
/// </summary>
internal static class RegistryEndpoints
{
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

    public static IEndpointRouteBuilder MapWharfRegistry(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/v2", Methods, DispatchAsync).WithName("RegistryBase").ExcludeFromDescription().UseRegistryProtocolAccess();
        endpoints.MapMethods("/v2/{**path}", Methods, DispatchAsync).WithName("Registry").ExcludeFromDescription().UseRegistryProtocolAccess();
        return endpoints;
    }

    private static async Task DispatchAsync(HttpContext context)
    {
        context.Response.Headers[RegistryHeaders.ApiVersion] = "registry/2.0";
        IResult result;
        try
        {
            result = await RouteAsync(context, context.RequestAborted);
        }
        catch (IOException ex) when (IsDiskFull(ex) && !context.Response.HasStarted)
        {
            Log.DiskFull(Logger(context), context.Request.Method, context.Request.Path);
            result = RegistryResults.Error(RegistryErrorCode.InsufficientStorage, "the server's disk is full; nothing was stored, retry later");
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !context.Response.HasStarted)
        {
            // Under /v2/ even a bug answers in the registry's error envelope, never with a stack trace.
            Log.RequestFailed(Logger(context), context.Request.Method, context.Request.Path, ex);
            result = RegistryResults.Error(RegistryErrorCode.Unknown, "internal error; see the server log");
        }

        await result.ExecuteAsync(context);
        RegistryMetrics.Request(context.Request.Method, context.Response.StatusCode);
    }

    private static ILogger Logger(HttpContext context)
        => context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RegistryEndpoints));

    /// <summary>ENOSPC (28) or EDQUOT (122): the write failed for lack of space, not because of the request.</summary>
    private static bool IsDiskFull(IOException ex) => (ex.HResult & 0xFFFF) is 28 or 122;

    private static async Task<IResult> RouteAsync(HttpContext context, CancellationToken cancellationToken)
    {
        // Kestrel removes dot segments before routing, so ".../x/../y" would quietly address another repository.
        // Refuse them as sent instead; names never contain them.
        if (HasDotSegment(context.Features.Get<IHttpRequestFeature>()?.RawTarget))
        {
            return RegistryResults.Error(RegistryErrorCode.NameInvalid, "the request path contains '.' or '..' segments");
        }

        var path = context.Request.RouteValues["path"] as string;
        if (RegistryRoute.Parse(path) is not { } route)
        {
            return RegistryResults.Error(RegistryErrorCode.NameUnknown, $"no registry endpoint at /v2/{path}");
        }

        var method = context.Request.Method;
        var authorizer = context.RequestServices.GetRequiredService<IRegistryAuthorizer>();
        if (route.Resource == RegistryResource.Base)
        {
            return HttpMethods.IsGet(method) || HttpMethods.IsHead(method)
                ? await authorizer.AuthorizeAsync(context, null, RegistryActions.None, cancellationToken) ?? TypedResults.Json(new { })
                : Unsupported(method, "/v2/");
        }

        if (route.Resource == RegistryResource.Catalog)
        {
            return HttpMethods.IsGet(method)
                ? await authorizer.AuthorizeAsync(context, null, RegistryActions.None, cancellationToken)
                    ?? await RegistryDiscoveryEndpoints.GetCatalogAsync(context, cancellationToken)
                : Unsupported(method, "_catalog");
        }

        if (!RepositoryName.TryParse(route.Name, out var name, out var nameError))
        {
            return RegistryResults.Error(RegistryErrorCode.NameInvalid, nameError);
        }

        var actions = ActionsFor(route.Resource, method);
        if (actions is null)
        {
            return Unsupported(method, route.Resource.ToString());
        }

        if (await authorizer.AuthorizeAsync(context, name, actions.Value, cancellationToken) is { } denied)
        {
            return denied;
        }

        // Blob bodies can be gigabytes: lift Kestrel's default 30 MB cap for upload requests; each handler
        // streams, and manifests enforce their own 4 MiB limit.
        if (route.Resource is RegistryResource.UploadStart or RegistryResource.Upload
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        var reference = route.Reference;
        return (route.Resource, method) switch
        {
            (RegistryResource.Blob, "GET" or "HEAD") => await RegistryBlobEndpoints.GetAsync(context, name, reference!, cancellationToken),
            (RegistryResource.Blob, "DELETE") => await RegistryBlobEndpoints.DeleteAsync(context, name, reference!, cancellationToken),
            (RegistryResource.UploadStart, "POST") => await RegistryUploadEndpoints.StartAsync(context, name, cancellationToken),
            (RegistryResource.Upload, "GET") => await RegistryUploadEndpoints.GetStatusAsync(context, name, reference!, cancellationToken),
            (RegistryResource.Upload, "PATCH") => await RegistryUploadEndpoints.PatchAsync(context, name, reference!, cancellationToken),
            (RegistryResource.Upload, "PUT") => await RegistryUploadEndpoints.PutAsync(context, name, reference!, cancellationToken),
            (RegistryResource.Upload, "DELETE") => await RegistryUploadEndpoints.CancelAsync(context, name, reference!, cancellationToken),
            (RegistryResource.Manifest, "GET" or "HEAD") => await RegistryManifestEndpoints.GetAsync(context, name, reference!, cancellationToken),
            (RegistryResource.Manifest, "PUT") => await RegistryManifestEndpoints.PutAsync(context, name, reference!, cancellationToken),
            (RegistryResource.Manifest, "DELETE") => await RegistryManifestEndpoints.DeleteAsync(context, name, reference!, cancellationToken),
            (RegistryResource.Tags, "GET") => await RegistryDiscoveryEndpoints.ListTagsAsync(context, name, cancellationToken),
            (RegistryResource.Referrers, "GET") => await RegistryDiscoveryEndpoints.ListReferrersAsync(context, name, reference!, cancellationToken),
            _ => Unsupported(method, route.Resource.ToString()),
        };
    }

    /// <summary>The token-scope actions a request needs; null when the method is not defined for the resource.</summary>
    private static RegistryActions? ActionsFor(RegistryResource resource, string method) => (resource, method) switch
    {
        (RegistryResource.Blob or RegistryResource.Manifest, "GET" or "HEAD") => RegistryActions.Pull,
        (RegistryResource.Tags or RegistryResource.Referrers, "GET") => RegistryActions.Pull,
        (RegistryResource.Blob or RegistryResource.Manifest, "DELETE") => RegistryActions.Delete,
        (RegistryResource.Manifest, "PUT") => RegistryActions.Push | RegistryActions.Pull,
        (RegistryResource.UploadStart, "POST") => RegistryActions.Push | RegistryActions.Pull,
        (RegistryResource.Upload, "GET" or "PATCH" or "PUT" or "DELETE") => RegistryActions.Push | RegistryActions.Pull,
        _ => null,
    };

    private static bool HasDotSegment(string? rawTarget)
    {
        if (string.IsNullOrEmpty(rawTarget))
        {
            return false;
        }

        var query = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = Uri.UnescapeDataString(query < 0 ? rawTarget : rawTarget[..query]);
        foreach (var segment in path.Split('/'))
        {
            if (segment is "." or "..")
            {
                return true;
            }
        }

        return false;
    }

    private static IResult Unsupported(string method, string what)
        => RegistryResults.Error(RegistryErrorCode.Unsupported, $"{method} is not supported on {what}");
}
