using System.Net;
using System.Net.Http.Headers;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>
/// Speaks the distribution API over any <see cref="HttpClient"/> whose base address is a registry root. Every call
/// returns a fully read <see cref="RegistryResponse"/>; the push helpers assert each step so a broken setup fails
/// where it breaks, not three steps later.
/// </summary>
public sealed class RegistryTestClient(HttpClient http)
{
    public HttpClient Http { get; } = http;

    public Uri BaseAddress => Http.BaseAddress ?? throw new InvalidOperationException("the registry HttpClient needs a BaseAddress");

    /// <summary>A Location header or path made absolute against the registry root; absolute URLs pass through.</summary>
    public Uri Resolve(string target) =>
        Uri.TryCreate(target, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https"
            ? absolute
            : new Uri(BaseAddress, target);

    /// <summary>
    /// A URL whose path is sent exactly as written: no dot-segment removal, no unescaping, so hostile paths
    /// (<c>..</c>, <c>%2e%2e</c>) reach the server as an attacker would send them.
    /// </summary>
    public Uri Raw(string pathAndQuery) =>
        new(BaseAddress.GetLeftPart(UriPartial.Authority) + pathAndQuery, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

    /// <summary>Adds a query parameter to an opaque upload location, which may already carry a query of its own.</summary>
    public static string WithQuery(string location, string name, string value) =>
        $"{location}{(location.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{name}={Uri.EscapeDataString(value)}";

    public Task<RegistryResponse> SendAsync(HttpMethod method, string target, HttpContent? content = null, Action<HttpRequestMessage>? configure = null) =>
        SendAsync(method, Resolve(target), content, configure);

    public async Task<RegistryResponse> SendAsync(HttpMethod method, Uri uri, HttpContent? content = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        configure?.Invoke(request);
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsByteArrayAsync();
        return new RegistryResponse(method, uri, response.StatusCode, response.Headers, response.Content.Headers, body);
    }

    public Task<RegistryResponse> GetAsync(string target) => SendAsync(HttpMethod.Get, target);

    // ---- manifests ----

    public Task<RegistryResponse> GetManifestAsync(string repository, string reference, string? accept = null) =>
        SendAsync(HttpMethod.Get, $"/v2/{repository}/manifests/{reference}", configure: r => Accept(r, accept));

    public Task<RegistryResponse> HeadManifestAsync(string repository, string reference) =>
        SendAsync(HttpMethod.Head, $"/v2/{repository}/manifests/{reference}", configure: r => Accept(r, null));

    public Task<RegistryResponse> PutManifestAsync(string repository, string reference, TestManifest manifest) =>
        PutManifestAsync(repository, reference, manifest.Content, manifest.MediaType);

    public Task<RegistryResponse> PutManifestAsync(string repository, string reference, byte[] content, string contentType)
    {
        var body = new ByteArrayContent(content);
        body.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return SendAsync(HttpMethod.Put, $"/v2/{repository}/manifests/{reference}", body);
    }

    public Task<RegistryResponse> DeleteManifestAsync(string repository, string reference) =>
        SendAsync(HttpMethod.Delete, $"/v2/{repository}/manifests/{reference}");

    // ---- blobs ----

    public Task<RegistryResponse> GetBlobAsync(string repository, string digest, string? range = null) =>
        SendAsync(HttpMethod.Get, $"/v2/{repository}/blobs/{digest}", configure: r =>
        {
            if (range is not null)
            {
                r.Headers.TryAddWithoutValidation("Range", range);
            }
        });

    public Task<RegistryResponse> HeadBlobAsync(string repository, string digest) =>
        SendAsync(HttpMethod.Head, $"/v2/{repository}/blobs/{digest}");

    public Task<RegistryResponse> DeleteBlobAsync(string repository, string digest) =>
        SendAsync(HttpMethod.Delete, $"/v2/{repository}/blobs/{digest}");

    // ---- uploads ----

    /// <summary><c>POST /v2/&lt;name&gt;/blobs/uploads/</c> with an optional query (<c>digest=</c>, <c>mount=</c>) and body.</summary>
    public Task<RegistryResponse> PostUploadAsync(string repository, string? query = null, byte[]? body = null)
    {
        var content = new ByteArrayContent(body ?? []);
        if (body is not null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue(OciMediaTypes.OctetStream);
        }

        return SendAsync(HttpMethod.Post, $"/v2/{repository}/blobs/uploads/{(query is null ? "" : "?" + query)}", content);
    }

    /// <summary>Starts an upload session and returns its location, asserting the spec's 202 with a Location.</summary>
    public async Task<string> StartUploadAsync(string repository)
    {
        var response = await PostUploadAsync(repository);
        RegistryAssert.Status(HttpStatusCode.Accepted, response, "start upload");
        return response.Location ?? throw new InvalidOperationException($"start upload returned no Location: {response}");
    }

    /// <summary>A chunk with Content-Length and, when given, the spec's <c>start-end</c> Content-Range.</summary>
    public Task<RegistryResponse> PatchChunkAsync(string location, byte[] chunk, string? contentRange)
    {
        var content = new ByteArrayContent(chunk);
        content.Headers.ContentType = new MediaTypeHeaderValue(OciMediaTypes.OctetStream);
        if (contentRange is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Range", contentRange);
        }

        return SendAsync(HttpMethod.Patch, location, content);
    }

    /// <summary>A streamed chunk: no Content-Range, no Content-Length (chunked transfer encoding).</summary>
    public Task<RegistryResponse> PatchStreamAsync(string location, byte[] data)
    {
        var content = new UnknownLengthContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue(OciMediaTypes.OctetStream);
        return SendAsync(HttpMethod.Patch, location, content);
    }

    /// <summary>Closes a session with <c>PUT &lt;location&gt;?digest=</c>, optionally carrying the last chunk.</summary>
    public Task<RegistryResponse> PutUploadAsync(string location, string digest, byte[]? body = null, string? contentRange = null)
    {
        var content = new ByteArrayContent(body ?? []);
        content.Headers.ContentType = new MediaTypeHeaderValue(OciMediaTypes.OctetStream);
        if (contentRange is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Range", contentRange);
        }

        return SendAsync(HttpMethod.Put, WithQuery(location, "digest", digest), content);
    }

    /// <summary>Monolithic POST then PUT; returns the PUT's response without judging it.</summary>
    public async Task<RegistryResponse> UploadBlobAsync(string repository, byte[] content, string digest)
    {
        var location = await StartUploadAsync(repository);
        return await PutUploadAsync(location, digest, content);
    }

    public async Task PushBlobAsync(string repository, TestBlob blob)
    {
        var response = await UploadBlobAsync(repository, blob.Content, blob.Digest);
        RegistryAssert.Status(HttpStatusCode.Created, response, $"push blob {blob.Digest} ({blob.MediaType})");
    }

    public async Task PushManifestAsync(string repository, string reference, TestManifest manifest)
    {
        var response = await PutManifestAsync(repository, reference, manifest);
        RegistryAssert.Status(HttpStatusCode.Created, response, $"push manifest {manifest.MediaType} as {reference}");
    }

    /// <summary>Pushes blobs, then every manifest by digest (children first), then the tags.</summary>
    public async Task PushImageAsync(string repository, TestImage image)
    {
        foreach (var blob in image.Blobs)
        {
            await PushBlobAsync(repository, blob);
        }

        foreach (var manifest in image.Manifests)
        {
            await PushManifestAsync(repository, manifest.Digest, manifest);
        }

        foreach (var (tag, manifest) in image.Tags)
        {
            await PushManifestAsync(repository, tag, manifest);
        }
    }

    // ---- discovery ----

    public Task<RegistryResponse> ListTagsAsync(string repository, string? query = null) =>
        SendAsync(HttpMethod.Get, $"/v2/{repository}/tags/list{(query is null ? "" : "?" + query)}");

    public Task<RegistryResponse> ListReferrersAsync(string repository, string digest, string? artifactType = null) =>
        SendAsync(HttpMethod.Get, $"/v2/{repository}/referrers/{digest}{(artifactType is null ? "" : "?artifactType=" + Uri.EscapeDataString(artifactType))}");

    private static void Accept(HttpRequestMessage request, string? accept) =>
        request.Headers.TryAddWithoutValidation("Accept", accept ?? OciMediaTypes.AcceptManifests);
}
