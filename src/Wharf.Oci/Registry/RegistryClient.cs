using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;

namespace Wharf.Oci.Registry;

/// <summary>
/// A client for OCI distribution registries: blobs, manifests, indexes, and whole-image push and pull.
/// </summary>
/// <remarks>
/// <para>Authentication is anonymous, Basic, or the Bearer token flow, answered from
/// <see cref="RegistryClientOptions.Credentials"/> when a registry challenges; tokens are cached per scope set.</para>
/// <para>Failures: a 5xx, a 429 or a dropped connection is retried with backoff up to
/// <see cref="RegistryClientOptions.MaxRetries"/> times; a 4xx is not (except the one auth challenge). What the
/// registry finally refuses surfaces as <see cref="RegistryException"/>; content that does not match its digest as
/// <see cref="DigestMismatchException"/>.</para>
/// <para>An instance is safe to use from several threads; it keeps connections and tokens, so reuse it.</para>
/// </remarks>
public sealed class RegistryClient : IDisposable
{
    private static readonly string[] ManifestAccept = [MediaTypes.OciManifest, MediaTypes.OciIndex, MediaTypes.DockerManifest, MediaTypes.DockerManifestList];

    private readonly HttpClient _http;
    private readonly RegistryTransport _transport;

    /// <summary>Creates a client over its own connection pool.</summary>
    /// <param name="options">Settings; defaults when null.</param>
    public RegistryClient(RegistryClientOptions? options = null)
        : this(options, new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true)
    {
    }

    /// <summary>Creates a client over <paramref name="handler"/> (a test double, or a handler with proxy or TLS settings).</summary>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="handler">
    /// The handler requests go through. It should not follow redirects itself (the client does, and drops credentials
    /// when a redirect leaves the registry's host).
    /// </param>
    /// <param name="disposeHandler">Whether disposing the client disposes <paramref name="handler"/>.</param>
    public RegistryClient(RegistryClientOptions? options, HttpMessageHandler handler, bool disposeHandler = true)
    {
        ArgumentNullException.ThrowIfNull(handler);
        options ??= new RegistryClientOptions();
        options.Validate();
        Options = options;
        _http = new HttpClient(handler, disposeHandler) { Timeout = Timeout.InfiniteTimeSpan };
        _transport = new RegistryTransport(_http, options);
    }

    /// <summary>The platform <see cref="PullAsync"/> and <see cref="SelectPlatform"/> pick from an index by default: linux/amd64.</summary>
    public static Platform DefaultPlatform { get; } = new("amd64", "linux");

    /// <summary>The settings this client was made with; changing them after construction is not supported.</summary>
    public RegistryClientOptions Options { get; }

    /// <summary>Whether the repository of <paramref name="repository"/> holds the blob (HEAD).</summary>
    /// <param name="repository">The repository (tag and digest are ignored).</param>
    /// <param name="digest">The blob's digest.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>True when the registry has it.</returns>
    public Task<bool> BlobExistsAsync(ImageReference repository, Digest digest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return BlobExistsAsync(Requests(repository, RegistryRequestFactory.PullScopes(repository.Repository)), digest, cancellationToken);
    }

    /// <summary>
    /// Uploads one blob unless the repository has it already: HEAD first, then a cross-repository mount when
    /// <paramref name="mountFrom"/> is given, then a monolithic or chunked upload, resumed after dropped connections.
    /// </summary>
    /// <param name="repository">The target repository (tag and digest are ignored).</param>
    /// <param name="blob">The blob's descriptor; the content must have its size and digest.</param>
    /// <param name="openBlob">Opens the content; called only when bytes must be sent, and again if a resume needs bytes the registry lost.</param>
    /// <param name="mountFrom">A repository on the same registry that may have the blob, or null.</param>
    /// <param name="progress">Receives this blob's progress.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns><see cref="TransferState.Skipped"/>, <see cref="TransferState.Mounted"/> or <see cref="TransferState.Done"/> (uploaded).</returns>
    public Task<TransferState> UploadBlobAsync(
        ImageReference repository,
        Descriptor blob,
        Func<Descriptor, CancellationToken, ValueTask<Stream>> openBlob,
        string? mountFrom = null,
        IProgress<TransferProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(openBlob);
        ValidateMountSource(mountFrom);
        return UploadBlobAsync(Requests(repository, RegistryRequestFactory.PushScopes(repository.Repository, mountFrom)), blob, openBlob, mountFrom, progress, cancellationToken);
    }

