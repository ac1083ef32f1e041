using System.Net;

namespace Wharf.Server.Tests.Registry.Conformance;

// Push of manifests and the round trip of every data kind (upstream 05_manifest_upload and the per-data-set
// push, list, head, pull and delete steps).
public abstract partial class RegistryConformanceTests
{
    [Fact]
    public async Task ManifestPut_ByTag_Returns201WithLocationServingTheManifest()
    {
        var repository = NewRepository("manifest");
        var image = TestImages.Create("image");
        foreach (var blob in image.Blobs)
        {
            await Registry.PushBlobAsync(repository, blob);
        }

        var put = await Registry.PutManifestAsync(repository, "v1", image.Root);

        RegistryAssert.Status(HttpStatusCode.Created, put);
        RegistryAssert.DigestHeaderIfPresent(put, image.Root.Digest);
        await AssertManifestLocationServesAsync(put, image.Root);
    }

    [Fact]
    public async Task ManifestPut_ByDigest_Returns201WithLocationServingTheManifest()
    {
        var repository = NewRepository("manifest");
        var image = TestImages.Create("image");
        foreach (var blob in image.Blobs)
        {
            await Registry.PushBlobAsync(repository, blob);
        }

        var put = await Registry.PutManifestAsync(repository, image.Root.Digest, image.Root);

        RegistryAssert.Status(HttpStatusCode.Created, put);
        RegistryAssert.DigestHeaderIfPresent(put, image.Root.Digest);
        await AssertManifestLocationServesAsync(put, image.Root);
    }

    [Fact]
    public async Task ManifestPut_SameManifestUnderFourTags_EveryTagResolvesToIt()
    {
        var repository = NewRepository("manifest");
        var image = await PushBystanderAsync(repository);
        string[] tags = ["test0", "test1", "test2", "test3"];

        foreach (var tag in tags)
        {
            var put = await Registry.PutManifestAsync(repository, tag, image.Root);
            RegistryAssert.Status(HttpStatusCode.Created, put, tag);
            Assert.False(string.IsNullOrEmpty(put.Location), $"no Location: {put}");
        }

        foreach (var tag in tags)
        {
            var get = await Registry.GetManifestAsync(repository, tag);
            RegistryAssert.Status(HttpStatusCode.OK, get, tag);
            RegistryAssert.Body(image.Root.Content, get, tag);
        }
    }

    [Fact]
    public async Task ManifestPut_RetagToAnotherManifest_TagFollows()
    {
        var repository = NewRepository("retag");
        var first = TestImages.Create("image");
        var second = TestImages.Create("no-layers");
        await Registry.PushImageAsync(repository, first);
        await Registry.PushImageAsync(repository, second);

        await Registry.PushManifestAsync(repository, "moving", first.Root);
        await Registry.PushManifestAsync(repository, "moving", second.Root);

        var get = await Registry.GetManifestAsync(repository, "moving");
        RegistryAssert.Body(second.Root.Content, get);
        RegistryAssert.Status(HttpStatusCode.OK, await Registry.GetManifestAsync(repository, first.Root.Digest), "old manifest by digest");
    }

    [Fact]
    public async Task ManifestPut_WithSubject_Returns201()
    {
        var repository = NewRepository("subject");
        var image = TestImages.Create("artifacts-with-subject");

        await Registry.PushImageAsync(repository, image);

        var get = await Registry.GetManifestAsync(repository, "tagged-artifact1");
        RegistryAssert.Status(HttpStatusCode.OK, get);
        RegistryAssert.Body(image.Tags["tagged-artifact1"].Content, get);
    }

    [Theory]
    [MemberData(nameof(TestImages.CommonKinds), MemberType = typeof(TestImages))]
    public Task DataKind_PushListHeadPullDelete_RoundTrips(string kind) => AssertRoundTripAsync(TestImages.Create(kind));

