using System.Net;

namespace Wharf.Server.Tests.Registry.Conformance;

// Pull: blobs and manifests by tag and digest, GET and HEAD, headers, ranges (upstream 01_pull and the "head"/"pull" steps).
public abstract partial class RegistryConformanceTests
{
    [Fact]
    public async Task BlobHead_Missing_Returns404()
    {
        var repository = NewRepository("pull");
        await PushBystanderAsync(repository);

        var response = await Registry.HeadBlobAsync(repository, OciDigest.Missing("blob-head"));

        RegistryAssert.Status(HttpStatusCode.NotFound, response);
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task BlobGet_Missing_Returns404BlobUnknown()
    {
        var repository = NewRepository("pull");
        await PushBystanderAsync(repository);

        var response = await Registry.GetBlobAsync(repository, OciDigest.Missing("blob-get"));

        RegistryAssert.Error(response, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    [Fact]
    public async Task BlobHead_Existing_Returns200WithLengthAndNoBody()
    {
        var repository = NewRepository("pull");
        var blob = new TestBlob(OciMediaTypes.OctetStream, TestBytes.Create("pull/head", 1500));
        await Registry.PushBlobAsync(repository, blob);

        var response = await Registry.HeadBlobAsync(repository, blob.Digest);

        RegistryAssert.Status(HttpStatusCode.OK, response);
        Assert.Equal(blob.Size, response.ContentLength);
        Assert.Empty(response.Body);
        RegistryAssert.DigestHeaderIfPresent(response, blob.Digest);
    }

    [Fact]
    public async Task BlobGet_Existing_ReturnsExactBytes()
    {
        var repository = NewRepository("pull");
        var blob = new TestBlob(OciMediaTypes.OctetStream, TestBytes.Create("pull/get", 3000));
        await Registry.PushBlobAsync(repository, blob);

        var response = await Registry.GetBlobAsync(repository, blob.Digest);

        RegistryAssert.Status(HttpStatusCode.OK, response);
        RegistryAssert.Body(blob.Content, response);
        Assert.Equal(blob.Size, response.ContentLength);
        RegistryAssert.DigestHeaderIfPresent(response, blob.Digest);
    }

    [Theory]
    [InlineData("bytes=500-1499", 500, 1499)]
    [InlineData("bytes=500-", 500, 2047)]
    [InlineData("bytes=-500", 1548, 2047)]
    [InlineData("bytes=2000-5000", 2000, 2047)] // the end is clamped to the blob
    public async Task BlobGet_SatisfiableRange_Returns206WithThatSlice(string range, int first, int last)
    {
        var repository = NewRepository("range");
        var blob = new TestBlob(OciMediaTypes.OctetStream, TestBytes.Create("pull/range", 2048));
        await Registry.PushBlobAsync(repository, blob);

        var response = await Registry.GetBlobAsync(repository, blob.Digest, range);

        RegistryAssert.Status(HttpStatusCode.PartialContent, response);
        RegistryAssert.Body(blob.Content.AsMemory(first, last - first + 1), response);
        Assert.Equal(last - first + 1, response.ContentLength);
        Assert.Contains(response.Header("Content-Range"), new[] { $"bytes {first}-{last}/{blob.Size}", $"bytes {first}-{last}/*" });
    }

    [Fact]
    public async Task ManifestGet_MissingTag_Returns404ManifestUnknown()
    {
        var repository = NewRepository("pull");
        await PushBystanderAsync(repository);

        var response = await Registry.GetManifestAsync(repository, "missing-tag");

        RegistryAssert.Error(response, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Fact]
    public async Task ManifestGet_MissingDigest_Returns404ManifestUnknown()
    {
        var repository = NewRepository("pull");
        await PushBystanderAsync(repository);

        var response = await Registry.GetManifestAsync(repository, OciDigest.Missing("manifest"));

        RegistryAssert.Error(response, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Fact]
    public async Task ManifestHead_Missing_Returns404()
    {
        var repository = NewRepository("pull");
        await PushBystanderAsync(repository);

        var byTag = await Registry.HeadManifestAsync(repository, "missing-tag");
        var byDigest = await Registry.HeadManifestAsync(repository, OciDigest.Missing("manifest-head"));

        RegistryAssert.Status(HttpStatusCode.NotFound, byTag, "by tag");
        RegistryAssert.Status(HttpStatusCode.NotFound, byDigest, "by digest");
    }

    [Fact]
    public async Task ManifestGet_UnknownRepository_Returns404()
    {
        var response = await Registry.GetManifestAsync(NewRepository("never-pushed"), "latest");

        RegistryAssert.Status(HttpStatusCode.NotFound, response);
        RegistryAssert.Envelope(response);
    }

    [Fact]
    public async Task ManifestGet_ByTagAndDigest_ReturnsStoredBytesWithTypeLengthAndDigest()
    {
        var repository = NewRepository("pull");
        var image = await PushBystanderAsync(repository);
        var manifest = image.Root;

        foreach (var reference in new[] { "image", manifest.Digest })
        {
            var response = await Registry.GetManifestAsync(repository, reference);

            RegistryAssert.Status(HttpStatusCode.OK, response, reference);
            RegistryAssert.Body(manifest.Content, response, reference);
            Assert.Equal(OciMediaTypes.ImageManifest, response.ContentType);
            Assert.Equal(manifest.Size, response.ContentLength);
            RegistryAssert.DigestHeaderIfPresent(response, manifest.Digest);
        }
    }

    [Fact]
    public async Task ManifestHead_ByTagAndDigest_Returns200WithTypeLengthAndNoBody()
    {
        var repository = NewRepository("pull");
        var image = await PushBystanderAsync(repository);
        var manifest = image.Root;

        foreach (var reference in new[] { "image", manifest.Digest })
        {
            var response = await Registry.HeadManifestAsync(repository, reference);

            RegistryAssert.Status(HttpStatusCode.OK, response, reference);
            Assert.Empty(response.Body);
            Assert.Equal(OciMediaTypes.ImageManifest, response.ContentType);
            Assert.Equal(manifest.Size, response.ContentLength);
            RegistryAssert.DigestHeaderIfPresent(response, manifest.Digest);
        }
    }
}
