using System.Net;

namespace Wharf.Server.Tests.Registry.Conformance;

// The referrers API and OCI-Subject (upstream 05_referrers and the referrers steps of the data kinds).
public abstract partial class Oci11ConformanceTests
{
    [Fact]
    public async Task Referrers_DigestWithoutReferrers_ReturnsEmptyImageIndex()
    {
        var repository = NewRepository("referrers");
        var image = await PushBystanderAsync(repository);

        foreach (var digest in new[] { image.Root.Digest, OciDigest.Missing("referrers-subject") })
        {
            var response = await Registry.ListReferrersAsync(repository, digest);

            var index = AssertReferrersIndex(response);
            Assert.Empty(index.Manifests ?? []);
        }
    }

    [Fact]
    public async Task ManifestPut_WithSubject_ReturnsOciSubjectHeader()
    {
        var repository = NewRepository("subject");
        var image = TestImages.Create("artifacts-with-subject");
        foreach (var blob in image.Blobs)
        {
            await Registry.PushBlobAsync(repository, blob);
        }

        foreach (var manifest in image.Manifests)
        {
            var put = await Registry.PutManifestAsync(repository, manifest.Digest, manifest);

            RegistryAssert.Status(HttpStatusCode.Created, put);
            if (manifest.SubjectDigest is { } subject)
            {
                RegistryAssert.Header(subject, put, "OCI-Subject");
            }
            else
            {
                Assert.Null(put.Header("OCI-Subject"));
            }
        }
    }

    public static TheoryData<string> KindsWithReferrers => ["artifacts-with-subject", "index-with-subject", "missing-subject"];

    [Theory]
    [MemberData(nameof(KindsWithReferrers))]
    public async Task Referrers_OfASubject_ListEveryReferrerWithTypeSizeAndAnnotations(string kind)
    {
        var repository = NewRepository("referrers");
        var image = TestImages.Create(kind);
        await Registry.PushImageAsync(repository, image);

        foreach (var group in image.Manifests.Where(m => m.SubjectDigest is not null).GroupBy(m => m.SubjectDigest!))
        {
            var index = AssertReferrersIndex(await Registry.ListReferrersAsync(repository, group.Key));

            Assert.Equal(group.Select(m => m.Digest).Order(StringComparer.Ordinal), index.Manifests!.Select(d => d.Digest).Order(StringComparer.Ordinal));
            foreach (var referrer in group)
            {
                AssertDescribes(referrer, index.Manifests!.Single(d => d.Digest == referrer.Digest));
            }
        }
    }

    [Fact]
    public async Task Referrers_ConfigMediaTypeStandsInForMissingArtifactType()
    {
        // An image manifest without artifactType is listed under its config media type; an index without one has none.
        var repository = NewRepository("referrers");
        var image = new TestImage("referrer-types");
        var subject = image.AddImage(new TestImageOptions { Tag = "subject" });
        var configTyped = image.AddImage(new TestImageOptions
        {
            Subject = subject,
            ConfigMediaType = OciMediaTypes.ExampleArtifactB,
            ConfigBytes = TestBytes.Create("referrers/config", 100),
            LayerCount = 1,
            LayerMediaType = OciMediaTypes.EmptyJson,
            LayerBytes = "{}"u8.ToArray(),
        });
        var untypedIndex = image.AddIndex([(subject, ("linux", "amd64"))], new TestImageOptions { Subject = subject, Annotations = TestImages.Note("index") });
        await Registry.PushImageAsync(repository, image);

        var index = AssertReferrersIndex(await Registry.ListReferrersAsync(repository, subject.Digest));

        Assert.Equal(OciMediaTypes.ExampleArtifactB, index.Manifests!.Single(d => d.Digest == configTyped.Digest).ArtifactType);
        Assert.Null(index.Manifests!.Single(d => d.Digest == untypedIndex.Digest).ArtifactType);
        AssertDescribes(untypedIndex, index.Manifests!.Single(d => d.Digest == untypedIndex.Digest));
    }

