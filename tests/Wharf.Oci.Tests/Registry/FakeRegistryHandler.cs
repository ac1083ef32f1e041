using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Wharf.Oci.Tests.Registry;

/// <summary>
/// Test double: an in-process OCI registry behind an <see cref="HttpMessageHandler"/>, at <c>https://registry.test</c>,
/// with an optional token endpoint at <c>https://auth.test/token</c> and blob storage at <c>https://storage.test</c>.
/// It keeps blobs, manifests and upload sessions in memory, checks Content-Range like a real registry, hands out a
/// new upload Location on every response (and refuses a stale one), records every request, and lets a test inject
/// faults through <see cref="Intercept"/>.
/// </summary>
internal sealed partial class FakeRegistryHandler : HttpMessageHandler
{
    public const string Host = "registry.test";

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Repo, string Digest), byte[]> _blobs = [];
    private readonly Dictionary<(string Repo, string Reference), (byte[] Content, string MediaType)> _manifests = [];
    private readonly Dictionary<string, Upload> _uploads = [];
    private readonly Dictionary<string, string[]> _tokens = [];
    private int _openSessions;
    private int _tokenCounter;

    public enum AuthMode
    {
        None,
        Basic,
        Bearer,
    }

    public AuthMode Auth { get; init; }

    /// <summary>Basic credentials the registry (Basic mode) or the token endpoint (Bearer mode) requires; null accepts anonymous tokens.</summary>
    public (string User, string Password)? Credentials { get; init; }

    public int TokenExpiresIn { get; init; } = 300;

    /// <summary>The realm the Bearer challenge names.</summary>
    public string Realm { get; init; } = "https://auth.test/token";

    /// <summary>When set, blob GETs redirect to https://storage.test/.</summary>
    public bool RedirectBlobs { get; init; }

    /// <summary>Runs before the registry handles a request; a response (or an exception) short-circuits it.</summary>
    public Func<HttpRequestMessage, byte[]?, Task<HttpResponseMessage?>>? Intercept { get; set; }

    /// <summary>Runs before a PATCH is applied, after the session is found (used to hold chunks to observe parallelism).</summary>
    public Func<Task>? BeforePatch { get; set; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public List<(string[] Scopes, string? Authorization)> TokenRequests { get; } = [];

    public int MaxOpenSessions { get; private set; }

    public int OpenSessions
    {
        get
        {
            lock (_lock)
            {
                return _openSessions;
            }
        }
    }

    public long BytesReceived;

    public void AddBlob(string repo, byte[] content)
    {
        lock (_lock)
        {
            _blobs[(repo, Digest.Sha256(content).ToString())] = content;
        }
    }

    public byte[]? Blob(string repo, Digest digest)
    {
        lock (_lock)
        {
            return _blobs.GetValueOrDefault((repo, digest.ToString()));
        }
    }

    public void PutManifest(string repo, string reference, byte[] content, string mediaType)
    {
        lock (_lock)
        {
            _manifests[(repo, reference)] = (content, mediaType);
            _manifests[(repo, Digest.Sha256(content).ToString())] = (content, mediaType);
        }
    }

    public bool HasManifest(string repo, string reference)
    {
        lock (_lock)
        {
            return _manifests.ContainsKey((repo, reference));
        }
    }

    /// <summary>Makes every token issued so far invalid, as if it expired on the server.</summary>
    public void RevokeTokens()
    {
        lock (_lock)
        {
            _tokens.Clear();
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        Requests.Enqueue(new RecordedRequest(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(),
            request.Content?.Headers.TryGetValues("Content-Range", out var cr) == true ? cr.First() : null, body?.Length ?? 0));
        if (Intercept is not null && await Intercept(request, body) is { } intercepted)
        {
            return intercepted;
        }

        var uri = request.RequestUri!;
        return uri.Host switch
        {
            "auth.test" => Token(request),
            "storage.test" => Storage(uri),
            Host => await RegistryAsync(request, body),
            _ => new HttpResponseMessage(HttpStatusCode.BadGateway),
        };
    }

    private HttpResponseMessage Token(HttpRequestMessage request)
    {
        var query = Query(request.RequestUri!);
        var scopes = query.Where(q => q.Key == "scope").Select(q => q.Value).ToArray();
        var authorization = request.Headers.Authorization?.ToString();
        lock (_lock)
        {
            TokenRequests.Add((scopes, authorization));
        }

        if (Credentials is { } c && authorization != BasicHeader(c.User, c.Password))
        {
            return Error(HttpStatusCode.Unauthorized, "UNAUTHORIZED", "bad credentials");
        }

        string token;
        lock (_lock)
        {
            token = $"tok-{++_tokenCounter}";
            _tokens[token] = scopes;
        }

        return Json(HttpStatusCode.OK, $$"""{"token":"{{token}}","expires_in":{{TokenExpiresIn}}}""");
    }

    private HttpResponseMessage Storage(Uri uri)
    {
        var digest = uri.AbsolutePath.TrimStart('/');
        lock (_lock)
        {
            var blob = _blobs.FirstOrDefault(b => b.Key.Digest == digest).Value;
            return blob is null ? new HttpResponseMessage(HttpStatusCode.NotFound) : new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(blob) };
        }
    }

    private async Task<HttpResponseMessage> RegistryAsync(HttpRequestMessage request, byte[]? body)
    {
        var path = request.RequestUri!.AbsolutePath;
        var method = request.Method.Method;
        if (path == "/v2/")
        {
            return Authorize(request, null, false) ?? new HttpResponseMessage(HttpStatusCode.OK);
        }

        if (UploadPath().Match(path) is { Success: true } u)
        {
            var repo = u.Groups["name"].Value;
            var push = true;
            if (Authorize(request, repo, push) is { } refused)
            {
                return refused;
            }

            return u.Groups["id"].Value.Length == 0 ? StartUpload(request, repo, body) : await UploadAsync(request, repo, u.Groups["id"].Value, body);
        }

        if (ObjectPath().Match(path) is not { Success: true } m)
        {
            return Error(HttpStatusCode.NotFound, "NAME_UNKNOWN", path);
        }

        var name = m.Groups["name"].Value;
        var reference = m.Groups["ref"].Value;
        if (Authorize(request, name, method is "PUT" or "POST" or "PATCH" or "DELETE") is { } denied)
        {
            return denied;
        }

        lock (_lock)
        {
            if (m.Groups["kind"].Value == "blobs")
            {
                if (!_blobs.TryGetValue((name, reference), out var blob))
                {
                    return Error(HttpStatusCode.NotFound, "BLOB_UNKNOWN", reference);
                }

                if (method == "GET" && RedirectBlobs)
                {
                    var redirect = new HttpResponseMessage(HttpStatusCode.TemporaryRedirect);
                    redirect.Headers.Location = new Uri($"https://storage.test/{reference}");
                    return redirect;
                }

                var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(method == "HEAD" ? [] : blob) };
                response.Content.Headers.ContentLength = blob.Length;
                response.Headers.Add("Docker-Content-Digest", reference);
                return response;
            }

            if (method == "PUT")
            {
                var mediaType = request.Content!.Headers.ContentType!.MediaType!;
                var manifest = ManifestParser.TryParse(body, mediaType, out var error);
                if (manifest is null)
                {
                    return Error(HttpStatusCode.BadRequest, "MANIFEST_INVALID", error!);
                }

                foreach (var blob in manifest.Blobs)
                {
                    if (!_blobs.ContainsKey((name, blob.Digest.ToString())))
                    {
                        return Error(HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN", blob.Digest.ToString());
                    }
                }

                var digest = Digest.Sha256(body!).ToString();
                _manifests[(name, reference)] = (body!, mediaType);
                _manifests[(name, digest)] = (body!, mediaType);
                var created = new HttpResponseMessage(HttpStatusCode.Created);
                created.Headers.Add("Docker-Content-Digest", digest);
                created.Headers.Location = new Uri($"/v2/{name}/manifests/{digest}", UriKind.Relative);
                return created;
            }

            if (!_manifests.TryGetValue((name, reference), out var found))
            {
                return Error(HttpStatusCode.NotFound, "MANIFEST_UNKNOWN", reference);
            }

            var ok = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(method == "HEAD" ? [] : found.Content) };
            ok.Content.Headers.ContentType = new MediaTypeHeaderValue(found.MediaType);
            ok.Content.Headers.ContentLength = found.Content.Length;
            ok.Headers.Add("Docker-Content-Digest", Digest.Sha256(found.Content).ToString());
            return ok;
        }
    }

    private HttpResponseMessage StartUpload(HttpRequestMessage request, string repo, byte[]? body)
    {
        var query = Query(request.RequestUri!).ToDictionary(q => q.Key, q => q.Value);
        lock (_lock)
        {
            if (query.TryGetValue("mount", out var mount) && query.TryGetValue("from", out var from)
                && _blobs.TryGetValue((from, mount), out var source))
            {
                _blobs[(repo, mount)] = source;
                var created = new HttpResponseMessage(HttpStatusCode.Created);
                created.Headers.Add("Docker-Content-Digest", mount);
                return created;
            }

            if (query.TryGetValue("digest", out var single) && body is { Length: > 0 })
            {
                if (Digest.Sha256(body).ToString() != single)
                {
                    return Error(HttpStatusCode.BadRequest, "DIGEST_INVALID", single);
                }

                BytesReceived += body.Length;
                _blobs[(repo, single)] = body;
                return new HttpResponseMessage(HttpStatusCode.Created);
            }

            var id = Guid.NewGuid().ToString("N");
            _uploads[id] = new Upload(repo);
            _openSessions++;
            MaxOpenSessions = Math.Max(MaxOpenSessions, _openSessions);
            return SessionResponse(HttpStatusCode.Accepted, repo, id);
        }
    }

    private async Task<HttpResponseMessage> UploadAsync(HttpRequestMessage request, string repo, string id, byte[]? body)
    {
        Upload? upload;
        lock (_lock)
        {
            upload = _uploads.GetValueOrDefault(id);
        }

        if (upload is null || upload.Repo != repo)
        {
            return Error(HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN", id);
        }

        // Every response hands out a new state; only the latest Location is valid, as with distribution's _state.
        var state = Query(request.RequestUri!).FirstOrDefault(q => q.Key == "_state").Value;
        if (state != upload.State.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return Error(HttpStatusCode.BadRequest, "BLOB_UPLOAD_INVALID", $"stale upload state {state}, latest {upload.State}");
        }

        switch (request.Method.Method)
        {
            case "GET":
                lock (_lock)
                {
                    return SessionResponse(HttpStatusCode.NoContent, repo, id);
                }

            case "DELETE":
                lock (_lock)
                {
                    _uploads.Remove(id);
                    _openSessions--;
                    return new HttpResponseMessage(HttpStatusCode.NoContent);
                }

            case "PATCH":
                if (BeforePatch is not null)
                {
                    await BeforePatch();
                }

                lock (_lock)
                {
                    return Append(request, repo, id, upload, body!) ?? SessionResponse(HttpStatusCode.Accepted, repo, id);
                }

            case "PUT":
                lock (_lock)
                {
                    if (body is { Length: > 0 } && Append(request, repo, id, upload, body) is { } refused)
                    {
                        return refused;
                    }

                    var digest = Query(request.RequestUri!).FirstOrDefault(q => q.Key == "digest").Value;
                    var content = upload.Data.ToArray();
                    if (Digest.Sha256(content).ToString() != digest)
                    {
                        return Error(HttpStatusCode.BadRequest, "DIGEST_INVALID", $"upload hashes to {Digest.Sha256(content)}, not {digest}");
                    }

                    _blobs[(repo, digest)] = content;
                    _uploads.Remove(id);
                    _openSessions--;
                    var created = new HttpResponseMessage(HttpStatusCode.Created);
                    created.Headers.Add("Docker-Content-Digest", digest);
                    return created;
                }

            default:
                return new HttpResponseMessage(HttpStatusCode.MethodNotAllowed);
        }
    }

    private HttpResponseMessage? Append(HttpRequestMessage request, string repo, string id, Upload upload, byte[] body)
    {
        if (request.Content!.Headers.TryGetValues("Content-Range", out var ranges))
        {
            var range = ranges.First().Split('-');
            if (long.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture) != upload.Data.Length)
            {
                return SessionResponse(HttpStatusCode.RequestedRangeNotSatisfiable, repo, id);
            }
        }

        upload.Data.Write(body);
        BytesReceived += body.Length;
        return null;
    }

    /// <summary>Appends part of a chunk as a dropped connection would leave it (called from an interceptor).</summary>
    public void AppendPartial(HttpRequestMessage request, byte[] body, int count)
    {
        var id = request.RequestUri!.AbsolutePath.Split('/')[^1];
        lock (_lock)
        {
            var upload = _uploads[id];
            upload.Data.Write(body, 0, count);
            BytesReceived += count;
        }
    }

    /// <summary>Drops staged bytes beyond <paramref name="length"/>, as a registry restored from an older state would.</summary>
    public void TruncateUpload(HttpRequestMessage request, int length)
    {
        var id = request.RequestUri!.AbsolutePath.Split('/')[^1];
        lock (_lock)
        {
            _uploads[id].Data.SetLength(length);
        }
    }

    private HttpResponseMessage SessionResponse(HttpStatusCode status, string repo, string id)
    {
        var upload = _uploads[id];
        upload.State++;
        var response = new HttpResponseMessage(status);
        response.Headers.Location = new Uri($"/v2/{repo}/blobs/uploads/{id}?_state={upload.State}", UriKind.Relative);
        response.Headers.TryAddWithoutValidation("Range", $"0-{Math.Max(0, upload.Data.Length - 1)}");
        response.Headers.Add("Docker-Upload-UUID", id);
        return response;
    }

    private HttpResponseMessage? Authorize(HttpRequestMessage request, string? repo, bool push)
    {
        var authorization = request.Headers.Authorization;
        switch (Auth)
        {
            case AuthMode.Basic:
                if (authorization?.ToString() == BasicHeader(Credentials!.Value.User, Credentials.Value.Password))
                {
                    return null;
                }

                var basic = Error(HttpStatusCode.Unauthorized, "UNAUTHORIZED", "authentication required");
                basic.Headers.WwwAuthenticate.ParseAdd("Basic realm=\"fake\"");
                return basic;
            case AuthMode.Bearer:
                var needed = repo is null ? null : $"repository:{repo}:{(push ? "pull,push" : "pull")}";
                lock (_lock)
                {
                    if (authorization is { Scheme: "Bearer" } && _tokens.TryGetValue(authorization.Parameter!, out var scopes)
                        && (needed is null || scopes.Any(s => Covers(s, repo!, push))))
                    {
                        return null;
                    }
                }

                var challenge = Error(HttpStatusCode.Unauthorized, "UNAUTHORIZED", "authentication required");
                challenge.Headers.WwwAuthenticate.ParseAdd(
                    $"Bearer realm=\"{Realm}\",service=\"registry.test\"{(needed is null ? string.Empty : $",scope=\"{needed}\"")}");
                return challenge;
            default:
                return null;
        }
    }

    private static bool Covers(string scope, string repo, bool push)
    {
        var parts = scope.Split(':');
        return parts.Length == 3 && parts[1] == repo && (!push || parts[2].Split(',').Contains("push"));
    }

    public static string BasicHeader(string user, string password)
        => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    public static HttpResponseMessage Error(HttpStatusCode status, string code, string message)
        => Json(status, JsonSerializer.Serialize(new { errors = new[] { new { code, message } } }));

    private static HttpResponseMessage Json(HttpStatusCode status, string json)
        => new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static List<KeyValuePair<string, string>> Query(Uri uri)
        => [.. uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => new KeyValuePair<string, string>(Uri.UnescapeDataString(p[0]), p.Length > 1 ? Uri.UnescapeDataString(p[1]) : string.Empty))];

    [GeneratedRegex("^/v2/(?<name>.+)/blobs/uploads/(?<id>[0-9a-f]*)$")]
    private static partial Regex UploadPath();

    [GeneratedRegex("^/v2/(?<name>.+)/(?<kind>blobs|manifests)/(?<ref>[^/]+)$")]
    private static partial Regex ObjectPath();

    private sealed class Upload(string repo)
    {
        public string Repo { get; } = repo;

        public MemoryStream Data { get; } = new();

        public int State { get; set; }
    }
}

internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Authorization, string? ContentRange, int BodyLength)
{
    public override string ToString() => $"{Method} {Uri.Host}{Uri.PathAndQuery}";
}
