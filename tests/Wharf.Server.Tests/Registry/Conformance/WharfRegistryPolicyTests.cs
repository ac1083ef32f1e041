using System.Net;

namespace Wharf.Server.Tests.Registry.Conformance;

/// <summary>
/// Wharf's own answers where the spec leaves a choice or says nothing, and where SECURITY-RELIABILITY.md asks for more
/// than conformance: every bad input gets a clear 4xx in the OCI error envelope, names need a project segment,
/// pagination values are checked, optional features (single-POST upload, tag deletion) are on. Only Wharf inherits it.
/// </summary>
public abstract class WharfRegistryPolicyTests(HttpClient http) : Oci11ConformanceTests(http)
{
    [Theory]
    [InlineData("n=-1")]
    [InlineData("n=abc")]
    [InlineData("n=1.5")]
    public async Task TagsList_InvalidN_Returns400WithErrorBody(string query)
    {
        var repository = NewRepository("policy");
        await PushBystanderAsync(repository);

        var response = await Registry.ListTagsAsync(repository, query);

        RegistryAssert.Status(HttpStatusCode.BadRequest, response);
        RegistryAssert.Envelope(response);
    }

    [Theory]
    [InlineData("n=-1")]
    [InlineData("n=abc")]
    public async Task Catalog_InvalidN_Returns400WithErrorBody(string query)
    {
        var response = await Registry.GetAsync("/v2/_catalog?" + query);

        RegistryAssert.Status(HttpStatusCode.BadRequest, response);
        RegistryAssert.Envelope(response);
    }

    [Fact]
    public async Task Catalog_HugeN_Returns200CappedPage()
    {
        // Wharf caps page sizes instead of refusing them; a capped page must then carry a Link to the rest.
        var repository = NewRepository("policy");
        await PushBystanderAsync(repository);

        var response = await Registry.GetAsync("/v2/_catalog?n=10000000");

        RegistryAssert.Status(HttpStatusCode.OK, response);
        var repositories = response.Json<CatalogDocument>().Repositories ?? [];
        Assert.True(repositories.Contains(repository) || NextLink(response) is not null, $"neither listed nor linked: {response}");
    }

    [Fact]
    public async Task UploadMonolithic_SinglePostWithDigest_Returns201()
    {
        var repository = NewRepository("policy");
        var blob = new TestBlob(OciMediaTypes.OctetStream, TestBytes.Create("policy/post-only", 900));

        var post = await Registry.PostUploadAsync(repository, "digest=" + Uri.EscapeDataString(blob.Digest), blob.Content);

        RegistryAssert.Status(HttpStatusCode.Created, post);
        RegistryAssert.Header(blob.Digest, post, "Docker-Content-Digest");
        await AssertLocationServesAsync(post, blob.Content);
    }