    [Fact]
    public async Task Referrers_ArtifactTypeFilter_ReturnsOnlyThatTypeAndSaysSo()
    {
        var repository = NewRepository("referrers");
        var image = TestImages.Create("artifacts-with-subject");
        await Registry.PushImageAsync(repository, image);
        var subject = image.Tags["image"].Digest;

        var response = await Registry.ListReferrersAsync(repository, subject, OciMediaTypes.ExampleArtifactA);

        var index = AssertReferrersIndex(response);
        Assert.Contains("artifactType", (response.Header("OCI-Filters-Applied") ?? "").Split(',', StringSplitOptions.TrimEntries));
        var expected = image.Manifests.Single(m => m.ReferrerArtifactType == OciMediaTypes.ExampleArtifactA && m.SubjectDigest == subject);
        var listed = Assert.Single(index.Manifests!);
        AssertDescribes(expected, listed);
    }

    [Fact]
    public async Task Referrers_AfterTheReferrerIsDeleted_ItIsNoLongerListed()
    {
        var repository = NewRepository("referrers");
        var image = TestImages.Create("artifacts-with-subject");
        await Registry.PushImageAsync(repository, image);
        var subject = image.Tags["image"].Digest;
        var removed = image.Tags["tagged-artifact1"];

        RegistryAssert.Status(HttpStatusCode.Accepted, await Registry.DeleteManifestAsync(repository, removed.Digest), "delete referrer");

        var index = AssertReferrersIndex(await Registry.ListReferrersAsync(repository, subject));
        Assert.DoesNotContain(index.Manifests!, d => d.Digest == removed.Digest);
        Assert.Equal(image.Manifests.Count(m => m.SubjectDigest == subject) - 1, index.Manifests!.Count);
    }

    [Fact]
    public async Task Referrers_InAnotherRepository_AreNotListed()
    {
        var repository = NewRepository("referrers");
        var elsewhere = NewRepository("referrers");
        var image = TestImages.Create("artifacts-with-subject");
        await Registry.PushImageAsync(repository, image);
        await PushBystanderAsync(elsewhere);

        var index = AssertReferrersIndex(await Registry.ListReferrersAsync(elsewhere, image.Tags["image"].Digest));

        Assert.Empty(index.Manifests ?? []);
    }

    [Fact]
    public async Task Referrers_MalformedDigest_Returns400()
    {
        var repository = NewRepository("referrers");
        await PushBystanderAsync(repository);

        var response = await Registry.ListReferrersAsync(repository, "sha256:not-a-digest");

        RegistryAssert.Status(HttpStatusCode.BadRequest, response);
        RegistryAssert.Envelope(response);
    }

    private static OciIndexDocument AssertReferrersIndex(RegistryResponse response)
    {
        RegistryAssert.Status(HttpStatusCode.OK, response, "referrers");
        Assert.Equal(OciMediaTypes.ImageIndex, response.ContentType);
        var index = response.Json<OciIndexDocument>();
        Assert.Equal(2, index.SchemaVersion);
        Assert.Equal(OciMediaTypes.ImageIndex, index.MediaType);
        Assert.NotNull(index.Manifests);
        return index;
    }

    private static void AssertDescribes(TestManifest expected, OciDescriptorDocument listed)
    {
        Assert.Equal(expected.Digest, listed.Digest);
        Assert.Equal(expected.MediaType, listed.MediaType);
        Assert.Equal(expected.Size, listed.Size);
        Assert.Equal(expected.ReferrerArtifactType, listed.ArtifactType);
        foreach (var (key, value) in expected.Annotations)
        {
            Assert.True(listed.Annotations?.GetValueOrDefault(key) == value, $"annotation {key} should be copied into the descriptor of {expected.Digest}");
        }
    }
}
