using System.Net;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>
/// Runs the conformance checks against CNCF distribution 2.8, the reference registry, to prove the checks themselves.
/// It inherits only <see cref="RegistryConformanceTests"/>: 2.8 predates OCI 1.1, so <see cref="Oci11ConformanceTests"/>
/// is not inherited rather than skipped. The facts below pin the 2.8 behaviours behind that choice; when one fails,
/// the installed distribution has grown the feature and this class should inherit the next layer instead.
/// </summary>
[Trait("Category", "Conformance")]
public sealed class DistributionConformanceTests(DistributionRegistryFixture registry)
    : RegistryConformanceTests(registry.Client), IClassFixture<DistributionRegistryFixture>
{
    [Fact]
    public async Task Referrers_Distribution28_HasNoReferrersApi()
    {
        var repository = NewRepository("anchor");
        var image = await PushBystanderAsync(repository);

        var response = await Registry.ListReferrersAsync(repository, image.Root.Digest);

        RegistryAssert.Status(HttpStatusCode.NotFound, response);
        Assert.Null(response.Errors());
    }

    [Fact]
    public async Task ManifestPut_WithSubject_Distribution28_SendsNoOciSubject()
    {
        var repository = NewRepository("anchor");
        var image = TestImages.Create("artifacts-with-subject");
        await Registry.PushImageAsync(repository, image);

        var put = await Registry.PutManifestAsync(repository, "again", image.Tags["tagged-artifact1"]);

        RegistryAssert.Status(HttpStatusCode.Created, put);
        Assert.Null(put.Header("OCI-Subject"));
    }

    [Fact]
    public async Task UploadChunked_OutOfOrderChunk_Distribution28_AcceptsIt()
    {
        var repository = NewRepository("anchor");
        var location = await Registry.StartUploadAsync(repository);

        var patch = await Registry.PatchChunkAsync(location, TestBytes.Create("anchor/chunk", 100), "100-199");

        RegistryAssert.Status(HttpStatusCode.Accepted, patch);
    }

    [Fact]
    public async Task TagsList_N_Distribution28_IgnoresPagination()
    {
        var repository = NewRepository("anchor");
        var image = await PushBystanderAsync(repository);
        await Registry.PushManifestAsync(repository, "second", image.Root);

        var response = await Registry.ListTagsAsync(repository, "n=1");

        Assert.Equal(2, response.Json<TagListDocument>().Tags!.Count);
        Assert.Null(response.Header("Link"));
    }

    [Fact]
    public async Task ManifestPut_OverFourMiB_Distribution28_Answers400Not413()
    {
        var repository = NewRepository("anchor");
        var oversized = new byte[(4 * 1024 * 1024) + 1024];
        Array.Fill(oversized, (byte)' ');

        var put = await Registry.PutManifestAsync(repository, "huge", oversized, OciMediaTypes.ImageManifest);

        RegistryAssert.Error(put, HttpStatusCode.BadRequest, "MANIFEST_INVALID");
    }

    [Fact]
    public async Task ManifestPut_Sha512Digest_Distribution28_RefusesIt()
    {
        var repository = NewRepository("anchor");
        var image = TestImages.Create("sha512-image");
        foreach (var blob in image.Blobs)
        {
            await Registry.PushBlobAsync(repository, blob);
        }

        var put = await Registry.PutManifestAsync(repository, image.Root.Digest, image.Root);

        RegistryAssert.Error(put, HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }
}