    /// <summary>
    /// Opens a blob for reading. The stream verifies as it goes: reading past the descriptor's size, or reaching the
    /// end with other bytes than its digest names, throws <see cref="DigestMismatchException"/>. Redirects (to blob
    /// storage) are followed without credentials when they leave the registry's host.
    /// </summary>
    /// <param name="repository">The repository (tag and digest are ignored).</param>
    /// <param name="blob">The blob's descriptor.</param>
    /// <param name="cancellationToken">Cancels opening (reads take their own token).</param>
    /// <returns>The verifying stream; dispose it.</returns>
    public async Task<Stream> OpenBlobAsync(ImageReference repository, Descriptor blob, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(blob);
        return await OpenBlobAsync(Requests(repository, RegistryRequestFactory.PullScopes(repository.Repository)), blob, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Fetches a manifest or index, accepting every manifest media type, and verifies its bytes against the
    /// registry's <c>Docker-Content-Digest</c> and against the reference's digest when it has one.
    /// </summary>
    /// <param name="reference">The manifest's tag or digest.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The verified manifest.</returns>
    public Task<RegistryManifest> GetManifestAsync(ImageReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return GetManifestAsync(Requests(reference, RegistryRequestFactory.PullScopes(reference.Repository)), reference.Reference, reference.Digest, cancellationToken);
    }

    /// <summary>Resolves a tag (or digest) to the manifest's descriptor with a HEAD request.</summary>
    /// <param name="reference">The manifest's tag or digest.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The descriptor: media type, digest and size.</returns>
    public async Task<Descriptor> ResolveAsync(ImageReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var requests = Requests(reference, RegistryRequestFactory.PullScopes(reference.Repository));
        var request = requests.Path(HttpMethod.Head, $"manifests/{reference.Reference}") with { Configure = AcceptManifests };
        using (var response = await _transport.SendExpectingAsync(request, cancellationToken, HttpStatusCode.OK).ConfigureAwait(false))
        {
            if (response.Headers.TryGetValues("Docker-Content-Digest", out var values)
                && Digest.TryParse(values.FirstOrDefault(), out var digest)
                && response.Content.Headers.ContentType?.MediaType is { } mediaType
                && response.Content.Headers.ContentLength is { } length)
            {
                if (reference.Digest is { } wanted && wanted != digest)
                {
                    throw new DigestMismatchException(wanted, digest, $"the registry resolved {reference} to {digest}");
                }

                return new Descriptor(mediaType, digest, length);
            }
        }

        // The registry did not say enough in the headers: fetch and hash the manifest instead.
        return (await GetManifestAsync(requests, reference.Reference, reference.Digest, cancellationToken).ConfigureAwait(false)).Descriptor;
    }

    /// <summary>
    /// Uploads a manifest or index under the reference's digest, else its tag (else <c>latest</c>). The manifest is
    /// parsed first, so a malformed one is refused before anything is sent.
    /// </summary>
    /// <param name="target">Where to put it.</param>
    /// <param name="manifest">The manifest's bytes, exactly as they will be stored.</param>
    /// <param name="mediaType">Its media type, sent as Content-Type.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The manifest's digest.</returns>
    public Task<Digest> PutManifestAsync(ImageReference target, ReadOnlyMemory<byte> manifest, string mediaType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        CheckManifest(manifest, mediaType);
        return PutManifestAsync(Requests(target, RegistryRequestFactory.PushScopes(target.Repository, null)), target, manifest, mediaType, cancellationToken);
    }

    /// <summary>
    /// Pushes an image: every blob (HEAD first, skipped when present; mounted from <paramref name="mountFrom"/> when
    /// possible; else uploaded, at most <see cref="RegistryClientOptions.MaxConcurrentUploads"/> at once), then the
    /// manifest last, so a tag never points at a manifest whose blobs are missing: when any blob fails, no manifest
    /// is put and no tag changes.
    /// </summary>
    /// <param name="target">The repository and tag (or digest) to push to.</param>
    /// <param name="manifest">The manifest's bytes.</param>
    /// <param name="manifestMediaType">The manifest's media type.</param>
    /// <param name="blobs">The blobs to make present (usually the config and the layers); foreign layers are left out.</param>
    /// <param name="openBlob">Opens a blob's content; called only for blobs that must be uploaded.</param>
    /// <param name="mountFrom">A repository on the same registry to mount blobs from, or null.</param>
    /// <param name="progress">Receives per-blob progress, from several threads at once.</param>
    /// <param name="cancellationToken">Cancels the push (no manifest is put).</param>
    /// <returns>The manifest's digest.</returns>
    public async Task<Digest> PushAsync(
        ImageReference target,
        ReadOnlyMemory<byte> manifest,
        string manifestMediaType,
        IReadOnlyList<Descriptor> blobs,
        Func<Descriptor, CancellationToken, ValueTask<Stream>> openBlob,
        string? mountFrom = null,
        IProgress<TransferProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(openBlob);
        ValidateMountSource(mountFrom);
        CheckManifest(manifest, manifestMediaType);
        var requests = Requests(target, RegistryRequestFactory.PushScopes(target.Repository, mountFrom));
        var unique = blobs.Where(b => !b.IsForeign).DistinctBy(b => b.Digest).ToList();
        await Parallel.ForEachAsync(
            unique,
            new ParallelOptions { MaxDegreeOfParallelism = Options.MaxConcurrentUploads, CancellationToken = cancellationToken },
            async (blob, token) => await UploadBlobAsync(requests, blob, openBlob, mountFrom, progress, token).ConfigureAwait(false)).ConfigureAwait(false);
        return await PutManifestAsync(requests, target, manifest, manifestMediaType, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Pulls an image: the manifest (from an index, the <paramref name="platform"/> entry), then its config and layers
    /// one after another, each streamed into <paramref name="writeBlob"/> through a verifying stream. A blob whose
    /// bytes do not match its digest fails the read inside <paramref name="writeBlob"/> (so the sink sees the failure
    /// and keeps nothing) and then the pull, with a <see cref="DigestMismatchException"/> naming the digest.
    /// </summary>
    /// <param name="source">The image's tag or digest.</param>
    /// <param name="writeBlob">Receives each blob's descriptor and verifying content stream; it should read it to the end.</param>
    /// <param name="platform">The platform to pick from an index; <see cref="DefaultPlatform"/> when null.</param>
    /// <param name="progress">Receives per-blob progress.</param>
    /// <param name="cancellationToken">Cancels the pull.</param>
    /// <returns>The manifest (and index) pulled.</returns>
    public async Task<PulledImage> PullAsync(
        ImageReference source,
        Func<Descriptor, Stream, CancellationToken, ValueTask> writeBlob,
        Platform? platform = null,
        IProgress<TransferProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(writeBlob);
        var requests = Requests(source, RegistryRequestFactory.PullScopes(source.Repository));
        var manifest = await GetManifestAsync(requests, source.Reference, source.Digest, cancellationToken).ConfigureAwait(false);
        RegistryManifest? index = null;
        if (manifest.Manifest.IsIndex)
        {
            index = manifest;
            var entry = SelectPlatform(index.Manifest, platform);
            manifest = await GetManifestAsync(requests, entry.Digest.ToString(), entry.Digest, cancellationToken).ConfigureAwait(false);
            if (manifest.Manifest.IsIndex)
            {
                throw new InvalidDataException($"the index {index.Digest} of {source} points at another index {manifest.Digest} for its platform");
            }
        }

        foreach (var blob in manifest.Manifest.Blobs.Where(b => !b.IsForeign).DistinctBy(b => b.Digest))
        {
            progress?.Report(new TransferProgress(blob, 0, blob.Size, TransferState.Downloading));
            var stream = await OpenBlobAsync(requests, blob, progress, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                await writeBlob(blob, stream, cancellationToken).ConfigureAwait(false);
                await stream.DrainAsync(cancellationToken).ConfigureAwait(false);
            }

            progress?.Report(new TransferProgress(blob, blob.Size, blob.Size, TransferState.Done));
        }

        return new PulledImage(manifest, index);
    }

    /// <summary>Picks the entry of an index for a platform, throwing when the index has none.</summary>
    /// <param name="index">The index (or manifest list).</param>
    /// <param name="platform">The platform; <see cref="DefaultPlatform"/> when null.</param>
    /// <returns>The matching entry.</returns>
    /// <exception cref="InvalidOperationException">The index has no entry for the platform; the message lists what it has.</exception>
    public static Descriptor SelectPlatform(Manifest index, Platform? platform = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        platform ??= DefaultPlatform;
        if (TrySelectPlatform(index, platform, out var entry))
        {
            return entry;
        }

        var has = index.Manifests.Select(m => m.Platform is { } p ? Describe(p) : "(no platform)").Distinct().ToList();
        throw new InvalidOperationException(
            $"the index has no manifest for {Describe(platform)}; it has {(has.Count == 0 ? "no entries" : string.Join(", ", has))}");
    }

    /// <summary>Picks the entry of an index for a platform without throwing.</summary>
    /// <param name="index">The index (or manifest list).</param>
    /// <param name="platform">The platform. A variant in it must match; without one, any variant does.</param>
    /// <param name="entry">The matching entry.</param>
    /// <returns>True when the index has one.</returns>
    public static bool TrySelectPlatform(Manifest index, Platform platform, [NotNullWhen(true)] out Descriptor? entry)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(platform);
        entry = index.Manifests.FirstOrDefault(m => m.Platform is { } p
            && string.Equals(p.Os, platform.Os, StringComparison.Ordinal)
            && string.Equals(p.Architecture, platform.Architecture, StringComparison.Ordinal)
            && (platform.Variant is null || string.Equals(p.Variant, platform.Variant, StringComparison.Ordinal)));
        return entry is not null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _transport.Dispose();
        _http.Dispose();
    }

    private static string Describe(Platform p) => p.Variant is null ? $"{p.Os}/{p.Architecture}" : $"{p.Os}/{p.Architecture}/{p.Variant}";

    private static void AcceptManifests(HttpRequestMessage message)
    {
        foreach (var type in ManifestAccept)
        {
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }
    }

    private static void ValidateMountSource(string? mountFrom)
    {
        if (mountFrom is not null && !ImageReference.TryValidateRepository(mountFrom, out var error))
        {
            throw new ArgumentException($"mount source: {error}", nameof(mountFrom));
        }
    }

    private static void CheckManifest(ReadOnlyMemory<byte> manifest, string mediaType)
    {
        ArgumentException.ThrowIfNullOrEmpty(mediaType);
        if (!MediaTypes.IsManifest(mediaType))
        {
            throw new ArgumentException($"'{mediaType}' is not a manifest media type", nameof(mediaType));
        }

        if (ManifestParser.TryParse(manifest, mediaType, out var error) is null)
        {
            throw new ArgumentException($"the manifest is invalid: {error}", nameof(manifest));
        }
    }

    private RegistryRequestFactory Requests(ImageReference reference, IReadOnlyList<string> scopes)
        => new(_transport.BaseUri(reference.Registry), reference, scopes);

    private async Task<bool> BlobExistsAsync(RegistryRequestFactory requests, Digest digest, CancellationToken cancellationToken)
    {
        var request = requests.Blob(HttpMethod.Head, digest);
        using var response = await _transport.SendExpectingAsync(request, cancellationToken, HttpStatusCode.OK, HttpStatusCode.NotFound).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.OK;
    }

    private async Task<TransferState> UploadBlobAsync(
        RegistryRequestFactory requests,
        Descriptor blob,
        Func<Descriptor, CancellationToken, ValueTask<Stream>> openBlob,
        string? mountFrom,
        IProgress<TransferProgress>? progress,
        CancellationToken cancellationToken)
    {
        progress?.Report(new TransferProgress(blob, 0, blob.Size, TransferState.Checking));
        if (await BlobExistsAsync(requests, blob.Digest, cancellationToken).ConfigureAwait(false))
        {
            progress?.Report(new TransferProgress(blob, 0, blob.Size, TransferState.Skipped));
            return TransferState.Skipped;
        }

        Uri location;
        if (mountFrom is not null && mountFrom != requests.Repository.Repository)
        {
            var mount = requests.Path(HttpMethod.Post, $"blobs/uploads/?mount={Uri.EscapeDataString(blob.Digest.ToString())}&from={Uri.EscapeDataString(mountFrom)}");
            using var response = await _transport.SendExpectingAsync(mount, cancellationToken, HttpStatusCode.Created, HttpStatusCode.Accepted).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                progress?.Report(new TransferProgress(blob, 0, blob.Size, TransferState.Mounted));
                return TransferState.Mounted;
            }

            // 202: the registry could not mount and opened an ordinary session instead (the spec's fallback).
            location = LocationOf(response, mount);
        }
        else if (blob.Size <= Options.SinglePostThreshold && await TrySinglePostAsync(requests, blob, openBlob, progress, cancellationToken).ConfigureAwait(false) is { } opened)
        {
            if (opened.Done)
            {
                return TransferState.Done;
            }

            location = opened.Location!;
        }
        else
        {
            var start = requests.Path(HttpMethod.Post, "blobs/uploads/");
            using var response = await _transport.SendExpectingAsync(start, cancellationToken, HttpStatusCode.Accepted).ConfigureAwait(false);
            location = LocationOf(response, start);
        }

        progress?.Report(new TransferProgress(blob, 0, blob.Size, TransferState.Uploading));
        var upload = new BlobUpload(_transport, requests, location, blob, openBlob, done => progress?.Report(new TransferProgress(blob, done, blob.Size, TransferState.Uploading)));
        await using (upload.ConfigureAwait(false))
        {
            try
            {
                await upload.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await upload.AbortAsync().ConfigureAwait(false);
                throw;
            }
        }

        progress?.Report(new TransferProgress(blob, blob.Size, blob.Size, TransferState.Done));
        return TransferState.Done;
    }

    /// <summary>
    /// The single-request upload for small blobs: the content is read (it is small), checked against the digest, and
    /// POSTed with <c>?digest=</c>. A registry that answers 202 instead opened a session; the caller uploads into it.
    /// </summary>
    private async Task<(bool Done, Uri? Location)?> TrySinglePostAsync(
        RegistryRequestFactory requests, Descriptor blob, Func<Descriptor, CancellationToken, ValueTask<Stream>> openBlob,
        IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        byte[] content;
        var source = await openBlob(blob, cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            using var verifying = new VerifyingStream(source, null, blob, "the content opened for it", null);
            await verifying.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            content = buffer.ToArray();
        }

        progress?.Report(new TransferProgress(blob, 0, blob.Size, TransferState.Uploading));
        var request = requests.Path(HttpMethod.Post, $"blobs/uploads/?digest={Uri.EscapeDataString(blob.Digest.ToString())}") with
        {
            Content = () => new ByteArrayContent(content) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } },
        };
        using var response = await _transport.SendExpectingAsync(request, cancellationToken, HttpStatusCode.Created, HttpStatusCode.Accepted).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            progress?.Report(new TransferProgress(blob, blob.Size, blob.Size, TransferState.Done));
            return (true, null);
        }

