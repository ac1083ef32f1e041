using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Wharf.Oci.Registry;

/// <summary>
/// Sends registry requests with authentication, bounded retries and safe redirects.
/// </summary>
/// <remarks>
/// Authentication follows the distribution token spec. The first 401 from a host tells the scheme: for Bearer, the
/// realm and service are remembered per host, and every later request fetches (or reuses) a token for the scope set
/// its operation needs (<c>repository:&lt;name&gt;:pull,push</c>, plus <c>pull</c> on a mount's source), with the
/// scopes the challenge named added. Tokens are cached per host and scope set until shortly before <c>expires_in</c>
/// runs out; a 401 with a token in hand drops that token and fetches a new one once. For Basic, the credentials are
/// sent to that host from then on. The Authorization header only ever goes to the registry's own scheme, host and
/// port: a redirect elsewhere (blob storage) or an upload Location elsewhere gets no credentials.
/// </remarks>
internal sealed class RegistryTransport : IDisposable
{
    private const int MaxRedirects = 5;
    private const int MaxErrorBodyBytes = 64 * 1024;

    private readonly HttpClient _http;
    private readonly RegistryClientOptions _options;
    private readonly Dictionary<string, HostState> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, CachedToken> _tokens = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _tokenFetch = new(1, 1);

    public RegistryTransport(HttpClient http, RegistryClientOptions options)
    {
        _http = http;
        _options = options;
    }

    public RegistryClientOptions Options => _options;

    /// <summary>The base URI of a registry: http for loopback or when asked, https otherwise.</summary>
    public Uri BaseUri(string registry)
    {
        var host = registry;
        var colon = registry.LastIndexOf(':');
        if (colon > 0 && registry.IndexOf(']', StringComparison.Ordinal) < colon)
        {
            host = registry[..colon];
        }

        return new Uri($"{(IsLoopback(host) || _options.PlainHttp ? "http" : "https")}://{registry}/");
    }

