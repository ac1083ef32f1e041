using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Wharf.Oci;

namespace Wharf.Server.Registry;

/// <summary>Content discovery: <c>tags/list</c>, <c>_catalog</c> and the referrers API.</summary>
internal static class RegistryDiscoveryEndpoints
{
    public static async Task<IResult> ListTagsAsync(HttpContext context, RepositoryName name, CancellationToken cancellationToken)
    {
        var (count, last, invalid) = ParsePage(context);
        if (invalid is not null)
        {
            return invalid;
        }

        var store = context.RequestServices.GetRequiredService<RegistryStore>();
        if (await store.FindRepositoryAsync(name.Value, cancellationToken) is not { } repository)
        {
            return RegistryResults.Error(RegistryErrorCode.NameUnknown, $"repository {name} is not known");
        }

        // One extra row says whether there is a next page, without a count query.
        var tags = count == 0 ? [] : await store.ListTagsAsync(repository.Id, last, count + 1, cancellationToken);
        AddNextLink(context, $"/v2/{name}/tags/list", tags, count);
        return new JsonBodyResult(writer =>
        {
            writer.WriteString("name", name.Value);
            writer.WriteStartArray("tags");
            foreach (var tag in tags.Take(count))
            {
                writer.WriteStringValue(tag);
            }

            writer.WriteEndArray();
        });
    }

    public static async Task<IResult> GetCatalogAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var (count, last, invalid) = ParsePage(context);
        if (invalid is not null)
        {
            return invalid;
        }

        // The caller's visibility is a WHERE clause: one indexed query returns exactly the page it may see.
        var store = context.RequestServices.GetRequiredService<RegistryStore>();
        var visibility = await context.RequestServices.GetRequiredService<IRegistryAuthorizer>().VisibleRepositoriesAsync(context, cancellationToken);
        var visible = await store.ListRepositoriesAsync(visibility, last, count + 1, cancellationToken);

        AddNextLink(context, "/v2/_catalog", visible, count);
        return new JsonBodyResult(writer =>
        {
            writer.WriteStartArray("repositories");
            foreach (var repository in visible.Take(count))
            {
                writer.WriteStringValue(repository);
            }

            writer.WriteEndArray();
        });
    }

    public static async Task<IResult> ListReferrersAsync(HttpContext context, RepositoryName name, string reference, CancellationToken cancellationToken)
    {
        if (!Digest.TryParse(reference, out var subject, out var digestError))
        {
            return RegistryResults.Error(RegistryErrorCode.DigestInvalid, digestError);
        }

        var artifactType = context.Request.Query["artifactType"].ToString();
        var filter = string.IsNullOrEmpty(artifactType) ? null : artifactType;
        var store = context.RequestServices.GetRequiredService<RegistryStore>();

        // The spec forbids 404 for a subject without referrers: an unknown repository or subject lists nothing.
        var referrers = await store.FindRepositoryAsync(name.Value, cancellationToken) is { } repository
            ? await store.ListReferrersAsync(repository.Id, subject, filter, cancellationToken)
            : [];
        if (filter is not null)
        {
            context.Response.Headers[RegistryHeaders.OciFiltersApplied] = "artifactType";
        }

        return new JsonBodyResult(
            writer =>
            {
                writer.WriteNumber("schemaVersion", 2);
                writer.WriteString("mediaType", MediaTypes.OciIndex);
                writer.WriteStartArray("manifests");
                foreach (var referrer in referrers)
                {
                    writer.WriteStartObject();
                    writer.WriteString("mediaType", referrer.MediaType);
                    writer.WriteString("digest", referrer.Digest);
                    writer.WriteNumber("size", referrer.Size);
                    if (referrer.ArtifactType is not null)
                    {
                        writer.WriteString("artifactType", referrer.ArtifactType);
                    }

                    if (referrer.AnnotationsJson is not null)
                    {
                        writer.WritePropertyName("annotations");
                        writer.WriteRawValue(referrer.AnnotationsJson, skipInputValidation: true);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            },
            MediaTypes.OciIndex);
    }

    private static (int Count, string? Last, IResult? Error) ParsePage(HttpContext context)
    {
        var max = context.RequestServices.GetRequiredService<IOptions<RegistryOptions>>().Value.MaxPageSize;
        var query = context.Request.Query;
        var count = max;
        if (query.TryGetValue("n", out var n))
        {
            if (!int.TryParse(n.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out count))
            {
                // Too large to parse is still a request for "as many as you give": cap it; anything else is invalid.
                if (long.TryParse(n.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    count = max;
                }
                else
                {
                    return (0, null, RegistryResults.Error(RegistryErrorCode.PaginationNumberInvalid, $"n={n} must be a non-negative integer"));
                }
            }

            count = Math.Min(count, max);
        }

        var last = query.TryGetValue("last", out var l) && l.ToString().Length > 0 ? l.ToString() : null;
        return (count, last, null);
    }

    private static void AddNextLink(HttpContext context, string path, List<string> rows, int count)
    {
        if (rows.Count > count && count > 0)
        {
            var last = Uri.EscapeDataString(rows[count - 1]);
            context.Response.Headers.Link = $"<{path}?n={count}&last={last}>; rel=\"next\"";
        }
    }

    /// <summary>A JSON object written straight to the response, no intermediate model.</summary>
    private sealed class JsonBodyResult(Action<Utf8JsonWriter> writeProperties, string contentType = "application/json") : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = contentType;
            await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter);
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
            await writer.FlushAsync(httpContext.RequestAborted);
        }
    }
}