        return (false, LocationOf(response, request));
    }

    private async Task<VerifyingStream> OpenBlobAsync(RegistryRequestFactory requests, Descriptor blob, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var request = requests.Blob(HttpMethod.Get, blob.Digest) with { StreamResponse = true };
        var response = await _transport.SendExpectingAsync(request, cancellationToken, HttpStatusCode.OK).ConfigureAwait(false);
        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            Action<long>? report = progress is null ? null : done => progress.Report(new TransferProgress(blob, done, blob.Size, TransferState.Downloading));
            return new VerifyingStream(body, response, blob, "registry " + requests.Repository.Registry + "/" + requests.Repository.Repository, report);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private async Task<RegistryManifest> GetManifestAsync(RegistryRequestFactory requests, string reference, Digest? expected, CancellationToken cancellationToken)
    {
        var request = requests.Path(HttpMethod.Get, $"manifests/{reference}") with { Configure = AcceptManifests };
        using var response = await _transport.SendExpectingAsync(request, cancellationToken, HttpStatusCode.OK).ConfigureAwait(false);
        var where = $"{requests.Repository.Registry}/{requests.Repository.Repository}:{reference}";
        byte[] content;
        try
        {
            content = await RegistryTransport.ReadLimitedAsync(response.Content, Options.MaxManifestSize, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"manifest {where}: {ex.Message}", ex);
        }

        var contentType = response.Content.Headers.ContentType?.MediaType;
        Digest? claimed = response.Headers.TryGetValues("Docker-Content-Digest", out var values) && Digest.TryParse(values.FirstOrDefault(), out var header) ? header : null;
        var algorithm = expected?.Algorithm ?? claimed?.Algorithm ?? "sha256";
        Digest actual;
        using (var hash = Digest.CreateHash(algorithm))
        {
            hash.AppendData(content);
            actual = Digest.FromHash(algorithm, hash.GetHashAndReset());
        }

        if (expected is { } wanted && wanted != actual)
        {
            throw new DigestMismatchException(wanted, actual, $"manifest {where} hashes to {actual}, not the digest it was asked for");
        }

        if (claimed is { } said && said.Algorithm == actual.Algorithm && said != actual)
        {
            throw new DigestMismatchException(said, actual, $"manifest {where} hashes to {actual}, but the registry's Docker-Content-Digest says {said}");
        }

        var manifest = ManifestParser.TryParse(content, contentType, out var error)
            ?? throw new InvalidDataException($"manifest {where} is invalid: {error}");
        return new RegistryManifest(content, manifest.MediaType, algorithm == "sha256" ? actual : Digest.Sha256(content), manifest);
    }

    private async Task<Digest> PutManifestAsync(RegistryRequestFactory requests, ImageReference target, ReadOnlyMemory<byte> manifest, string mediaType, CancellationToken cancellationToken)
    {
        var digest = target.Digest is { Algorithm: "sha512" }
            ? Digest.FromHash("sha512", System.Security.Cryptography.SHA512.HashData(manifest.Span))
            : Digest.Sha256(manifest.Span);
        if (target.Digest is { } wanted && wanted != digest)
        {
            throw new ArgumentException($"the manifest hashes to {digest}, not to the target's digest {wanted}", nameof(target));
        }

        var request = requests.Path(HttpMethod.Put, $"manifests/{target.Reference}") with
        {
            Content = () => new ReadOnlyMemoryContent(manifest) { Headers = { ContentType = new MediaTypeHeaderValue(mediaType) } },
        };
        using var response = await _transport.SendExpectingAsync(request, cancellationToken, HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Accepted).ConfigureAwait(false);
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var values) && Digest.TryParse(values.FirstOrDefault(), out var said)
            && said.Algorithm == digest.Algorithm && said != digest)
        {
            throw new DigestMismatchException(digest, said, $"the registry stored manifest {target} as {said}, but its bytes hash to {digest}");
        }

        return digest;
    }

    private static Uri LocationOf(HttpResponseMessage response, RegistryRequest request)
        => response.Headers.Location is { } location
            ? location.IsAbsoluteUri ? location : new Uri(request.Uri, location)
            : throw new RegistryException($"{request.Method} {request.Uri.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} without a Location");
}
