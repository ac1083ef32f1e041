using System.Net;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>
/// Checks that OCI distribution-spec 1.1 and the upstream conformance suite require and CNCF distribution 2.8 predates:
/// chunk ordering (416), tag pagination, sha512 content, 413 for oversized manifests, unsatisfiable ranges, the
/// referrers API and <c>OCI-Subject</c>. Only registries that implement 1.1 inherit this class;
/// <see cref="DistributionConformanceTests"/> pins the 2.8 behaviour that keeps it out.
/// </summary>
public abstract partial class Oci11ConformanceTests(HttpClient http) : RegistryConformanceTests(http)
{
    [Theory]
    [MemberData(nameof(TestImages.Oci11Kinds), MemberType = typeof(TestImages))]
    public Task DataKindOci11_PushListHeadPullDelete_RoundTrips(string kind) => AssertRoundTripAsync(TestImages.Create(kind));

    [Fact]
    public async Task ManifestPut_OverFourMiB_Returns413()
    {
        var repository = NewRepository("too-large");
        var config = new TestBlob(OciMediaTypes.EmptyJson, "{}"u8.ToArray());
        await Registry.PushBlobAsync(repository, config);
        var padding = new string('x', (4 * 1024 * 1024) + 1024);
        var oversized = System.Text.Encoding.UTF8.GetBytes(
            $$$"""{"schemaVersion":2,"mediaType":"{{{OciMediaTypes.ImageManifest}}}","config":{"mediaType":"{{{config.MediaType}}}","digest":"{{{config.Digest}}}","size":2},"layers":[],"annotations":{"padding":"{{{padding}}}"}}""");

        var put = await Registry.PutManifestAsync(repository, "huge", oversized, OciMediaTypes.ImageManifest);

        RegistryAssert.Status(HttpStatusCode.RequestEntityTooLarge, put);
        RegistryAssert.Status(HttpStatusCode.NotFound, await Registry.HeadManifestAsync(repository, "huge"), "tag after refusal");
    }

    [Theory]
    [InlineData("bytes=5000-10000")] // starts past the end of a 2048-byte blob
    [InlineData("bytes=500-0")] // ends before it starts
    public async Task BlobGet_UnsatisfiableRange_Returns416(string range)
    {
        var repository = NewRepository("range");
        var blob = new TestBlob(OciMediaTypes.OctetStream, TestBytes.Create("oci11/range", 2048));
        await Registry.PushBlobAsync(repository, blob);

        var response = await Registry.GetBlobAsync(repository, blob.Digest, range);

        RegistryAssert.Status(HttpStatusCode.RequestedRangeNotSatisfiable, response);
    }
}
