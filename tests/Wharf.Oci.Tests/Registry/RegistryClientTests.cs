using System.Net;
using System.Text;
using Wharf.Oci.Registry;

namespace Wharf.Oci.Tests.Registry;

public sealed class RegistryClientTests
{
    private static readonly ImageReference Target = ImageReference.Parse($"{FakeRegistryHandler.Host}/p/app:v1");

    [Fact]
    public async Task PushAsync_Anonymous_UploadsBlobsThenManifestLast()
    {
        var registry = new FakeRegistryHandler();
        var image = TestImage.Create(3000, 100, 70_000);
        using var client = Client(registry);

        var digest = await client.PushAsync(Target, image.Manifest, MediaTypes.OciManifest, image.Blobs, image.OpenAsync);

        Assert.Equal(image.ManifestDigest, digest);
        foreach (var blob in image.Blobs)
        {
            Assert.Equal(image.Content[blob.Digest], registry.Blob("p/app", blob.Digest));
        }

        var requests = registry.Requests.ToList();
        var manifestPut = requests.FindIndex(r => r.Method == HttpMethod.Put && r.Uri.AbsolutePath.Contains("/manifests/", StringComparison.Ordinal));
        var lastBlobWrite = requests.FindLastIndex(r => r.Uri.AbsolutePath.Contains("/blobs/uploads/", StringComparison.Ordinal));
        Assert.True(manifestPut > lastBlobWrite, string.Join("\n", requests));
        Assert.Equal(manifestPut, requests.Count - 1);
        Assert.True(registry.HasManifest("p/app", "v1"));
    }

    [Fact]
    public async Task PushAsync_BearerWithBasicCredentials_OneTokenWithPushScope_CachedForEveryRequest()
    {
        var registry = new FakeRegistryHandler { Auth = FakeRegistryHandler.AuthMode.Bearer, Credentials = ("ci", "secret") };
        var image = TestImage.Create(3000, 3000, 3000, 3000, 3000);
        using var client = Client(registry, o => o.Credentials = new StaticCredentialProvider(FakeRegistryHandler.Host, RegistryCredentials.Basic("ci", "secret")));

        await client.PushAsync(Target, image.Manifest, MediaTypes.OciManifest, image.Blobs, image.OpenAsync);

        var token = Assert.Single(registry.TokenRequests);
        Assert.Equal(["repository:p/app:pull,push"], token.Scopes);
        Assert.Equal(FakeRegistryHandler.BasicHeader("ci", "secret"), token.Authorization);
        Assert.All(
            registry.Requests.Where(r => r.Uri.Host == FakeRegistryHandler.Host && r.Authorization is not null),
            r => Assert.Equal("Bearer tok-1", r.Authorization));
        Assert.True(registry.HasManifest("p/app", "v1"));
    }

    [Fact]
    public async Task GetManifestAsync_TokenExpired_FetchesANewOneBeforeSending()
    {
        var clock = new ManualTimeProvider();
        var registry = new FakeRegistryHandler { Auth = FakeRegistryHandler.AuthMode.Bearer, TokenExpiresIn = 60 };
        var image = TestImage.Create(10);
        registry.PutManifest("p/app", "v1", image.Manifest, MediaTypes.OciManifest);
        using var client = Client(registry, o => o.TimeProvider = clock);

        await client.GetManifestAsync(Target);
        clock.Advance(TimeSpan.FromSeconds(30));
        await client.GetManifestAsync(Target);
        Assert.Single(registry.TokenRequests);
        clock.Advance(TimeSpan.FromSeconds(31));
        var before = registry.Requests.Count;
        var manifest = await client.GetManifestAsync(Target);

        Assert.Equal(2, registry.TokenRequests.Count);
        Assert.Equal(["repository:p/app:pull"], registry.TokenRequests[1].Scopes);
        Assert.All(registry.TokenRequests, t => Assert.Null(t.Authorization));
        // The refresh happened before the request: it went out once, with the new token, and was not refused.
        var after = registry.Requests.Skip(before).Where(r => r.Uri.Host == FakeRegistryHandler.Host).ToList();
        Assert.Equal("Bearer tok-2", Assert.Single(after).Authorization);
        Assert.Equal(image.ManifestDigest, manifest.Digest);
    }

