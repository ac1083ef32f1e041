namespace Wharf.Oci.Registry;

/// <summary>
/// One logical request to a registry. The transport may send it several times (after an auth challenge, a retry or a
/// redirect), so the body comes from a factory that makes fresh content for each attempt.
/// </summary>
internal sealed record RegistryRequest(HttpMethod Method, Uri Uri, string Registry, IReadOnlyList<string> Scopes)
{
    /// <summary>Makes the body for one attempt, or null for none.</summary>
    public Func<HttpContent>? Content { get; init; }

    /// <summary>Sets request headers (Accept, Content-Range) on each attempt.</summary>
    public Action<HttpRequestMessage>? Configure { get; init; }

    /// <summary>Whether 5xx, 429 and dropped connections are retried here (false: the caller handles them, as uploads do).</summary>
    public bool Retry { get; init; } = true;

    /// <summary>Whether redirects are followed (blob downloads may be redirected to storage).</summary>
    public bool FollowRedirects { get; init; }

    /// <summary>Whether the response body is streamed instead of buffered.</summary>
    public bool StreamResponse { get; init; }
}
