using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using Wharf.Client.Registry;

namespace Wharf.Client;

/// <summary>
/// The typed HTTP client for Wharf's REST API (the .NET SDK). It owns no connection state beyond the
/// <see cref="HttpClient"/> it is given, so one instance can be shared.
/// </summary>
public sealed partial class WharfClient
{
    /// <summary>The environment variable that names the server when no address is given.</summary>
    public const string ServerEnvironmentVariable = "WHARF_SERVER";

    /// <summary>The address used when neither an argument nor <c>WHARF_SERVER</c> names one.</summary>
    public const string DefaultServer = "http://127.0.0.1:8080";

    private readonly HttpClient _http;

    /// <summary>Uses an <see cref="HttpClient"/> whose <see cref="HttpClient.BaseAddress"/> is the server.</summary>
    public WharfClient(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.BaseAddress is null)
        {
            throw new ArgumentException("HttpClient.BaseAddress must be the server's address.", nameof(http));
        }

        _http = http;
    }

    /// <summary>Creates a client with its own <see cref="HttpClient"/> for the server at <paramref name="server"/>.</summary>
    /// <param name="server">The server's address.</param>
    /// <param name="timeout">Per-request timeout; 100 seconds when not given.</param>
    /// <param name="token">The token to send as <c>Authorization: Bearer</c> (a <c>wharf_pat_...</c>); none when null.</param>
    public static WharfClient Create(Uri server, TimeSpan? timeout = null, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        var http = new HttpClient { BaseAddress = server, Timeout = timeout ?? TimeSpan.FromSeconds(100) };
        if (!string.IsNullOrWhiteSpace(token))
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return new WharfClient(http);
    }

    /// <summary>Resolves the server address: the explicit value, else <c>WHARF_SERVER</c>, else the local default.</summary>
    public static Uri ResolveServer(string? explicitServer)
    {
        var value = !string.IsNullOrWhiteSpace(explicitServer)
            ? explicitServer
            : Environment.GetEnvironmentVariable(ServerEnvironmentVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            value = DefaultServer;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"server address '{value}' is not an absolute http(s) URL");
        }

        return uri;
    }

    /// <summary>Gets the server's version, data directory, database and blob store status.</summary>
    public Task<ServerStatus> GetStatusAsync(CancellationToken cancellationToken = default)
        => GetAsync("api/v1/status", WharfJsonContext.Default.ServerStatus, cancellationToken);

    /// <summary>Lists registry repositories in name order, a page at a time.</summary>
    /// <param name="last">Start after this name (the previous page's <see cref="RepositoryPage.Next"/>).</param>
    /// <param name="count">Page size; the server caps it.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<RepositoryPage> ListRepositoriesAsync(string? last = null, int count = 100, CancellationToken cancellationToken = default)
        => GetAsync($"api/v1/registry/repositories?n={count}{Query("last", last)}", WharfJsonContext.Default.RepositoryPage, cancellationToken);

    /// <summary>Lists a repository's tags in lexical order, with the manifest each points at.</summary>
    /// <param name="repository">The repository, <c>&lt;project&gt;/&lt;name&gt;</c>.</param>
    /// <param name="last">Start after this tag (the previous page's <see cref="TagPage.Next"/>).</param>
    /// <param name="count">Page size; the server caps it.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<TagPage> ListTagsAsync(string repository, string? last = null, int count = 100, CancellationToken cancellationToken = default)
        => GetAsync($"api/v1/registry/tags?n={count}{Query("repository", repository)}{Query("last", last)}", WharfJsonContext.Default.TagPage, cancellationToken);

    /// <summary>
    /// Deletes <c>repo:tag</c> (the tag only) or <c>repo@digest</c> (the manifest and every tag pointing at it).
    /// </summary>
    /// <param name="reference">The reference to delete.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task DeleteReferenceAsync(string reference, CancellationToken cancellationToken = default)
    {
        using var response = await _http.DeleteAsync($"api/v1/registry/references?{Query("reference", reference)[1..]}", cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>Runs registry garbage collection now and reports what it swept.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<GarbageCollectionResult> CollectGarbageAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsync("api/v1/registry/gc", content: null, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync(WharfJsonContext.Default.GarbageCollectionResult, cancellationToken)
            ?? throw new InvalidDataException("server sent an empty garbage collection report");
    }

    /// <summary>
    /// Checks the registry's invariants (<c>wharf fsck</c>): recorded blobs are stored with their size, tags and
    /// manifests point at content that exists, database rows and stored files agree both ways.
    /// </summary>
    /// <param name="verify">Also read back every stored blob and manifest and check it hashes to its digest (slow: reads every byte).</param>
    /// <param name="repair">Also remove the leftovers that are safe to remove (unrecorded blob files and staged uploads without a session, older than the grace period); nothing else is changed.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<RegistryCheckReport> CheckRegistryAsync(bool verify = false, bool repair = false, CancellationToken cancellationToken = default)
    {
        // Repairing changes data, so it is a POST; a plain check is a safe GET.
        var path = $"api/v1/registry/fsck?verify={(verify ? "true" : "false")}";
        using var response = repair
            ? await _http.PostAsync(path, content: null, cancellationToken)
            : await _http.GetAsync(path, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync(WharfJsonContext.Default.RegistryCheckReport, cancellationToken)
            ?? throw new InvalidDataException("server sent an empty registry check report");
    }

    private static string Query(string name, string? value)
        => value is null ? string.Empty : $"&{name}={Uri.EscapeDataString(value)}";

    private async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(path, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        var value = await response.Content.ReadFromJsonAsync(typeInfo, cancellationToken);
        return value ?? throw new InvalidDataException($"server sent an empty body for {path}");
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        ProblemDetailsPayload? problem = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            try
            {
                problem = await response.Content.ReadFromJsonAsync(WharfJsonContext.Default.ProblemDetailsPayload, cancellationToken);
            }
            catch (System.Text.Json.JsonException)
            {
                // The body was not problem details after all; the status code alone has to do.
            }
        }

        throw new WharfApiException(response.StatusCode, problem);
    }
}