    [Fact]
    public async Task GetManifestAsync_TokenRefusedWithNewChallenge_FetchesANewTokenAndRetriesOnce()
    {
        var registry = new FakeRegistryHandler { Auth = FakeRegistryHandler.AuthMode.Bearer };
        var image = TestImage.Create(10);
        registry.PutManifest("p/app", "v1", image.Manifest, MediaTypes.OciManifest);
        using var client = Client(registry);
        await client.GetManifestAsync(Target);

        registry.RevokeTokens();
        var manifest = await client.GetManifestAsync(Target);

        Assert.Equal(2, registry.TokenRequests.Count);
        Assert.Equal(image.ManifestDigest, manifest.Digest);
        Assert.Equal("Bearer tok-2", registry.Requests.Last().Authorization);
    }

    [Fact]
    public async Task GetManifestAsync_RealmOverPlainHttp_CredentialsNotSent()
    {
        var registry = new FakeRegistryHandler { Auth = FakeRegistryHandler.AuthMode.Bearer, Credentials = ("u", "p"), Realm = "http://auth.test/token" };
        using var client = Client(registry, o => o.Credentials = new StaticCredentialProvider(FakeRegistryHandler.Host, RegistryCredentials.Basic("u", "p")));

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(Target));

        Assert.Contains("plain HTTP", error.Message, StringComparison.Ordinal);
        Assert.Empty(registry.TokenRequests);
    }

    [Fact]
    public async Task PushAsync_MountFromOtherRepository_TokenScopesAccumulatePullOnSource()
    {
        var registry = new FakeRegistryHandler { Auth = FakeRegistryHandler.AuthMode.Bearer };
        var image = TestImage.Create(5000);
        foreach (var blob in image.Blobs)
        {
            registry.AddBlob("p/base", image.Content[blob.Digest]);
        }

        registry.PutManifest("p/base", "v1", image.Manifest, MediaTypes.OciManifest);
        using var client = Client(registry);
        var progress = new RecordingProgress();

        await client.GetManifestAsync(ImageReference.Parse($"{FakeRegistryHandler.Host}/p/base:v1"));
        await client.PushAsync(Target, image.Manifest, MediaTypes.OciManifest, image.Blobs, image.OpenAsync, mountFrom: "p/base", progress: progress);

        Assert.Equal(["repository:p/base:pull"], registry.TokenRequests[0].Scopes);
        Assert.Equal(["repository:p/app:pull,push", "repository:p/base:pull"], registry.TokenRequests[1].Scopes.Order(StringComparer.Ordinal));
        Assert.Equal(2, registry.TokenRequests.Count);
        Assert.All(image.Blobs, b => Assert.Contains(TransferState.Mounted, progress.StatesOf(b.Digest)));
        Assert.DoesNotContain(registry.Requests, r => r.Method.Method is "PATCH" || (r.Method == HttpMethod.Put && r.Uri.AbsolutePath.Contains("/uploads/", StringComparison.Ordinal)));
        Assert.Equal(0, registry.BytesReceived);
        Assert.True(registry.HasManifest("p/app", "v1"));
    }

    [Fact]
    public async Task PushAsync_MountSourceLacksBlob_202FallbackUploadsIntoTheOpenedSession()
    {
        var registry = new FakeRegistryHandler();
        var image = TestImage.Create(5000);
        using var client = Client(registry, o => o.ChunkSize = 2048);
        var progress = new RecordingProgress();

        await client.PushAsync(Target, image.Manifest, MediaTypes.OciManifest, image.Blobs, image.OpenAsync, mountFrom: "p/empty", progress: progress);

        Assert.All(image.Blobs, b => Assert.Equal(image.Content[b.Digest], registry.Blob("p/app", b.Digest)));
        Assert.All(image.Blobs, b => Assert.DoesNotContain(TransferState.Mounted, progress.StatesOf(b.Digest)));
        // One POST per blob (the mount attempt), whose session took the upload: no second POST.
        Assert.Equal(image.Blobs.Count, registry.Requests.Count(r => r.Method == HttpMethod.Post));
        Assert.True(registry.HasManifest("p/app", "v1"));
    }

    [Fact]
    public async Task PushAsync_Basic_SendsCredentialsAfterChallenge_AndAnonymousIsRefusedClearly()
    {
        var registry = new FakeRegistryHandler { Auth = FakeRegistryHandler.AuthMode.Basic, Credentials = ("u", "p") };
        var image = TestImage.Create(2000);
        using var client = Client(registry, o => o.Credentials = new StaticCredentialProvider(FakeRegistryHandler.Host, RegistryCredentials.Basic("u", "p")));
        using var anonymous = Client(registry);

        await client.PushAsync(Target, image.Manifest, MediaTypes.OciManifest, image.Blobs, image.OpenAsync);
        var refused = await Assert.ThrowsAsync<RegistryException>(() => anonymous.GetManifestAsync(Target));

        Assert.True(registry.HasManifest("p/app", "v1"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.True(refused.HasCode("UNAUTHORIZED"));
        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
        Assert.Contains("credentials do not allow", refused.Message, StringComparison.Ordinal);
        Assert.Empty(registry.TokenRequests);
    }

    [Fact]
    public async Task PullAsync_BlobRedirectedToStorage_NoCredentialsLeaveTheRegistryHost()
    {
        var registry = new FakeRegistryHandler { Auth = FakeRegistryHandler.AuthMode.Bearer, Credentials = ("u", "p"), RedirectBlobs = true };
        var image = TestImage.Create(4000, 10);
        foreach (var blob in image.Blobs)
        {
            registry.AddBlob("p/app", image.Content[blob.Digest]);
        }

        registry.PutManifest("p/app", "v1", image.Manifest, MediaTypes.OciManifest);
        using var client = Client(registry, o => o.Credentials = new StaticCredentialProvider(FakeRegistryHandler.Host, RegistryCredentials.Basic("u", "p")));
        var received = new Dictionary<Digest, byte[]>();

        await client.PullAsync(Target, async (blob, stream, ct) =>
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, ct);
            received[blob.Digest] = copy.ToArray();
        });

        Assert.All(image.Blobs, b => Assert.Equal(image.Content[b.Digest], received[b.Digest]));
        var storage = registry.Requests.Where(r => r.Uri.Host == "storage.test").ToList();
        Assert.Equal(image.Blobs.Count, storage.Count);
        Assert.All(storage, r => Assert.Null(r.Authorization));
        Assert.Contains(registry.Requests, r => r.Uri.Host == FakeRegistryHandler.Host && r.Authorization == "Bearer tok-1");
    }

    [Fact]
    public async Task GetManifestAsync_401Then500ThenSuccess_Retries()
    {
        var registry = new FakeRegistryHandler { Auth = FakeRegistryHandler.AuthMode.Bearer };
        var image = TestImage.Create(10);
        registry.PutManifest("p/app", "v1", image.Manifest, MediaTypes.OciManifest);
        var failed = false;
        registry.Intercept = (request, _) =>
        {
            if (request.Headers.Authorization is not null && !failed)
            {
                failed = true;
                return Task.FromResult<HttpResponseMessage?>(FakeRegistryHandler.Error(HttpStatusCode.InternalServerError, "UNKNOWN", "boom"));
            }

            return Task.FromResult<HttpResponseMessage?>(null);
        };
        using var client = Client(registry);

        var manifest = await client.GetManifestAsync(Target);

        Assert.Equal(image.ManifestDigest, manifest.Digest);
        Assert.Equal(["GET registry.test/v2/p/app/manifests/v1", "GET auth.test/token", "GET registry.test/v2/p/app/manifests/v1", "GET registry.test/v2/p/app/manifests/v1"],
            registry.Requests.Select(r => $"{r.Method} {r.Uri.Host}{r.Uri.AbsolutePath}"));
    }

    [Fact]
    public async Task GetManifestAsync_401Then500ThenBytesNotMatchingDockerContentDigest_Throws()
    {
        var registry = new FakeRegistryHandler { Auth = FakeRegistryHandler.AuthMode.Bearer };
        var image = TestImage.Create(10);
        var other = TestImage.Create(10);
        registry.PutManifest("p/app", "v1", image.Manifest, MediaTypes.OciManifest);
        var authorized = 0;
        registry.Intercept = (request, _) =>
        {
            if (request.Headers.Authorization is null || request.RequestUri!.Host != FakeRegistryHandler.Host)
            {
                return Task.FromResult<HttpResponseMessage?>(null);
            }

            if (++authorized == 1)
            {
                return Task.FromResult<HttpResponseMessage?>(FakeRegistryHandler.Error(HttpStatusCode.InternalServerError, "UNKNOWN", "boom"));
            }

            var lying = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(other.Manifest) };
            lying.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(MediaTypes.OciManifest);
            lying.Headers.Add("Docker-Content-Digest", image.ManifestDigest.ToString());
            return Task.FromResult<HttpResponseMessage?>(lying);
        };
        using var client = Client(registry);

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => client.PullAsync(Target, (_, _, _) => throw new InvalidOperationException("no blob expected")));

        Assert.Equal(image.ManifestDigest, error.Expected);
        Assert.Equal(other.ManifestDigest, error.Actual);
        Assert.Contains("Docker-Content-Digest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PushAsync_500Forever_ClearErrorAfterBoundedRetries_NoManifestPut()
    {
        var registry = new FakeRegistryHandler();
        registry.Intercept = (request, _) => Task.FromResult<HttpResponseMessage?>(
            request.Method == HttpMethod.Head ? FakeRegistryHandler.Error(HttpStatusCode.ServiceUnavailable, "UNAVAILABLE", "storage is down") : null);
        var image = TestImage.Create(100);
        using var client = Client(registry, o => o.MaxConcurrentUploads = 1);

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.PushAsync(Target, image.Manifest, MediaTypes.OciManifest, image.Blobs, image.OpenAsync));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.True(error.HasCode("UNAVAILABLE"));
        Assert.Contains("storage is down", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, registry.Requests.Count(r => r.Method == HttpMethod.Head));
        Assert.DoesNotContain(registry.Requests, r => r.Method == HttpMethod.Put);
        Assert.False(registry.HasManifest("p/app", "v1"));
    }

    [Fact]
    public async Task UploadBlobAsync_SmallBlob_OnePostWithDigest()
    {
        var registry = new FakeRegistryHandler();
        var image = TestImage.Create(100);
        using var client = Client(registry, o => o.SinglePostThreshold = 1024);

        await client.UploadBlobAsync(Target, image.Layers[0], image.OpenAsync);

        Assert.Equal(["HEAD", "POST"], registry.Requests.Select(r => r.Method.Method));
        Assert.Contains("digest=", registry.Requests.Last().Uri.Query, StringComparison.Ordinal);
        Assert.Equal(image.Content[image.Layers[0].Digest], registry.Blob("p/app", image.Layers[0].Digest));
    }

    [Fact]
    public async Task PushAsync_403OnUpload_NotRetried()
    {
        var registry = new FakeRegistryHandler();
        registry.Intercept = (request, _) => Task.FromResult<HttpResponseMessage?>(
            request.Method == HttpMethod.Post ? FakeRegistryHandler.Error(HttpStatusCode.Forbidden, "DENIED", "no push here") : null);
        var image = TestImage.Create(100);
        using var client = Client(registry);

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.PushAsync(Target, image.Manifest, MediaTypes.OciManifest, image.Blobs, image.OpenAsync));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        // Each blob asked at most once (the first refusal may cancel the other blob's upload before it starts).
        var posts = registry.Requests.Where(r => r.Method == HttpMethod.Post).ToList();
        Assert.InRange(posts.Count, 1, image.Blobs.Count);
        Assert.Equal(posts.Count, registry.Requests.Count(r => r.Method == HttpMethod.Head));
        Assert.False(registry.HasManifest("p/app", "v1"));
    }

    [Fact]
    public async Task PullAsync_WrongBytesForADigest_ClearErrorAndTheSinkSeesTheFailure()
    {
        var registry = new FakeRegistryHandler();
        var image = TestImage.Create(5000);
        foreach (var blob in image.Blobs)
        {
            registry.AddBlob("p/app", image.Content[blob.Digest]);
        }

        registry.PutManifest("p/app", "v1", image.Manifest, MediaTypes.OciManifest);
        var layer = image.Layers[0];
        registry.Intercept = (request, _) =>
        {
            if (request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.EndsWith(layer.Digest.ToString(), StringComparison.Ordinal))
            {
                var tampered = (byte[])image.Content[layer.Digest].Clone();
                tampered[42] ^= 0xff;
                return Task.FromResult<HttpResponseMessage?>(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(tampered) });
            }

            return Task.FromResult<HttpResponseMessage?>(null);
        };
        using var client = Client(registry);
        var sinkFailures = new List<Exception>();
        var completed = new List<Digest>();

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => client.PullAsync(Target, async (blob, stream, ct) =>
        {
            try
            {
                await stream.CopyToAsync(Stream.Null, ct);
                completed.Add(blob.Digest);
            }
            catch (Exception ex)
            {
                sinkFailures.Add(ex);
                throw;
            }
        }));

        Assert.Equal(layer.Digest, error.Expected);
        Assert.Contains(layer.Digest.ToString(), error.Message, StringComparison.Ordinal);
        Assert.IsType<DigestMismatchException>(Assert.Single(sinkFailures));
        Assert.DoesNotContain(layer.Digest, completed);
    }

    [Fact]
    public async Task OpenBlobAsync_BodyLongerThanDescriptor_FailsAsSoonAsItPassesTheSize()
    {
        var registry = new FakeRegistryHandler();
        var image = TestImage.Create(1000);
        var layer = image.Layers[0];
        registry.Intercept = (request, _) => Task.FromResult<HttpResponseMessage?>(
            new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([.. image.Content[layer.Digest], .. new byte[1_000_000]]) });
        using var client = Client(registry);
        await using var stream = await client.OpenBlobAsync(Target, layer);
        var buffer = new byte[1000];
        var read = 0L;

        var error = await Assert.ThrowsAsync<DigestMismatchException>(async () =>
        {
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                read += n;
            }
        });

        Assert.Contains("more than the 1000 bytes", error.Message, StringComparison.Ordinal);
        Assert.True(read <= 1000, $"read {read} bytes");
    }

    [Fact]
    public async Task GetManifestAsync_TokenEndpointRefusesCredentials_ClearErrorNamingTheUser()
    {
        var registry = new FakeRegistryHandler { Auth = FakeRegistryHandler.AuthMode.Bearer, Credentials = ("ci", "right") };
        using var client = Client(registry, o => o.Credentials = new StaticCredentialProvider(FakeRegistryHandler.Host, RegistryCredentials.Basic("ci", "wrong")));

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(Target));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("refused the credentials of 'ci'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", error.Message, StringComparison.Ordinal);
        Assert.Single(registry.TokenRequests);
    }

    [Fact]
    public async Task PullAsync_ManifestNotMatchingRequestedDigest_Throws()
    {
        var registry = new FakeRegistryHandler();
        var image = TestImage.Create(10);
        var other = TestImage.Create(10);
        registry.PutManifest("p/app", image.ManifestDigest.ToString(), other.Manifest, MediaTypes.OciManifest);
        using var client = Client(registry);

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => client.GetManifestAsync(Target.WithDigest(image.ManifestDigest)));

        Assert.Equal(image.ManifestDigest, error.Expected);
        Assert.Equal(other.ManifestDigest, error.Actual);
    }

    [Fact]
    public async Task UploadBlobAsync_Chunked_FollowsTheLatestLocationEveryTime()
    {
        var registry = new FakeRegistryHandler();
        var image = TestImage.Create(5000);
        var layer = image.Layers[0];
        using var client = Client(registry, o => o.ChunkSize = 1024);

        var state = await client.UploadBlobAsync(Target, layer, image.OpenAsync);

        Assert.Equal(TransferState.Done, state);
        Assert.Equal(image.Content[layer.Digest], registry.Blob("p/app", layer.Digest));
        var patches = registry.Requests.Where(r => r.Method.Method == "PATCH").ToList();
        Assert.Equal(["0-1023", "1024-2047", "2048-3071", "3072-4095", "4096-4999"], patches.Select(p => p.ContentRange));
        Assert.Equal(5, patches.Select(p => p.Uri.Query).Distinct().Count());
        var put = registry.Requests.Last();
        Assert.Equal(HttpMethod.Put, put.Method);
        Assert.Contains("digest=" + Uri.EscapeDataString(layer.Digest.ToString()), put.Uri.Query, StringComparison.Ordinal);
        Assert.Equal(0, put.BodyLength);
    }

    [Fact]
    public async Task UploadBlobAsync_ConnectionDroppedMidPatch_ResumesFromTheRegistrysRange()
    {
        var registry = new FakeRegistryHandler();
        var image = TestImage.Create(5000);
        var layer = image.Layers[0];
        var patches = 0;
        registry.Intercept = (request, body) =>
        {
            if (request.Method.Method == "PATCH" && ++patches == 2)
            {
                // The second chunk: 300 of its bytes reach the registry, then the connection drops.
                registry.AppendPartial(request, body!, 300);
                throw new HttpRequestException("connection reset", new IOException("reset by peer"));
            }

            return Task.FromResult<HttpResponseMessage?>(null);
        };
        using var client = Client(registry, o => o.ChunkSize = 1024);
        var progress = new RecordingProgress();

        var state = await client.UploadBlobAsync(Target, layer, image.OpenAsync, progress: progress);

        Assert.Equal(TransferState.Done, state);
        var stored = registry.Blob("p/app", layer.Digest);
        Assert.Equal(layer.Digest, Digest.Sha256(stored));
        var sequence = registry.Requests.Where(r => r.Uri.AbsolutePath.Contains("/uploads/", StringComparison.Ordinal))
            .Select(r => $"{r.Method} {r.ContentRange}".Trim()).ToList();
        Assert.Equal(["POST", "PATCH 0-1023", "PATCH 1024-2047", "GET", "PATCH 1324-2047", "PATCH 2048-3071", "PATCH 3072-4095", "PATCH 4096-4999", "PUT"], sequence);
        Assert.Equal(5000, registry.BytesReceived);
        Assert.Contains(progress.Reports, r => r.BytesDone == 1324);
    }

    [Fact]
    public async Task UploadBlobAsync_RegistryLostAcknowledgedChunks_ReopensTheSourceAndResends()
    {
        var registry = new FakeRegistryHandler();
        var image = TestImage.Create(5000);
        var layer = image.Layers[0];
        var patches = 0;
        var opened = 0;
        registry.Intercept = (request, body) =>
        {
            if (request.Method.Method == "PATCH" && ++patches == 4)
            {
                // The fourth chunk fails, and the registry now holds only 1000 bytes: less than the chunk in hand.
                registry.TruncateUpload(request, 1000);
                throw new IOException("connection reset");
            }

            return Task.FromResult<HttpResponseMessage?>(null);
        };
        using var client = Client(registry, o => o.ChunkSize = 1024);

        await client.UploadBlobAsync(Target, layer, (d, ct) =>
        {
            opened++;
            return image.OpenAsync(d, ct);
        });

        Assert.Equal(image.Content[layer.Digest], registry.Blob("p/app", layer.Digest));
        Assert.Equal(2, opened);
        Assert.Contains(registry.Requests, r => r.ContentRange == "1000-1023");
    }

    [Fact]
    public async Task UploadBlobAsync_ContentDoesNotMatchDescriptor_NothingCommitted()
    {
        var registry = new FakeRegistryHandler();
        var image = TestImage.Create(5000);
        var layer = image.Layers[0];
        using var client = Client(registry, o => o.ChunkSize = 1024);

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => client.UploadBlobAsync(
            Target, layer, (_, _) => ValueTask.FromResult<Stream>(new MemoryStream(new byte[5000]))));

        Assert.Equal(layer.Digest, error.Expected);
        Assert.Null(registry.Blob("p/app", layer.Digest));
        Assert.DoesNotContain(registry.Requests, r => r.Method == HttpMethod.Put);
        Assert.Equal(HttpMethod.Delete, registry.Requests.Last().Method);
        Assert.Equal(0, registry.OpenSessions);
    }

    [Fact]
    public async Task PushAsync_BlobsAlreadyThere_SkippedWithoutUploadRequests()
    {
        var registry = new FakeRegistryHandler();
        var image = TestImage.Create(5000, 20);
        foreach (var blob in image.Blobs)
        {
            registry.AddBlob("p/app", image.Content[blob.Digest]);
        }

        var opened = 0;
        using var client = Client(registry);
        var progress = new RecordingProgress();

        await client.PushAsync(Target, image.Manifest, MediaTypes.OciManifest, image.Blobs, (d, ct) =>
        {
            Interlocked.Increment(ref opened);
            return image.OpenAsync(d, ct);
        }, progress: progress);

        Assert.Equal(0, opened);
        Assert.All(image.Blobs, b => Assert.Equal([TransferState.Checking, TransferState.Skipped], progress.StatesOf(b.Digest)));
        Assert.Equal(
            [.. Enumerable.Repeat("HEAD", image.Blobs.Count), "PUT"],
            registry.Requests.Select(r => r.Method.Method).Order(StringComparer.Ordinal));
        Assert.Equal(0, registry.BytesReceived);
    }

    [Fact]
    public async Task PushAsync_ManyBlobs_ConcurrentUploadsReachButNeverExceedTheLimit()
    {
        var registry = new FakeRegistryHandler();
        var image = TestImage.Create(3000, 3000, 3000, 3000, 3000, 3000);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        registry.BeforePatch = async () =>
        {
            // Hold chunks until two uploads are open at once; from then on, let everything through.
            if (registry.OpenSessions >= 2)
            {
                gate.TrySetResult();
            }

            await gate.Task.WaitAsync(TimeSpan.FromSeconds(30));
        };
        using var client = Client(registry, o =>
        {
            o.ChunkSize = 1024;
            o.MaxConcurrentUploads = 2;
        });

        await client.PushAsync(Target, image.Manifest, MediaTypes.OciManifest, image.Blobs, image.OpenAsync);

        Assert.Equal(2, registry.MaxOpenSessions);
        Assert.True(registry.HasManifest("p/app", "v1"));
    }

    [Fact]
    public async Task PushAsync_OneBlobFails_NoManifestAndNoTag()
    {
        var registry = new FakeRegistryHandler();
        var image = TestImage.Create(3000, 3000);
        var bad = image.Layers[1];
        using var client = Client(registry, o => o.ChunkSize = 1024);

        await Assert.ThrowsAsync<DigestMismatchException>(() => client.PushAsync(Target, image.Manifest, MediaTypes.OciManifest, image.Blobs, (d, ct) =>
            d.Digest == bad.Digest ? ValueTask.FromResult<Stream>(new MemoryStream(new byte[10])) : image.OpenAsync(d, ct)));

        Assert.DoesNotContain(registry.Requests, r => r.Uri.AbsolutePath.Contains("/manifests/", StringComparison.Ordinal));
        Assert.False(registry.HasManifest("p/app", "v1"));
    }

    [Fact]
    public async Task PushAsync_InvalidManifest_RefusedBeforeAnyRequest()
    {
        var registry = new FakeRegistryHandler();
        using var client = Client(registry);

        await Assert.ThrowsAsync<ArgumentException>(() => client.PushAsync(Target, Encoding.UTF8.GetBytes("{\"schemaVersion\":1}"), MediaTypes.OciManifest, [], (_, _) => throw new InvalidOperationException()));

        Assert.Empty(registry.Requests);
    }

    [Fact]
    public async Task ResolveAsync_Tag_ReturnsDescriptorFromHead()
    {
        var registry = new FakeRegistryHandler();
        var image = TestImage.Create(10);
        registry.PutManifest("p/app", "v1", image.Manifest, MediaTypes.OciManifest);
        using var client = Client(registry);

        var descriptor = await client.ResolveAsync(Target);

        Assert.Equal(new Descriptor(MediaTypes.OciManifest, image.ManifestDigest, image.Manifest.Length), descriptor);
        Assert.Equal(HttpMethod.Head, Assert.Single(registry.Requests).Method);
    }

    [Fact]
    public async Task PullAsync_Index_PicksLinuxAmd64_AndAnIndexWithoutItFailsClearly()
    {
        var registry = new FakeRegistryHandler();
        var amd64 = TestImage.Create(100);
        var arm64 = TestImage.Create(100);
        foreach (var image in new[] { amd64, arm64 })
        {
            foreach (var blob in image.Blobs)
            {
                registry.AddBlob("p/app", image.Content[blob.Digest]);
            }

            registry.PutManifest("p/app", image.ManifestDigest.ToString(), image.Manifest, MediaTypes.OciManifest);
        }

        string Entry(TestImage i, string arch) => $$$"""{"mediaType":"{{{MediaTypes.OciManifest}}}","digest":"{{{i.ManifestDigest}}}","size":{{{i.Manifest.Length}}},"platform":{"architecture":"{{{arch}}}","os":"linux"}}""";
        var index = Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndex}}","manifests":[{{Entry(arm64, "arm64")}},{{Entry(amd64, "amd64")}}]}""");
        var armOnly = Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndex}}","manifests":[{{Entry(arm64, "arm64")}}]}""");
        registry.PutManifest("p/app", "multi", index, MediaTypes.OciIndex);
        registry.PutManifest("p/app", "arm", armOnly, MediaTypes.OciIndex);
        using var client = Client(registry);
        var written = new List<Digest>();

        var pulled = await client.PullAsync(Target.WithTag("multi"), async (blob, stream, ct) =>
        {
            await stream.CopyToAsync(Stream.Null, ct);
            written.Add(blob.Digest);
        });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.PullAsync(Target.WithTag("arm"), (_, _, _) => throw new InvalidOperationException("no blob expected")));

        Assert.Equal(amd64.ManifestDigest, pulled.Manifest.Digest);
        Assert.Equal(Digest.Sha256(index), pulled.Index!.Digest);
        Assert.Equal(amd64.Blobs.Select(b => b.Digest), written);
        Assert.Contains("linux/amd64", error.Message, StringComparison.Ordinal);
        Assert.Contains("linux/arm64", error.Message, StringComparison.Ordinal);
    }

    private static RegistryClient Client(FakeRegistryHandler registry, Action<RegistryClientOptions>? configure = null)
    {
        // Chunked and session uploads are what most tests look at; the single-POST path has its own test.
        var options = new RegistryClientOptions { RetryDelay = TimeSpan.Zero, SinglePostThreshold = 0 };
        configure?.Invoke(options);
        return new RegistryClient(options, registry, disposeHandler: false);
    }
}