    /// <summary>
    /// The upstream suite's life of a data set: push blobs, manifests by digest and tags; list the tags; HEAD and GET
    /// every manifest (by tag and digest) and blob; then delete manifests newest first and blobs, each gone at once.
    /// </summary>
    protected async Task AssertRoundTripAsync(TestImage image)
    {
        var repository = NewRepository("kind-" + image.Kind);

        foreach (var blob in image.Blobs)
        {
            await Registry.PushBlobAsync(repository, blob);
        }

        foreach (var manifest in image.Manifests)
        {
            var put = await Registry.PutManifestAsync(repository, manifest.Digest, manifest);
            RegistryAssert.Status(HttpStatusCode.Created, put, $"push {manifest.MediaType} by digest");
            RegistryAssert.DigestHeaderIfPresent(put, manifest.Digest);
            await AssertManifestLocationServesAsync(put, manifest);
        }

        foreach (var (tag, manifest) in image.Tags)
        {
            var put = await Registry.PutManifestAsync(repository, tag, manifest);
            RegistryAssert.Status(HttpStatusCode.Created, put, $"push tag {tag}");
            RegistryAssert.DigestHeaderIfPresent(put, manifest.Digest);
        }

        if (image.Tags.Count > 0)
        {
            var list = await Registry.ListTagsAsync(repository);
            RegistryAssert.Status(HttpStatusCode.OK, list, "tags/list");
            Assert.Superset(image.Tags.Keys.ToHashSet(StringComparer.Ordinal), list.Json<TagListDocument>().Tags?.ToHashSet(StringComparer.Ordinal) ?? []);
        }

        var references = image.Tags.Select(t => (Reference: t.Key, Manifest: t.Value)).Concat(image.Manifests.Select(m => (Reference: m.Digest, Manifest: m)));
        foreach (var (reference, manifest) in references)
        {
            var head = await Registry.HeadManifestAsync(repository, reference);
            RegistryAssert.Status(HttpStatusCode.OK, head, $"HEAD manifest {reference}");
            Assert.Empty(head.Body);
            Assert.Equal(manifest.MediaType, head.ContentType);
            Assert.Equal(manifest.Size, head.ContentLength);
            RegistryAssert.DigestHeaderIfPresent(head, manifest.Digest);

            var get = await Registry.GetManifestAsync(repository, reference);
            RegistryAssert.Status(HttpStatusCode.OK, get, $"GET manifest {reference}");
            RegistryAssert.Body(manifest.Content, get, $"GET manifest {reference}");
            Assert.Equal(manifest.MediaType, get.ContentType);
            Assert.Equal(manifest.Size, get.ContentLength);
            RegistryAssert.DigestHeaderIfPresent(get, manifest.Digest);
        }

        foreach (var blob in image.Blobs)
        {
            var head = await Registry.HeadBlobAsync(repository, blob.Digest);
            RegistryAssert.Status(HttpStatusCode.OK, head, $"HEAD blob {blob.Digest}");
            Assert.Equal(blob.Size, head.ContentLength);

            var get = await Registry.GetBlobAsync(repository, blob.Digest);
            RegistryAssert.Status(HttpStatusCode.OK, get, $"GET blob {blob.Digest}");
            RegistryAssert.Body(blob.Content, get, $"GET blob {blob.Digest}");
        }

        foreach (var manifest in image.Manifests.Reverse())
        {
            RegistryAssert.Status(HttpStatusCode.Accepted, await Registry.DeleteManifestAsync(repository, manifest.Digest), $"DELETE manifest {manifest.Digest}");
            RegistryAssert.Status(HttpStatusCode.NotFound, await Registry.HeadManifestAsync(repository, manifest.Digest), $"HEAD deleted manifest {manifest.Digest}");
        }

        foreach (var tag in image.Tags.Keys)
        {
            RegistryAssert.Status(HttpStatusCode.NotFound, await Registry.HeadManifestAsync(repository, tag), $"tag {tag} of a deleted manifest");
        }

        foreach (var blob in image.Blobs)
        {
            RegistryAssert.Status(HttpStatusCode.Accepted, await Registry.DeleteBlobAsync(repository, blob.Digest), $"DELETE blob {blob.Digest}");
            RegistryAssert.Status(HttpStatusCode.NotFound, await Registry.HeadBlobAsync(repository, blob.Digest), $"HEAD deleted blob {blob.Digest}");
        }
    }

    protected async Task AssertManifestLocationServesAsync(RegistryResponse created, TestManifest manifest)
    {
        Assert.False(string.IsNullOrEmpty(created.Location), $"no Location: {created}");
        var get = await Registry.SendAsync(HttpMethod.Get, created.Location!, configure: r => r.Headers.TryAddWithoutValidation("Accept", OciMediaTypes.AcceptManifests));
        RegistryAssert.Status(HttpStatusCode.OK, get, "GET Location");
        RegistryAssert.Body(manifest.Content, get, "GET Location");
        Assert.Equal(manifest.MediaType, get.ContentType);
    }
}