    private static bool IsLoopback(string host)
        => host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <summary>Sends the request; answers with the final response (any status). Retries and auth happen inside.</summary>
    public async Task<HttpResponseMessage> SendAsync(RegistryRequest request, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await SendAuthenticatedAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken) && request.Retry)
            {
                if (attempt >= _options.MaxRetries)
                {
                    throw new RegistryException(
                        $"{request.Method} {request.Uri} failed after {attempt + 1} attempts: {ex.Message}", null, [], ex);
                }

                await DelayAsync(attempt, null, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (request.Retry && IsRetryableStatus(response.StatusCode) && attempt < _options.MaxRetries)
            {
                var retryAfter = response.Headers.RetryAfter?.Delta;
                response.Dispose();
                await DelayAsync(attempt, retryAfter, cancellationToken).ConfigureAwait(false);
                continue;
            }

            return response;
        }
    }

    /// <summary>Sends and throws a <see cref="RegistryException"/> unless the status is one of <paramref name="expected"/>.</summary>
    public async Task<HttpResponseMessage> SendExpectingAsync(RegistryRequest request, CancellationToken cancellationToken, params HttpStatusCode[] expected)
    {
        var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (Array.IndexOf(expected, response.StatusCode) >= 0)
        {
            return response;
        }

        using (response)
        {
            throw await ErrorAsync(request, response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Builds the exception for an unexpected response, with the OCI error envelope's entries.</summary>
    public static async Task<RegistryException> ErrorAsync(RegistryRequest request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var errors = new List<RegistryError>();
        try
        {
            var body = await ReadLimitedAsync(response.Content, MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false);
            if (body.Length > 0)
            {
                using var json = JsonDocument.Parse(body);
                if (json.RootElement.ValueKind == JsonValueKind.Object
                    && json.RootElement.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    foreach (var e in list.EnumerateArray())
                    {
                        if (e.ValueKind != JsonValueKind.Object)
                        {
                            continue;
                        }

                        errors.Add(new RegistryError(
                            e.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "UNKNOWN",
                            e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null,
                            e.TryGetProperty("detail", out var d) && d.ValueKind != JsonValueKind.Null ? d.GetRawText() : null));
                    }
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or HttpRequestException or InvalidDataException)
        {
            // The body is not an error envelope; the status says enough.
        }

        var said = errors.Count == 0 ? string.Empty : ": " + string.Join("; ", errors.Select(e => $"{e.Code} {e.Message}".TrimEnd()));
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            // A HEAD has no body to explain itself; the challenge's error parameter (insufficient_scope) still does.
            var error = AuthChallenge.From(response.Headers)?.Parameters.GetValueOrDefault("error");
            said += error is null
                ? " (the credentials do not allow this, or none were given)"
                : $" ({error}: the credentials do not allow this)";
        }
        return new RegistryException(
            $"{request.Method} {request.Uri.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} {response.ReasonPhrase}{said}",
            response.StatusCode,
            errors);
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes, throwing <see cref="InvalidDataException"/> beyond.</summary>
    public static async Task<byte[]> ReadLimitedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > limit)
        {
            throw new InvalidDataException($"response body of {content.Headers.ContentLength} bytes exceeds the {limit}-byte limit");
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new InvalidDataException($"response body exceeds the {limit}-byte limit");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>A dropped connection or a reset: worth retrying, unless the caller cancelled.</summary>
    public static bool IsTransient(Exception ex, CancellationToken cancellationToken)
        => !cancellationToken.IsCancellationRequested
            && (ex is HttpRequestException or IOException || (ex is TaskCanceledException && ex.InnerException is TimeoutException))
            && ex is not DigestMismatchException;

    public static bool IsRetryableStatus(HttpStatusCode status) => (int)status >= 500 || status == HttpStatusCode.TooManyRequests;

    /// <summary>Exponential backoff from <see cref="RegistryClientOptions.RetryDelay"/>, or the server's Retry-After up to 30 s.</summary>
    public Task DelayAsync(int attempt, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        var delay = retryAfter is { } after && after > TimeSpan.Zero
            ? TimeSpan.FromSeconds(Math.Min(after.TotalSeconds, 30))
            : _options.RetryDelay * Math.Pow(2, attempt);
        return delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, _options.TimeProvider, cancellationToken);
    }

    public void Dispose() => _tokenFetch.Dispose();

    private async Task<HttpResponseMessage> SendAuthenticatedAsync(RegistryRequest request, CancellationToken cancellationToken)
    {
        var authorization = await AuthorizationAsync(request.Registry, request.Scopes, refused: null, [], cancellationToken).ConfigureAwait(false);
        var response = await SendFollowingRedirectsAsync(request, authorization, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || AuthChallenge.From(response.Headers) is not { } challenge)
        {
            return response;
        }

        // The one auth round trip: learn the scheme, get (fresh) credentials, send once more.
        if (!Learn(request.Registry, challenge))
        {
            return response;
        }

        var refused = authorization?.Scheme == "Bearer" ? authorization.Parameter ?? string.Empty : string.Empty;
        var retried = await AuthorizationAsync(request.Registry, request.Scopes, refused, challenge.Scopes, cancellationToken).ConfigureAwait(false);
        if (retried is null)
        {
            return response;
        }

        response.Dispose();
        return await SendFollowingRedirectsAsync(request, retried, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Remembers a host's challenge; false when it is a scheme the client cannot answer.</summary>
    private bool Learn(string registry, AuthChallenge challenge)
    {
        lock (_lock)
        {
            var state = State(registry);
            if (challenge.IsBearer && challenge.Realm is { Length: > 0 } realm && Uri.TryCreate(realm, UriKind.Absolute, out var realmUri)
                && realmUri.Scheme is "http" or "https")
            {
                state.Realm = realmUri;
                state.Service = challenge.Service;
                return true;
            }

            if (challenge.IsBasic)
            {
                state.Basic = true;
                return true;
            }

            return false;
        }
    }

    private async Task<AuthenticationHeaderValue?> AuthorizationAsync(
        string registry, IReadOnlyList<string> scopes, string? refused, IEnumerable<string> challengeScopes, CancellationToken cancellationToken)
    {
        var credentials = await CredentialsAsync(registry, cancellationToken).ConfigureAwait(false);
        if (credentials?.RegistryToken is { } registryToken)
        {
            return new AuthenticationHeaderValue("Bearer", registryToken);
        }

        Uri? realm;
        string? service;
        bool basic;
        lock (_lock)
        {
            var state = State(registry);
            (realm, service, basic) = (state.Realm, state.Service, state.Basic);
        }

        if (realm is not null)
        {
            var token = await TokenAsync(registry, realm, service, scopes, challengeScopes, refused, credentials, cancellationToken).ConfigureAwait(false);
            return new AuthenticationHeaderValue("Bearer", token);
        }

        return basic && credentials?.Username is { } username
            ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{credentials.Password}")))
            : null;
    }

    private async Task<RegistryCredentials?> CredentialsAsync(string registry, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var state = State(registry);
            if (state.CredentialsLoaded)
            {
                return state.Credentials;
            }
        }

        var credentials = _options.Credentials is null
            ? null
            : await _options.Credentials.GetCredentialsAsync(registry, cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            var state = State(registry);
            state.Credentials = credentials;
            state.CredentialsLoaded = true;
        }

        return credentials;
    }

    private async Task<string> TokenAsync(
        string registry, Uri realm, string? service, IReadOnlyList<string> scopes, IEnumerable<string> challengeScopes,
        string? refused, RegistryCredentials? credentials, CancellationToken cancellationToken)
    {
        // refused: null for an ordinary lookup; after a 401, the token that was refused (empty when none was sent),
        // which must not be handed out again. A token another request fetched meanwhile is fine.
        var key = registry + " " + string.Join(' ', scopes.Order(StringComparer.Ordinal));
        var now = _options.TimeProvider.GetUtcNow();
        lock (_lock)
        {
            if (_tokens.TryGetValue(key, out var cached) && cached.RefreshAt > now && cached.Token != refused)
            {
                return cached.Token;
            }
        }

        await _tokenFetch.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_lock)
            {
                // Another upload may have fetched it while this one waited.
                if (_tokens.TryGetValue(key, out var cached) && cached.RefreshAt > now && cached.Token != refused)
                {
                    return cached.Token;
                }
            }

            var all = scopes.Concat(challengeScopes.Where(c => !scopes.Any(s => Covers(s, c)))).Distinct(StringComparer.Ordinal).ToList();
            var token = await FetchTokenAsync(realm, service, all, credentials, cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                _tokens[key] = token;
            }

            return token.Token;
        }
        finally
        {
            _tokenFetch.Release();
        }
    }

    /// <summary>Whether scope <paramref name="held"/> grants every action of <paramref name="asked"/> (<c>type:name:actions</c>).</summary>
    private static bool Covers(string held, string asked)
    {
        var h = held.LastIndexOf(':');
        var a = asked.LastIndexOf(':');
        return h > 0 && a > 0 && held.AsSpan(0, h).SequenceEqual(asked.AsSpan(0, a))
            && asked[(a + 1)..].Split(',').All(action => held[(h + 1)..].Split(',').Contains(action, StringComparer.Ordinal));
    }

    private async Task<CachedToken> FetchTokenAsync(Uri realm, string? service, IReadOnlyList<string> scopes, RegistryCredentials? credentials, CancellationToken cancellationToken)
    {
        var query = new StringBuilder(realm.Query.Length > 1 ? realm.Query[1..] + "&" : string.Empty);
        if (service is not null)
        {
            query.Append("service=").Append(Uri.EscapeDataString(service)).Append('&');
        }

        foreach (var scope in scopes)
        {
            query.Append("scope=").Append(Uri.EscapeDataString(scope)).Append('&');
        }

        var uri = new UriBuilder(realm) { Query = query.ToString().TrimEnd('&') }.Uri;
        if (credentials?.Username is not null && realm.Scheme == Uri.UriSchemeHttp && !_options.PlainHttp && !IsLoopback(realm.Host))
        {
            // A registry may name any realm; it does not get to have the password sent in clear text across the network.
            throw new RegistryException($"the registry's token realm {realm.GetLeftPart(UriPartial.Path)} is plain HTTP; credentials are only sent to it over HTTPS (or with PlainHttp set)");
        }

        for (var attempt = 0; ; attempt++)
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, uri);
            message.Headers.UserAgent.ParseAdd(_options.UserAgent);
            if (credentials?.Username is { } username)
            {
                message.Headers.Authorization = new AuthenticationHeaderValue(
                    "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{credentials.Password}")));
            }

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken) && attempt < _options.MaxRetries)
            {
                await DelayAsync(attempt, null, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken))
            {
                throw new RegistryException($"token endpoint {realm.GetLeftPart(UriPartial.Path)} failed: {ex.Message}", null, [], ex);
            }

            using (response)
            {
                if (IsRetryableStatus(response.StatusCode) && attempt < _options.MaxRetries)
                {
                    await DelayAsync(attempt, response.Headers.RetryAfter?.Delta, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var request = new RegistryRequest(HttpMethod.Get, new Uri(realm.GetLeftPart(UriPartial.Path)), realm.Authority, scopes);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    var error = await ErrorAsync(request, response, cancellationToken).ConfigureAwait(false);
                    throw new RegistryException(
                        $"the token endpoint refused {(credentials?.Username is { } u ? $"the credentials of '{u}'" : "an anonymous request")} for {string.Join(' ', scopes)}: {error.Message}",
                        error.StatusCode,
                        error.Errors);
                }

                return ParseToken(await ReadLimitedAsync(response.Content, MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false));
            }
        }
    }

    private CachedToken ParseToken(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var token = (root.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null)
                ?? (root.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null);
            if (string.IsNullOrEmpty(token))
            {
                throw new RegistryException("the token endpoint answered without a token");
            }

            // The token spec's default lifetime is 60 s; refresh a little early so a token never expires in flight.
            var lifetime = root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : TimeSpan.FromSeconds(60);
            var now = _options.TimeProvider.GetUtcNow();
            var margin = lifetime >= TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(10) : TimeSpan.Zero;
            return new CachedToken(token, now, now + lifetime - margin);
        }
        catch (JsonException ex)
        {
            throw new RegistryException($"the token endpoint's answer is not JSON: {ex.Message}");
        }
    }

    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(RegistryRequest request, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
    {
        var registryBase = BaseUri(request.Registry);
        var uri = request.Uri;
        var method = request.Method;
        for (var redirects = 0; ; redirects++)
        {
            using var message = new HttpRequestMessage(method, uri);
            message.Headers.UserAgent.ParseAdd(_options.UserAgent);
            if (authorization is not null && SameOrigin(uri, registryBase))
            {
                message.Headers.Authorization = authorization;
            }

            if (method != HttpMethod.Get && method != HttpMethod.Head)
            {
                message.Content = request.Content?.Invoke();
            }

            request.Configure?.Invoke(message);
            var response = await _http.SendAsync(
                message,
                request.StreamResponse ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead,
                cancellationToken).ConfigureAwait(false);
            if (!request.FollowRedirects || !IsRedirect(response.StatusCode) || response.Headers.Location is not { } location)
            {
                return response;
            }

            response.Dispose();
            if (redirects >= MaxRedirects)
            {
                throw new RegistryException($"{request.Method} {request.Uri} redirected more than {MaxRedirects} times");
            }

            uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
            if (uri.Scheme is not ("http" or "https"))
            {
                throw new RegistryException($"{request.Method} {request.Uri} redirected to a non-HTTP location");
            }

            method = response.StatusCode == HttpStatusCode.SeeOther ? HttpMethod.Get : method;
        }
    }

    private static bool SameOrigin(Uri a, Uri b)
        => string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
            && a.Port == b.Port;

    private static bool IsRedirect(HttpStatusCode status)
        => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private HostState State(string registry)
    {
        if (!_hosts.TryGetValue(registry, out var state))
        {
            state = new HostState();
            _hosts[registry] = state;
        }

        return state;
    }

    private sealed class HostState
    {
        public Uri? Realm { get; set; }

        public string? Service { get; set; }

        public bool Basic { get; set; }

        public bool CredentialsLoaded { get; set; }

        public RegistryCredentials? Credentials { get; set; }
    }

    private sealed record CachedToken(string Token, DateTimeOffset FetchedAt, DateTimeOffset RefreshAt);
}
