using System.Net;
using System.Text;

namespace Wharf.Server.Tests.Registry.Conformance;

// Error codes and the error envelope (upstream 07_error_codes and the manifest error cases), plus manifests a
// registry must refuse: missing blobs, wrong media types, bad digests, oversized bodies.
public abstract partial class RegistryConformanceTests
{
    [Fact]
    public async Task ManifestPut_GarbageUnderMalformedDigest_Returns400WithOciErrorBody()
    {
        var repository = NewRepository("errors");

        var put = await Registry.PutManifestAsync(repository, "sha256:totallywrong", "blablabla"u8.ToArray(), OciMediaTypes.ImageManifest);

        RegistryAssert.Status(HttpStatusCode.BadRequest, put);
        RegistryAssert.Envelope(put);
    }

    [Fact]
    public async Task ManifestPut_NotJson_Returns400ManifestInvalidAndStoresNothing()
    {
        var repository = NewRepository("errors");
        await PushBystanderAsync(repository);

        var put = await Registry.PutManifestAsync(repository, "garbage", "{ this is not json"u8.ToArray(), OciMediaTypes.ImageManifest);

        RegistryAssert.Error(put, HttpStatusCode.BadRequest, "MANIFEST_INVALID");
        RegistryAssert.Status(HttpStatusCode.NotFound, await Registry.HeadManifestAsync(repository, "garbage"), "tag after refusal");
    }

    [Fact]
    public async Task ManifestPut_DigestReferenceDoesNotMatchBody_Returns400DigestInvalid()
    {
        // The upstream "bad digest image": the bytes gained whitespace after the digest was taken.
        var repository = NewRepository("errors");
        var image = TestImages.Create("image");
        foreach (var blob in image.Blobs)
        {
            await Registry.PushBlobAsync(repository, blob);
        }

        byte[] altered = [.. image.Root.Content, .. "  "u8];
        var put = await Registry.PutManifestAsync(repository, image.Root.Digest, altered, OciMediaTypes.ImageManifest);

        RegistryAssert.Error(put, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        RegistryAssert.Status(HttpStatusCode.NotFound, await Registry.HeadManifestAsync(repository, image.Root.Digest), "claimed digest");
        RegistryAssert.Status(HttpStatusCode.NotFound, await Registry.HeadManifestAsync(repository, OciDigest.Compute(altered)), "digest of the bytes sent");
    }

    public static TheoryData<string> MissingParts => ["config", "layer", "index-child"];

    [Theory]
    [MemberData(nameof(MissingParts))]
    public async Task ManifestPut_ReferencesMissingContent_Returns400ManifestBlobUnknown(string missing)
    {
        // The upstream "sparse" data. Wharf refuses dangling references (see SECURITY-RELIABILITY: a manifest
        // referring to a swept blob is refused, not accepted dangling); distribution 2.8 agrees.
        var repository = NewRepository("sparse");
        var image = missing == "index-child" ? TestImages.Create("index") : TestImages.Create("image");
        var skipped = missing switch
        {
            "config" => image.Blobs.Single(b => b.MediaType == OciMediaTypes.ImageConfig).Digest,
            "layer" => image.Blobs.First(b => b.MediaType == OciMediaTypes.LayerGzip).Digest,
            _ => image.Manifests[0].Digest,
        };
        foreach (var blob in image.Blobs.Where(b => b.Digest != skipped))
        {
            await Registry.PushBlobAsync(repository, blob);
        }

        foreach (var manifest in image.Manifests.Where(m => m != image.Root && m.Digest != skipped))
        {
            await Registry.PushManifestAsync(repository, manifest.Digest, manifest);
        }

        var put = await Registry.PutManifestAsync(repository, "sparse", image.Root);

        RegistryAssert.Error(put, HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
        RegistryAssert.Status(HttpStatusCode.NotFound, await Registry.HeadManifestAsync(repository, "sparse"), "tag after refusal");
    }

    public static TheoryData<string> WrongManifestTypes => [OciMediaTypes.ImageIndex, OciMediaTypes.DockerManifest, "text/plain"];

    [Theory]
    [MemberData(nameof(WrongManifestTypes))]
    public async Task ManifestPut_ContentTypeDisagreesWithMediaType_Returns400ManifestInvalid(string contentType)
    {
        var repository = NewRepository("media-type");
        var image = TestImages.Create("image");
        foreach (var blob in image.Blobs)
        {
            await Registry.PushBlobAsync(repository, blob);
        }

        var put = await Registry.PutManifestAsync(repository, "mislabelled", image.Root.Content, contentType);

        RegistryAssert.Error(put, HttpStatusCode.BadRequest, "MANIFEST_INVALID");
        RegistryAssert.Status(HttpStatusCode.NotFound, await Registry.HeadManifestAsync(repository, "mislabelled"), "tag after refusal");
    }

    [Fact]
    public async Task ManifestPut_OverFourMiB_IsRefusedAndStoresNothing()
    {
        // 413 is what the spec asks for (checked in Oci11ConformanceTests); distribution 2.8 answers 400.
        var repository = NewRepository("too-large");
        var bystander = await PushBystanderAsync(repository);
        var config = bystander.Blobs.Single(b => b.MediaType == OciMediaTypes.ImageConfig);
        var oversized = Encoding.UTF8.GetBytes(
            $$$"""{"schemaVersion":2,"mediaType":"{{{OciMediaTypes.ImageManifest}}}","config":{"mediaType":"{{{config.MediaType}}}","digest":"{{{config.Digest}}}","size":{{{config.Size}}}},"layers":[],"annotations":{"padding":"{{{new string('x', (4 * 1024 * 1024) + 1024)}}}"}}""");

        var put = await Registry.PutManifestAsync(repository, "huge", oversized, OciMediaTypes.ImageManifest);

        RegistryAssert.StatusIn(put, "oversized manifest", HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge);
        RegistryAssert.Status(HttpStatusCode.NotFound, await Registry.HeadManifestAsync(repository, "huge"), "tag after refusal");
        await AssertImageIntactAsync(repository, bystander);
    }
}