    [Fact]
    public async Task UploadMonolithic_SinglePostWithWrongDigest_Returns400DigestInvalid()
    {
        var repository = NewRepository("policy");
        var claimed = OciDigest.Compute(TestBytes.Create("policy/claimed", 900));
        var sent = TestBytes.Create("policy/sent", 900);

        var post = await Registry.PostUploadAsync(repository, "digest=" + Uri.EscapeDataString(claimed), sent);

        RegistryAssert.Error(post, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        RegistryAssert.Status(HttpStatusCode.NotFound, await Registry.HeadBlobAsync(repository, claimed), "claimed digest");
    }

    [Fact]
    public async Task UploadStatus_FreshSession_ReportsRange0To0()
    {
        // The spec has no form for "nothing received yet"; Wharf says 0-0 as distribution does, because the upstream
        // suite and existing clients parse 0-<n>. Clients resume from their own byte count on an empty session.
        var repository = NewRepository("policy");
        var location = await Registry.StartUploadAsync(repository);

        var status = await Registry.SendAsync(HttpMethod.Get, location);

        RegistryAssert.Status(HttpStatusCode.NoContent, status);
        RegistryAssert.Header("0-0", status, "Range");
    }

    [Fact]
    public async Task ManifestDelete_ByTag_Returns202AndKeepsTheManifest()
    {
        var repository = NewRepository("policy");
        var image = await PushBystanderAsync(repository);
        await Registry.PushManifestAsync(repository, "second", image.Root);

        var delete = await Registry.DeleteManifestAsync(repository, "image");

        RegistryAssert.Status(HttpStatusCode.Accepted, delete);
        RegistryAssert.Error(await Registry.GetManifestAsync(repository, "image"), HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        RegistryAssert.Body(image.Root.Content, await Registry.GetManifestAsync(repository, "second"), "other tag");
        RegistryAssert.Body(image.Root.Content, await Registry.GetManifestAsync(repository, image.Root.Digest), "by digest");
        Assert.Equal(["second"], (await Registry.ListTagsAsync(repository)).Json<TagListDocument>().Tags);
    }

    [Fact]
    public async Task DockerContentDigest_OnEveryBlobAndManifestAnswer_IsTheDigest()
    {
        var repository = NewRepository("policy");
        var image = TestImages.Create("image");
        var blob = image.Blobs[0];
        foreach (var b in image.Blobs)
        {
            await Registry.PushBlobAsync(repository, b);
        }

        var put = await Registry.PutManifestAsync(repository, "image", image.Root);
        RegistryAssert.Status(HttpStatusCode.Created, put);

        RegistryAssert.Header(image.Root.Digest, put, "Docker-Content-Digest", "manifest PUT");
        RegistryAssert.Header(image.Root.Digest, await Registry.GetManifestAsync(repository, "image"), "Docker-Content-Digest", "manifest GET");
        RegistryAssert.Header(image.Root.Digest, await Registry.HeadManifestAsync(repository, "image"), "Docker-Content-Digest", "manifest HEAD");
        RegistryAssert.Header(blob.Digest, await Registry.GetBlobAsync(repository, blob.Digest), "Docker-Content-Digest", "blob GET");
        RegistryAssert.Header(blob.Digest, await Registry.HeadBlobAsync(repository, blob.Digest), "Docker-Content-Digest", "blob HEAD");
    }

    [Fact]
    public async Task Sha512Content_IsAnsweredUnderItsSha512Digest()
    {
        var repository = NewRepository("policy");
        var image = TestImages.Create("sha512-image");
        await Registry.PushImageAsync(repository, image);

        RegistryAssert.Header(image.Root.Digest, await Registry.HeadManifestAsync(repository, image.Root.Digest), "Docker-Content-Digest", "manifest");
        RegistryAssert.Header(image.Blobs[0].Digest, await Registry.HeadBlobAsync(repository, image.Blobs[0].Digest), "Docker-Content-Digest", "blob");
    }

    [Fact]
    public async Task ManifestGet_WithoutAccept_ReturnsTheStoredManifest()
    {
        // Wharf never converts manifests, so Accept cannot change the answer (distribution 2.8 answers 404 here).
        var repository = NewRepository("policy");
        var image = await PushBystanderAsync(repository);

        var response = await Registry.SendAsync(HttpMethod.Get, $"/v2/{repository}/manifests/image");

        RegistryAssert.Status(HttpStatusCode.OK, response);
        RegistryAssert.Body(image.Root.Content, response);
        Assert.Equal(OciMediaTypes.ImageManifest, response.ContentType);
    }

    [Fact]
    public async Task Name_WithoutProjectSegment_Returns400NameInvalid()
    {
        var response = await Registry.PostUploadAsync("no-project-" + Guid.NewGuid().ToString("N"));

        RegistryAssert.Error(response, HttpStatusCode.BadRequest, "NAME_INVALID");
    }

    [Theory]
    [MemberData(nameof(MalformedNames))]
    public async Task Name_Malformed_Returns400NameInvalid(string name)
    {
        var response = await Registry.SendAsync(HttpMethod.Post, Registry.Raw($"/v2/{name}/blobs/uploads/"), new ByteArrayContent([]));

        RegistryAssert.Error(response, HttpStatusCode.BadRequest, "NAME_INVALID");
    }

    [Fact]
    public async Task Name_Longer255_Returns400NameInvalid()
    {
        // Distribution 2.8 answers 500 here.
        var response = await Registry.PostUploadAsync("conf/" + new string('a', 300));

        RegistryAssert.Error(response, HttpStatusCode.BadRequest, "NAME_INVALID");
    }

    [Theory]
    [MemberData(nameof(TraversalSegments))]
    public async Task Name_Traversal_Returns400NameInvalid(string dots)
    {
        var target = NewRepository("escape");

        var response = await Registry.SendAsync(HttpMethod.Post, Registry.Raw($"/v2/conf/elsewhere/{dots}{target["conf/".Length..]}/blobs/uploads/"), new ByteArrayContent([]));

        RegistryAssert.Error(response, HttpStatusCode.BadRequest, "NAME_INVALID");
    }

    [Theory]
    [MemberData(nameof(MalformedDigests))]
    public async Task Digest_MalformedInBlobRead_Returns400DigestInvalid(string digest)
    {
        var repository = NewRepository("policy");
        await PushBystanderAsync(repository);

        var response = await Registry.SendAsync(HttpMethod.Get, Registry.Raw($"/v2/{repository}/blobs/{digest}"));

        RegistryAssert.Error(response, HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Theory]
    [MemberData(nameof(MalformedDigests))]
    public async Task Digest_MalformedAsManifestReference_IsNotFoundOrInvalid(string reference)
    {
        // A reference with a colon can only be a digest, so a malformed one is 400 DIGEST_INVALID (distribution 2.8
        // answers 500); one without a colon is a syntactically valid tag that does not exist.
        var repository = NewRepository("policy");
        await PushBystanderAsync(repository);

        var response = await Registry.GetManifestAsync(repository, reference);

        if (reference.Contains(':', StringComparison.Ordinal))
        {
            RegistryAssert.Error(response, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        }
        else
        {
            RegistryAssert.Error(response, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        }
    }

    [Theory]
    [InlineData("mount=sha256:nope&from=conf/elsewhere")]
    [InlineData("mount=sha256:0000000000000000000000000000000000000000000000000000000000000000&from=Not/A..Name")]
    public async Task Mount_MalformedArguments_FallsBackTo202UploadSession(string query)
    {
        // The spec's words for a mount with invalid repository or digest arguments: fall back to a plain upload.
        var repository = NewRepository("policy");

        var response = await Registry.PostUploadAsync(repository, query);

        RegistryAssert.Status(HttpStatusCode.Accepted, response);
        Assert.StartsWith($"/v2/{repository}/blobs/uploads/", Registry.Resolve(response.Location ?? "").AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManifestGet_BytesAlreadyServedElsewhere_StillNeedsTheManifestInThisRepository()
    {
        // Wharf keeps manifest bytes in memory by digest after a first GET; whether a repository may serve them
        // must still come from its own manifests, before and after a delete.
        var holder = NewRepository("policy");
        var other = NewRepository("policy");
        var image = TestImages.Create("image");
        await Registry.PushImageAsync(holder, image);
        await Registry.PushImageAsync(other, TestImages.Create("no-layers"));
        RegistryAssert.Body(image.Root.Content, await Registry.GetManifestAsync(holder, image.Root.Digest), "first GET");

        RegistryAssert.Error(await Registry.GetManifestAsync(other, image.Root.Digest), HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        RegistryAssert.Error(await Registry.GetManifestAsync(NewRepository("policy"), image.Root.Digest), HttpStatusCode.NotFound, "NAME_UNKNOWN");

        RegistryAssert.Status(HttpStatusCode.Accepted, await Registry.DeleteManifestAsync(holder, image.Root.Digest), "delete");
        RegistryAssert.Error(await Registry.GetManifestAsync(holder, image.Root.Digest), HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        foreach (var (tag, _) in image.Tags)
        {
            RegistryAssert.Error(await Registry.GetManifestAsync(holder, tag), HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        }

        await Registry.PushManifestAsync(holder, "again", image.Root);
        RegistryAssert.Body(image.Root.Content, await Registry.GetManifestAsync(holder, "again"), "re-pushed");
    }

    [Fact]
    public async Task BlobGet_LinkedElsewhereOnly_Returns404BlobUnknown()
    {
        var holder = NewRepository("policy");
        var other = NewRepository("policy");
        var image = await PushBystanderAsync(holder);
        await Registry.PushBlobAsync(other, new TestBlob(OciMediaTypes.OctetStream, TestBytes.Create("policy/other-blob", 64)));

        RegistryAssert.Error(await Registry.GetBlobAsync(other, image.Blobs[0].Digest), HttpStatusCode.NotFound, "BLOB_UNKNOWN");
        RegistryAssert.Error(await Registry.GetBlobAsync(NewRepository("policy"), image.Blobs[0].Digest), HttpStatusCode.NotFound, "NAME_UNKNOWN");
        RegistryAssert.Body(image.Blobs[0].Content, await Registry.GetBlobAsync(holder, image.Blobs[0].Digest), "holder");
    }

    [Fact]
    public async Task UnknownRouteUnderV2_Returns404WithErrorBody()
    {
        var response = await Registry.GetAsync($"/v2/{NewRepository("policy")}/not-a-resource/x");

        RegistryAssert.Status(HttpStatusCode.NotFound, response);
        RegistryAssert.Envelope(response);
    }
}
