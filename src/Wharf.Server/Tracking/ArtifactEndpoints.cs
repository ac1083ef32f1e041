using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;
using Wharf.Server.Auth;
using Wharf.Server.Storage;

namespace Wharf.Server.Tracking;

/// <summary>
/// MLflow's artifact proxy (mlflow_artifacts.proto) under <c>/api/2.0/mlflow-artifacts</c>, which the client uses for
/// runs whose <c>artifact_uri</c> is <c>mlflow-artifacts:/&lt;experiment&gt;/&lt;run&gt;/artifacts</c>, and
/// service.proto's <c>artifacts/list</c>. Bytes go to the blob store (<see cref="ArtifactStore"/>); every call is
/// authorized against the project of the stored run named in the path.
/// </summary>
internal static class ArtifactEndpoints
{
    public const string ProxyPrefix = "/api/2.0/mlflow-artifacts";

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    // Served from Wharf's own origin: types a browser would run as a page or script go out as text.
    private static readonly HashSet<string> ActiveContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "text/html", "application/xhtml+xml", "image/svg+xml", "text/javascript", "application/javascript", "application/x-javascript", "text/xml", "application/xml",
    };

    public static IEndpointRouteBuilder MapArtifactProxy(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(ProxyPrefix);
        var locator = TrackingLocators.Artifact();

        // One GET route serves downloads (a path in the route) and listings (/artifacts?path=...): a catch-all also
        // matches the bare /artifacts.
        group.MapGet("/artifacts/{**path}", GetAsync).RequireProjectScope(Scope.TrackingRead, locator);
        group.MapPut("/artifacts/{**path}", UploadAsync).RequireProjectScope(Scope.TrackingWrite, locator);
        group.MapDelete("/artifacts/{**path}", DeleteAsync).RequireProjectScope(Scope.TrackingWrite, locator);
        return endpoints;
    }

    public static RouteGroupBuilder MapArtifacts(this RouteGroupBuilder group)
    {
        group.MapGet("/artifacts/list", ListAsync).RequireProjectScope(Scope.TrackingRead, TrackingLocators.Run());
        return group;
    }

    internal static async Task<IResult> GetAsync(HttpContext context, ArtifactStore store, CancellationToken cancellationToken)
    {
        var listing = !context.Request.RouteValues.TryGetValue("path", out var routed) || routed is not string { Length: > 0 };
        var path = Parse(context);
        var run = await store.RunAsync(path, cancellationToken);
        if (listing)
        {
            var entries = await store.ListAsync(run.RunUuid, path.Relative, cancellationToken);
            return MlflowResult.Ok(w => WriteFiles(w, entries, ""));
        }

        if (path.Relative.Length == 0)
        {
            throw MlflowException.Invalid("Name a file below the run's artifact root to download; list the root with GET /artifacts?path=...");
        }

        var (artifact, content) = await store.OpenAsync(run.RunUuid, path.Relative, cancellationToken);
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        var entityTag = new EntityTagHeaderValue($"\"{artifact.Digest}\"");

        // SVG keeps its type so the run page can preview it through <img>, which never runs an image's scripts. Opened
        // directly it could, so it is sent as an attachment (a download, not a page) on top of the sandbox above.
        if (IsSvg(artifact.Path))
        {
            return new BlobContentResult(content, "image/svg+xml", entityTag, downloadName: artifact.Path[(artifact.Path.LastIndexOf('/') + 1)..]);
        }

        return new BlobContentResult(content, ContentTypeOf(artifact.Path), entityTag);
    }

    internal static async Task<IResult> UploadAsync(HttpContext context, ArtifactStore store, CancellationToken cancellationToken)
    {
        var path = Parse(context);
        if (path.Relative.Length == 0)
        {
            throw MlflowException.Invalid("Name a file below the run's artifact root to upload to.");
        }

        var run = await store.RunAsync(path, cancellationToken);

        // Artifacts can be gigabytes: lift Kestrel's default 30 MB cap; the body is streamed into the blob store.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        try
        {
            await store.UploadAsync(run, path.Relative, context.Request.Body, cancellationToken);
        }
        catch (IOException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away mid-body: nothing was stored, and nobody reads an answer.
            throw new OperationCanceledException(context.RequestAborted);
        }

        return MlflowResult.Empty;
    }

    internal static async Task<IResult> DeleteAsync(HttpContext context, ArtifactStore store, CancellationToken cancellationToken)
    {
        var path = Parse(context);
        if (path.Relative.Length == 0)
        {
            throw MlflowException.Invalid("Name a file or directory below the run's artifact root to delete.");
        }

        var run = await store.RunAsync(path, cancellationToken);
        await store.DeleteAsync(run.RunUuid, path.Relative, cancellationToken);
        return MlflowResult.Empty;
    }

    /// <summary>service.proto ListArtifacts: the files directly under <c>path</c>, named relative to the run's artifact root.</summary>
    internal static async Task<IResult> ListAsync(HttpContext context, ArtifactStore store, CancellationToken cancellationToken)
    {
        var request = await MlflowRequest.ReadAsync(context, cancellationToken);
        var run = await store.RunAsync(request.RequireRunId(), cancellationToken);
        var directory = ArtifactPaths.Relative(request.String("path"));
        var entries = await store.ListAsync(run.RunUuid, directory, cancellationToken);
        return MlflowResult.Ok(w =>
        {
            w.WriteString("root_uri", run.ArtifactUri);
            WriteFiles(w, entries, directory.Length == 0 ? "" : directory + "/");
        });
    }

    private static ArtifactPaths.ProxyPath Parse(HttpContext context) =>
        ArtifactPaths.TryParseProxy(context, ArtifactPaths.RawOf(context), out var path, out var error)
            ? path
            : throw MlflowException.Invalid(error!);

    private static void WriteFiles(System.Text.Json.Utf8JsonWriter w, List<ArtifactStore.Entry> entries, string prefix)
    {
        if (entries.Count == 0)
        {
            return;
        }

        w.WriteStartArray("files");
        foreach (var entry in entries)
        {
            w.WriteStartObject();
            w.WriteString("path", prefix + entry.Name);
            w.WriteBoolean("is_dir", entry.IsDirectory);
            if (entry.Size is { } size)
            {
                w.WriteNumber("file_size", size);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static bool IsSvg(string path) => path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase);

    private static string ContentTypeOf(string path)
    {
        if (!ContentTypes.TryGetContentType(path, out var type))
        {
            return path.EndsWith(".log", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
                || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || path.EndsWith("MLmodel", StringComparison.Ordinal)
                ? "text/plain"
                : "application/octet-stream";
        }

        return ActiveContentTypes.Contains(type) ? "text/plain" : type;
    }
}
